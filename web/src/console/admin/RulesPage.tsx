// 路由规则 (admin; supervisors read and dry-run): an ordered list of rules, each with conditions (field / operator /
// value, all or any), actions, stop-or-continue and enabled; saved whole with PUT. The dry run tries the rules as
// edited (unsaved) on a sample ticket and shows which rules fired and why, and the resulting fields. The rule set
// also holds the triggers (rules with another event, edited under 触发器): they are kept as they are on save.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  dryRunRules,
  getRules,
  PRIORITIES,
  putRules,
  type Rule,
  type RuleAction,
  type RuleCondition,
  type RuleSet,
  type SampleTicket,
} from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { qk } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { ReasonsAlert } from './ReasonsAlert';
import { ActionRow } from './ruleParts/ActionRow';
import { ConditionRow } from './ruleParts/ConditionRow';
import { DryRunResult } from './ruleParts/DryRunResult';
import { isRouting } from './ruleParts/ruleSets';
import { RuleCard } from './ruleParts/RuleCard';

type Draft = Rule & { key: string };

let nextKey = 0;
function withKey(rule: Rule): Draft {
  nextKey += 1;
  return { ...rule, key: `r${nextKey}` };
}

/** The set as the API takes it: positions follow the order on screen (10, 20, ...); the triggers as they were. */
export function toRuleSet(drafts: Draft[], triggers: Rule[] = []): RuleSet {
  return {
    rules: [...drafts.map(({ key: _key, ...rule }, i) => ({ ...rule, position: (i + 1) * 10 })), ...triggers],
  };
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
    <RuleCard
      id={id}
      index={index}
      name={rule.name}
      nameLabel={t('rules.name')}
      enabled={rule.enabled}
      disabled={disabled}
      onName={(name) => onChange({ ...rule, name })}
      onEnabled={(enabled) => onChange({ ...rule, enabled })}
      order={{ count, onMove }}
      onRemove={onRemove}
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
    </RuleCard>
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

function triggersOf(set: RuleSet | undefined): Rule[] {
  return (set?.rules ?? []).filter((rule) => !isRouting(rule));
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
      setDraft(q.data.rules.filter(isRouting).map(withKey));
    }
  }, [q.data]);

  const save = useMutation({
    mutationFn: (rules: RuleSet) => putRules(rules, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.rules, saved);
      setDraft(saved.rules.filter(isRouting).map(withKey));
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
                setDraft((q.data?.rules ?? []).filter(isRouting).map(withKey));
                setDirty(false);
                save.reset();
              }}
            >
              {t('admin.discard')}
            </Button>
            <Button type="primary" data-testid="rules-save" loading={save.isPending} disabled={!dirty} onClick={() => save.mutate(toRuleSet(rules, triggersOf(q.data)))}>
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
            setDraft(r.data.rules.filter(isRouting).map(withKey));
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
