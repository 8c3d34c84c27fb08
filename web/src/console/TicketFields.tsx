import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Typography from 'antd/es/typography';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, type Priority, type Ticket, type TicketChanges, type TicketStatus } from '../api';
import { useAgents, useTeams } from '../shared/queries';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ marginBottom: 12 }}>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 4 }}>
        {label}
      </Typography.Text>
      {children}
    </div>
  );
}

/**
 * The editable fields of a ticket. Every change is one PATCH carrying the version that was loaded
 * (the caller passes it to patchTicket); `disabled` while a conflict is unresolved.
 */
export function TicketFields({
  ticket,
  onChange,
  saving,
  disabled,
}: {
  ticket: Ticket;
  onChange: (changes: TicketChanges) => void;
  saving: boolean;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const agents = useAgents();
  const teams = useTeams();
  const [category, setCategory] = useState(ticket.category ?? '');
  useEffect(() => setCategory(ticket.category ?? ''), [ticket.category, ticket.version]);
  const off = disabled || saving;

  // Only the statuses the ticket may move to now (plus where it is).
  const statusOptions = [ticket.status, ...ticket.next_statuses.filter((s) => s !== ticket.status)].map((s) => ({
    value: s,
    label: t(`status.${s}`, { defaultValue: s }),
    'data-testid': `status-option-${s}`,
  }));

  // Agents of the ticket's team first, then everyone else.
  const agentList = [...(agents.data ?? [])].sort((a, b) => {
    const ai = ticket.team && a.teams.includes(ticket.team) ? 0 : 1;
    const bi = ticket.team && b.teams.includes(ticket.team) ? 0 : 1;
    return ai - bi || a.name.localeCompare(b.name);
  });
  const assigneeOptions = agentList.map((a) => ({
    value: a.email,
    label: `${a.name}（${t(`availability.${a.availability}`, { defaultValue: a.availability })}）`,
    'data-testid': `assignee-option-${a.email}`,
  }));
  if (ticket.assignee && !agentList.some((a) => a.email === ticket.assignee)) {
    assigneeOptions.unshift({ value: ticket.assignee, label: ticket.assignee, 'data-testid': `assignee-option-${ticket.assignee}` });
  }
  const teamOptions = (teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `team-option-${tm.id}` }));
  if (ticket.team && !teamOptions.some((o) => o.value === ticket.team)) {
    teamOptions.unshift({ value: ticket.team, label: ticket.team, 'data-testid': `team-option-${ticket.team}` });
  }

  function saveCategory() {
    const v = category.trim();
    if (v === (ticket.category ?? '')) return;
    onChange({ category: v || null });
  }

  return (
    <div data-testid="ticket-fields" data-version={ticket.version}>
      <Field label={t('ticket.fields.status')}>
        <Select<TicketStatus>
          data-testid="status-select"
          virtual={false}
          aria-label={t('ticket.fields.status')}
          style={{ width: '100%' }}
          value={ticket.status}
          disabled={off}
          onChange={(v) => v !== ticket.status && onChange({ status: v })}
          options={statusOptions}
        />
      </Field>
      <Field label={t('ticket.fields.priority')}>
        <Select<Priority>
          data-testid="priority-select"
          virtual={false}
          aria-label={t('ticket.fields.priority')}
          style={{ width: '100%' }}
          value={ticket.priority}
          disabled={off}
          onChange={(v) => v !== ticket.priority && onChange({ priority: v })}
          options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`), 'data-testid': `priority-option-${p}` }))}
        />
      </Field>
      <Field label={t('ticket.fields.team')}>
        <Select<string | null>
          data-testid="team-select"
          virtual={false}
          aria-label={t('ticket.fields.team')}
          style={{ width: '100%' }}
          value={ticket.team}
          placeholder={t('common.noTeam')}
          allowClear
          disabled={off}
          loading={teams.isPending}
          onChange={(v) => (v ?? null) !== ticket.team && onChange({ team: v ?? null })}
          options={teamOptions}
        />
      </Field>
      <Field label={t('ticket.fields.assignee')}>
        <Select<string | null>
          data-testid="assignee-select"
          virtual={false}
          aria-label={t('ticket.fields.assignee')}
          style={{ width: '100%' }}
          value={ticket.assignee}
          placeholder={t('common.unassigned')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          disabled={off}
          loading={agents.isPending}
          onChange={(v) => (v ?? null) !== ticket.assignee && onChange({ assignee: v ?? null })}
          options={assigneeOptions}
        />
      </Field>
      <Field label={t('ticket.fields.category')}>
        <Input
          data-testid="category-input"
          aria-label={t('ticket.fields.category')}
          value={category}
          placeholder={t('ticket.categoryPlaceholder')}
          disabled={off}
          onChange={(e) => setCategory(e.target.value)}
          onBlur={saveCategory}
          onPressEnter={saveCategory}
          maxLength={100}
        />
      </Field>
      <Field label={t('ticket.fields.tags')}>
        <Select<string[]>
          data-testid="tags-select"
          virtual={false}
          aria-label={t('ticket.fields.tags')}
          mode="tags"
          style={{ width: '100%' }}
          value={ticket.tags}
          placeholder={t('ticket.tagsPlaceholder')}
          disabled={off}
          tokenSeparators={[',', '，']}
          onChange={(v) => onChange({ tags: v.map((x) => x.trim()).filter(Boolean) })}
          open={false}
          suffixIcon={null}
        />
      </Field>
    </div>
  );
}
