import { useTranslation } from 'react-i18next';
import type { TicketSla } from '../api/types';
import { formatDuration, formatTime } from './format';
import { useNow } from './useNow';

export const SLA_OVERDUE_COLOR = '#cf1322';
export const SLA_PAUSED_COLOR = '#8c8c8c';
export const SLA_OK_COLOR = '#389e0d';
export const SLA_WARNED_COLOR = '#d46b08';
const SLA_SOON_COLOR = '#d46b08';

/**
 * running: counting down; warned: the server says the warning share is used (预警); overdue: the live clock is past
 * the due time; breached: the server recorded the breach (超时); paused: waiting for the customer; done: stopped
 * (answered or resolved; `met` says 达标 or not); none: no SLA.
 */
export type SlaState = 'running' | 'warned' | 'overdue' | 'breached' | 'paused' | 'done' | 'none';

export interface SlaFlags {
  warned?: boolean;
  breached?: boolean;
  /** 达标 of a stopped clock (null/undefined: not judged). */
  met?: boolean | null;
}

export function slaState(
  dueAt: string | null,
  doneAt: string | null,
  paused: boolean,
  now: number,
  flags: SlaFlags = {},
): SlaState {
  if (doneAt) return 'done';
  if (paused) return 'paused';
  if (flags.breached) return 'breached';
  if (!dueAt) return 'none';
  if (Date.parse(dueAt) < now) return 'overdue';
  return flags.warned ? 'warned' : 'running';
}

/**
 * One SLA clock as a live countdown: "剩余 1小时5分" / orange "预警 剩余 20分" / red "已超时 3分10秒" /
 * grey "已暂停" / "已完成于 ..." (red when the target was missed).
 */
export function SlaCountdown({
  dueAt,
  doneAt,
  paused,
  testId,
  compact = false,
  warned,
  breached,
  met,
}: {
  dueAt: string | null;
  doneAt: string | null;
  paused: boolean;
  testId?: string;
  compact?: boolean;
} & SlaFlags) {
  const { t } = useTranslation();
  // A queue shows many of these: minute granularity there, seconds in the ticket view.
  const now = useNow(compact ? 30_000 : 1000);
  const state = slaState(dueAt, doneAt, paused, now, { warned, breached });

  let text: string;
  let color: string | undefined;
  switch (state) {
    case 'done':
      text = t('sla.done', { at: formatTime(doneAt) });
      if (met === false) text = `${text} · ${t('sla.missed')}`;
      color = met === false ? SLA_OVERDUE_COLOR : SLA_OK_COLOR;
      break;
    case 'none':
      text = t('sla.none');
      break;
    case 'paused':
      text = compact ? t('sla.pausedShort') : t('sla.paused');
      if (breached) text = `${text} · ${t('sla.breachedShort')}`;
      color = breached ? SLA_OVERDUE_COLOR : SLA_PAUSED_COLOR;
      break;
    case 'breached':
      text =
        dueAt && Date.parse(dueAt) < now
          ? t('sla.overdue', { time: formatDuration(now - Date.parse(dueAt), t, !compact) })
          : t('sla.breachedShort');
      color = SLA_OVERDUE_COLOR;
      break;
    case 'overdue':
      text = t('sla.overdue', { time: formatDuration(now - Date.parse(dueAt!), t, !compact) });
      color = SLA_OVERDUE_COLOR;
      break;
    case 'warned':
      text = t('sla.warnedRemaining', { time: formatDuration(Date.parse(dueAt!) - now, t, !compact) });
      color = SLA_WARNED_COLOR;
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
      data-sla-met={met === undefined || met === null ? undefined : met ? 'true' : 'false'}
      style={{
        color,
        fontWeight: state === 'overdue' || state === 'breached' ? 600 : undefined,
        whiteSpace: 'nowrap',
      }}
    >
      {text}
    </span>
  );
}

export function isPaused(sla: TicketSla): boolean {
  return sla.state ? sla.state === 'paused' : sla.paused;
}

/**
 * The ticket-level warned/breached flags applied to one clock: a missed first response (first_response_met false)
 * does not make the resolution clock breached.
 */
export function clockFlags(sla: TicketSla, target: 'first_response' | 'resolution'): SlaFlags {
  if (target === 'first_response') {
    const open = !sla.first_responded_at;
    return {
      warned: open ? sla.warned : undefined,
      breached: open ? sla.breached : undefined,
      met: sla.first_response_met,
    };
  }
  const firstMissed = sla.first_response_met === false;
  return {
    warned: sla.first_responded_at || !sla.first_response_due_at ? sla.warned : undefined,
    breached: sla.breached && (!firstMissed || sla.resolution_met === false) ? true : undefined,
    met: sla.resolution_met,
  };
}

/** The clock that matters next: first response until answered, then resolution. */
export function NextSlaCountdown({ sla, testId }: { sla: TicketSla | null; testId?: string }) {
  if (!sla) return <SlaCountdown dueAt={null} doneAt={null} paused={false} compact testId={testId} />;
  const flags = clockFlags(sla, 'first_response');
  if (!sla.first_responded_at && sla.first_response_due_at) {
    return (
      <SlaCountdown
        dueAt={sla.first_response_due_at}
        doneAt={null}
        paused={isPaused(sla)}
        compact
        testId={testId}
        {...flags}
      />
    );
  }
  return (
    <SlaCountdown
      dueAt={sla.resolution_due_at}
      doneAt={sla.resolved_at}
      paused={isPaused(sla)}
      compact
      testId={testId}
      {...clockFlags(sla, 'resolution')}
    />
  );
}
