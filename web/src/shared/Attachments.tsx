// Web attachments: pick by button, drop, or paste a screenshot; each file goes straight to storage with a progress
// bar (POST /api/uploads, then the presigned POST), and the form sends the upload ids with the ticket or message.
import PaperClipOutlined from '@ant-design/icons/PaperClipOutlined';
import Button from 'antd/es/button';
import Progress from 'antd/es/progress';
import { useCallback, useRef, useState, type ClipboardEvent, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadFile } from '../api';
import { formatBytes } from './format';

export const MAX_FILES = 10;
export const MAX_BYTES = 25 * 1024 * 1024;

export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  percent: number;
  id?: string;
  error?: string;
  preview?: string;
}

/** The files of one form being uploaded: add them, see their progress, get the ids of those done. */
export function useUploads() {
  const { t } = useTranslation();
  const [items, setItems] = useState<PendingUpload[]>([]);
  const count = useRef(0);

  const update = useCallback((key: string, change: Partial<PendingUpload>) => {
    setItems((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      for (const file of files) {
        count.current += 1;
        const key = `u${count.current}`;
        const name = file.name || `screenshot-${count.current}.png`;
        const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
        const tooBig = file.size > MAX_BYTES ? t('desk.tooBig') : undefined;
        setItems((list) => [...list, { key, name, size: file.size, percent: 0, preview, error: tooBig }]);
        if (tooBig) continue;
        const named = file.name ? file : new File([file], name, { type: file.type || 'image/png' });
        uploadFile(named, (percent) => update(key, { percent }))
          .then((id) => update(key, { id, percent: 100 }))
          .catch((e: unknown) => update(key, { error: e instanceof Error ? e.message : String(e) }));
      }
    },
    [t, update],
  );

  const remove = (key: string) => setItems((list) => list.filter((u) => u.key !== key));
  const clear = () => setItems([]);
  const ids = items.filter((u) => u.id && !u.error).map((u) => u.id as string);
  const busy = items.some((u) => !u.id && !u.error);
  const tooMany = items.filter((u) => !u.error).length > MAX_FILES;
  return { items, add, remove, clear, ids, busy, tooMany };
}

export type Uploads = ReturnType<typeof useUploads>;

/** Files pasted (a screenshot) into the area this handler is on. */
export function pastedFiles(e: ClipboardEvent): File[] {
  const files = Array.from(e.clipboardData?.files ?? []);
  if (files.length > 0) return files;
  return Array.from(e.clipboardData?.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((f): f is File => f !== null);
}

/** A drop zone with a button, the pending files and their progress. Wrap the form in it to take pastes as well. */
export function AttachmentDrop({ uploads, testId, children }: { uploads: Uploads; testId: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    uploads.add(Array.from(e.dataTransfer.files));
  }

  function onPaste(e: ClipboardEvent) {
    const files = pastedFiles(e);
    if (files.length > 0) {
      e.preventDefault();
      uploads.add(files);
    }
  }

  return (
    <div
      data-testid={testId}
      onPaste={onPaste}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={over ? 'hd-drop hd-drop-over' : 'hd-drop'}
    >
      {children}
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', marginTop: 8 }}>
        <Button icon={<PaperClipOutlined />} onClick={() => input.current?.click()} data-testid={`${testId}-button`}>
          {t('desk.attach')}
        </Button>
        <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{t('desk.attachHint')}</span>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid={`${testId}-input`}
          onChange={(e) => {
            uploads.add(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      {uploads.tooMany ? <div style={{ color: '#cf1322', fontSize: 12 }}>{t('desk.tooMany', { max: MAX_FILES })}</div> : null}
      {uploads.items.length > 0 ? (
        <ul style={{ listStyle: 'none', padding: 0, margin: '8px 0 0' }} data-testid={`${testId}-files`}>
          {uploads.items.map((u) => (
            <li
              key={u.key}
              data-testid="pending-upload"
              data-state={u.error ? 'error' : u.id ? 'done' : 'uploading'}
              style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 13 }}
            >
              {u.preview ? <img src={u.preview} alt={u.name} style={{ width: 40, height: 40, objectFit: 'cover' }} /> : <PaperClipOutlined />}
              <span style={{ minWidth: 120, wordBreak: 'break-all' }}>{u.name}</span>
              <span style={{ color: 'rgba(0,0,0,0.45)' }}>{formatBytes(u.size)}</span>
              <Progress
                percent={u.percent}
                size="small"
                status={u.error ? 'exception' : u.id ? 'success' : 'active'}
                style={{ width: 160, margin: 0 }}
              />
              {u.error ? <span style={{ color: '#cf1322' }}>{u.error}</span> : null}
              <button type="button" className="hd-link-button" onClick={() => uploads.remove(u.key)}>
                {t('desk.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
