// 风险工单 (supervisors): open tickets past the SLA warning share (view=at_risk) or past a target (view=breached).
import Alert from 'antd/es/alert';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { Muted } from '../shared/ui';
import { QueueFooter, TicketTable, useTicketPages } from './QueuePage';

export const RISK_VIEWS = ['at_risk', 'breached'] as const;
export type RiskView = (typeof RISK_VIEWS)[number];

export default function RiskPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const view = (params.view ?? 'at_risk') as RiskView;
  const valid = (RISK_VIEWS as readonly string[]).includes(view);
  const { query, tickets, openAt } = useTicketPages({ view }, { enabled: valid, refetchInterval: 60_000 });
  if (!valid) return <Navigate to="/console/risk/at_risk" replace />;

  return (
    <div data-testid="risk-page" data-view={view}>
      <div role="tablist" className="hd-tabs" aria-label={t('risk.title')}>
        {RISK_VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={v === view}
            data-testid={`risk-tab-${v}`}
            className={v === view ? 'hd-tab hd-tab-active' : 'hd-tab'}
            onClick={() => navigate(`/console/risk/${v}`)}
          >
            {t(`risk.views.${v}`)}
          </button>
        ))}
      </div>
      <div style={{ margin: '8px 0 12px' }}>
        <Muted>{t(`risk.hints.${view}`)}</Muted>
      </div>
      {query.isError ? (
        <Alert type="error" showIcon title={query.error.message} style={{ marginBottom: 12 }} data-testid="risk-error" />
      ) : null}
      <TicketTable
        tickets={tickets}
        query={query}
        testId="risk-table"
        emptyTestId="risk-empty"
        emptyText={t(`risk.empty.${view}`)}
        onOpen={openAt}
      />
      <QueueFooter count={tickets.length} countTestId="risk-count" query={query} />
    </div>
  );
}
