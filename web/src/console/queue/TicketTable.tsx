// The console's ticket lists: the queue's columns and rows (with a checkbox per row for 批量处理, and the custom fields
// chosen as columns), a spinner while the first page loads, an empty state, and the "load more" footer.
import Button from 'antd/es/button';
import Spin from 'antd/es/spin';
import { memo, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { FieldDefinition, Ticket } from '../../api';
import { fieldLabel, formatValue } from '../../shared/CustomFields';
import { formatTime } from '../../shared/format';
import { PriorityTag, StatusTag } from '../../shared/labels';
import { agentName, teamName, useAgents, useTeams } from '../../shared/queries';
import { NextSlaCountdown } from '../../shared/SlaCountdown';
import { Muted } from '../../shared/ui';

/** A console ticket list: the queue's columns and rows, a spinner while the first page loads, an empty state. */
export function TicketTable({
  tickets,
  query,
  testId,
  emptyTestId,
  emptyText,
  rowTestIdPrefix,
  selected = -1,
  tbodyRef,
  onOpen,
  checked,
  onCheck,
  onCheckAll,
  fieldColumns,
}: {
  tickets: Ticket[];
  query: { isPending: boolean; isError: boolean; fetchStatus: string };
  testId: string;
  emptyTestId: string;
  emptyText: string;
  rowTestIdPrefix?: string;
  selected?: number;
  tbodyRef?: Ref<HTMLTableSectionElement>;
  onOpen: (index: number) => void;
  /** With these, each row has a checkbox (批量处理). */
  checked?: ReadonlySet<string>;
  onCheck?: (id: string) => void;
  onCheckAll?: (all: boolean) => void;
  /** Custom fields shown as columns (chosen in the queue). */
  fieldColumns?: FieldDefinition[];
}) {
  const agents = useAgents();
  const allChecked = !!checked && tickets.length > 0 && tickets.every((tk) => checked.has(tk.id));
  const teams = useTeams();
  return (
    <div className="hd-table-wrap">
      <table className="hd-table" data-testid={testId}>
        <QueueTableHead
          checkAll={onCheckAll ? { checked: allChecked, onChange: onCheckAll } : undefined}
          fieldColumns={fieldColumns}
        />
        <tbody ref={tbodyRef}>
          {tickets.map((r, i) => (
            <QueueRow
              key={r.id}
              ticket={r}
              selected={i === selected}
              assigneeName={agentName(agents.data, r.assignee)}
              teamLabel={teamName(teams.data, r.team)}
              index={i}
              onOpen={onOpen}
              testIdPrefix={rowTestIdPrefix}
              checked={checked ? checked.has(r.id) : undefined}
              onCheck={onCheck}
              fieldColumns={fieldColumns}
            />
          ))}
        </tbody>
      </table>
      {query.isPending && query.fetchStatus !== 'idle' ? (
        <div style={{ padding: 24, textAlign: 'center' }}>
          <Spin />
        </div>
      ) : null}
      {!query.isPending && tickets.length === 0 && !query.isError ? (
        <div style={{ padding: 24, textAlign: 'center' }} data-testid={emptyTestId}>
          <Muted>{emptyText}</Muted>
        </div>
      ) : null}
    </div>
  );
}

/** How many tickets are loaded, and the button for the next page. */
export function QueueFooter({
  count,
  countTestId,
  loadMoreTestId = 'load-more',
  query,
}: {
  count: number;
  countTestId: string;
  loadMoreTestId?: string;
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
}) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginTop: 12 }}>
      <Muted testId={countTestId}>{t('common.loaded', { count })}</Muted>
      {query.hasNextPage ? (
        <Button data-testid={loadMoreTestId} onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      ) : count > 0 ? (
        <Muted>{t('common.noMore')}</Muted>
      ) : null}
    </div>
  );
}

/** The columns of every ticket list in the console (queues, the risk list), matching `QueueRow`. */
export function QueueTableHead({
  checkAll,
  fieldColumns,
}: {
  checkAll?: { checked: boolean; onChange: (all: boolean) => void };
  fieldColumns?: FieldDefinition[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <thead>
      <tr>
        {checkAll ? (
          <th style={{ width: 36 }}>
            <input
              type="checkbox"
              aria-label={t('desk.bulk.selectAll')}
              data-testid="select-all"
              checked={checkAll.checked}
              onChange={(e) => checkAll.onChange(e.target.checked)}
            />
          </th>
        ) : null}
        <th style={{ width: 150 }}>{t('console.columns.number')}</th>
        <th>{t('console.columns.subject')}</th>
        <th style={{ width: 110 }}>{t('console.columns.status')}</th>
        <th style={{ width: 100 }}>{t('console.columns.priority')}</th>
        <th style={{ width: 160 }}>{t('console.columns.requester')}</th>
        <th style={{ width: 120 }}>{t('console.columns.assignee')}</th>
        <th style={{ width: 110 }}>{t('console.columns.team')}</th>
        {(fieldColumns ?? []).map((f) => (
          <th key={f.key} style={{ width: 120 }} data-testid={`column-${f.key}`}>
            {fieldLabel(f, i18n.language)}
          </th>
        ))}
        <th style={{ width: 150 }}>{t('console.columns.sla')}</th>
        <th style={{ width: 140 }}>{t('console.columns.updated')}</th>
      </tr>
    </thead>
  );
}

export const QueueRow = memo(function QueueRow({
  ticket: r,
  index,
  selected,
  assigneeName,
  teamLabel,
  onOpen,
  testIdPrefix = 'ticket-row-',
  checked,
  onCheck,
  fieldColumns,
}: {
  ticket: Ticket;
  index: number;
  selected: boolean;
  assigneeName: string | null;
  teamLabel: string | null;
  onOpen: (index: number) => void;
  /** The row's data-testid is this prefix and the ticket number. */
  testIdPrefix?: string;
  /** Set with `onCheck`: the row's checkbox. */
  checked?: boolean;
  onCheck?: (id: string) => void;
  fieldColumns?: FieldDefinition[];
}) {
  const { t } = useTranslation();
  return (
    <tr
      data-testid={`${testIdPrefix}${r.number}`}
      data-ticket-id={r.id}
      data-selected={selected ? 'true' : 'false'}
      aria-selected={selected}
      className={selected ? 'hd-queue-row hd-queue-row-selected' : 'hd-queue-row'}
      onClick={() => onOpen(index)}
    >
      {onCheck ? (
        <td onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            aria-label={r.number}
            data-testid={`select-${r.number}`}
            checked={!!checked}
            onChange={() => onCheck(r.id)}
          />
        </td>
      ) : null}
      <td>
        <Link to={`/console/tickets/${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()}>
          {r.number}
        </Link>
      </td>
      <td className="hd-ellipsis" title={r.subject}>
        {r.subject}
      </td>
      <td>
        <StatusTag status={r.status} />
      </td>
      <td>
        <PriorityTag priority={r.priority} />
      </td>
      <td className="hd-ellipsis">{r.requester?.name || r.requester?.email}</td>
      <td className="hd-ellipsis">
        {r.assignee ? assigneeName : <Muted>{t('common.unassigned')}</Muted>}
        {r.assignee && r.assigned_at && r.acknowledged_at === null ? (
          <span className="hd-unacked" data-testid={`unacked-${r.number}`} title={t('routing.notAcknowledged')}>
            {t('routing.notAcknowledgedShort')}
          </span>
        ) : null}
      </td>
      <td className="hd-ellipsis">{teamLabel ?? '—'}</td>
      {(fieldColumns ?? []).map((f) => (
        <td key={f.key} className="hd-ellipsis">
          {r.custom_fields?.[f.key] === undefined ? '' : formatValue(r.custom_fields[f.key], t)}
        </td>
      ))}
      <td>
        <NextSlaCountdown sla={r.sla} testId={`sla-${r.number}`} />
      </td>
      <td style={{ whiteSpace: 'nowrap' }}>{formatTime(r.updated_at)}</td>
    </tr>
  );
});
