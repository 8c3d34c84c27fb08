// 自动化 (admin edits; supervisors read): what happens to a ticket that stays in a status, run every minute by the
// sweep; each acts once per ticket and condition. Beside it, the closing review policy (结案审核), which decides
// which tickets no automation closes.
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getAutomations, getSlaPolicies, putAutomations, type Automation } from '../../../api';
import { ErrorBlock } from '../../../shared/ErrorBlock';
import { qk } from '../../../shared/queries';
import { useToast } from '../../../shared/toast';
import { ReasonsAlert } from '../ReasonsAlert';
import { AutomationEditor } from './AutomationEditor';
import { newAutomation, toAutomations, withKey, type AutomationDraft } from './draft';
import { ReviewPolicyPanel } from './ReviewPolicyPanel';

export default function AutomationsPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ queryKey: qk.automations, queryFn: ({ signal }) => getAutomations({ signal }), staleTime: Infinity, refetchOnWindowFocus: false });
  const sla = useQuery({ queryKey: qk.slaPolicies, queryFn: ({ signal }) => getSlaPolicies({ signal }), staleTime: 5 * 60_000 });
  const [draft, setDraft] = useState<AutomationDraft[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const loaded = useRef(false);
  useEffect(() => {
    if (q.data && !loaded.current) {
      loaded.current = true;
      setDraft(q.data.items.map(withKey));
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: (items: Automation[]) => putAutomations(items, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.automations, saved);
      setDraft(saved.items.map(withKey));
      setDirty(false);
      toast.success(t('admin.saved'));
    },
  });

  if (q.isPending || (q.data && !draft)) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (q.isError) return <ErrorBlock testId="automations-load-error" title={q.error.message} />;
  const automations = draft ?? [];
  const update = (next: AutomationDraft[]) => {
    setDraft(next);
    setDirty(true);
  };
  const off = !canEdit || save.isPending;
  const reload = () =>
    void q.refetch().then((r) => {
      if (!r.data) return;
      setDraft(r.data.items.map(withKey));
      setDirty(false);
      save.reset();
    });
  const calendars = (sla.data?.calendars ?? []).map((c) => c.name);

  return (
    <div data-testid="automations-page" data-dirty={dirty ? 'true' : 'false'}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('automations.title')}</h2>
        <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('automations.hint')}</span>
        {canEdit ? (
          <Space style={{ marginLeft: 'auto' }}>
            <Button data-testid="automations-reset" disabled={!dirty || save.isPending} onClick={reload}>
              {t('admin.discard')}
            </Button>
            <Button
              type="primary"
              data-testid="automations-save"
              loading={save.isPending}
              disabled={!dirty}
              onClick={() => save.mutate(toAutomations(automations))}
            >
              {t('admin.save')}
            </Button>
          </Space>
        ) : (
          <Tag style={{ marginLeft: 'auto' }} data-testid="automations-readonly">
            {t('admin.readOnly')}
          </Tag>
        )}
      </div>
      <ReasonsAlert error={save.error} testId="automations-error" onReload={reload} />
      <div className="hd-admin-grid">
        <div data-testid="automations-list" data-count={automations.length}>
          {automations.map((automation, i) => (
            <AutomationEditor
              key={automation.key}
              automation={automation}
              index={i}
              calendars={calendars}
              disabled={off}
              onChange={(a) => update(automations.map((x, k) => (k === i ? a : x)))}
              onRemove={() => update(automations.filter((_, k) => k !== i))}
            />
          ))}
          {canEdit ? (
            <Button
              icon={<PlusOutlined />}
              data-testid="add-automation"
              disabled={off}
              onClick={() => update([...automations, newAutomation(t('automations.newName', { n: automations.length + 1 }))])}
            >
              {t('automations.add')}
            </Button>
          ) : null}
        </div>
        <div>
          <ReviewPolicyPanel canEdit={canEdit} />
        </div>
      </div>
    </div>
  );
}
