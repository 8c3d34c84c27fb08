import BellOutlined from '@ant-design/icons/BellOutlined';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { listNotifications, markNotificationsRead, type Notification } from '../api';
import { formatTime } from '../shared/format';
import { qk } from '../shared/queries';
import { useToast } from '../shared/toast';
import { Muted } from '../shared/ui';

const KNOWN_TYPES: Record<string, string> = {
  'ticket.assigned': 'notifications.assigned',
  'ticket.ack_timeout': 'notifications.ackTimeout',
  'sla.warning': 'notifications.slaWarning',
  'sla.breach': 'notifications.slaBreach',
  'ticket.urged': 'notifications.urged',
  'message.undelivered': 'notifications.undelivered',
  'ticket.transferred': 'notifications.transferred',
  'rule.notify': 'notifications.ruleNotify',
  'satisfaction.low': 'notifications.lowRating',
  'ticket.escalated': 'notifications.escalated',
  'review.requested': 'notifications.reviewRequested',
  'review.rejected': 'notifications.reviewRejected',
  mention: 'notifications.mention',
  'follower.message': 'notifications.followerMessage',
  'follower.status': 'notifications.followerStatus',
  'subtask.assigned': 'notifications.subtaskAssigned',
  'subtask.overdue': 'notifications.subtaskOverdue',
  'collaboration.requested': 'notifications.collaborationRequested',
  'collaboration.answered': 'notifications.collaborationAnswered',
  'ticket.merged': 'notifications.merged',
  'sla.escalated_second_level': 'notifications.secondLevel',
};

export function notificationText(n: Notification, t: TFunction): string {
  const key = KNOWN_TYPES[n.type] ?? 'notifications.other';
  return t(key, { number: n.ticket_number, subject: n.subject });
}

/**
 * The in-app notifications bell: the unread count (GET /api/notifications?unread=true, polled every 15 s), a pop-up
 * for each notice that arrives while the console is open, the latest notices; opening one marks it read.
 */
export function NotificationsBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const seen = useRef<Set<string> | null>(null);
  const unreadQ = useQuery({
    queryKey: [...qk.notifications, 'unread'],
    queryFn: ({ signal }) => listNotifications({ limit: 100, unread: true }, { signal }),
    refetchInterval: 15_000,
    refetchIntervalInBackground: false,
  });
  const q = useQuery({
    queryKey: qk.notifications,
    queryFn: ({ signal }) => listNotifications({ limit: 20 }, { signal }),
    enabled: open,
  });
  const items = q.data?.items ?? [];
  const unreadItems = unreadQ.data?.items;
  const unread = unreadItems?.length ?? 0;

  // 弹窗提醒: a notice that was not there at the last poll pops up (not the ones waiting when the console opened).
  useEffect(() => {
    if (!unreadItems) return;
    if (seen.current === null) {
      seen.current = new Set(unreadItems.map((n) => n.id));
      return;
    }
    for (const n of unreadItems) {
      if (!seen.current.has(n.id)) {
        seen.current.add(n.id);
        toast.info(`${t('notifications.popup')}：${notificationText(n, t)}`);
      }
    }
  }, [unreadItems, t, toast]);

  async function markRead(body: { ids: string[] } | { all: true }) {
    await markNotificationsRead(body);
    await qc.invalidateQueries({ queryKey: qk.notifications });
  }

  useEffect(() => {
    if (!open) return;
    function onDown(e: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    }
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') setOpen(false);
    }
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  function openTicket(n: Notification) {
    setOpen(false);
    if (!n.read) void markRead({ ids: [n.id] });
    navigate(`/console/tickets/${encodeURIComponent(n.ticket_id)}`);
  }

  return (
    <div ref={rootRef} style={{ position: 'relative' }}>
      <button
        type="button"
        data-testid="notifications-bell"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={`${t('notifications.title')}, ${t('notifications.unread', { count: unread })}`}
        onClick={() => setOpen((o) => !o)}
        style={{
          position: 'relative',
          background: 'transparent',
          border: 'none',
          color: '#fff',
          cursor: 'pointer',
          padding: '4px 8px',
          fontSize: 18,
          lineHeight: 1,
        }}
      >
        <BellOutlined />
        {unread > 0 ? (
          <span
            data-testid="notifications-count"
            style={{
              position: 'absolute',
              top: -2,
              right: -2,
              minWidth: 16,
              height: 16,
              padding: '0 4px',
              borderRadius: 8,
              background: '#ff4d4f',
              color: '#fff',
              fontSize: 11,
              lineHeight: '16px',
              textAlign: 'center',
            }}
          >
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          data-testid="notifications-list"
          role="menu"
          style={{
            position: 'absolute',
            right: 0,
            top: 'calc(100% + 8px)',
            width: 360,
            maxHeight: 440,
            overflowY: 'auto',
            background: '#fff',
            color: 'rgba(0,0,0,0.88)',
            borderRadius: 8,
            boxShadow: '0 6px 16px rgba(0,0,0,0.12), 0 3px 6px -4px rgba(0,0,0,0.12)',
            padding: 8,
            zIndex: 1000,
          }}
        >
          <div style={{ display: 'flex', justifyContent: 'space-between', padding: '4px 4px 8px' }}>
            <span style={{ fontWeight: 600 }}>{t('notifications.title')}</span>
            <span style={{ display: 'inline-flex', gap: 12 }}>
              {unread > 0 ? (
                <button
                  type="button"
                  className="hd-link-button"
                  data-testid="notifications-read-all"
                  onClick={() => void markRead({ all: true })}
                >
                  {t('notifications.markAllRead')}
                </button>
              ) : null}
              <button
                type="button"
                className="hd-link-button"
                data-testid="notifications-settings"
                onClick={() => {
                  setOpen(false);
                  navigate('/console/notification-settings');
                }}
              >
                {t('notifications.settings')}
              </button>
            </span>
          </div>
          {q.isError ? <div style={{ color: '#cf1322', padding: 4 }}>{q.error.message}</div> : null}
          {items.length === 0 && !q.isError ? <Muted style={{ padding: 4, display: 'block' }}>{t('notifications.empty')}</Muted> : null}
          {items.map((n) => (
            <div
              key={n.id}
              role="menuitem"
              tabIndex={0}
              data-testid={`notification-${n.id}`}
              data-read={n.read ? 'true' : 'false'}
              data-type={n.type}
              onClick={() => openTicket(n)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') openTicket(n);
              }}
              style={{
                padding: '8px 4px',
                borderTop: '1px solid #f0f0f0',
                cursor: 'pointer',
                fontWeight: n.read ? 400 : 600,
              }}
            >
              <div style={{ wordBreak: 'break-word' }}>
                {notificationText(n, t)}
              </div>
              {n.note ? (
                <Muted style={{ display: 'block', fontSize: 12, fontWeight: 400, wordBreak: 'break-word' }}>{n.note}</Muted>
              ) : null}
              <Muted style={{ fontSize: 12, fontWeight: 400 }}>{formatTime(n.at)}</Muted>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
