// One automation (自动化): when a ticket has been in a status for so many hours (clock or working hours), counted
// from when it was resolved, last changed, began waiting, or was created; optional conditions; its actions.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import Button from 'antd/es/button';
import InputNumber from 'antd/es/input-number';
import Select from 'antd/es/select';
import Switch from 'antd/es/switch';
import { useTranslation } from 'react-i18next';
import {
  ANCHORS,
  AUTOMATION_ACTION_TYPES,
  STATUSES,
  type Anchor,
  type AutomationWhen,
  type RuleAction,
  type RuleCondition,
  type TicketStatus,
} from '../../../api';
import { ActionRow } from '../ruleParts/ActionRow';
import { ConditionRow } from '../ruleParts/ConditionRow';
import { Labeled } from '../ruleParts/Labeled';
import type { AutomationDraft } from './draft';
import { RuleCard } from '../ruleParts/RuleCard';

export function AutomationEditor({
  automation,
  index,
  calendars,
  onChange,
  onRemove,
  disabled,
}: {
  automation: AutomationDraft;
  index: number;
  calendars: string[];
  onChange: (a: AutomationDraft) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const id = `automation-${index}`;
  const when = automation.when;
  const conditions = when.conditions ?? [];
  const setWhen = (next: Partial<AutomationWhen>) => onChange({ ...automation, when: { ...when, ...next } });
  const setCondition = (j: number, c: RuleCondition) => setWhen({ conditions: conditions.map((x, k) => (k === j ? c : x)) });
  const setAction = (j: number, a: RuleAction) =>
    onChange({ ...automation, actions: automation.actions.map((x, k) => (k === j ? a : x)) });
  return (
    <RuleCard
      id={id}
      index={index}
      name={automation.name}
      nameLabel={t('automations.name')}
      enabled={automation.enabled}
      disabled={disabled}
      onName={(name) => onChange({ ...automation, name })}
      onEnabled={(enabled) => onChange({ ...automation, enabled })}
      onRemove={onRemove}
    >
      <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end', flexWrap: 'wrap', marginBottom: 8 }}>
        <Labeled label={t('automations.status')}>
          <Select<TicketStatus>
            data-testid={`${id}-status`}
            virtual={false}
            style={{ width: 130 }}
            disabled={disabled}
            value={when.status}
            onChange={(v) => setWhen({ status: v })}
            options={STATUSES.filter((s) => s !== 'closed').map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
        </Labeled>
        <Labeled label={t('automations.since')}>
          <Select<Anchor>
            data-testid={`${id}-since`}
            virtual={false}
            style={{ width: 170 }}
            disabled={disabled}
            value={when.hours_since}
            onChange={(v) => setWhen({ hours_since: v })}
            options={ANCHORS.map((a) => ({ value: a, label: t(`automations.anchors.${a}`) }))}
          />
        </Labeled>
        <Labeled label={t('automations.hours')}>
          <InputNumber<number>
            data-testid={`${id}-hours`}
            min={0.25}
            max={8784}
            step={1}
            style={{ width: 110 }}
            disabled={disabled}
            value={when.hours}
            onChange={(v) => setWhen({ hours: v ?? when.hours })}
          />
        </Labeled>
        <Labeled label={t('automations.businessHours')}>
          <Switch
            data-testid={`${id}-business`}
            checked={!!when.business_hours}
            disabled={disabled}
            onChange={(v) => setWhen({ business_hours: v })}
          />
        </Labeled>
        {when.business_hours ? (
          <Labeled label={t('automations.calendar')}>
            <Select<string>
              data-testid={`${id}-calendar`}
              virtual={false}
              allowClear
              style={{ width: 140 }}
              disabled={disabled}
              placeholder="business"
              value={when.calendar}
              onChange={(v) => setWhen({ calendar: v })}
              options={calendars.map((c) => ({ value: c, label: c }))}
            />
          </Labeled>
        ) : null}
      </div>
      {conditions.map((c, j) => (
        <ConditionRow
          key={j}
          testId={`${id}-condition-${j}`}
          condition={c}
          disabled={disabled}
          onChange={(next) => setCondition(j, next)}
          onRemove={() => setWhen({ conditions: conditions.filter((_, k) => k !== j) })}
        />
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        disabled={disabled}
        style={{ marginBottom: 12 }}
        onClick={() => setWhen({ conditions: [...conditions, { field: 'priority', operator: 'equals', value: 'P1' }] })}
      >
        {t('rules.addCondition')}
      </Button>
      <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('rules.then')}</div>
      {automation.actions.map((a, j) => (
        <ActionRow
          key={j}
          testId={`${id}-action-${j}`}
          action={a}
          disabled={disabled}
          types={AUTOMATION_ACTION_TYPES}
          onChange={(next) => setAction(j, next)}
          onRemove={() => onChange({ ...automation, actions: automation.actions.filter((_, k) => k !== j) })}
        />
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid={`${id}-add-action`}
        disabled={disabled}
        onClick={() => onChange({ ...automation, actions: [...automation.actions, { type: 'send_mail', value: '' }] })}
      >
        {t('rules.addAction')}
      </Button>
    </RuleCard>
  );
}
