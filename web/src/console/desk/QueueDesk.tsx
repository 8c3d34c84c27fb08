// The queue's desk tools: the narrowing filters (tag, category, channel), saved views as tabs with their counts, saving
// the current filters as a view, and the bulk bar for the selected tickets (批量处理).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Select from 'antd/es/select';
import { useMemo, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import {
  bulkEdit,
  CHANNELS,
  listViews,
  PRIORITIES,
  putView,
  STATUSES,
  type BulkChanges,
  type FieldDefinition,
  type SavedView,
  type Team,
  type ViewFilters,
} from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { deskKeys, fieldLabel, useFields } from '../../shared/CustomFields';
import { qk } from '../../shared/queries';
import { useToast } from '../../shared/toast';

export const NARROWING = ['tag', 'category', 'channel', 'assignee'] as const;
const VIEW_PARAMS = ['status', 'priority', 'team', ...NARROWING] as const;

/** The tag / category / channel inputs of the queue (kept in the query string). */
export function NarrowingFilters({
  search,
  setFilter,
}: {
  search: URLSearchParams;
  setFilter: (key: string, value: string | undefined) => void;
}) {
  const { t } = useTranslation();
  // Only a changed value moves the list (leaving an input unchanged keeps a saved view's tab).
  const update = (key: string, value: string | undefined) => {
    if ((search.get(key) ?? undefined) !== value) setFilter(key, value);
  };
  return (
    <div className="hd-filter-group" data-testid="filter-narrow">
      <Input
        key={`tag:${search.get('tag') ?? ''}`}
        size="small"
        allowClear
        placeholder={t('desk.filters.tag')}
        defaultValue={search.get('tag') ?? ''}
        data-testid="filter-tag"
        style={{ width: 120 }}
        onPressEnter={(e) => update('tag', e.currentTarget.value.trim() || undefined)}
        onBlur={(e) => update('tag', e.currentTarget.value.trim() || undefined)}
      />
      <Input
        key={`category:${search.get('category') ?? ''}`}
        size="small"
        allowClear
        placeholder={t('desk.filters.category')}
        defaultValue={search.get('category') ?? ''}
        data-testid="filter-category"
        style={{ width: 120 }}
        onPressEnter={(e) => update('category', e.currentTarget.value.trim() || undefined)}
        onBlur={(e) => update('category', e.currentTarget.value.trim() || undefined)}
      />
      <Select
        size="small"
        allowClear
        virtual={false}
        placeholder={t('desk.filters.channel')}
        value={search.get('channel') ?? undefined}
        data-testid="filter-channel"
        style={{ width: 120 }}
        onChange={(v?: string) => update('channel', v)}
        options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
      />
    </div>
  );
}

/** Saved views as tabs beside the queues, with how many tickets each lists (up to 100). */
export function SavedViewTabs({ search }: { search: URLSearchParams }) {
  const navigate = useNavigate();
  const views = useQuery({ queryKey: deskKeys.views, queryFn: ({ signal }) => listViews(true, { signal }) });
  const active = search.get('saved');
  return (
    <>
      {(views.data ?? []).map((v) => (
        <button
          key={v.id}
          type="button"
          role="tab"
          aria-selected={v.id === active}
          data-testid={`saved-view-tab-${v.id}`}
          data-view-name={v.name}
          className={v.id === active ? 'hd-tab hd-tab-active' : 'hd-tab'}
          onClick={() => navigate(viewLocation(v))}
        >
          {v.name}{' '}
          <span className="hd-tab-count" data-testid={`saved-view-count-${v.id}`}>
            {v.count ?? ''}
            {v.more ? '+' : ''}
          </span>
        </button>
      ))}
    </>
  );
}

export function viewLocation(v: SavedView): { pathname: string; search: string } {
  const params = new URLSearchParams();
  for (const key of VIEW_PARAMS) {
    const value = v.filters[key];
    if (value) params.set(key, value);
  }
  params.set('saved', v.id);
  return { pathname: `/console/queue/${v.filters.view ?? 'all'}`, search: params.toString() };
}

/** 保存为视图: the queue's current filters under a name; a supervisor may share it with a team they lead. */
export function SaveViewButton({ view, search, teams }: { view: string; search: URLSearchParams; teams: Team[] }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [team, setTeam] = useState<string | undefined>();
  const led = teams.filter((tm) => tm.supervisor === user?.email);
  const save = useMutation({
    mutationFn: () => {
      const filters: ViewFilters = { view };
      for (const key of VIEW_PARAMS) {
        const value = search.get(key);
        if (value) filters[key] = value;
      }
      const id = `v${Date.now().toString(36)}`;
      return putView(id, { name: name.trim(), filters, team: team ?? null });
    },
    onSuccess: (saved) => {
      toast.success(t('desk.views.saved'));
      setOpen(false);
      setName('');
      void qc.invalidateQueries({ queryKey: deskKeys.views });
      navigate(viewLocation(saved));
    },
  });
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="save-view">
        {t('desk.views.save')}
      </Button>
      <Modal
        open={open}
        title={t('desk.views.save')}
        onCancel={() => setOpen(false)}
        onOk={() => save.mutate()}
        okButtonProps={{ disabled: !name.trim(), loading: save.isPending, ...{ 'data-testid': 'save-view-ok' } }}
        destroyOnHidden
      >
        <Input
          autoFocus
          value={name}
          maxLength={40}
          placeholder={t('desk.views.name')}
          data-testid="save-view-name"
          onChange={(e) => setName(e.target.value)}
        />
        {led.length > 0 ? (
          <Select
            allowClear
            virtual={false}
            style={{ width: '100%', marginTop: 8 }}
            placeholder={t('desk.views.share')}
            value={team}
            onChange={(v?: string) => setTeam(v)}
            options={led.map((tm) => ({ value: tm.id, label: tm.name }))}
          />
        ) : null}
        {save.error ? <div style={{ color: '#cf1322', marginTop: 8 }}>{save.error.message}</div> : null}
      </Modal>
    </>
  );
}

/** The bar over the queue while tickets are selected: one change for all of them, each ticket on its own. */
export function BulkBar({ ids, teams, onDone }: { ids: string[]; teams: Team[]; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [changes, setChanges] = useState<BulkChanges>({});
  const apply = useMutation({
    mutationFn: () => bulkEdit(ids, changes),
    onSuccess: (results) => {
      const failed = results.filter((r) => r.status !== 200);
      const summary = t('desk.bulk.done', { ok: results.length - failed.length, failed: failed.length });
      if (failed.length) toast.error(`${summary}: ${failed[0].error?.message ?? ''}`);
      else toast.success(summary);
      setChanges({});
      void qc.invalidateQueries({ queryKey: qk.tickets });
      void qc.invalidateQueries({ queryKey: deskKeys.views });
      onDone();
    },
  });
  const set = (change: BulkChanges) => setChanges((c) => ({ ...c, ...change }));
  const empty = Object.values(changes).every((v) => v === undefined);
  return (
    <div className="hd-bulk-bar" data-testid="bulk-bar" role="toolbar" aria-label={t('desk.bulk.apply')}>
      <strong data-testid="bulk-count">{t('desk.bulk.selected', { count: ids.length })}</strong>
      <Select
        size="small"
        allowClear
        virtual={false}
        placeholder={t('desk.bulk.team')}
        data-testid="bulk-team"
        style={{ width: 140 }}
        value={changes.team}
        onChange={(v?: string) => set({ team: v })}
        options={teams.map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `bulk-team-${tm.id}` }))}
      />
      <Select
        size="small"
        allowClear
        virtual={false}
        placeholder={t('desk.bulk.status')}
        data-testid="bulk-status"
        style={{ width: 120 }}
        value={changes.status}
        onChange={(v) => set({ status: v })}
        options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
      />
      <Select
        size="small"
        allowClear
        virtual={false}
        placeholder={t('desk.bulk.priority')}
        data-testid="bulk-priority"
        style={{ width: 110 }}
        value={changes.priority}
        onChange={(v) => set({ priority: v })}
        options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
      />
      <Input
        size="small"
        placeholder={t('desk.bulk.addTag')}
        data-testid="bulk-tag"
        style={{ width: 120 }}
        value={changes.add_tags?.[0] ?? ''}
        onChange={(e) => set({ add_tags: e.target.value.trim() ? [e.target.value.trim()] : undefined })}
      />
      <Button
        type="primary"
        size="small"
        disabled={empty}
        loading={apply.isPending}
        onClick={() => apply.mutate()}
        data-testid="bulk-apply"
      >
        {t('desk.bulk.apply')}
      </Button>
      <Button size="small" onClick={onDone} data-testid="bulk-clear">
        {t('desk.bulk.clear')}
      </Button>
    </div>
  );
}

const COLUMNS_KEY = 'helpdesk.queueFieldColumns';

/** Which custom fields the queue shows as columns (this browser's choice), and the picker. */
export function useFieldColumns(): { columns: FieldDefinition[]; picker: ReactElement } {
  const { t, i18n } = useTranslation();
  const fields = useFields();
  const [keys, setKeys] = useState<string[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? '[]') as string[];
    } catch {
      return [];
    }
  });
  const columns = useMemo(() => (fields.data ?? []).filter((f) => keys.includes(f.key)), [fields.data, keys]);
  const picker = (
    <Select
      size="small"
      mode="multiple"
      allowClear
      virtual={false}
      maxTagCount={1}
      placeholder={t('desk.columns')}
      data-testid="field-columns"
      style={{ minWidth: 140 }}
      value={keys}
      onChange={(next: string[]) => {
        setKeys(next);
        localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
      }}
      options={(fields.data ?? []).map((f) => ({ value: f.key, label: fieldLabel(f, i18n.language) }))}
    />
  );
  return { columns, picker };
}
