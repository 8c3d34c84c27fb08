import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useInfiniteQuery } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Spin from 'antd/es/spin';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { listTickets } from '../api';
import { formatTime } from '../shared/format';
import { qk } from '../shared/queries';
import { Muted, Panel } from '../shared/ui';
import { CustomerStatusTag } from './customerStatus';

export default function MyTicketsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const query = useInfiniteQuery({
    queryKey: [...qk.tickets, { view: 'requested' }],
    queryFn: ({ pageParam, signal }) => listTickets({ view: 'requested', limit: 25, cursor: pageParam }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const tickets = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Panel
      title={t('portal.myTickets')}
      extra={
        <Link to="/portal/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="portal-new-ticket">
            {t('portal.newTicketCta')}
          </Button>
        </Link>
      }
      testId="my-tickets"
    >
      {query.isError ? <Alert type="error" showIcon title={query.error.message} /> : null}
      {query.isPending ? (
        <div style={{ textAlign: 'center', padding: 24 }}>
          <Spin />
        </div>
      ) : null}
      {!query.isPending && tickets.length === 0 && !query.isError ? (
        <div style={{ textAlign: 'center', padding: 24 }} data-testid="my-tickets-empty">
          <Muted>{t('portal.empty')}</Muted>
        </div>
      ) : null}
      {tickets.length > 0 ? (
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <thead>
            <tr style={{ textAlign: 'left', color: '#8c8c8c', fontSize: 13 }}>
              <th style={{ padding: 8 }}>{t('portal.columns.number')}</th>
              <th style={{ padding: 8 }}>{t('portal.columns.subject')}</th>
              <th style={{ padding: 8 }}>{t('portal.columns.status')}</th>
              <th style={{ padding: 8 }}>{t('portal.columns.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((tk) => (
              <tr
                key={tk.id}
                data-testid={`ticket-row-${tk.number}`}
                className="hd-queue-row"
                onClick={() => navigate(`/portal/tickets/${encodeURIComponent(tk.id)}`)}
                style={{ borderTop: '1px solid #f0f0f0' }}
              >
                <td style={{ padding: 8, whiteSpace: 'nowrap' }}>
                  <Link to={`/portal/tickets/${encodeURIComponent(tk.id)}`} onClick={(e) => e.stopPropagation()}>
                    {tk.number}
                  </Link>
                </td>
                <td style={{ padding: 8, wordBreak: 'break-word' }}>{tk.subject}</td>
                <td style={{ padding: 8 }}>
                  <CustomerStatusTag status={tk.status} />
                </td>
                <td style={{ padding: 8, whiteSpace: 'nowrap' }}>
                  <Muted>{formatTime(tk.updated_at)}</Muted>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {query.hasNextPage ? (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button data-testid="load-more" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </Panel>
  );
}
