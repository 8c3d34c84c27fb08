// The triggers' dry run: an event, a sample ticket as it is after the event and (for `updated`) what the event
// changed; the answer is which triggers fire, and why (the same trace as the routing rules').
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import { useMutation } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  dryRunRules,
  PRIORITIES,
  STATUSES,
  TRACKED_FIELDS,
  TRIGGER_EVENTS,
  type RuleSet,
  type SampleChange,
  type SampleTicket,
} from '../../../api';
import { Panel } from '../../../shared/ui';
import { ReasonsAlert } from '../ReasonsAlert';
import { DryRunResult } from '../ruleParts/DryRunResult';
import type { TriggerDraft } from './draft';

type Event = TriggerDraft['event'];
interface ChangeRow {
  field: string;
  old: string;
  new: string;
}

function listOrText(field: string, text: string): string | string[] | null {
  if (field === 'tags') return text.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  return text.trim() || null;
}

export function TriggerDryRun({ ruleSet }: { ruleSet: () => RuleSet }) {
  const { t } = useTranslation();
  const [event, setEvent] = useState<Event>('updated');
  const [sample, setSample] = useState<Record<string, string>>({ subject: '', description: '' });
  const [changes, setChanges] = useState<ChangeRow[]>([{ field: 'priority', old: 'P3', new: 'P1' }]);
  const set = (k: string, v: string | undefined) => setSample((s) => ({ ...s, [k]: v ?? '' }));
  const run = useMutation({
    mutationFn: () => {
      const ticket: SampleTicket = { subject: sample.subject ?? '', description: sample.description ?? '' };
      for (const k of ['priority', 'status', 'category', 'team']) {
        const v = sample[k]?.trim();
        if (v) (ticket as unknown as Record<string, string>)[k] = v;
      }
      if (sample.tags?.trim()) ticket.tags = listOrText('tags', sample.tags) as string[];
      const sent: SampleChange[] =
        event === 'updated'
          ? changes.map((c) => ({ field: c.field, old: listOrText(c.field, c.old), new: listOrText(c.field, c.new) }))
          : [];
      return dryRunRules(ticket, ruleSet(), event, sent);
    },
  });
  return (
    <Panel small title={t('rules.dryRun')} testId="trigger-dry-run">
      <div style={{ display: 'grid', gap: 8 }}>
        <Select<Event>
          data-testid="trigger-dry-run-event"
          virtual={false}
          value={event}
          onChange={setEvent}
          options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`triggers.events.${e}`), 'data-testid': `dry-event-${e}` }))}
        />
        <Input
          data-testid="trigger-dry-run-subject"
          placeholder={t('rules.sample.subject')}
          value={sample.subject}
          onChange={(e) => set('subject', e.target.value)}
        />
        <Space wrap>
          <Select<string>
            data-testid="trigger-dry-run-priority"
            virtual={false}
            allowClear
            style={{ width: 130 }}
            placeholder={t('rules.fields.priority')}
            value={sample.priority || undefined}
            onChange={(v) => set('priority', v)}
            options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          />
          <Select<string>
            data-testid="trigger-dry-run-status"
            virtual={false}
            allowClear
            style={{ width: 130 }}
            placeholder={t('rules.fields.status')}
            value={sample.status || undefined}
            onChange={(v) => set('status', v)}
            options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
        </Space>
        <Input placeholder={t('rules.fields.category')} value={sample.category ?? ''} onChange={(e) => set('category', e.target.value)} />
        <Input placeholder={t('rules.fields.tags')} value={sample.tags ?? ''} onChange={(e) => set('tags', e.target.value)} />
        {event === 'updated' ? (
          <div data-testid="trigger-dry-run-changes">
            <div style={{ fontWeight: 600, marginBottom: 4 }}>{t('triggers.whatChanged')}</div>
            {changes.map((c, i) => (
              <Space key={i} wrap style={{ marginBottom: 4 }}>
                <Select<string>
                  data-testid={`dry-change-${i}-field`}
                  virtual={false}
                  style={{ width: 110 }}
                  value={c.field}
                  onChange={(v) => setChanges(changes.map((x, k) => (k === i ? { ...x, field: v } : x)))}
                  options={TRACKED_FIELDS.map((f) => ({ value: f, label: t(`rules.fields.${f}`) }))}
                />
                <Input
                  data-testid={`dry-change-${i}-old`}
                  style={{ width: 90 }}
                  placeholder={t('triggers.old')}
                  value={c.old}
                  onChange={(e) => setChanges(changes.map((x, k) => (k === i ? { ...x, old: e.target.value } : x)))}
                />
                <span>→</span>
                <Input
                  data-testid={`dry-change-${i}-new`}
                  style={{ width: 90 }}
                  placeholder={t('triggers.new')}
                  value={c.new}
                  onChange={(e) => setChanges(changes.map((x, k) => (k === i ? { ...x, new: e.target.value } : x)))}
                />
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={t('rules.removeCondition')}
                  onClick={() => setChanges(changes.filter((_, k) => k !== i))}
                />
              </Space>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => setChanges([...changes, { field: 'status', old: '', new: '' }])}
            >
              {t('triggers.addChange')}
            </Button>
          </div>
        ) : null}
        <Button type="primary" data-testid="trigger-dry-run-submit" loading={run.isPending} onClick={() => run.mutate()}>
          {t('triggers.runDry')}
        </Button>
      </div>
      <div style={{ marginTop: 12 }}>
        <ReasonsAlert error={run.error} testId="trigger-dry-run-error" />
        {run.data ? <DryRunResult outcome={run.data} /> : null}
      </div>
    </Panel>
  );
}
