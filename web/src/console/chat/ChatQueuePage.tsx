// 在线客服 queue: the chats nobody has taken yet, oldest first, with how long each visitor has waited (live), and
// the agent's own chats. Accept takes one and opens its conversation; a colleague who was quicker gets a word, not
// an error page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Tag from 'antd/es/tag';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { acceptChat, ApiError, listChats, type ChatListState, type ChatSummary } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { formatDuration } from '../../shared/format';
import { PageLoading } from '../../shared/PageLoading';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { useNow } from '../../shared/useNow';
import { byWaiting } from './chatLines';

export const chatKeys = {
  list: (state: ChatListState) => ['chats', state] as const,
};

function useChats(state: ChatListState, refetchInterval: number) {
  return useQuery({
    queryKey: chatKeys.list(state),
    queryFn: ({ signal }) => listChats(state, null, { signal }),
    refetchInterval,
  });
}

export default function ChatQueuePage() {
  const { t } = useTranslation();
  const toast = useToast();
  const navigate = useNavigate();
  const client = useQueryClient();
  const waiting = useChats('waiting', 3000);
  const mine = useChats('mine', 5000);
  const accept = useMutation({
    mutationFn: (ticketId: string) => acceptChat(ticketId),
    onSuccess: (ticket) => {
      void client.invalidateQueries({ queryKey: ['chats'] });
      navigate(`/console/chats/${ticket.id}`);
    },
    onError: (e) => {
      void client.invalidateQueries({ queryKey: ['chats'] });
      toast.error(e instanceof ApiError && e.status === 409 ? t('chat.takenByColleague') : e.message);
    },
  });

  return (
    <div data-testid="chat-queue" style={{ display: 'grid', gap: 16, gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)' }}>
      <Panel title={t('chat.waitingTitle', { count: waiting.data?.items.length ?? 0 })}>
        {waiting.isPending ? (
          <PageLoading />
        ) : waiting.isError ? (
          <ErrorBlock title={waiting.error.message} testId="chat-waiting-error" />
        ) : waiting.data.items.length === 0 ? (
          <div data-testid="chat-waiting-empty" style={{ color: 'rgba(0,0,0,0.45)' }}>
            {t('chat.noneWaiting')}
          </div>
        ) : (
          <ul data-testid="chat-waiting" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {byWaiting(waiting.data.items).map((chat) => (
              <ChatRow key={chat.ticket_id} chat={chat} waiting>
                <Button
                  type="primary"
                  size="small"
                  loading={accept.isPending && accept.variables === chat.ticket_id}
                  onClick={() => accept.mutate(chat.ticket_id)}
                  data-testid={`chat-accept-${chat.ticket_number}`}
                >
                  {t('chat.accept')}
                </Button>
              </ChatRow>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title={t('chat.mineTitle')}>
        {mine.isPending ? (
          <PageLoading />
        ) : mine.isError ? (
          <ErrorBlock title={mine.error.message} testId="chat-mine-error" />
        ) : mine.data.items.length === 0 ? (
          <div data-testid="chat-mine-empty" style={{ color: 'rgba(0,0,0,0.45)' }}>
            {t('chat.noneMine')}
          </div>
        ) : (
          <ul data-testid="chat-mine" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {mine.data.items.map((chat) => (
              <ChatRow key={chat.ticket_id} chat={chat}>
                <Link to={`/console/chats/${chat.ticket_id}`} data-testid={`chat-open-${chat.ticket_number}`}>
                  {t('chat.open')}
                </Link>
              </ChatRow>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function ChatRow({ chat, waiting = false, children }: { chat: ChatSummary; waiting?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const since = waiting ? chat.waiting_since ?? chat.started_at : chat.last_line_at;
  return (
    <li
      data-testid={`chat-row-${chat.ticket_number}`}
      style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}
    >
      <div style={{ flex: 1, minWidth: 0 }}>
        <div>
          <strong>{chat.visitor_name}</strong>{' '}
          <span style={{ color: 'rgba(0,0,0,0.45)' }}>{chat.ticket_number}</span>{' '}
          {chat.connected ? <Tag color="green">{t('chat.online')}</Tag> : <Tag>{t('chat.away')}</Tag>}
        </div>
        <div style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', color: 'rgba(0,0,0,0.65)' }}>
          {chat.text}
        </div>
      </div>
      <span data-testid={waiting ? 'chat-waited' : 'chat-last-line'} style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
        {waiting
          ? t('chat.waited', { time: formatDuration(now - Date.parse(since), t) })
          : t('chat.lastLine', { time: formatDuration(now - Date.parse(since), t, false) })}
      </span>
      {children}
    </li>
  );
}
