// The WeChat channel in the console: a conversation drawn as chat bubbles (the customer left, staff right in
// WeChat's green), images inline, replies WeChat refused marked 未送达, and the 48-hour reply window as a countdown
// with a warning once it has closed. Bodies are plain text rendered by React; image URLs come from the API.
import WechatOutlined from '@ant-design/icons/WechatOutlined';
import Alert from 'antd/es/alert';
import Tag from 'antd/es/tag';
import Tooltip from 'antd/es/tooltip';
import Typography from 'antd/es/typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getTicketWechat, isStaffRole, nameTicketWechat, type Message, type WechatFollower } from '../api';
import { formatTime } from './format';
import { useNow } from './useNow';

export const WECHAT_GREEN = '#95ec69';
const WARN_BELOW_SECONDS = 4 * 3600;

export function WechatTag() {
  const { t } = useTranslation();
  return (
    <Tag icon={<WechatOutlined />} color="green" data-testid="wechat-channel" style={{ marginInlineEnd: 0 }}>
      {t('channel.wechat')}
    </Tag>
  );
}

/** 未送达: a reply WeChat would not take, kept in the conversation. */
export function UndeliveredTag({ message }: { message: Message }) {
  const { t } = useTranslation();
  const delivery = message.delivery;
  if (!delivery || delivery.status !== 'undelivered') return null;
  const why = t(`wechat.reason.${delivery.reason}`, { defaultValue: delivery.reason });
  return (
    <Tooltip title={t('wechat.undeliveredHint', { why, at: formatTime(delivery.at) })}>
      <Tag color="red" data-testid="undelivered" data-reason={delivery.reason} style={{ marginInlineEnd: 0 }}>
        {t('wechat.undelivered')}
      </Tag>
    </Tooltip>
  );
}

function Images({ message }: { message: Message }) {
  const { t } = useTranslation();
  const images = (message.attachments ?? []).filter((a) => a.url && a.content_type.startsWith('image/'));
  if (images.length === 0) return null;
  return (
    <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', marginTop: 4 }}>
      {images.map((a) => (
        <a key={a.id} href={a.url ?? undefined} target="_blank" rel="noopener noreferrer">
          <img
            src={a.url ?? undefined}
            alt={t('wechat.image')}
            data-testid="wechat-image"
            referrerPolicy="no-referrer"
            style={{ maxWidth: 220, maxHeight: 220, borderRadius: 4, display: 'block' }}
          />
        </a>
      ))}
    </div>
  );
}

/** One message as a chat bubble. Internal notes stay notes: centred, on the note colour. */
export function WechatBubble({ message, noteBg, noteBorder }: { message: Message; noteBg: string; noteBorder: string }) {
  const { t } = useTranslation();
  const staff = isStaffRole(message.author.role);
  const right = staff && !message.internal;
  const hasImage = (message.attachments ?? []).some((a) => a.url);
  // An image message's text is only its placeholder: the picture says it.
  const body = hasImage && message.wechat?.msg_type === 'image' ? null : message.body;
  const bubble = message.internal
    ? { background: noteBg, border: `1px solid ${noteBorder}` }
    : { background: right ? WECHAT_GREEN : '#ffffff', border: right ? `1px solid ${WECHAT_GREEN}` : '1px solid #e8e8e8' };
  return (
    <div
      data-testid={`message-${message.id}`}
      data-internal={message.internal ? 'true' : 'false'}
      data-author-role={message.author.role}
      data-channel={message.channel ?? 'web'}
      data-bubble={right ? 'right' : message.internal ? 'note' : 'left'}
      className={message.internal ? 'hd-message hd-message-internal' : 'hd-message hd-message-public'}
      style={{ display: 'flex', flexDirection: 'column', alignItems: message.internal ? 'center' : right ? 'flex-end' : 'flex-start' }}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 12, marginBottom: 2 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {message.author.name || message.author.email}
          {message.internal ? ` · ${t('conversation.internalNote')}` : ''} · {formatTime(message.created_at)}
        </Typography.Text>
        <UndeliveredTag message={message} />
      </div>
      <div
        className="hd-message-body"
        style={{
          ...bubble,
          borderRadius: 8,
          padding: '8px 12px',
          maxWidth: '78%',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          opacity: message.delivery?.status === 'undelivered' ? 0.7 : 1,
        }}
      >
        {body}
        <Images message={message} />
        {message.wechat?.problems?.length ? (
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {t('wechat.mediaLost')}
          </Typography.Text>
        ) : null}
      </div>
    </div>
  );
}

function hours(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/**
 * WeChat's 48-hour window over the reply box: a countdown while replies can reach the customer, a warning once they
 * cannot. Counted from the server's answer (its clock decides), refreshed every minute.
 */
/** The customer's name (微信用户… until staff name them), editable in place, and their openid. */
function FollowerName({ ticketId, follower }: { ticketId: string; follower: WechatFollower }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const rename = useMutation({
    mutationFn: (name: string) => nameTicketWechat(ticketId, name),
    onSuccess: (updated) => {
      qc.setQueryData(['wechat', ticketId], updated);
      void qc.invalidateQueries({ predicate: (query) => query.queryKey[0] === 'ticket' || query.queryKey[0] === 'events' });
    },
  });
  return (
    <span data-testid="wechat-follower">
      <Typography.Text
        data-testid="wechat-follower-name"
        editable={{
          tooltip: t('wechat.rename'),
          triggerType: ['icon'],
          onChange: (name) => {
            const next = name.trim();
            if (next && next !== follower.name) rename.mutate(next);
          },
        }}
      >
        {rename.isPending && rename.variables ? rename.variables : follower.name}
      </Typography.Text>
      <Typography.Text type="secondary"> · openid {follower.openid}</Typography.Text>
    </span>
  );
}

export function WechatWindow({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['wechat', ticketId] as const,
    queryFn: ({ signal }) => getTicketWechat(ticketId, { signal }),
    refetchInterval: 60_000,
  });
  const now = useNow(1000);
  const follower: WechatFollower | undefined = q.data;
  if (!follower) return null;
  const left = follower.window_open ? Math.max(0, follower.window_seconds_left - Math.floor((now - q.dataUpdatedAt) / 1000)) : 0;
  const who = <FollowerName ticketId={ticketId} follower={follower} />;
  if (left <= 0) {
    const reason = follower.subscribed ? t('wechat.windowClosed') : t('wechat.unsubscribed');
    return (
      <Alert
        data-testid="wechat-window"
        data-open="false"
        type="warning"
        showIcon
        style={{ marginBottom: 8 }}
        title={reason}
        description={
          <>
            {who}
            <div>
              {t('wechat.windowClosedHint', { last: follower.last_seen_at ? formatTime(follower.last_seen_at) : '—' })}
            </div>
          </>
        }
      />
    );
  }
  return (
    <Alert
      data-testid="wechat-window"
      data-open="true"
      type={left < WARN_BELOW_SECONDS ? 'warning' : 'info'}
      showIcon
      icon={<WechatOutlined />}
      style={{ marginBottom: 8 }}
      title={t('wechat.windowOpen', { left: hours(left) })}
      description={who}
    />
  );
}
