// One trigger (工单触发器): the event it answers, its conditions (for `updated`, also on what changed), its actions.
import ArrowDownOutlined from '@ant-design/icons/ArrowDownOutlined';
import ArrowUpOutlined from '@ant-design/icons/ArrowUpOutlined';
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Tag from 'antd/es/tag';
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
import { Panel } from '../../../shared/ui';
import { ActionRow } from '../ruleParts/ActionRow';
import { ConditionRow } from '../ruleParts/ConditionRow';
import type { TriggerDraft } from './draft';

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
    <Panel
      small
      testId={id}
      style={{ marginBottom: 12, opacity: trigger.enabled ? 1 : 0.65 }}
      title={
        <Space wrap>
          <Tag>{index + 1}</Tag>
          <Input
            data-testid={`${id}-name`}
            aria-label={t('rules.name')}
            placeholder={t('rules.name')}
            style={{ width: 240 }}
            value={trigger.name}
            disabled={disabled}
            onChange={(e) => onChange({ ...trigger, name: e.target.value })}
          />
        </Space>
      }
      extra={
        <Space wrap>
          <span style={{ fontSize: 12 }}>{t('rules.enabled')}</span>
          <Switch
            data-testid={`${id}-enabled`}
            checked={trigger.enabled}
            disabled={disabled}
            onChange={(v) => onChange({ ...trigger, enabled: v })}
          />
          <Button icon={<ArrowUpOutlined />} aria-label={t('rules.moveUp')} disabled={disabled || index === 0} onClick={() => onMove(-1)} />
          <Button
            icon={<ArrowDownOutlined />}
            aria-label={t('rules.moveDown')}
            disabled={disabled || index === count - 1}
            onClick={() => onMove(1)}
          />
          <Button danger icon={<DeleteOutlined />} data-testid={`${id}-delete`} disabled={disabled} onClick={onRemove}>
            {t('rules.deleteRule')}
          </Button>
        </Space>
      }
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
    </Panel>
  );
}
