// 快捷回复管理 (canned.manage: supervisors and admins): the prepared answers agents insert from the reply box. An
// ordered list (title and the first line of the body); add, edit, delete and move up / down locally, then one Save
// PUTs the whole set with If-Match of the version loaded. 400 invalid_canned_replies lists its reasons; a 412 (someone
// else saved meanwhile) offers to load their set.
import ArrowDownOutlined from '@ant-design/icons/ArrowDownOutlined';
import ArrowUpOutlined from '@ant-design/icons/ArrowUpOutlined';
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import EditOutlined from '@ant-design/icons/EditOutlined';
import PlusOutlined from '@ant-design/icons/PlusOutlined';
import UpOutlined from '@ant-design/icons/UpOutlined';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getCannedReplies, putCannedReplies, type CannedReply, type CannedReplyInput, type CannedReplySet } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { qk } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { CANNED_PLACEHOLDERS, firstLine } from '../cannedReplies';
import { ReasonsAlert } from './ReasonsAlert';

/** The server's limits (a save past them is a 400 anyway; the inputs stop there first). */
export const TITLE_MAX = 60;
export const BODY_MAX = 10_000;
export const ITEMS_MAX = 200;

type Draft = CannedReplyInput & { key: string };

let nextKey = 0;
function withKey(reply: CannedReplyInput): Draft {
  nextKey += 1;
  return { ...reply, key: `c${nextKey}` };
}

/** The set as the API takes it, in the order on screen; new replies go without an id. */
export function toCannedItems(drafts: Draft[]): CannedReplyInput[] {
  return drafts.map(({ id, title, body }) => (id ? { id, title: title.trim(), body } : { title: title.trim(), body }));
}

function ReplyRow({
  draft,
  index,
  count,
  open,
  disabled,
  onToggle,
  onChange,
  onMove,
  onRemove,
}: {
  draft: Draft;
  index: number;
  count: number;
  open: boolean;
  disabled: boolean;
  onToggle: () => void;
  onChange: (d: Draft) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const id = `canned-row-${index}`;
  const preview = firstLine(draft.body);
  return (
    <div
      data-testid={id}
      data-open={open ? 'true' : 'false'}
      style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '8px 12px', marginBottom: 8, background: '#fff' }}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <Tag style={{ marginInlineEnd: 0 }}>{index + 1}</Tag>
        <div
          style={{ flex: '1 1 240px', minWidth: 0, cursor: 'pointer' }}
          onClick={onToggle}
          data-testid={`canned-summary-${index}`}
        >
          <div style={{ fontWeight: 600, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {draft.title.trim() || <span style={{ color: 'rgba(0,0,0,0.45)', fontWeight: 400 }}>{t('canned.untitled')}</span>}
          </div>
          <div
            data-testid={`canned-preview-${index}`}
            style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
          >
            {preview || t('canned.noBody')}
          </div>
        </div>
        <Space size={4} wrap>
          <Button
            size="small"
            icon={open ? <UpOutlined /> : <EditOutlined />}
            data-testid={`canned-edit-${index}`}
            aria-expanded={open}
            onClick={onToggle}
          >
            {open ? t('canned.collapse') : t('canned.edit')}
          </Button>
          <Button
            size="small"
            icon={<ArrowUpOutlined />}
            aria-label={t('canned.moveUp')}
            title={t('canned.moveUp')}
            data-testid={`canned-up-${index}`}
            disabled={disabled || index === 0}
            onClick={() => onMove(-1)}
          />
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label={t('canned.moveDown')}
            title={t('canned.moveDown')}
            data-testid={`canned-down-${index}`}
            disabled={disabled || index === count - 1}
            onClick={() => onMove(1)}
          />
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            data-testid={`canned-delete-${index}`}
            disabled={disabled}
            onClick={onRemove}
          >
            {t('canned.delete')}
          </Button>
        </Space>
      </div>
      {open ? (
        <div style={{ display: 'grid', gap: 8, marginTop: 8, paddingBottom: 20 }}>
          <label style={{ display: 'grid', gap: 2 }}>
            <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{t('canned.fields.title')}</span>
            <Input
              data-testid={`canned-title-${index}`}
              value={draft.title}
              maxLength={TITLE_MAX}
              showCount
              status={draft.title.trim() ? undefined : 'error'}
              placeholder={t('canned.titlePlaceholder')}
              disabled={disabled}
              onChange={(e) => onChange({ ...draft, title: e.target.value })}
            />
          </label>
          <label style={{ display: 'grid', gap: 2 }}>
            <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{t('canned.fields.body')}</span>
            <Input.TextArea
              data-testid={`canned-body-${index}`}
              value={draft.body}
              maxLength={BODY_MAX}
              showCount
              status={draft.body.trim() ? undefined : 'error'}
              autoSize={{ minRows: 3, maxRows: 12 }}
              placeholder={t('canned.bodyPlaceholder')}
              disabled={disabled}
              onChange={(e) => onChange({ ...draft, body: e.target.value })}
            />
          </label>
        </div>
      ) : null}
    </div>
  );
}

function PlaceholderHint() {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="canned-placeholders"
      style={{ marginBottom: 12 }}
      title={t('canned.placeholdersHint')}
      description={
        <>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {CANNED_PLACEHOLDERS.map((p) => (
              <li key={p}>
                <code>{`{${p}}`}</code> {t(`canned.placeholders.${p}`)}
              </li>
            ))}
          </ul>
          <div style={{ marginTop: 4 }}>{t('canned.unknownPlaceholder')}</div>
        </>
      }
    />
  );
}

export default function CannedRepliesPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  // Loaded fresh each time the page opens; never refetched behind the editor (the save names the version loaded).
  const q = useQuery({
    queryKey: qk.cannedRepliesAdmin,
    queryFn: ({ signal }) => getCannedReplies({ signal }),
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    staleTime: Infinity,
  });
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const [base, setBase] = useState<number | undefined>(undefined);
  const [openKeys, setOpenKeys] = useState<Set<string>>(() => new Set());
  const [dirty, setDirty] = useState(false);
  const loaded = useRef(false);

  function adopt(set: CannedReplySet) {
    setDraft(set.items.map((r: CannedReply) => withKey(r)));
    setBase(set.version);
    setOpenKeys(new Set());
    setDirty(false);
  }

  useEffect(() => {
    if (q.data && !q.isFetching && !loaded.current) {
      loaded.current = true;
      adopt(q.data);
    }
  }, [q.data, q.isFetching]);

  const save = useMutation({
    mutationFn: (items: CannedReplyInput[]) => putCannedReplies({ items }, base),
    onSuccess: (saved) => {
      qc.setQueryData(qk.cannedRepliesAdmin, saved);
      // the reply box's picker shows the new set at once
      qc.setQueryData(qk.cannedReplies, saved);
      adopt(saved);
      toast.success(t('admin.saved'));
    },
  });

  if (q.isError && !draft) return <ErrorBlock testId="canned-load-error" title={q.error.message} />;
  if (!draft) return <Skeleton active paragraph={{ rows: 6 }} />;
  const rows = draft;
  const update = (next: Draft[]) => {
    setDraft(next);
    setDirty(true);
  };
  const toggle = (key: string) =>
    setOpenKeys((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const off = save.isPending;

  return (
    <div data-testid="canned-page" data-dirty={dirty ? 'true' : 'false'} data-version={base ?? ''}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <h2 style={{ margin: 0, fontSize: 18 }}>{t('canned.title')}</h2>
        <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('canned.hint')}</span>
        <Space style={{ marginLeft: 'auto' }}>
          <Button
            data-testid="canned-reset"
            disabled={!dirty || off}
            onClick={() => {
              if (q.data) adopt(q.data);
              save.reset();
            }}
          >
            {t('admin.discard')}
          </Button>
          <Button
            type="primary"
            data-testid="canned-save"
            loading={off}
            disabled={!dirty}
            onClick={() => save.mutate(toCannedItems(rows))}
          >
            {t('admin.save')}
          </Button>
        </Space>
      </div>
      <ReasonsAlert
        error={save.error}
        testId="canned-error"
        onReload={() =>
          void q.refetch().then((r) => {
            if (!r.data) return;
            adopt(r.data);
            save.reset();
          })
        }
      />
      <PlaceholderHint />
      <div data-testid="canned-list" data-count={rows.length}>
        {rows.length === 0 ? <div style={{ marginBottom: 12, color: 'rgba(0,0,0,0.45)' }}>{t('canned.empty')}</div> : null}
        {rows.map((row, i) => (
          <ReplyRow
            key={row.key}
            draft={row}
            index={i}
            count={rows.length}
            open={openKeys.has(row.key)}
            disabled={off}
            onToggle={() => toggle(row.key)}
            onChange={(d) => update(rows.map((x, k) => (k === i ? d : x)))}
            onMove={(delta) => {
              const next = [...rows];
              const [moved] = next.splice(i, 1);
              next.splice(i + delta, 0, moved);
              update(next);
            }}
            onRemove={() => update(rows.filter((_, k) => k !== i))}
          />
        ))}
      </div>
      <Space style={{ marginTop: 4 }} wrap>
        <Button
          icon={<PlusOutlined />}
          data-testid="canned-add"
          disabled={off || rows.length >= ITEMS_MAX}
          onClick={() => {
            const added = withKey({ title: t('canned.newTitle', { n: rows.length + 1 }), body: '' });
            setOpenKeys((s) => new Set(s).add(added.key));
            update([...rows, added]);
          }}
        >
          {t('canned.add')}
        </Button>
        <span style={{ color: 'rgba(0,0,0,0.45)' }} data-testid="canned-count">
          {t('canned.count', { count: rows.length })}
        </span>
      </Space>
    </div>
  );
}
