import Alert from 'antd/es/alert';
import Tag from 'antd/es/tag';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Ticket } from '../../api';

const LazyMergeDialog = lazy(() => import('./MergeDialog'));

/** Where a merged ticket went (合并工单), or the duplicates merged into this one. */
export function MergeLinks({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const from = ticket.merged_from ?? [];
  return (
    <>
      {ticket.merged_into ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="merged-into"
          title={
            <Link to={`/console/tickets/${encodeURIComponent(ticket.merged_into.id)}`}>
              {t('collab.mergedInto', { number: ticket.merged_into.number })}
            </Link>
          }
        />
      ) : null}
      {from.length > 0 ? (
        <div style={{ marginBottom: 12 }} data-testid="merged-from">
          {from.map((m) => (
            <Tag key={m.id} color="cyan">
              <Link to={`/console/tickets/${encodeURIComponent(m.id)}`}>{t('collab.mergedFrom', { number: m.number })}</Link>
            </Tag>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** The merge dialog, loaded when first opened. */
export function MergeDialog(props: { ticket: Ticket; onClose: () => void; onMerged: (source: Ticket, target: Ticket) => void }) {
  return (
    <Suspense fallback={null}>
      <LazyMergeDialog open {...props} />
    </Suspense>
  );
}
