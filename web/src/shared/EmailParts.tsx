// The email parts of a message: channel badge, CCs, the folded quoted history, attachments, the raw message link.
import DownloadOutlined from '@ant-design/icons/DownloadOutlined';
import MailOutlined from '@ant-design/icons/MailOutlined';
import PaperClipOutlined from '@ant-design/icons/PaperClipOutlined';
import Tag from 'antd/es/tag';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getAttachment, getRawMessage, type Attachment, type Message } from '../api';
import { formatBytes } from './format';
import { openUrl } from './openUrl';
import { useToast } from './toast';

export function ChannelBadge({ channel }: { channel: string | undefined }) {
  const { t } = useTranslation();
  if (channel !== 'email') return null;
  return (
    <Tag icon={<MailOutlined />} color="purple" data-testid="channel-badge" data-channel={channel} style={{ marginInlineEnd: 0 }}>
      {t('email.viaEmail')}
    </Tag>
  );
}

export function CcLine({ cc, testId = 'message-cc' }: { cc: string[] | undefined; testId?: string }) {
  const { t } = useTranslation();
  if (!cc || cc.length === 0) return null;
  return (
    <div data-testid={testId} style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginBottom: 4, wordBreak: 'break-all' }}>
      {t('email.cc')}: {cc.join(', ')}
    </div>
  );
}

/** The quoted history / signature, collapsed behind 显示引用内容. Plain text. */
export function QuotedText({ text }: { text: string | null | undefined }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!text) return null;
  return (
    <div style={{ marginTop: 6 }}>
      <button
        type="button"
        className="hd-link-button"
        data-testid="quote-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? t('email.hideQuoted') : t('email.showQuoted')}
      </button>
      {open ? (
        <div
          data-testid="quoted-text"
          style={{
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-word',
            color: '#595959',
            borderLeft: '3px solid #d9d9d9',
            paddingLeft: 8,
            marginTop: 4,
            fontSize: 13,
          }}
        >
          {text}
        </div>
      ) : null}
    </div>
  );
}

export function AttachmentList({ message }: { message: Message }) {
  // Inline images are shown in the HTML already; list the rest (and inline ones of a text-only message).
  const items = (message.attachments ?? []).filter((a) => !a.inline || !message.html);
  return <AttachmentItems ticketId={message.ticket_id} messageId={message.id} attachments={items} />;
}

/** Files of a message (or, with the ticket's id as the message id, of the ticket): images as thumbnails. */
export function AttachmentItems({
  ticketId,
  messageId,
  attachments,
}: {
  ticketId: string;
  messageId: string;
  attachments: Attachment[];
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const items = attachments;
  if (items.length === 0) return null;

  async function download(a: Attachment) {
    setBusy(a.id);
    try {
      const link = await getAttachment(ticketId, messageId, a.id);
      openUrl(link.url);
    } catch (e) {
      toast.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <ul data-testid="attachments" aria-label={t('email.attachments')} style={{ listStyle: 'none', margin: '8px 0 0', padding: 0 }}>
      {items.map((a) => (
        <li key={a.id} data-testid={`attachment-${a.id}`} style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 13 }}>
          {a.url && a.content_type.startsWith('image/') ? (
            <a href={a.url} target="_blank" rel="noreferrer noopener">
              <img
                src={a.url}
                alt={a.filename}
                data-testid={`attachment-thumb-${a.id}`}
                style={{ maxWidth: 160, maxHeight: 120, objectFit: 'contain', border: '1px solid #f0f0f0', borderRadius: 4 }}
              />
            </a>
          ) : (
            <PaperClipOutlined />
          )}
          <span style={{ wordBreak: 'break-all' }}>{a.filename}</span>
          <span style={{ color: 'rgba(0,0,0,0.45)' }} data-testid={`attachment-size-${a.id}`}>
            {formatBytes(a.size)}
          </span>
          <button
            type="button"
            className="hd-link-button"
            data-testid={`attachment-download-${a.id}`}
            disabled={busy === a.id}
            onClick={() => void download(a)}
          >
            <DownloadOutlined /> {t('email.download')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** 原始邮件 (staff): fetches the raw route and opens the URL. */
export function RawMessageLink({ message }: { message: Message }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!message.has_raw) return null;
  async function open() {
    setBusy(true);
    try {
      const link = await getRawMessage(message.ticket_id, message.id);
      openUrl(link.url);
    } catch (e) {
      toast.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" className="hd-link-button" data-testid="raw-message" disabled={busy} onClick={() => void open()} style={{ fontSize: 12 }}>
      {t('email.raw')}
    </button>
  );
}
