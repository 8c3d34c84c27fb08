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
import { lazy, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  acknowledgeTicket,
  isApiError,
  isVersionConflict,
  patchTicket,
  postMessage,
  transferTicket,
  urgeTicket,
  type BreachReason,
  type Message,
  type Ticket,
  type TicketChanges,
  type TransferRequest,
} from '../api';
import { useAuth } from '../auth/AuthProvider';
import { Conversation } from '../shared/Conversation';
import { ErrorBlock } from '../shared/ErrorBlock';
import { formatTime } from '../shared/format';
import { PriorityTag, StatusTag } from '../shared/labels';
import { useToast } from '../shared/toast';
import { qk, useMessages, useTicket } from '../shared/queries';
import { WechatTag, WechatWindow } from '../shared/WechatParts';
import { AttachmentItems, CcLine } from '../shared/EmailParts';
import { CustomerPanel } from './desk/CustomerPanel';
import { CustomFieldsPanel } from './desk/CustomFieldsPanel';
import { can, canUpdateTickets, PERM } from '../shared/permissions';
import { clockFlags, isPaused, SlaCountdown } from '../shared/SlaCountdown';
import { AuditTrail } from './AuditTrail';
import { CannedReplyPicker } from './CannedReplyPicker';
import { displayName } from './cannedReplies';
import {
  AcknowledgeBar,
  BreachReasonDialog,
  BreachReasonSelect,
  needsAcknowledge,
  TransferButton,
  TransferDialog,
  UrgeButton,
  UrgeDialog,
} from './TicketActions';
import { KnowledgePanel } from './KnowledgePanel';
import { TicketFields } from './TicketFields';
import { WorkflowBar } from './ticket/WorkflowBar';
import { customerPath } from './TicketSearch';
import { Panel } from '../shared/ui';
import { MergeDialog, MergeLinks } from './collab/MergeLinks';

// Working together (sub-tasks, collaboration, merge): loaded with the ticket page's first use of them.
const CollaborationPanel = lazy(() => import('./collab/CollaborationPanel'));
const MentionPicker = lazy(() => import('./collab/MentionPicker'));

/** True when a target was missed (the server's flags): resolving asks for a breach reason. */
export function slaBreached(ticket: Ticket): boolean {
  const sla = ticket.sla;
  return !!sla && (!!sla.breached || sla.first_response_met === false || sla.resolution_met === false);
}

/** The requester as "name <email>", the email linking to the customer's other tickets. */
function RequesterLink({ requester }: { requester: Ticket['requester'] | null | undefined }) {
  const { t } = useTranslation();
  if (!requester?.email) return <>{requester?.name ?? ''}</>;
  const link = (
    <Link to={customerPath(requester.email)} title={t('customer.viewTickets')} data-testid="ticket-requester-link">
      {requester.email}
    </Link>
  );
  return requester.name ? (
    <>
      {requester.name} &lt;{link}&gt;
    </>
  ) : (
    link
  );
}

function MetTag({ met, testId }: { met: boolean | null | undefined; testId: string }) {
  const { t } = useTranslation();
  if (met === null || met === undefined) return null;
  return (
    <Tag color={met ? 'green' : 'red'} data-testid={testId} data-met={met ? 'true' : 'false'} style={{ marginInlineEnd: 0 }}>
      {met ? t('sla.met') : t('sla.missed')}
    </Tag>
  );
}

function SlaPanel({
  ticket,
  onBreachReason,
  disabled,
}: {
  ticket: Ticket;
  onBreachReason: (reason: BreachReason) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const sla = ticket.sla;
  if (!sla) return <Typography.Text type="secondary">{t('sla.none')}</Typography.Text>;
  const paused = isPaused(sla);
  const stopped = ticket.status === 'resolved' || ticket.status === 'closed';
  return (
    <div
      data-testid="sla-panel"
      data-paused={paused ? 'true' : 'false'}
      data-warned={sla.warned ? 'true' : 'false'}
      data-breached={sla.breached ? 'true' : 'false'}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Text>{t('sla.firstResponse')}</Typography.Text>
        <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
          <SlaCountdown
            testId="sla-first-response"
            dueAt={sla.first_response_due_at}
            doneAt={sla.first_responded_at}
            paused={paused}
            {...clockFlags(sla, 'first_response')}
          />
          {stopped || sla.first_responded_at ? <MetTag met={sla.first_response_met} testId="sla-met-first-response" /> : null}
        </span>
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
        <Typography.Text>{t('sla.resolution')}</Typography.Text>
        <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
          <SlaCountdown
            testId="sla-resolution"
            dueAt={sla.resolution_due_at}
            doneAt={sla.resolved_at}
            paused={paused}
            {...clockFlags(sla, 'resolution')}
          />
          {stopped ? <MetTag met={sla.resolution_met} testId="sla-met-resolution" /> : null}
        </span>
      </div>
      {stopped && (sla.first_response_met !== undefined || sla.resolution_met !== undefined) ? (
        <div style={{ marginTop: 8 }} data-testid="sla-outcome" data-met={slaBreached(ticket) ? 'false' : 'true'}>
          <Typography.Text strong>{t('sla.outcome')}: </Typography.Text>
          {slaBreached(ticket) ? t('sla.outcomeMissed') : t('sla.outcomeMet')}
        </div>
      ) : null}
      {stopped && slaBreached(ticket) ? (
        <div style={{ marginTop: 8 }}>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 4 }}>
            {t('sla.breachReason')}
          </Typography.Text>
          <BreachReasonSelect value={sla.breach_reason} onChange={onBreachReason} disabled={disabled} />
        </div>
      ) : null}
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
  // A WeChat reply may be marked undelivered a moment after it is sent: such a conversation refreshes itself.
  const wechat = ticket?.channel === 'wechat';
  const messagesQ = useMessages(ticket?.id, wechat ? 5_000 : undefined);
  const [conflict, setConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferError, setTransferError] = useState<string | null>(null);
  const [urgeOpen, setUrgeOpen] = useState(false);
  const [pendingResolve, setPendingResolve] = useState<TicketChanges | null>(null);
  const [mergeOpen, setMergeOpen] = useState(false);
  const navigate = useNavigate();
  /** The reply box's insert (given to its tools): the knowledge panel puts an article's reference there too. */
  const insertIntoReply = useRef<((text: string) => void) | null>(null);

  function applyTicket(updated: Ticket) {
    qc.setQueryData(qk.ticket(id), updated);
    void qc.invalidateQueries({ queryKey: qk.events(updated.id) });
    void qc.invalidateQueries({ queryKey: qk.tickets });
  }

  const acknowledge = useMutation({
    mutationFn: (ticketId: string) => acknowledgeTicket(ticketId),
    onSuccess: (updated) => {
      applyTicket(updated);
      message.success(t('routing.acknowledged'));
    },
    onError: (e) => message.error(e.message),
  });

  const transfer = useMutation({
    mutationFn: ({ ticketId, body }: { ticketId: string; body: TransferRequest }) => transferTicket(ticketId, body),
    onMutate: () => setTransferError(null),
    onSuccess: (updated) => {
      applyTicket(updated);
      setTransferOpen(false);
      message.success(t('routing.transferred'));
    },
    onError: (e) => setTransferError(e.message),
  });

  const urge = useMutation({
    mutationFn: ({ ticketId, note }: { ticketId: string; note: string }) =>
      urgeTicket(ticketId, note ? { note } : {}),
    onSuccess: (updated) => {
      applyTicket(updated);
      setUrgeOpen(false);
      message.success(t('routing.urged'));
    },
    onError: (e) => message.error(e.message),
  });

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

  async function send(body: string, internal: boolean, attachments: string[]) {
    if (!ticket) return;
    const msg = await postMessage(ticket.id, attachments.length ? { body, internal, attachments } : { body, internal });
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
  const open = tk.status !== 'closed';
  const update = canUpdateTickets(user);

  function edit(changes: TicketChanges) {
    // Resolving a ticket that missed a target asks why (信息不全, 流程复杂, ...), sent with the status.
    if (changes.status === 'resolved' && slaBreached(tk) && !tk.sla?.breach_reason && !changes.breach_reason) {
      setPendingResolve(changes);
      return;
    }
    patch.mutate({ ticketId: tk.id, changes, version: tk.version });
  }

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
        {wechat ? <WechatTag /> : null}
        <Space style={{ marginLeft: 'auto' }} wrap>
          {open && update ? <TransferButton onClick={() => setTransferOpen(true)} disabled={conflict} /> : null}
          {open && can(user, PERM.urge) && tk.assignee ? (
            <UrgeButton onClick={() => setUrgeOpen(true)} disabled={conflict} />
          ) : null}
          {open && update && !tk.merged_into ? (
            <Button onClick={() => setMergeOpen(true)} disabled={conflict} data-testid="merge-button">
              {t('collab.merge')}
            </Button>
          ) : null}
        </Space>
      </div>
      <MergeLinks ticket={tk} />
      {mergeOpen ? (
        <MergeDialog
          ticket={tk}
          onClose={() => setMergeOpen(false)}
          onMerged={(source, target) => {
            setMergeOpen(false);
            applyTicket(source);
            message.success(t('collab.mergedInto', { number: target.number }));
            navigate(`/console/tickets/${encodeURIComponent(target.id)}`);
          }}
        />
      ) : null}
      <WorkflowBar ticket={tk} onChanged={applyTicket} />
      {needsAcknowledge(tk, user) ? (
        <AcknowledgeBar ticket={tk} busy={acknowledge.isPending} onAcknowledge={() => acknowledge.mutate(tk.id)} />
      ) : null}
      <TransferDialog
        ticket={tk}
        open={transferOpen}
        onClose={() => setTransferOpen(false)}
        busy={transfer.isPending}
        error={transferError}
        onSubmit={(body) => transfer.mutate({ ticketId: tk.id, body })}
      />
      <UrgeDialog
        ticket={tk}
        open={urgeOpen}
        onClose={() => setUrgeOpen(false)}
        busy={urge.isPending}
        onSubmit={(note) => urge.mutate({ ticketId: tk.id, note })}
      />
      <BreachReasonDialog
        open={pendingResolve !== null}
        onCancel={() => setPendingResolve(null)}
        onConfirm={(reason) => {
          const changes = { ...pendingResolve, breach_reason: reason };
          setPendingResolve(null);
          patch.mutate({ ticketId: tk.id, changes, version: tk.version });
        }}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Panel small title={t('ticket.fields.description')} style={{ marginBottom: 16 }}>
            <div style={{ marginBottom: 8 }}>
              <Typography.Text type="secondary">
                {t('ticket.fields.requester')}: <RequesterLink requester={tk.requester} />
                {' · '}
                {t('ticket.fields.channel')}: {t(`channel.${tk.channel}`, { defaultValue: tk.channel })}
                {' · '}
                {t('ticket.fields.created_at')}: {formatTime(tk.created_at)}
              </Typography.Text>
              <CcLine cc={tk.cc} testId="ticket-cc" />
            </div>
            <div data-testid="ticket-description" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {tk.description}
            </div>
            <AttachmentItems ticketId={tk.id} messageId={tk.id} attachments={tk.attachments ?? []} />
          </Panel>
          <Panel small title={t('ticket.conversation')}>
            <Conversation
              mode="staff"
              internalNotes={can(user, PERM.internalNotes)}
              viewerEmail={user?.email}
              messages={messagesQ.data?.items}
              truncated={messagesQ.data?.truncated}
              loading={messagesQ.isPending}
              error={messagesQ.error}
              onSend={send}
              chat={wechat}
              replyNotice={wechat ? <WechatWindow ticketId={tk.id} /> : null}
              height="max(320px, calc(100vh - 420px))"
              replyTools={({ insert, disabled }) => {
                insertIntoReply.current = disabled ? null : insert;
                return (
                  <>
                    <CannedReplyPicker
                      disabled={disabled}
                      onInsert={insert}
                      values={{
                        customer_name: displayName(tk.requester),
                        ticket_number: tk.number,
                        agent_name: displayName(user),
                      }}
                    />
                    <Suspense fallback={null}>
                      <MentionPicker disabled={disabled} onInsert={insert} />
                    </Suspense>
                  </>
                );
              }}
            />
          </Panel>
        </Col>
        <Col xs={24} lg={8}>
          <Panel small title={t('ticket.details')} style={{ marginBottom: 16 }}>
            <TicketFields
              ticket={tk}
              disabled={conflict || !update}
              saving={patch.isPending}
              onChange={edit}
            />
          </Panel>
          {update ? (
          <Panel small title={t('collab.subtasks')} style={{ marginBottom: 16 }}>
            {(tk.open_subtasks ?? 0) > 0 ? (
              <Typography.Text type="warning" data-testid="open-subtasks-hint" style={{ display: 'block', marginBottom: 8 }}>
                {t('collab.openSubtasksHint', { count: tk.open_subtasks })}
              </Typography.Text>
            ) : null}
            <Suspense fallback={<Skeleton active paragraph={{ rows: 2 }} />}>
              <CollaborationPanel ticket={tk} onTicket={applyTicket} />
            </Suspense>
          </Panel>
          ) : null}
          <Panel small title={t('desk.fields')} style={{ marginBottom: 16 }}>
            <CustomFieldsPanel ticket={tk} disabled={conflict || patch.isPending || !update} onChange={edit} />
          </Panel>
          <Panel small title={t('desk.customer.title')} style={{ marginBottom: 16 }}>
            <CustomerPanel ticket={tk} />
          </Panel>
          <Panel small title={t('ticket.sla')} style={{ marginBottom: 16 }}>
            <SlaPanel
              ticket={tk}
              disabled={conflict || patch.isPending}
              onBreachReason={(breach_reason) => edit({ breach_reason })}
            />
          </Panel>
          <Panel small title={t('kb.panelTitle')} style={{ marginBottom: 16 }}>
            <KnowledgePanel
              ticket={tk}
              disabled={conflict}
              ready={!messagesQ.isPending}
              onInsert={(text) => insertIntoReply.current?.(text)}
              onTicket={applyTicket}
            />
          </Panel>
          {can(user, PERM.eventsRead) ? (
            <Panel small title={t('ticket.audit')}>
              <AuditTrail ticketId={tk.id} />
            </Panel>
          ) : null}
        </Col>
      </Row>
    </div>
  );
}
