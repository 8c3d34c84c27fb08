import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Skeleton from 'antd/es/skeleton';
import Typography from 'antd/es/typography';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { getTicket, isApiError, postMessage, type Message, type StatusHistoryEntry, type Ticket } from '../api';
import { useAuth } from '../auth/AuthProvider';
import { Conversation } from '../shared/Conversation';
import { AttachmentItems } from '../shared/EmailParts';
import { CcLine } from '../shared/EmailParts';
import { ErrorBlock } from '../shared/ErrorBlock';
import { formatTime } from '../shared/format';
import { PriorityTag } from '../shared/labels';
import { qk, useMessages } from '../shared/queries';
import { CustomerStatusTag } from './customerStatus';
import { PortalRating } from './PortalRating';
import { Panel } from '../shared/ui';

/** status_history in words a customer understands: 我们已收到您的工单 → 工程师正在处理 → … */
export function Progress({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const history: StatusHistoryEntry[] =
    ticket.status_history && ticket.status_history.length > 0
      ? ticket.status_history
      : [{ status: ticket.status, at: ticket.updated_at }];
  const last = history.length - 1;
  return (
    <ol data-testid="portal-progress" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {history.map((h, i) => {
        const current = i === last;
        return (
          <li
            key={`${h.status}-${h.at}-${i}`}
            data-testid={`progress-step-${i}`}
            data-status={h.status}
            data-current={current ? 'true' : 'false'}
            style={{
              position: 'relative',
              padding: '0 0 16px 20px',
              borderLeft: i === last ? '2px solid transparent' : '2px solid #d9d9d9',
              marginLeft: 5,
            }}
          >
            <span
              style={{
                position: 'absolute',
                left: -7,
                top: 3,
                width: 12,
                height: 12,
                borderRadius: 6,
                background: current ? '#1677ff' : '#bfbfbf',
              }}
            />
            <div style={{ fontWeight: current ? 600 : 400 }}>
              {t(`portal.steps.${h.status}`, { defaultValue: h.status })}
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(h.at)}
            </Typography.Text>
            {current ? (
              <div style={{ marginTop: 4, color: '#595959' }} data-testid="progress-hint">
                {t(`portal.stepHints.${h.status}`, { defaultValue: '' })}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

export default function PortalTicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { user } = useAuth();
  const qc = useQueryClient();
  const ticketQ = useQuery({
    queryKey: qk.ticket(id),
    queryFn: ({ signal }) => getTicket(id, { signal }),
    refetchInterval: 60_000,
  });
  const ticket = ticketQ.data;
  const messagesQ = useMessages(ticket?.id);

  async function send(body: string, attachments: string[]) {
    if (!ticket) return;
    const msg = await postMessage(ticket.id, attachments.length ? { body, attachments } : { body });
    qc.setQueryData<{ items: Message[]; truncated: boolean }>(qk.messages(ticket.id), (old) =>
      old && !old.items.some((m) => m.id === msg.id) ? { ...old, items: [...old.items, msg] } : old,
    );
    // A customer's reply can reopen the ticket: show the new progress.
    void qc.invalidateQueries({ queryKey: qk.ticket(id) });
    void qc.invalidateQueries({ queryKey: qk.tickets });
  }

  if (ticketQ.isPending) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (ticketQ.isError) {
    const notFound = isApiError(ticketQ.error) && (ticketQ.error.status === 404 || ticketQ.error.status === 403);
    return (
      <ErrorBlock
        testId="ticket-error"
        title={notFound ? t('ticket.notFound') : ticketQ.error.message}
        action={
          <Link to="/portal/tickets">
            <Button>{t('portal.backToList')}</Button>
          </Link>
        }
      />
    );
  }
  const tk = ticketQ.data;

  return (
    <div data-testid="portal-ticket-page" data-ticket-id={tk.id}>
      <div style={{ marginBottom: 8 }}>
        <Link to="/portal/tickets">
          <ArrowLeftOutlined /> {t('portal.backToList')}
        </Link>
      </div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="ticket-number">
          {tk.number}
        </Typography.Text>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="ticket-subject">
          {tk.subject}
        </Typography.Title>
        <CustomerStatusTag status={tk.status} />
        <PriorityTag priority={tk.priority} />
      </div>
      <div className="hd-portal-grid">
        <div>
          <Panel small title={t('portal.yourDescription')} style={{ marginBottom: 16 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('portal.submittedAt', { at: formatTime(tk.created_at) })}
            </Typography.Text>
            <CcLine cc={tk.cc} testId="ticket-cc" />
            <div data-testid="ticket-description" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginTop: 4 }}>
              {tk.description}
            </div>
            <AttachmentItems ticketId={tk.id} messageId={tk.id} attachments={tk.attachments ?? []} />
          </Panel>
          <Panel small title={t('portal.conversation')}>
            {tk.status === 'closed' ? (
              <Alert type="info" showIcon title={t('portal.stepHints.closed')} style={{ marginBottom: 8 }} />
            ) : null}
            <Conversation
              mode="customer"
              viewerEmail={user?.email}
              messages={messagesQ.data?.items}
              truncated={messagesQ.data?.truncated}
              loading={messagesQ.isPending}
              error={messagesQ.error}
              onSend={(body, _internal, attachments) => send(body, attachments)}
              placeholder={t('conversation.customerPlaceholder')}
              height="max(320px, calc(100vh - 420px))"
            />
          </Panel>
        </div>
        <div>
          <Panel small title={t('portal.progress')}>
            <Progress ticket={tk} />
          </Panel>
          <PortalRating ticket={tk} />
        </div>
      </div>
    </div>
  );
}
