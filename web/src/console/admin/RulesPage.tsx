// 路由规则 (admin; supervisors read and dry-run): an ordered list of rules, each with conditions (field / operator /
// value, all or any), actions, stop-or-continue and enabled; saved whole with PUT. The dry run tries the rules as
// edited (unsaved) on a sample ticket and shows which rules fired and why, and the resulting fields.
import ArrowDownOutlined from '@ant-design/icons/ArrowDownOutlined';
import ArrowUpOutlined from '@ant-design/icons/ArrowUpOutlined';
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Switch from 'antd/es/switch';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  ACTION_TYPES,
  CHANNELS,
  CUSTOM_FIELD_PREFIX,
  dryRunRules,
  FACT_FIELDS,
  getRules,
  OPERATORS,
  PRIORITIES,
  putRules,
  type DryRunOutcome,
  type Rule,
  type RuleAction,
  type RuleCondition,
  type RuleSet,
  type RuleTrace,
  type RuleValue,
  type SampleTicket,
} from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { agentName, qk, teamName, useAgents, useTeams } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { ReasonsAlert } from './ReasonsAlert';

const LIST_OPERATORS = new Set(['in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with']);
const LIST_ACTIONS = new Set(['add_tags', 'notify']);
const CUSTOM = '__custom__';

type Draft = Rule & { key: string };

let nextKey = 0;
function withKey(rule: Rule): Draft {
  nextKey += 1;
  return { ...rule, key: `r${nextKey}` };
}

/** The set as the API takes it: positions follow the order on screen (10, 20, ...). */
export function toRuleSet(drafts: Draft[]): RuleSet {
  return {
    rules: drafts.map(({ key: _key, ...rule }, i) => ({ ...rule, position: (i + 1) * 10 })),
  };
}

function asList(value: RuleValue | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function asScalar(value: RuleValue | undefined): string {
  if (Array.isArray(value)) return value.length ? String(value[0]) : '';
  return value === null || value === undefined ? '' : String(value);
}

/** A value fitting the operator, keeping what the admin typed where possible. */
export function valueForOperator(operator: string, value: RuleValue | undefined): RuleValue {
  if (operator === 'exists') return typeof value === 'boolean' ? value : true;
  if (LIST_OPERATORS.has(operator)) return asList(value);
  return asScalar(value);
}

function Labeled({ label, children, width }: { label: string; children: ReactNode; width?: number | string }) {
  return (
    <label style={{ display: 'inline-flex', flexDirection: 'column', gap: 2, width }}>
      <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{label}</span>
      {children}
    </label>
  );
}

function ConditionRow({
  condition,
  onChange,
  onRemove,
  disabled,
  testId,
}: {
  condition: RuleCondition;
  onChange: (c: RuleCondition) => void;
  onRemove: () => void;
  disabled: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const custom = condition.field.startsWith(CUSTOM_FIELD_PREFIX);
  const op = condition.operator;
  const choices =
    condition.field === 'priority'
      ? PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))
      : condition.field === 'channel'
        ? CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))
        : null;

  let valueEditor: ReactNode;
  if (op === 'exists') {
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
            ...FACT_FIELDS.map((f) => ({ value: f, label: t(`rules.fields.${f}`), 'data-testid': `field-option-${f}` })),
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
          options={OPERATORS.map((o) => ({ value: o, label: t(`rules.operators.${o}`), 'data-testid': `operator-option-${o}` }))}
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

function ActionRow({
  action,
  onChange,
  onRemove,
  disabled,
  testId,
}: {
  action: RuleAction;
  onChange: (a: RuleAction) => void;
  onRemove: () => void;
  disabled: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const teams = useTeams();
  const agents = useAgents();
  const type = action.type;
  const list = LIST_ACTIONS.has(type);
  let editor: ReactNode;
  if (type === 'set_team' || type === 'set_priority' || type === 'set_assignee') {
    const options =
      type === 'set_team'
        ? (teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `team-choice-${tm.id}` }))
        : type === 'set_priority'
          ? PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`), 'data-testid': `priority-choice-${p}` }))
          : (agents.data ?? []).map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` }));
    editor = (
      <Select<string>
        data-testid={`${testId}-value`}
        virtual={false}
        showSearch={type === 'set_assignee' ? { optionFilterProp: 'label' } : undefined}
        style={{ width: 240 }}
        disabled={disabled}
        value={asScalar(action.value) || undefined}
        onChange={(v) => onChange({ ...action, value: v })}
        options={options}
      />
    );
  } else if (list) {
    editor = (
      <Select<string[]>
        data-testid={`${testId}-value`}
        virtual={false}
        mode="tags"
        style={{ minWidth: 240 }}
        disabled={disabled}
        value={asList(action.value)}
        tokenSeparators={[',', '，']}
        placeholder={type === 'notify' ? t('rules.notifyPlaceholder') : t('rules.tagsPlaceholder')}
        onChange={(v) => onChange({ ...action, value: v })}
        options={type === 'notify' ? (agents.data ?? []).map((a) => ({ value: a.email, label: a.email })) : []}
      />
    );
  } else {
    editor = (
      <Input
        data-testid={`${testId}-value`}
        style={{ width: 240 }}
        disabled={disabled}
        value={asScalar(action.value)}
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
          style={{ width: 150 }}
          disabled={disabled}
          value={type}
          onChange={(v) =>
            onChange({ type: v, value: LIST_ACTIONS.has(v) ? asList(action.value) : asScalar(action.value) })
          }
          options={ACTION_TYPES.map((a) => ({ value: a, label: t(`rules.actions.${a}`), 'data-testid': `action-option-${a}` }))}
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

function RuleEditor({
  rule,
  index,
  count,
  onChange,
  onMove,
  onRemove,
  disabled,
}: {
  rule: Draft;
  index: number;
  count: number;
  onChange: (r: Draft) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const id = `rule-${index}`;
  const setCondition = (j: number, c: RuleCondition) =>
    onChange({ ...rule, conditions: rule.conditions.map((x, k) => (k === j ? c : x)) });
  const setAction = (j: number, a: RuleAction) =>
    onChange({ ...rule, actions: rule.actions.map((x, k) => (k === j ? a : x)) });
  return (
    <Panel
      small
      testId={id}
      style={{ marginBottom: 12, opacity: rule.enabled ? 1 : 0.65 }}
      title={
        <Space wrap>
          <Tag>{index + 1}</Tag>
          <Input
            data-testid={`${id}-name`}
            aria-label={t('rules.name')}
            placeholder={t('rules.name')}
            style={{ width: 260 }}
            value={rule.name}
            disabled={disabled}
            onChange={(e) => onChange({ ...rule, name: e.target.value })}
          />
        </Space>
      }
      extra={
        <Space wrap>
          <span style={{ fontSize: 12 }}>{t('rules.enabled')}</span>
          <Switch
            data-testid={`${id}-enabled`}
            checked={rule.enabled}
            disabled={disabled}
            onChange={(v) => onChange({ ...rule, enabled: v })}
          />
          <Button
            icon={<ArrowUpOutlined />}
            aria-label={t('rules.moveUp')}
            data-testid={`${id}-up`}
            disabled={disabled || index === 0}
            onClick={() => onMove(-1)}
          />
          <Button
            icon={<ArrowDownOutlined />}
            aria-label={t('rules.moveDown')}
            data-testid={`${id}-down`}
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
        <span style={{ fontWeight: 600 }}>{t('rules.when')}</span>
        <Select<'all' | 'any'>
          data-testid={`${id}-match`}
          virtual={false}
          style={{ width: 180 }}
          disabled={disabled}
          value={rule.match}
          onChange={(v) => onChange({ ...rule, match: v })}
          options={[
            { value: 'all', label: t('rules.matchAll'), 'data-testid': 'match-option-all' },
            { value: 'any', label: t('rules.matchAny'), 'data-testid': 'match-option-any' },
          ]}
        />
        {rule.conditions.length === 0 ? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('rules.noConditions')}</span> : null}
      </div>
      {rule.conditions.map((c, j) => (
        <ConditionRow
          key={j}
          testId={`${id}-condition-${j}`}
          condition={c}
          disabled={disabled}
          onChange={(next) => setCondition(j, next)}
          onRemove={() => onChange({ ...rule, conditions: rule.conditions.filter((_, k) => k !== j) })}
        />
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid={`${id}-add-condition`}
        disabled={disabled}
        onClick={() =>
          onChange({ ...rule, conditions: [...rule.conditions, { field: 'text', operator: 'contains', value: [] }] })
        }
        style={{ marginBottom: 12 }}
      >
        {t('rules.addCondition')}
      </Button>
      <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('rules.then')}</div>
      {rule.actions.map((a, j) => (
        <ActionRow
          key={j}
          testId={`${id}-action-${j}`}
          action={a}
          disabled={disabled}
          onChange={(next) => setAction(j, next)}
          onRemove={() => onChange({ ...rule, actions: rule.actions.filter((_, k) => k !== j) })}
        />
      ))}
      <Space wrap>
        <Button
          size="small"
          icon={<PlusOutlined />}
          data-testid={`${id}-add-action`}
          disabled={disabled}
          onClick={() => onChange({ ...rule, actions: [...rule.actions, { type: 'set_team', value: '' }] })}
        >
          {t('rules.addAction')}
        </Button>
        <Checkbox
          data-testid={`${id}-stop`}
          checked={rule.stop}
          disabled={disabled}
          onChange={(e) => onChange({ ...rule, stop: e.target.checked })}
        >
          {t('rules.stop')}
        </Checkbox>
      </Space>
    </Panel>
  );
}

const SAMPLE_FIELDS = ['requester_email', 'category', 'customer_tier', 'organization', 'region'] as const;

function DryRunPanel({ draft }: { draft: Draft[] }) {
  const { t } = useTranslation();
  const [sample, setSample] = useState<Record<string, string>>({ subject: '', description: '' });
  const run = useMutation({
    mutationFn: () => {
      const ticket: SampleTicket = { subject: sample.subject ?? '', description: sample.description ?? '' };
      for (const [k, v] of Object.entries(sample)) {
        if (k !== 'subject' && k !== 'description' && v && v.trim()) (ticket as unknown as Record<string, string>)[k] = v.trim();
      }
      return dryRunRules(ticket, toRuleSet(draft));
    },
  });
  const set = (k: string, v: string | undefined) => setSample((s) => ({ ...s, [k]: v ?? '' }));
  return (
    <Panel small title={t('rules.dryRun')} testId="dry-run">
      <div style={{ display: 'grid', gap: 8 }}>
        <Input
          data-testid="dry-run-subject"
          placeholder={t('rules.sample.subject')}
          aria-label={t('rules.sample.subject')}
          value={sample.subject}
          onChange={(e) => set('subject', e.target.value)}
        />
        <Input.TextArea
          data-testid="dry-run-description"
          placeholder={t('rules.sample.description')}
          aria-label={t('rules.sample.description')}
          value={sample.description}
          autoSize={{ minRows: 2, maxRows: 6 }}
          onChange={(e) => set('description', e.target.value)}
        />
        <Space wrap>
          <Select<string>
            data-testid="dry-run-channel"
            virtual={false}
            allowClear
            style={{ width: 140 }}
            placeholder={t('rules.fields.channel')}
            value={sample.channel || undefined}
            onChange={(v) => set('channel', v)}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          />
          <Select<string>
            data-testid="dry-run-priority"
            virtual={false}
            allowClear
            style={{ width: 140 }}
            placeholder={t('rules.fields.priority')}
            value={sample.priority || undefined}
            onChange={(v) => set('priority', v)}
            options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          />
        </Space>
        {SAMPLE_FIELDS.map((f) => (
          <Input
            key={f}
            data-testid={`dry-run-${f}`}
            placeholder={t(`rules.fields.${f}`)}
            aria-label={t(`rules.fields.${f}`)}
            value={sample[f] ?? ''}
            onChange={(e) => set(f, e.target.value)}
          />
        ))}
        <Button type="primary" data-testid="dry-run-submit" loading={run.isPending} onClick={() => run.mutate()}>
          {t('rules.runDry')}
        </Button>
      </div>
      <div style={{ marginTop: 12 }}>
        <ReasonsAlert error={run.error} testId="dry-run-error" />
        {run.data ? <DryRunResult outcome={run.data} /> : null}
      </div>
    </Panel>
  );
}

const STATUS_COLORS: Record<string, string> = {
  fired: 'green',
  not_matched: 'default',
  error: 'red',
  skipped: 'orange',
  disabled: 'default',
};

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function DryRunResult({ outcome }: { outcome: DryRunOutcome }) {
  const { t } = useTranslation();
  const teams = useTeams();
  const agents = useAgents();
  const fields: [string, unknown][] = [
    ['team', teamName(teams.data, outcome.team)],
    ['priority', outcome.priority ? t(`priority.${outcome.priority}`, { defaultValue: outcome.priority }) : null],
    ['category', outcome.category],
    ['assignee', agentName(agents.data, outcome.assignee)],
    ['tags', outcome.tags],
    ['notify', outcome.notify],
  ];
  const changed = new Set(outcome.changes.map((c) => c.field));
  return (
    <div data-testid="dry-run-result">
      <div style={{ marginBottom: 8 }}>
        <strong>{t('rules.firedRules')}: </strong>
        <span data-testid="dry-run-fired">
          {outcome.fired.length === 0 ? (
            <span>{t('rules.noneFired')}</span>
          ) : (
            outcome.fired.map((name) => (
              <Tag color="green" key={name} data-testid={`fired-${name}`}>
                {name}
              </Tag>
            ))
          )}
        </span>
      </div>
      {!outcome.converged ? <Alert type="warning" showIcon title={t('rules.notConverged')} style={{ marginBottom: 8 }} /> : null}
      <table className="hd-table" data-testid="dry-run-fields" style={{ marginBottom: 12 }}>
        <tbody>
          {fields.map(([name, value]) => (
            <tr key={name} data-testid={`dry-run-field-${name}`} data-changed={changed.has(name) ? 'true' : 'false'}>
              <td style={{ width: 90 }}>{t(`rules.outcome.${name}`)}</td>
              <td style={{ fontWeight: changed.has(name) ? 600 : undefined }}>{show(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>
        {t('rules.trace')} <span style={{ fontWeight: 400, color: 'rgba(0,0,0,0.45)' }}>{t('rules.passes', { count: outcome.passes })}</span>
      </div>
      <ol data-testid="dry-run-trace" style={{ paddingLeft: 20, margin: 0 }}>
        {outcome.trace.map((tr, i) => (
          <li key={i} data-testid={`trace-${i}`} data-status={tr.status} style={{ marginBottom: 6 }}>
            <Space size={4} wrap>
              <Tag color={STATUS_COLORS[tr.status] ?? 'default'}>{t(`rules.status.${tr.status}`, { defaultValue: tr.status })}</Tag>
              <strong>{tr.rule}</strong>
              <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{t('rules.passNumber', { pass: tr.pass })}</span>
            </Space>
            <div style={{ fontSize: 13 }} title={tr.detail} data-testid={`trace-${i}-why`}>
              {t(`rules.traceWhy.${tr.status}`, { detail: traceDetail(tr, t), defaultValue: tr.detail })}
            </div>
            {tr.conditions.length > 0 ? (
              <ul style={{ paddingLeft: 18, margin: 0, fontSize: 12, color: '#595959' }}>
                {tr.conditions.map((c, j) => (
                  <li key={j} title={c.detail}>
                    {c.matched ? '✓' : '✗'} {conditionText(c, t)}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** What the trace says of a rule: for a failed rule, its error in the reader's language (the English detail else). */
function traceDetail(tr: RuleTrace, t: TFunction): string {
  if (!tr.error) return tr.detail;
  const { code, ...params } = tr.error;
  const field = typeof params.field === 'string' ? fieldLabel(params.field, t) : params.field;
  return t(`rules.errors.${code}`, { ...params, field, defaultValue: tr.detail });
}

function fieldLabel(field: string, t: TFunction): string {
  return field.startsWith('custom_fields.')
    ? field.slice('custom_fields.'.length)
    : t(`rules.fields.${field}`, { defaultValue: field });
}

/** A condition of the trace in the reader's language: field, operator and the values it looked for. */
function conditionText(c: { field: string; operator: string; expected: unknown }, t: TFunction): string {
  const field = fieldLabel(c.field, t);
  const values = Array.isArray(c.expected) ? c.expected.map(String).join('、') : String(c.expected ?? '');
  return `${field} ${t(`rules.operators.${c.operator}`, { defaultValue: c.operator })} ${values}`.trim();
}

export default function RulesPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ queryKey: qk.rules, queryFn: ({ signal }) => getRules({ signal }), refetchOnWindowFocus: false, staleTime: Infinity });
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const loaded = useRef(false);
  useEffect(() => {
    if (q.data && !loaded.current) {
      loaded.current = true;
      setDraft(q.data.rules.map(withKey));
    }
  }, [q.data]);

  const save = useMutation({
    mutationFn: (rules: RuleSet) => putRules(rules, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.rules, saved);
      setDraft(saved.rules.map(withKey));
      setDirty(false);
      toast.success(t('admin.saved'));
    },
  });

  if (q.isPending || (q.data && !draft)) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (q.isError) return <ErrorBlock testId="rules-load-error" title={q.error.message} />;
  const rules = draft ?? [];
  const update = (next: Draft[]) => {
    setDraft(next);
    setDirty(true);
  };
  const off = !canEdit || save.isPending;

  return (
    <div data-testid="rules-page" data-dirty={dirty ? 'true' : 'false'}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('rules.title')}</h2>
        <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('rules.hint')}</span>
        {canEdit ? (
          <Space style={{ marginLeft: 'auto' }}>
            <Button
              data-testid="rules-reset"
              disabled={!dirty || save.isPending}
              onClick={() => {
                setDraft((q.data?.rules ?? []).map(withKey));
                setDirty(false);
                save.reset();
              }}
            >
              {t('admin.discard')}
            </Button>
            <Button type="primary" data-testid="rules-save" loading={save.isPending} disabled={!dirty} onClick={() => save.mutate(toRuleSet(rules))}>
              {t('admin.save')}
            </Button>
          </Space>
        ) : (
          <Tag style={{ marginLeft: 'auto' }} data-testid="rules-readonly">
            {t('admin.readOnly')}
          </Tag>
        )}
      </div>
      <ReasonsAlert
        error={save.error}
        testId="rules-error"
        onReload={() =>
          void q.refetch().then((r) => {
            if (!r.data) return;
            setDraft(r.data.rules.map(withKey));
            setDirty(false);
            save.reset();
          })
        }
      />
      <div className="hd-admin-grid">
        <div data-testid="rules-list" data-count={rules.length}>
          {rules.length === 0 ? <div style={{ marginBottom: 12, color: 'rgba(0,0,0,0.45)' }}>{t('rules.empty')}</div> : null}
          {rules.map((rule, i) => (
            <RuleEditor
              key={rule.key}
              rule={rule}
              index={i}
              count={rules.length}
              disabled={off}
              onChange={(r) => update(rules.map((x, k) => (k === i ? r : x)))}
              onMove={(delta) => {
                const next = [...rules];
                const [moved] = next.splice(i, 1);
                next.splice(i + delta, 0, moved);
                update(next);
              }}
              onRemove={() => update(rules.filter((_, k) => k !== i))}
            />
          ))}
          {canEdit ? (
            <Button
              icon={<PlusOutlined />}
              data-testid="add-rule"
              disabled={off}
              onClick={() =>
                update([
                  ...rules,
                  withKey({
                    name: t('rules.newRuleName', { n: rules.length + 1 }),
                    position: (rules.length + 1) * 10,
                    match: 'all',
                    conditions: [{ field: 'text', operator: 'contains', value: [] }],
                    actions: [{ type: 'set_team', value: '' }],
                    stop: false,
                    enabled: true,
                  }),
                ])
              }
            >
              {t('rules.addRule')}
            </Button>
          ) : null}
        </div>
        <div>
          <DryRunPanel draft={rules} />
        </div>
      </div>
    </div>
  );
}
