// One condition of a rule, trigger or automation: field, operator, value. Triggers add the conditions on what an
// event changed (`changed`, `changed_to`, `changed_from`) and the status, team, assignee and tags fields.
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, CUSTOM_FIELD_PREFIX, FACT_FIELDS, OPERATORS, PRIORITIES, STATUSES, type RuleCondition } from '../../../api';
import { Labeled } from './Labeled';
import { asList, asScalar, CUSTOM, LIST_OPERATORS, valueForOperator } from './values';

export function ConditionRow({
  condition,
  onChange,
  onRemove,
  disabled,
  testId,
  fields = FACT_FIELDS,
  operators = OPERATORS,
}: {
  condition: RuleCondition;
  onChange: (c: RuleCondition) => void;
  onRemove: () => void;
  disabled: boolean;
  testId: string;
  fields?: readonly string[];
  operators?: readonly string[];
}) {
  const { t } = useTranslation();
  const custom = condition.field.startsWith(CUSTOM_FIELD_PREFIX);
  const op = condition.operator;
  const choices =
    condition.field === 'priority'
      ? PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))
      : condition.field === 'channel'
        ? CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))
        : condition.field === 'status'
          ? STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))
          : null;

  let valueEditor: ReactNode;
  if (op === 'changed') {
    valueEditor = <span data-testid={`${testId}-value`} style={{ color: 'rgba(0,0,0,0.45)', lineHeight: '32px' }}>{t('rules.anyChange')}</span>;
  } else if (op === 'exists') {
    valueEditor = (
      <Select<string>
        data-testid={`${testId}-value`}
        virtual={false}
        style={{ width: 120 }}
        disabled={disabled}
        value={condition.value === false ? 'false' : 'true'}
        onChange={(v) => onChange({ ...condition, value: v === 'true' })}
        options={[
          { value: 'true', label: t('rules.existsYes') },
          { value: 'false', label: t('rules.existsNo') },
        ]}
      />
    );
  } else if (LIST_OPERATORS.has(op)) {
    valueEditor = (
      <Select<string[]>
        data-testid={`${testId}-value`}
        virtual={false}
        mode={choices ? 'multiple' : 'tags'}
        style={{ minWidth: 240, flex: 1 }}
        disabled={disabled}
        value={asList(condition.value)}
        tokenSeparators={[',', '，']}
        placeholder={t('rules.keywordsPlaceholder')}
        onChange={(v) => onChange({ ...condition, value: v })}
        options={choices ?? []}
        open={choices ? undefined : false}
        suffixIcon={choices ? undefined : null}
      />
    );
  } else if (choices) {
    valueEditor = (
      <Select<string>
        data-testid={`${testId}-value`}
        virtual={false}
        style={{ width: 160 }}
        disabled={disabled}
        value={asScalar(condition.value) || undefined}
        onChange={(v) => onChange({ ...condition, value: v })}
        options={choices}
      />
    );
  } else {
    valueEditor = (
      <Input
        data-testid={`${testId}-value`}
        style={{ minWidth: 200, flex: 1 }}
        disabled={disabled}
        value={asScalar(condition.value)}
        placeholder={op === 'matches' ? t('rules.regexPlaceholder') : t('rules.valuePlaceholder')}
        onChange={(e) => onChange({ ...condition, value: e.target.value })}
      />
    );
  }

  return (
    <div data-testid={testId} style={{ display: 'flex', gap: 8, alignItems: 'flex-end', flexWrap: 'wrap', marginBottom: 8 }}>
      <Labeled label={t('rules.field')}>
        <Select<string>
          data-testid={`${testId}-field`}
          virtual={false}
          style={{ width: 150 }}
          disabled={disabled}
          value={custom ? CUSTOM : condition.field}
          onChange={(v) => onChange({ ...condition, field: v === CUSTOM ? CUSTOM_FIELD_PREFIX : v })}
          options={[
            ...fields.map((f) => ({ value: f, label: t(`rules.fields.${f}`), 'data-testid': `field-option-${f}` })),
            { value: CUSTOM, label: t('rules.fields.custom') },
          ]}
        />
      </Labeled>
      {custom ? (
        <Labeled label={t('rules.customName')}>
          <Input
            data-testid={`${testId}-custom`}
            style={{ width: 140 }}
            disabled={disabled}
            value={condition.field.slice(CUSTOM_FIELD_PREFIX.length)}
            onChange={(e) => onChange({ ...condition, field: `${CUSTOM_FIELD_PREFIX}${e.target.value.trim()}` })}
          />
        </Labeled>
      ) : null}
      <Labeled label={t('rules.operator')}>
        <Select<string>
          data-testid={`${testId}-operator`}
          virtual={false}
          style={{ width: 140 }}
          disabled={disabled}
          value={op}
          onChange={(v) => onChange({ ...condition, operator: v, value: valueForOperator(v, condition.value) })}
          options={operators.map((o) => ({ value: o, label: t(`rules.operators.${o}`), 'data-testid': `operator-option-${o}` }))}
        />
      </Labeled>
      <Labeled label={t('rules.value')} width={op === 'exists' ? undefined : 'min(100%, 360px)'}>
        {valueEditor}
      </Labeled>
      <Button
        icon={<DeleteOutlined />}
        aria-label={t('rules.removeCondition')}
        data-testid={`${testId}-remove`}
        disabled={disabled}
        onClick={onRemove}
      />
    </div>
  );
}
