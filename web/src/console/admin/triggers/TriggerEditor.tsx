// One trigger (工单触发器): the event it answers, its conditions (for `updated`, also on what changed), its actions.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import { useTranslation } from 'react-i18next';
import {
  CHANGE_OPERATORS,
  OPERATORS,
  TRIGGER_ACTION_TYPES,
  TRIGGER_EVENTS,
  TRIGGER_FACT_FIELDS,
  type RuleAction,
  type RuleCondition,
} from '../../../api';
import { ActionRow } from '../ruleParts/ActionRow';
import { ConditionRow } from '../ruleParts/ConditionRow';
import type { TriggerDraft } from './draft';
import { RuleCard } from '../ruleParts/RuleCard';

const UPDATED_OPERATORS = [...CHANGE_OPERATORS, ...OPERATORS];

export function TriggerEditor({
  trigger,
  index,
  count,
  onChange,
  onMove,
  onRemove,
  disabled,
}: {
  trigger: TriggerDraft;
  index: number;
  count: number;
  onChange: (r: TriggerDraft) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const id = `trigger-${index}`;
  const updated = trigger.event === 'updated';
  const setCondition = (j: number, c: RuleCondition) =>
    onChange({ ...trigger, conditions: trigger.conditions.map((x, k) => (k === j ? c : x)) });
  const setAction = (j: number, a: RuleAction) =>
    onChange({ ...trigger, actions: trigger.actions.map((x, k) => (k === j ? a : x)) });
  const setEvent = (event: TriggerDraft['event']) => {
    // What changed is known to `updated` triggers only: other events drop those conditions.
    const conditions =
      event === 'updated'
        ? trigger.conditions
        : trigger.conditions.filter((c) => !(CHANGE_OPERATORS as readonly string[]).includes(c.operator));
    onChange({ ...trigger, event, conditions });
  };
  return (
    <RuleCard
      id={id}
      index={index}
      name={trigger.name}
      nameLabel={t('rules.name')}
      enabled={trigger.enabled}
      disabled={disabled}
      onName={(name) => onChange({ ...trigger, name })}
      onEnabled={(enabled) => onChange({ ...trigger, enabled })}
      order={{ count, onMove }}
      onRemove={onRemove}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8, flexWrap: 'wrap' }}>
        <span style={{ fontWeight: 600 }}>{t('triggers.on')}</span>
        <Select<TriggerDraft['event']>
          data-testid={`${id}-event`}
          virtual={false}
          style={{ width: 160 }}
          disabled={disabled}
          value={trigger.event}
          onChange={setEvent}
          options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`triggers.events.${e}`), 'data-testid': `event-option-${e}` }))}
        />
        <Select<'all' | 'any'>
          data-testid={`${id}-match`}
          virtual={false}
          style={{ width: 180 }}
          disabled={disabled}
          value={trigger.match}
          onChange={(v) => onChange({ ...trigger, match: v })}
          options={[
            { value: 'all', label: t('rules.matchAll') },
            { value: 'any', label: t('rules.matchAny') },
          ]}
        />
        {trigger.conditions.length === 0 ? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('rules.noConditions')}</span> : null}
      </div>
      {trigger.conditions.map((c, j) => (
        <ConditionRow
          key={j}
          testId={`${id}-condition-${j}`}
          condition={c}
          disabled={disabled}
          fields={TRIGGER_FACT_FIELDS}
          operators={updated ? UPDATED_OPERATORS : OPERATORS}
          onChange={(next) => setCondition(j, next)}
          onRemove={() => onChange({ ...trigger, conditions: trigger.conditions.filter((_, k) => k !== j) })}
        />
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid={`${id}-add-condition`}
        disabled={disabled}
        style={{ marginBottom: 12 }}
        onClick={() =>
          onChange({
            ...trigger,
            conditions: [
              ...trigger.conditions,
              updated ? { field: 'priority', operator: 'changed_to', value: [] } : { field: 'text', operator: 'contains', value: [] },
            ],
          })
        }
      >
        {t('rules.addCondition')}
      </Button>
      <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('rules.then')}</div>
      {trigger.actions.map((a, j) => (
        <ActionRow
          key={j}
          testId={`${id}-action-${j}`}
          action={a}
          disabled={disabled}
          types={TRIGGER_ACTION_TYPES}
          onChange={(next) => setAction(j, next)}
          onRemove={() => onChange({ ...trigger, actions: trigger.actions.filter((_, k) => k !== j) })}
        />
      ))}
      <Space wrap>
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid={`${id}-add-action`}
          disabled={disabled}
          onClick={() => onChange({ ...trigger, actions: [...trigger.actions, { type: 'add_tags', value: [] }] })}
        >
          {t('rules.addAction')}
        </Button>
        <Checkbox checked={trigger.stop} disabled={disabled} onChange={(e) => onChange({ ...trigger, stop: e.target.checked })}>
          {t('rules.stop')}
        </Checkbox>
      </Space>
    </RuleCard>
  );
}
