import Alert from 'antd/es/alert';
import Empty from 'antd/es/empty';
import Skeleton from 'antd/es/skeleton';
import Typography from 'antd/es/typography';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Agent, FieldChange, Team, TicketEvent } from '../api';
import { formatTime } from '../shared/format';
import { agentName, teamName, useAgents, useEvents, useTeams } from '../shared/queries';

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** A field's old or new value in words: 处理中, P1 紧急, 张伟, 技术支持组… */
export function formatValue(field: string, v: unknown, t: TFunction, agents?: Agent[], teams?: Team[]): string {
  if (isEmptyValue(v)) return t('common.empty');
  switch (field) {
    case 'status':
      return t(`status.${String(v)}`, { defaultValue: String(v) });
    case 'priority':
      return t(`priority.${String(v)}`, { defaultValue: String(v) });
    case 'channel':
      return t(`channel.${String(v)}`, { defaultValue: String(v) });
    case 'assignee':
      return agentName(agents, String(v)) ?? String(v);
    case 'team':
      return teamName(teams, String(v)) ?? String(v);
    default:
      if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('、');
      if (typeof v === 'object') return JSON.stringify(v);
      return String(v);
  }
}

/** One event as sentences: "张伟 将状态从「待处理」改为「处理中」". */
export function describeEvent(ev: TicketEvent, t: TFunction, agents?: Agent[], teams?: Team[]): string[] {
  const actor = ev.actor ? ev.actor.name || ev.actor.email : t('audit.system');
  if (ev.type === 'ticket.created') return [t('audit.created', { actor })];
  if (ev.type === 'message.added') {
    if (ev.internal) return [t('audit.noted', { actor })];
    return [ev.actor?.role === 'customer' ? t('audit.customerMessage', { actor }) : t('audit.replied', { actor })];
  }
  const changes = (ev.changes ?? []).filter((c) => !HIDDEN.has(c.field));
  if (changes.length === 0) return [t('audit.updated', { actor })];
  return changes.map(
    (c) =>
      routingSentence(c, actor, t, agents) ??
      t('audit.changed', {
      actor,
      field: t(`ticket.fields.${c.field}`, { defaultValue: c.field }),
      old: formatValue(c.field, c.old, t, agents, teams),
      new: formatValue(c.field, c.new, t, agents, teams),
    }),
  );
}

/** Bookkeeping of triggers: who made a write is its actor already. */
const HIDDEN = new Set(['triggers.depth', 'triggers.cause']);

function targetName(v: unknown, t: TFunction): string {
  return String(v ?? '').startsWith('first_response') ? t('sla.firstResponse') : t('sla.resolution');
}

/** Routing and SLA entries (acknowledge, transfer, urge, rules fired, sweep checkpoints) as sentences. */
export function routingSentence(c: FieldChange, actor: string, t: TFunction, agents?: Agent[]): string | null {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join('、') : String(v ?? ''));
  switch (c.field) {
    case 'acknowledged_at':
      return isEmptyValue(c.new) ? null : t('audit.acknowledged', { actor });
    case 'acknowledge_due_at':
      return isEmptyValue(c.new) ? t('audit.ackTimeout') : null;
    case 'transfer_reason':
      return t('audit.transferred', { actor, reason: String(c.new ?? '') });
    case 'urged':
      return isEmptyValue(c.new) ? t('audit.urged', { actor }) : t('audit.urgedNote', { actor, note: String(c.new) });
    case 'delivery': {
      const reason = String((c.new as { reason?: string } | null)?.reason ?? '');
      return t('audit.undelivered', { why: t(`wechat.reason.${reason}`, { defaultValue: reason }) });
    }
    case 'routing.rules':
      return t('audit.rulesFired', { rules: list(c.new) });
    case 'routing.errors':
      return t('audit.rulesErrors', { errors: list(c.new) });
    case 'routing': {
      // `<reason code>: <detail>`: the code says why in the reader's language; the detail is for support staff.
      const text = String(c.new ?? '');
      const code = text.split(':', 1)[0];
      return t('audit.routing', { detail: t(`assignReason.${code}`, { defaultValue: text }) });
    }
    case 'notify':
      return t('audit.notified', { who: list(Array.isArray(c.new) ? c.new.map((e) => agentName(agents, String(e))) : c.new) });
    case 'sla.warning':
      return t('audit.slaWarning', { target: targetName(c.new, t) });
    case 'sla.breach':
      return t('audit.slaBreach', { target: targetName(c.new, t) });
    case 'triggers':
      return t('audit.triggersFired', { rules: list(c.new) });
    case 'triggers.stopped':
      return t('audit.triggersStopped', { rules: list(c.new) });
    case 'triggers.errors':
    case 'automation.errors':
      return t('audit.rulesErrors', { errors: list(c.new) });
    case 'automation':
      return t('audit.automation', { name: String(c.new ?? '') });
    case 'automation.mail':
      return t('audit.automationMail', { mails: list(Array.isArray(c.new) ? c.new.map((m) => t(`automations.mails.${String(m)}`, { defaultValue: String(m) })) : c.new) });
    case 'escalated':
      return isEmptyValue(c.new) ? t('audit.escalated') : t('audit.escalatedNote', { note: String(c.new) });
    case 'review':
      return t(`audit.review.${String(c.new ?? 'left')}`, { actor, defaultValue: String(c.new) });
    case 'review.comment':
      return t('audit.reviewComment', { comment: String(c.new ?? '') });
    case 'mail.automatic':
      return t('audit.automaticMail');
    case 'sla.breach_reason':
      return t('audit.breachReason', { actor, reason: t(`breachReason.${String(c.new)}`, { defaultValue: String(c.new) }) });
    default:
      return null;
  }
}

export function AuditTrail({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const events = useEvents(ticketId);
  const agents = useAgents();
  const teams = useTeams();

  if (events.isPending) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (events.isError) return <Alert type="error" showIcon title={events.error.message} />;
  const items = events.data.items;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} />;
  return (
    <ol data-testid="audit-trail" style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 420, overflowY: 'auto' }}>
      {items.map((ev) => (
        <li
          key={ev.id}
          data-testid={`event-${ev.id}`}
          data-type={ev.type}
          style={{ borderLeft: '2px solid #d9d9d9', padding: '0 0 12px 12px', position: 'relative' }}
        >
          <span
            style={{
              position: 'absolute',
              left: -5,
              top: 6,
              width: 8,
              height: 8,
              borderRadius: 4,
              background: ev.type === 'ticket.updated' ? '#1677ff' : ev.internal ? '#faad14' : '#52c41a',
            }}
          />
          {describeEvent(ev, t, agents.data, teams.data).map((line, i) => (
            <div key={i}>{line}</div>
          ))}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatTime(ev.at)}
          </Typography.Text>
        </li>
      ))}
    </ol>
  );
}
