// One action of a rule, trigger or automation: its type and value. `types` names the actions on offer (routing
// rules, triggers and automations offer different ones).
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import { useQuery } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTION_TYPES, getCannedReplies, MAIL_TEMPLATES, PRIORITIES, STATUSES, type RuleAction } from '../../../api';
import { qk, useAgents, useTeams } from '../../../shared/queries';
import { Labeled } from './Labeled';
import { asList, asScalar, LIST_ACTIONS, valueForAction } from './values';

const PEOPLE = new Set(['notify', 'add_follower']);

export function ActionRow({
  action,
  onChange,
  onRemove,
  disabled,
  testId,
  types = ACTION_TYPES,
}: {
  action: RuleAction;
  onChange: (a: RuleAction) => void;
  onRemove: () => void;
  disabled: boolean;
  testId: string;
  types?: readonly string[];
}) {
  const { t } = useTranslation();
  const teams = useTeams();
  const agents = useAgents();
  const type = action.type;
  const canned = useQuery({
    queryKey: qk.cannedReplies,
    queryFn: ({ signal }) => getCannedReplies({ signal }),
    enabled: type === 'send_canned_reply',
    staleTime: 60_000,
  });
  let editor: ReactNode;
  const choices: Record<string, { value: string; label: string; 'data-testid'?: string }[]> = {
    set_team: (teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `team-choice-${tm.id}` })),
    set_priority: PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`), 'data-testid': `priority-choice-${p}` })),
    set_assignee: (agents.data ?? []).map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` })),
    set_status: STATUSES.map((s) => ({ value: s, label: t(`status.${s}`), 'data-testid': `status-choice-${s}` })),
    send_mail: MAIL_TEMPLATES.map((m) => ({ value: m, label: t(`automations.mails.${m}`), 'data-testid': `mail-choice-${m}` })),
    send_canned_reply: (canned.data?.items ?? []).map((r) => ({ value: r.id, label: r.title, 'data-testid': `canned-choice-${r.id}` })),
  };
  if (choices[type]) {
    editor = (
      <Select<string>
        data-testid={`${testId}-value`}
        virtual={false}
        showSearch={type === 'set_assignee' ? { optionFilterProp: 'label' } : undefined}
        style={{ width: 240 }}
        disabled={disabled}
        value={asScalar(action.value as string) || undefined}
        onChange={(v) => onChange({ ...action, value: v })}
        options={choices[type]}
      />
    );
  } else if (LIST_ACTIONS.has(type)) {
    editor = (
      <Select<string[]>
        data-testid={`${testId}-value`}
        virtual={false}
        mode="tags"
        style={{ minWidth: 240 }}
        disabled={disabled}
        value={asList(action.value as string[])}
        tokenSeparators={[',', '，']}
        placeholder={PEOPLE.has(type) ? t('rules.notifyPlaceholder') : t('rules.tagsPlaceholder')}
        onChange={(v) => onChange({ ...action, value: v })}
        options={PEOPLE.has(type) ? (agents.data ?? []).map((a) => ({ value: a.email, label: a.email })) : []}
      />
    );
  } else if (type === 'escalate') {
    editor = (
      <Input
        data-testid={`${testId}-value`}
        style={{ width: 240 }}
        disabled={disabled}
        placeholder={t('rules.escalateNote')}
        value={typeof action.value === 'string' ? action.value : ''}
        onChange={(e) => onChange({ ...action, value: e.target.value.trim() ? e.target.value : true })}
      />
    );
  } else {
    editor = (
      <Input
        data-testid={`${testId}-value`}
        style={{ width: 240 }}
        disabled={disabled}
        value={asScalar(action.value as string)}
        onChange={(e) => onChange({ ...action, value: e.target.value })}
      />
    );
  }
  return (
    <div data-testid={testId} style={{ display: 'flex', gap: 8, alignItems: 'flex-end', flexWrap: 'wrap', marginBottom: 8 }}>
      <Labeled label={t('rules.actionType')}>
        <Select<string>
          data-testid={`${testId}-type`}
          virtual={false}
          style={{ width: 170 }}
          disabled={disabled}
          value={type}
          onChange={(v) => onChange({ type: v, value: valueForAction(v, action.value) })}
          options={types.map((a) => ({ value: a, label: t(`rules.actions.${a}`), 'data-testid': `action-option-${a}` }))}
        />
      </Labeled>
      <Labeled label={t('rules.value')}>{editor}</Labeled>
      <Button
        icon={<DeleteOutlined />}
        aria-label={t('rules.removeAction')}
        data-testid={`${testId}-remove`}
        disabled={disabled}
        onClick={onRemove}
      />
    </div>
  );
}
