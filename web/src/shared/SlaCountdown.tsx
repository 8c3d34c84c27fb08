import { useTranslation } from 'react-i18next';
import type { TicketSla } from '../api/types';
import { formatDuration, formatTime } from './format';
import { useNow } from './useNow';

export const SLA_OVERDUE_COLOR = '#cf1322';
export const SLA_PAUSED_COLOR = '#8c8c8c';
export const SLA_OK_COLOR = '#389e0d';
const SLA_SOON_COLOR = '#d46b08';

export type SlaState = 'running' | 'overdue' | 'paused' | 'done' | 'none';

export function slaState(dueAt: string | null, doneAt: string | null, paused: boolean, now: number): SlaState {
  if (doneAt) return 'done';
  if (!dueAt) return 'none';
  if (paused) return 'paused';
  return Date.parse(dueAt) < now ? 'overdue' : 'running';
}

/**
 * One SLA clock as a live countdown: "剩余 1小时5分" / red "已超时 3分10秒" / grey "已暂停" / "已完成于 ...".
 */
export function SlaCountdown({
  dueAt,
  doneAt,
  paused,
  testId,
  compact = false,
}: {
  dueAt: string | null;
  doneAt: string | null;
  paused: boolean;
  testId?: string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  // A queue shows many of these: minute granularity there, seconds in the ticket view.
  const now = useNow(compact ? 30_000 : 1000);
  const state = slaState(dueAt, doneAt, paused, now);

  let text: string;
  let color: string | undefined;
  switch (state) {
    case 'done':
      text = t('sla.done', { at: formatTime(doneAt) });
      color = SLA_OK_COLOR;
      break;
    case 'none':
      text = t('sla.none');
      break;
    case 'paused':
      text = compact ? t('sla.pausedShort') : t('sla.paused');
      color = SLA_PAUSED_COLOR;
      break;
    case 'overdue':
      text = t('sla.overdue', { time: formatDuration(now - Date.parse(dueAt!), t, !compact) });
      color = SLA_OVERDUE_COLOR;
      break;
    default: {
      const left = Date.parse(dueAt!) - now;
      text = t('sla.remaining', { time: formatDuration(left, t, !compact) });
      color = left < 3600_000 ? SLA_SOON_COLOR : undefined;
    }
  }
  return (
    <span
      data-testid={testId}
      title={dueAt && state !== 'done' ? t('sla.due', { at: formatTime(dueAt) }) : undefined}
      data-sla-state={state}
      style={{ color, fontWeight: state === 'overdue' ? 600 : undefined, whiteSpace: 'nowrap' }}
    >
      {text}
    </span>
  );
}

/** The clock that matters next: first response until answered, then resolution. */
export function NextSlaCountdown({ sla, testId }: { sla: TicketSla | null; testId?: string }) {
  if (!sla) return <SlaCountdown dueAt={null} doneAt={null} paused={false} compact testId={testId} />;
  if (!sla.first_responded_at && sla.first_response_due_at) {
    return (
      <SlaCountdown dueAt={sla.first_response_due_at} doneAt={null} paused={sla.paused} compact testId={testId} />
    );
  }
  return (
    <SlaCountdown dueAt={sla.resolution_due_at} doneAt={sla.resolved_at} paused={sla.paused} compact testId={testId} />
  );
}
