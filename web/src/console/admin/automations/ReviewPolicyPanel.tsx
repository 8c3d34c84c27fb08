// 结案审核 policy: the categories and priorities whose tickets need a supervisor's approval before they close.
// Automations and triggers never close such a ticket; it waits in the supervisors' "to review" list.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getReviewPolicy, PRIORITIES, putReviewPolicy, type Priority, type ReviewPolicy } from '../../../api';
import { qk } from '../../../shared/queries';
import { useToast } from '../../../shared/toast';
import { Panel } from '../../../shared/ui';
import { ReasonsAlert } from '../ReasonsAlert';

export function ReviewPolicyPanel({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ queryKey: qk.reviewPolicy, queryFn: ({ signal }) => getReviewPolicy({ signal }), staleTime: Infinity });
  const [draft, setDraft] = useState<ReviewPolicy | null>(null);
  useEffect(() => {
    if (q.data && draft === null) setDraft(q.data);
  }, [q.data, draft]);
  const save = useMutation({
    mutationFn: (policy: ReviewPolicy) => putReviewPolicy(policy, q.data?.version),
    onSuccess: (saved) => {
      qc.setQueryData(qk.reviewPolicy, saved);
      setDraft(saved);
      toast.success(t('admin.saved'));
    },
  });
  if (!draft) return <Skeleton active paragraph={{ rows: 2 }} />;
  const off = !canEdit || save.isPending;
  return (
    <Panel small title={t('review.policyTitle')} testId="review-policy">
      <p style={{ marginTop: 0, color: 'rgba(0,0,0,0.45)' }}>{t('review.policyHint')}</p>
      <ReasonsAlert error={save.error} testId="review-policy-error" onReload={() => void q.refetch().then((r) => r.data && setDraft(r.data))} />
      <div style={{ display: 'grid', gap: 8 }}>
        <Select<string[]>
          data-testid="review-policy-categories"
          virtual={false}
          mode="tags"
          disabled={off}
          placeholder={t('review.categories')}
          aria-label={t('review.categories')}
          tokenSeparators={[',', '，']}
          value={draft.categories}
          onChange={(v) => setDraft({ ...draft, categories: v })}
          open={false}
          suffixIcon={null}
        />
        <Select<Priority[]>
          data-testid="review-policy-priorities"
          virtual={false}
          mode="multiple"
          disabled={off}
          placeholder={t('review.priorities')}
          aria-label={t('review.priorities')}
          value={draft.priorities}
          onChange={(v) => setDraft({ ...draft, priorities: v })}
          options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        />
        {canEdit ? (
          <Button type="primary" data-testid="review-policy-save" loading={save.isPending} onClick={() => save.mutate(draft)}>
            {t('admin.save')}
          </Button>
        ) : null}
      </div>
    </Panel>
  );
}
