import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Col from 'antd/es/col';
import Row from 'antd/es/row';
import Skeleton from 'antd/es/skeleton';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  isApiError,
  isVersionConflict,
  patchTicket,
  postMessage,
  type Message,
  type Ticket,
  type TicketChanges,
} from '../api';
import { useAuth } from '../auth/AuthProvider';
import { Conversation } from '../shared/Conversation';
import { ErrorBlock } from '../shared/ErrorBlock';
import { formatTime } from '../shared/format';
import { PriorityTag, StatusTag } from '../shared/labels';
import { useToast } from '../shared/toast';
import { qk, useMessages, useTicket } from '../shared/queries';
import { SlaCountdown } from '../shared/SlaCountdown';
import { AuditTrail } from './AuditTrail';
import { TicketFields } from './TicketFields';
import { Panel } from '../shared/ui';

function SlaPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const sla = ticket.sla;
  if (!sla) return <Typography.Text type="secondary">{t('sla.none')}</Typography.Text>;
  return (
    <div data-testid="sla-panel" data-paused={sla.paused ? 'true' : 'false'}>
      <div style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text>{t('sla.firstResponse')}</Typography.Text>
        <SlaCountdown
          testId="sla-first-response"
          dueAt={sla.first_response_due_at}
          doneAt={sla.first_responded_at}
          paused={sla.paused}
        />
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <Typography.Text>{t('sla.resolution')}</Typography.Text>
        <SlaCountdown testId="sla-resolution" dueAt={sla.resolution_due_at} doneAt={sla.resolved_at} paused={sla.paused} />
      </div>
    </div>
  );
}

export default function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const message = useToast();
  const { user } = useAuth();
  const qc = useQueryClient();
  const ticketQ = useTicket(id);
  const ticket = ticketQ.data;
  const messagesQ = useMessages(ticket?.id);
  const [conflict, setConflict] = useState(false);
  const [reloading, setReloading] = useState(false);

  const patch = useMutation({
    // The version is the one this page loaded and shows; the server refuses it (412) if it is stale.
    mutationFn: ({ ticketId, changes, version }: { ticketId: string; changes: TicketChanges; version: number }) =>
      patchTicket(ticketId, changes, version),
    onSuccess: (updated) => {
      qc.setQueryData(qk.ticket(id), updated);
      void qc.invalidateQueries({ queryKey: qk.events(updated.id) });
      void qc.invalidateQueries({ queryKey: qk.tickets });
      message.success(t('ticket.saved'));
    },
    onError: (e) => {
      if (isVersionConflict(e)) setConflict(true);
      else message.error(e.message);
    },
  });

  async function send(body: string, internal: boolean) {
    if (!ticket) return;
    const msg = await postMessage(ticket.id, { body, internal });
    qc.setQueryData<{ items: Message[]; truncated: boolean }>(qk.messages(ticket.id), (old) =>
      old && !old.items.some((m) => m.id === msg.id) ? { ...old, items: [...old.items, msg] } : old,
    );
    // A reply can move the SLA clocks or the status: load the ticket the server now has.
    void qc.invalidateQueries({ queryKey: qk.ticket(id) });
    void qc.invalidateQueries({ queryKey: qk.events(ticket.id) });
    void qc.invalidateQueries({ queryKey: qk.tickets });
  }

  async function reload() {
    setReloading(true);
    try {
      const res = await ticketQ.refetch();
      if (res.data) {
        await Promise.all([
          qc.invalidateQueries({ queryKey: qk.events(res.data.id) }),
          qc.invalidateQueries({ queryKey: qk.messages(res.data.id) }),
        ]);
      }
      if (!res.isError) setConflict(false);
    } finally {
      setReloading(false);
    }
  }

  if (ticketQ.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (ticketQ.isError) {
    const notFound = isApiError(ticketQ.error) && (ticketQ.error.status === 404 || ticketQ.error.status === 403);
    return (
      <ErrorBlock
        testId="ticket-error"
        title={notFound ? t('ticket.notFound') : ticketQ.error.message}
        action={
          <Link to="/console/queue/mine">
            <Button>{t('ticket.backToQueue')}</Button>
          </Link>
        }
      />
    );
  }
  const tk = ticketQ.data;

  return (
    <div data-testid="ticket-page" data-ticket-id={tk.id} data-version={tk.version}>
      <Space style={{ marginBottom: 8 }} wrap>
        <Link to="/console/queue/mine">
          <ArrowLeftOutlined /> {t('ticket.backToQueue')}
        </Link>
      </Space>
      {conflict ? (
        <Alert
          data-testid="conflict-alert"
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('conflict.title')}
          description={t('conflict.description')}
          action={
            <Button type="primary" onClick={() => void reload()} loading={reloading} data-testid="conflict-reload">
              {t('conflict.reload')}
            </Button>
          }
        />
      ) : null}
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', marginBottom: 12 }}>
        <Typography.Text type="secondary" copyable data-testid="ticket-number">
          {tk.number}
        </Typography.Text>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="ticket-subject">
          {tk.subject}
        </Typography.Title>
        <StatusTag status={tk.status} />
        <PriorityTag priority={tk.priority} />
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Panel small title={t('ticket.fields.description')} style={{ marginBottom: 16 }}>
            <div style={{ marginBottom: 8 }}>
              <Typography.Text type="secondary">
                {t('ticket.fields.requester')}: {tk.requester?.name ? `${tk.requester.name} <${tk.requester.email}>` : tk.requester?.email}
                {' · '}
                {t('ticket.fields.channel')}: {t(`channel.${tk.channel}`, { defaultValue: tk.channel })}
                {' · '}
                {t('ticket.fields.created_at')}: {formatTime(tk.created_at)}
              </Typography.Text>
            </div>
            <div data-testid="ticket-description" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {tk.description}
            </div>
            {Object.keys(tk.custom_fields ?? {}).length > 0 ? (
              <div style={{ marginTop: 8 }}>
                {Object.entries(tk.custom_fields).map(([k, v]) => (
                  <Tag key={k}>
                    {k}: {typeof v === 'string' ? v : JSON.stringify(v)}
                  </Tag>
                ))}
              </div>
            ) : null}
          </Panel>
          <Panel small title={t('ticket.conversation')}>
            <Conversation
              mode="staff"
              viewerEmail={user?.email}
              messages={messagesQ.data?.items}
              truncated={messagesQ.data?.truncated}
              loading={messagesQ.isPending}
              error={messagesQ.error}
              onSend={send}
              height="max(320px, calc(100vh - 420px))"
            />
          </Panel>
        </Col>
        <Col xs={24} lg={8}>
          <Panel small title={t('ticket.details')} style={{ marginBottom: 16 }}>
            <TicketFields
              ticket={tk}
              disabled={conflict}
              saving={patch.isPending}
              onChange={(changes) => patch.mutate({ ticketId: tk.id, changes, version: tk.version })}
            />
          </Panel>
          <Panel small title={t('ticket.sla')} style={{ marginBottom: 16 }}>
            <SlaPanel ticket={tk} />
          </Panel>
          <Panel small title={t('ticket.audit')}>
            <AuditTrail ticketId={tk.id} />
          </Panel>
        </Col>
      </Row>
    </div>
  );
}
