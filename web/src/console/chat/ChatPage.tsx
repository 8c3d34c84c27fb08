// A live chat in the console: the ticket's lines so far, the visitor's new lines and typing as they happen (the
// staff socket, ./useChatWatch.ts), replies through POST /api/tickets/{id}/messages like every public reply (the
// visitor gets them pushed), the canned replies picker, transfer (the ticket's own transfer), accept and end.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Tag from 'antd/es/tag';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  acceptChat,
  ApiError,
  endChat,
  postMessage,
  transferTicket,
  type Ticket,
  type TransferRequest,
} from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { formatTime } from '../../shared/format';
import { PageLoading } from '../../shared/PageLoading';
import { agentName, qk, useAgents, useMessages, useTicket } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { CannedReplyPicker } from '../CannedReplyPicker';
import { displayName } from '../cannedReplies';
import { TransferButton, TransferDialog } from '../TicketActions';
import { mergeLines } from './chatLines';
import { useChatWatch } from './useChatWatch';

export default function ChatPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const ticket = useTicket(id);
  if (ticket.isPending) return <PageLoading />;
  if (ticket.isError) return <ErrorBlock title={ticket.error.message} testId="chat-page-error" />;
  if (ticket.data.channel !== 'chat') {
    return (
      <ErrorBlock
        title={t('chat.notAChat')}
        testId="chat-not-chat"
        action={<Link to={`/console/tickets/${ticket.data.number}`}>{t('chat.openTicket')}</Link>}
      />
    );
  }
  return <LiveChat ticket={ticket.data} />;
}

function LiveChat({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const toast = useToast();
  const client = useQueryClient();
  const messages = useMessages(ticket.id, 15000);
  const watch = useChatWatch(ticket.id);
  const agents = useAgents();
  const [draft, setDraft] = useState('');
  const [ended, setEnded] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferError, setTransferError] = useState<string | null>(null);
  const logRef = useRef<HTMLDivElement | null>(null);

  const lines = useMemo(() => mergeLines(messages.data?.items ?? [], watch.lines), [messages.data, watch.lines]);
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines.length]);

  const refreshTicket = (updated: Ticket) => {
    client.setQueryData(qk.ticket(ticket.id), updated);
    client.setQueryData(qk.ticket(ticket.number), updated);
    void client.invalidateQueries({ queryKey: ['chats'] });
  };
  const reply = useMutation({
    mutationFn: (body: string) => postMessage(ticket.id, { body, internal: false }),
    onSuccess: () => {
      setDraft('');
      void client.invalidateQueries({ queryKey: qk.messages(ticket.id) });
    },
    onError: (e) => toast.error(e.message),
  });
  const accept = useMutation({
    mutationFn: () => acceptChat(ticket.id),
    onSuccess: refreshTicket,
    onError: (e) => toast.error(e instanceof ApiError && e.status === 409 ? t('chat.takenByColleague') : e.message),
  });
  const end = useMutation({
    mutationFn: () => endChat(ticket.id),
    onSuccess: () => {
      setEnded(true);
      toast.success(t('chat.endedToast'));
      void client.invalidateQueries({ queryKey: ['chats'] });
      void client.invalidateQueries({ queryKey: qk.ticket(ticket.id) });
    },
    onError: (e) => toast.error(e.message),
  });
  const transfer = useMutation({
    mutationFn: (body: TransferRequest) => transferTicket(ticket.id, body),
    onMutate: () => setTransferError(null),
    onSuccess: (updated) => {
      refreshTicket(updated);
      setTransferOpen(false);
      toast.success(t('routing.transferred'));
    },
    onError: (e) => setTransferError(e.message),
  });

  function send() {
    const body = draft.trim();
    if (body && !reply.isPending) reply.mutate(body);
  }

  const mine = ticket.assignee === user?.email;
  const assignee = agentName(agents.data, ticket.assignee) ?? ticket.assignee;
  const closed = ended || ticket.status === 'closed';

  return (
    <div data-testid="chat-page" style={{ display: 'grid', gap: 16, gridTemplateColumns: 'minmax(0, 2fr) minmax(260px, 1fr)' }}>
      <Panel
        title={
          <span>
            {t('chat.with', { name: ticket.requester.name || ticket.requester.email })}{' '}
            <Link to={`/console/tickets/${ticket.number}`} data-testid="chat-ticket-link">
              {ticket.number}
            </Link>
          </span>
        }
        extra={<WatchTag state={watch.state} />}
      >
        <div
          ref={logRef}
          data-testid="chat-lines"
          aria-live="polite"
          style={{ height: 420, overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: 8, padding: 4 }}
        >
          {lines.map((line) => (
            <div
              key={line.id}
              data-testid={`chat-line-${line.from}`}
              style={{
                alignSelf: line.from === 'agent' ? 'flex-end' : 'flex-start',
                maxWidth: '75%',
                background: line.from === 'agent' ? '#e6f4ff' : '#f5f5f5',
                borderRadius: 8,
                padding: '6px 10px',
              }}
            >
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                {line.name} · {formatTime(line.at)}
              </div>
              <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{line.text}</div>
            </div>
          ))}
        </div>
        <div data-testid="chat-visitor-typing" style={{ minHeight: 20, fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
          {watch.visitorTyping ? t('chat.visitorTyping') : ''}
        </div>
        {watch.error ? (
          <div data-testid="chat-watch-error" style={{ color: '#cf1322', fontSize: 12 }}>
            {watch.error}
          </div>
        ) : null}
        <Input.TextArea
          data-testid="chat-reply"
          value={draft}
          disabled={closed}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={4000}
          placeholder={t('chat.replyPlaceholder')}
          onChange={(e) => {
            setDraft(e.target.value);
            watch.typing();
          }}
          onPressEnter={(e) => {
            if (e.shiftKey || e.nativeEvent.isComposing) return;
            e.preventDefault();
            send();
          }}
        />
        <div style={{ display: 'flex', gap: 8, marginTop: 8, alignItems: 'center' }}>
          <CannedReplyPicker
            disabled={closed}
            onInsert={(text) => setDraft((d) => (d ? `${d}${text}` : text))}
            values={{
              customer_name: displayName(ticket.requester),
              ticket_number: ticket.number,
              agent_name: user ? displayName(user) : '',
            }}
          />
          <span style={{ flex: 1 }} />
          <Button type="primary" onClick={send} loading={reply.isPending} disabled={closed || !draft.trim()} data-testid="chat-send">
            {t('chat.send')}
          </Button>
        </div>
      </Panel>
      <Panel title={t('chat.details')}>
        <dl style={{ margin: 0 }}>
          <dt style={{ color: 'rgba(0,0,0,0.45)' }}>{t('chat.visitor')}</dt>
          <dd data-testid="chat-visitor" style={{ margin: '0 0 8px' }}>
            {ticket.requester.name}
            {ticket.requester.email && !ticket.requester.email.endsWith('@chat.invalid') ? ` <${ticket.requester.email}>` : ''}
          </dd>
          <dt style={{ color: 'rgba(0,0,0,0.45)' }}>{t('chat.assignee')}</dt>
          <dd data-testid="chat-assignee" style={{ margin: '0 0 8px' }}>
            {assignee ?? t('common.unassigned')}
          </dd>
          <dt style={{ color: 'rgba(0,0,0,0.45)' }}>{t('chat.started')}</dt>
          <dd style={{ margin: '0 0 8px' }}>{formatTime(ticket.created_at)}</dd>
        </dl>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
          {!mine && !closed ? (
            <Button type="primary" onClick={() => accept.mutate()} loading={accept.isPending} data-testid="chat-accept">
              {t('chat.accept')}
            </Button>
          ) : null}
          <TransferButton onClick={() => setTransferOpen(true)} disabled={closed} />
          <Button danger onClick={() => end.mutate()} loading={end.isPending} disabled={closed} data-testid="chat-end">
            {t('chat.end')}
          </Button>
        </div>
        {closed ? (
          <div data-testid="chat-ended" style={{ marginTop: 12, color: 'rgba(0,0,0,0.45)' }}>
            {t('chat.ended')}
          </div>
        ) : null}
      </Panel>
      <TransferDialog
        ticket={ticket}
        open={transferOpen}
        onClose={() => setTransferOpen(false)}
        busy={transfer.isPending}
        error={transferError}
        onSubmit={(body) => transfer.mutate(body)}
      />
    </div>
  );
}

function WatchTag({ state }: { state: string }) {
  const { t } = useTranslation();
  const color = state === 'watching' ? 'green' : state === 'unavailable' ? 'red' : 'orange';
  return (
    <Tag color={color} data-testid="chat-watch-state" data-state={state}>
      {t(`chat.watch.${state}`)}
    </Tag>
  );
}
