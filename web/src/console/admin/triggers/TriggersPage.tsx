// 触发器 (admin edits; supervisors read and dry-run): rules that answer a change, a customer's or an agent's reply, or
// an internal note, after the fact. They live in the rule set beside the routing rules; this screen edits them and
// saves the whole set with the routing rules unchanged.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getRules, putRules, type RuleSet } from '../../../api';
import { ErrorBlock } from '../../../shared/ErrorBlock';
import { qk } from '../../../shared/queries';
import { useToast } from '../../../shared/toast';
import { ReasonsAlert } from '../ReasonsAlert';
import { newTrigger, toRuleSet, triggersOf, type TriggerDraft } from './draft';
import { TriggerDryRun } from './TriggerDryRun';
import { TriggerEditor } from './TriggerEditor';

export default function TriggersPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ queryKey: qk.rules, queryFn: ({ signal }) => getRules({ signal }), refetchOnWindowFocus: false, staleTime: Infinity });
  const [draft, setDraft] = useState<TriggerDraft[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const loaded = useRef(false);
  useEffect(() => {
    if (q.data && !loaded.current) {
      loaded.current = true;
      setDraft(triggersOf(q.data));
    }
  }, [q.data]);

  const save = useMutation({
    mutationFn: (rules: RuleSet) => putRules(rules, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.rules, saved);
      setDraft(triggersOf(saved));
      setDirty(false);
      toast.success(t('admin.saved'));
    },
  });

  if (q.isPending || (q.data && !draft)) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (q.isError) return <ErrorBlock testId="triggers-load-error" title={q.error.message} />;
  const triggers = draft ?? [];
  const update = (next: TriggerDraft[]) => {
    setDraft(next);
    setDirty(true);
  };
  const off = !canEdit || save.isPending;
  const reload = () =>
    void q.refetch().then((r) => {
      if (!r.data) return;
      setDraft(triggersOf(r.data));
      setDirty(false);
      save.reset();
    });

  return (
    <div data-testid="triggers-page" data-dirty={dirty ? 'true' : 'false'}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('triggers.title')}</h2>
        <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('triggers.hint')}</span>
        {canEdit ? (
          <Space style={{ marginLeft: 'auto' }}>
            <Button data-testid="triggers-reset" disabled={!dirty || save.isPending} onClick={reload}>
              {t('admin.discard')}
            </Button>
            <Button
              type="primary"
              data-testid="triggers-save"
              loading={save.isPending}
              disabled={!dirty}
              onClick={() => save.mutate(toRuleSet(triggers, q.data))}
            >
              {t('admin.save')}
            </Button>
          </Space>
        ) : (
          <Tag style={{ marginLeft: 'auto' }} data-testid="triggers-readonly">
            {t('admin.readOnly')}
          </Tag>
        )}
      </div>
      <ReasonsAlert error={save.error} testId="triggers-error" onReload={reload} />
      <div className="hd-admin-grid">
        <div data-testid="triggers-list" data-count={triggers.length}>
          {triggers.length === 0 ? <div style={{ marginBottom: 12, color: 'rgba(0,0,0,0.45)' }}>{t('triggers.empty')}</div> : null}
          {triggers.map((trigger, i) => (
            <TriggerEditor
              key={trigger.key}
              trigger={trigger}
              index={i}
              count={triggers.length}
              disabled={off}
              onChange={(r) => update(triggers.map((x, k) => (k === i ? r : x)))}
              onMove={(delta) => {
                const next = [...triggers];
                const [moved] = next.splice(i, 1);
                next.splice(i + delta, 0, moved);
                update(next);
              }}
              onRemove={() => update(triggers.filter((_, k) => k !== i))}
            />
          ))}
          {canEdit ? (
            <Button
              icon={<PlusOutlined />}
              data-testid="add-trigger"
              disabled={off}
              onClick={() => update([...triggers, newTrigger(t('triggers.newName', { n: triggers.length + 1 }))])}
            >
              {t('triggers.add')}
            </Button>
          ) : null}
        </div>
        <div>
          <TriggerDryRun ruleSet={() => toRuleSet(triggers, q.data)} />
        </div>
      </div>
    </div>
  );
}
