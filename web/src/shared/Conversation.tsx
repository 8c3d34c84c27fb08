// The conversation of a ticket: the message list (virtualized when long) and the reply box.
// Message bodies are plain text rendered by React (escaped); an email's sanitized HTML goes only through
// EmailHtml (a sandboxed iframe). Nothing here injects HTML.
import LockOutlined from '@ant-design/icons/LockOutlined';
import SendOutlined from '@ant-design/icons/SendOutlined';
import { useVirtualizer } from '@tanstack/react-virtual';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Checkbox from 'antd/es/checkbox';
import Empty from 'antd/es/empty';
import Input from 'antd/es/input';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import {
  createContext,
  memo,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, isStaffRole, type Message } from '../api';
import { EmailHtml } from './EmailHtml';
import { AttachmentDrop, useUploads } from './Attachments';
import { AttachmentList, CcLine, ChannelBadge, QuotedText, RawMessageLink } from './EmailParts';
import { formatTime } from './format';
import { UndeliveredTag, WechatBubble } from './WechatParts';

/** Internal notes: yellow background, gold border and the 内部备注 label. */
export const NOTE_BG = '#fffbe6';
export const NOTE_BORDER = '#ffd666';
export const STAFF_BG = '#f0f5ff';
export const CUSTOMER_BG = '#ffffff';

/** Past this many messages the list only renders what is on screen. */
export const VIRTUALIZE_AFTER = 40;

/** A WeChat ticket's conversation is drawn as chat bubbles (shared/WechatParts). */
const ChatStyle = createContext(false);

const MessageItem = memo(function MessageItem({
  message,
  mine,
  staffView,
}: {
  message: Message;
  mine: boolean;
  staffView: boolean;
}) {
  const { t } = useTranslation();
  const chat = useContext(ChatStyle);
  if (chat) return <WechatBubble message={message} noteBg={NOTE_BG} noteBorder={NOTE_BORDER} />;
  // The product's own replies (a trigger's or an automation's canned reply) sit on the desk's side; customers see
  // the desk, never the name of the rule that answered.
  const automatic = message.author.role === 'system';
  const staffAuthor = isStaffRole(message.author.role) || automatic;
  const authorName = automatic && !staffView ? t('conversation.staff') : message.author.name || message.author.email;
  const bg = message.internal ? NOTE_BG : staffAuthor ? STAFF_BG : CUSTOMER_BG;
  const border = message.internal ? NOTE_BORDER : staffAuthor ? '#d6e4ff' : '#e8e8e8';
  return (
    <div
      data-testid={`message-${message.id}`}
      data-internal={message.internal ? 'true' : 'false'}
      data-author-role={message.author.role}
      data-channel={message.channel ?? 'web'}
      className={message.internal ? 'hd-message hd-message-internal' : 'hd-message hd-message-public'}
      style={{
        background: bg,
        border: `1px solid ${border}`,
        borderLeft: message.internal ? `4px solid ${NOTE_BORDER}` : `1px solid ${border}`,
        borderRadius: 8,
        padding: '8px 12px',
        marginLeft: staffAuthor ? 0 : 24,
        marginRight: staffAuthor ? 24 : 0,
      }}
    >
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginBottom: 4 }}>
        <Typography.Text strong>{authorName}</Typography.Text>
        {automatic ? (
          <Tag color="purple" data-testid="automatic-label" style={{ marginInlineEnd: 0 }}>
            {t('conversation.automatic')}
          </Tag>
        ) : staffAuthor ? (
          <Tag color="blue" style={{ marginInlineEnd: 0 }}>
            {mine ? t(`role.${message.author.role}`) : t('conversation.staff')}
          </Tag>
        ) : null}
        {message.internal ? (
          <Tag color="gold" icon={<LockOutlined />} data-testid="internal-label" style={{ marginInlineEnd: 0 }}>
            {t('conversation.internalNote')}
          </Tag>
        ) : null}
        {message.merged_from ? (
          <Tag color="cyan" data-testid="merged-from-label" style={{ marginInlineEnd: 0 }}>
            {t('collab.mergedFrom', { number: message.merged_from })}
          </Tag>
        ) : null}
        <ChannelBadge channel={message.channel} />
        <UndeliveredTag message={message} />
        <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 'auto' }}>
          {formatTime(message.created_at)}
        </Typography.Text>
        {staffView ? <RawMessageLink message={message} /> : null}
      </div>
      <CcLine cc={message.cc} />
      {message.html ? (
        <EmailHtml html={message.html} title={t('email.htmlTitle', { name: message.author.name || message.author.email })} />
      ) : (
        <div className="hd-message-body" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {message.body}
        </div>
      )}
      <QuotedText text={message.quoted_text} />
      <AttachmentList message={message} />
    </div>
  );
});

function PlainList({ messages, viewerEmail, staffView }: { messages: Message[]; viewerEmail?: string; staffView: boolean }) {
  return (
    <>
      {messages.map((m) => (
        <div key={m.id} style={{ paddingBottom: 8 }}>
          <MessageItem message={m} mine={m.author.email === viewerEmail} staffView={staffView} />
        </div>
      ))}
    </>
  );
}

interface ListBoxProps {
  messages: Message[];
  viewerEmail?: string;
  height: number | string;
  label: string;
  staffView: boolean;
}

function boxProps(virtual: boolean, count: number, label: string) {
  return {
    'data-testid': 'message-list',
    'data-virtual': virtual ? 'true' : 'false',
    'data-count': count,
    role: 'log',
    'aria-label': label,
  } as const;
}

/** Short conversations: every message in the DOM, scrolled to the newest. */
function PlainBox({ messages, viewerEmail, height, label, staffView }: ListBoxProps) {
  const ref = useRef<HTMLDivElement>(null);
  const count = messages.length;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <div ref={ref} {...boxProps(false, count, label)} style={{ maxHeight: height, overflowY: 'auto', padding: '4px 4px 0' }}>
      <PlainList messages={messages} viewerEmail={viewerEmail} staffView={staffView} />
    </div>
  );
}

/**
 * Long conversations: only the messages on screen (plus a few) are rendered; heights are measured as they
 * appear. The scroll container lives here so the virtualizer sees it on its first layout pass.
 */
function VirtualBox({ messages, viewerEmail, height, label, staffView }: ListBoxProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    overscan: 8,
    getItemKey: (i) => messages[i].id,
    useFlushSync: false,
  });
  const count = messages.length;
  useLayoutEffect(() => {
    if (count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [count, virtualizer]);

  return (
    <div ref={scrollRef} {...boxProps(true, count, label)} style={{ height, overflowY: 'auto', padding: '4px 4px 0' }}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const m = messages[v.index];
          return (
            <div
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${v.start}px)` }}
            >
              <div style={{ paddingBottom: 8 }}>
                <MessageItem message={m} mine={m.author.email === viewerEmail} staffView={staffView} />
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function MessageList({
  messages,
  viewerEmail,
  height = 480,
  staffView = false,
}: {
  messages: Message[];
  viewerEmail?: string;
  height?: number | string;
  /** Staff see the raw-message link of email messages. */
  staffView?: boolean;
}) {
  const { t } = useTranslation();
  const label = t('ticket.conversation');
  if (messages.length === 0) {
    return (
      <div {...boxProps(false, 0, label)}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('conversation.empty')} />
      </div>
    );
  }
  return messages.length > VIRTUALIZE_AFTER ? (
    <VirtualBox messages={messages} viewerEmail={viewerEmail} height={height} label={label} staffView={staffView} />
  ) : (
    <PlainBox messages={messages} viewerEmail={viewerEmail} height={height} label={label} staffView={staffView} />
  );
}

/** What the reply box offers its tools (the console's 快捷回复 picker). */
export interface ReplyTools {
  /** Puts text at the textarea's cursor (replacing a selection), or at the end if it never had one; refocuses it. */
  insert: (text: string) => void;
  disabled: boolean;
}

/**
 * The reply with `text` put in: at the cursor (replacing the selection) when the textarea had one, else appended on a
 * line of its own. Returns the new value and where the cursor goes (just after the inserted text).
 */
export function insertText(
  value: string,
  text: string,
  selection: { start: number; end: number } | null,
): { value: string; caret: number } {
  if (selection) {
    const start = Math.max(0, Math.min(selection.start, value.length));
    const end = Math.max(start, Math.min(selection.end, value.length));
    return { value: value.slice(0, start) + text + value.slice(end), caret: start + text.length };
  }
  const sep = value && !value.endsWith('\n') ? '\n' : '';
  const next = value + sep + text;
  return { value: next, caret: next.length };
}

export function ReplyBox({
  allowInternal,
  onSend,
  disabled = false,
  placeholder,
  tools,
}: {
  /** Staff only: offer the internal-note toggle. */
  allowInternal: boolean;
  onSend: (body: string, internal: boolean, attachments: string[]) => Promise<unknown>;
  disabled?: boolean;
  placeholder?: string;
  /** Controls shown beside the input (the console passes the 快捷回复 picker; the portal passes none). */
  tools?: (api: ReplyTools) => ReactNode;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const uploads = useUploads();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const inputRef = useRef<TextAreaRef>(null);
  /** Whether the textarea has had a cursor since it was last emptied by a send: if not, inserts append. */
  const hadCursor = useRef(false);
  /** Set by an insert: after the new value renders, the cursor goes here and focus returns to the textarea. */
  const [caret, setCaret] = useState<{ at: number } | null>(null);
  useLayoutEffect(() => {
    if (!caret) return;
    const el = inputRef.current?.resizableTextArea?.textArea;
    if (el) {
      el.focus();
      el.setSelectionRange(caret.at, caret.at);
    }
  }, [caret]);

  function insert(text: string) {
    if (!text) return;
    const el = inputRef.current?.resizableTextArea?.textArea;
    // A blurred textarea keeps its selection: that is the cursor the agent left when they opened the picker.
    const selection =
      el && hadCursor.current && el.value === body ? { start: el.selectionStart, end: el.selectionEnd } : null;
    const next = insertText(body, text, selection);
    setBody(next.value);
    setCaret({ at: next.caret });
  }

  const note = allowInternal && internal;
  const canSend = !disabled && !sending && body.trim().length > 0 && !uploads.busy && !uploads.tooMany;

  async function send() {
    if (!canSend) return;
    setSending(true);
    setError(null);
    try {
      await onSend(body.trim(), note, uploads.ids);
      if (mounted.current) {
        setBody('');
        uploads.clear();
        hadCursor.current = false;
      }
    } catch (e) {
      if (mounted.current) setError(isApiError(e) || e instanceof Error ? e.message : String(e));
    } finally {
      if (mounted.current) setSending(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  }

  const ph =
    placeholder ?? (note ? t('conversation.notePlaceholder') : t('conversation.replyPlaceholder'));

  return (
    <div data-testid="reply-box" data-internal={note ? 'true' : 'false'}>
      {error ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} data-testid="reply-error" />
      ) : null}
      <AttachmentDrop uploads={uploads} testId="reply-attachments">
      <Input.TextArea
        ref={inputRef}
        data-testid="reply-input"
        aria-label={ph}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onFocus={() => {
          hadCursor.current = true;
        }}
        onKeyDown={onKeyDown}
        placeholder={ph}
        autoSize={{ minRows: 3, maxRows: 10 }}
        disabled={disabled}
        maxLength={100_000}
        style={note ? { background: NOTE_BG, borderColor: NOTE_BORDER } : undefined}
      />
      </AttachmentDrop>
      <div style={{ display: 'flex', alignItems: 'center', marginTop: 8, gap: 12, flexWrap: 'wrap' }}>
        {tools ? tools({ insert, disabled: disabled || sending }) : null}
        {allowInternal ? (
          <Space size={4}>
            <Checkbox
              data-testid="internal-toggle"
              checked={internal}
              onChange={(e) => setInternal(e.target.checked)}
              disabled={disabled}
            >
              <LockOutlined /> {t('conversation.internalToggle')}
            </Checkbox>
            {note ? (
              <Typography.Text type="warning" style={{ fontSize: 12 }}>
                {t('conversation.internalHint')}
              </Typography.Text>
            ) : null}
          </Space>
        ) : null}
        <Button
          data-testid="send-button"
          type="primary"
          icon={<SendOutlined />}
          onClick={() => void send()}
          loading={sending}
          disabled={!canSend}
          style={{ marginLeft: 'auto' }}
        >
          {note ? t('conversation.sendNote') : t('conversation.send')}
        </Button>
      </div>
    </div>
  );
}

export function Conversation({
  messages,
  loading,
  error,
  truncated,
  mode,
  viewerEmail,
  onSend,
  sendDisabled,
  height,
  placeholder,
  replyTools,
  chat = false,
  replyNotice,
  internalNotes = true,
}: {
  messages: Message[] | undefined;
  loading?: boolean;
  error?: unknown;
  truncated?: boolean;
  mode: 'staff' | 'customer';
  viewerEmail?: string;
  onSend: (body: string, internal: boolean, attachments: string[]) => Promise<unknown>;
  sendDisabled?: boolean;
  height?: number | string;
  placeholder?: string;
  /** Staff mode only: controls beside the reply input (the console's 快捷回复 picker). */
  replyTools?: (api: ReplyTools) => ReactNode;
  /** Chat bubbles (a WeChat ticket) instead of mail-style messages. */
  chat?: boolean;
  /** Shown over the reply box (a WeChat ticket's 48-hour window). */
  replyNotice?: ReactNode;
  /** Staff whose role writes internal notes (message.internal): the toggle shows. */
  internalNotes?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div data-testid="conversation" data-mode={mode} data-style={chat ? 'chat' : 'mail'}>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error instanceof Error ? error.message : String(error)}
          style={{ marginBottom: 8 }}
        />
      ) : null}
      {truncated ? (
        <Alert type="info" title={t('conversation.truncated', { count: messages?.length ?? 0 })} style={{ marginBottom: 8 }} />
      ) : null}
      {loading && !messages ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : (
        <ChatStyle.Provider value={chat}>
          <MessageList messages={messages ?? []} viewerEmail={viewerEmail} height={height} staffView={mode === 'staff'} />
        </ChatStyle.Provider>
      )}
      <div style={{ marginTop: 12 }}>
        {replyNotice}
        <ReplyBox
          allowInternal={mode === 'staff' && internalNotes}
          onSend={onSend}
          disabled={sendDisabled}
          placeholder={placeholder}
          tools={mode === 'staff' ? replyTools : undefined}
        />
      </div>
    </div>
  );
}
