// Routing actions on a ticket: 确认接单 (acknowledge), 转办 (transfer), 催办 (urge), and the breach reason.
import CheckCircleOutlined from '@ant-design/icons/CheckCircleOutlined';
import SwapOutlined from '@ant-design/icons/SwapOutlined';
import ThunderboltOutlined from '@ant-design/icons/ThunderboltOutlined';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Select from 'antd/es/select';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BREACH_REASONS, type BreachReason, type Ticket, type TransferRequest, type User } from '../api';
import { formatDuration, formatTime } from '../shared/format';
import { useAgents, useTeams } from '../shared/queries';
import { useNow } from '../shared/useNow';

/** antd's ButtonProps do not declare data-* attributes; they are passed through to the button. */
export function testIdProp(id: string): Record<`data-${string}`, string> {
  return { 'data-testid': id };
}

const OPEN = new Set(['new', 'in_progress', 'waiting_customer']);

/** The assignee has not confirmed yet (the server sends acknowledged_at null; an older one omits it). */
export function needsAcknowledge(ticket: Ticket, user: User | null | undefined): boolean {
  return (
    !!user &&
    ticket.assignee === user.email &&
    !!ticket.assigned_at &&
    ticket.acknowledged_at === null &&
    OPEN.has(ticket.status)
  );
}

export function AcknowledgeBar({
  ticket,
  onAcknowledge,
  busy,
}: {
  ticket: Ticket;
  onAcknowledge: () => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const due = ticket.acknowledge_due_at ? Date.parse(ticket.acknowledge_due_at) : null;
  const late = due !== null && due < now;
  let text = t('routing.ackPrompt');
  if (due !== null) {
    text = late
      ? t('routing.ackLate', { time: formatDuration(now - due, t) })
      : t('routing.ackDue', { time: formatDuration(due - now, t) });
  }
  return (
    <Alert
      data-testid="ack-bar"
      type={late ? 'error' : 'warning'}
      showIcon
      style={{ marginBottom: 12 }}
      title={
        <span data-testid="ack-countdown" data-late={late ? 'true' : 'false'} title={due ? formatTime(ticket.acknowledge_due_at) : undefined}>
          {text}
        </span>
      }
      action={
        <Button type="primary" icon={<CheckCircleOutlined />} loading={busy} onClick={onAcknowledge} data-testid="ack-button">
          {t('routing.acknowledge')}
        </Button>
      }
    />
  );
}

export function TransferDialog({
  ticket,
  open,
  onClose,
  onSubmit,
  busy,
  error,
}: {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  onSubmit: (transfer: TransferRequest) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  const teams = useTeams(open);
  const agents = useAgents(open);
  const [team, setTeam] = useState<string | undefined>(undefined);
  const [assignee, setAssignee] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);

  // The agent must belong to the team the ticket ends up in (the chosen one, else its current one).
  const targetTeam = team ?? ticket.team;
  const agentList = (agents.data ?? []).filter((a) => !targetTeam || a.teams.includes(targetTeam));
  const reasonMissing = reason.trim().length === 0;
  const targetMissing = !team && !assignee;

  function submit() {
    setTried(true);
    if (reasonMissing || targetMissing) return;
    const body: TransferRequest = { reason: reason.trim() };
    if (team) body.team = team;
    if (assignee) body.assignee = assignee;
    onSubmit(body);
  }

  return (
    <Modal
      open={open}
      title={t('routing.transferTitle', { number: ticket.number })}
      onCancel={onClose}
      onOk={submit}
      okText={t('routing.transfer')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={testIdProp('transfer-submit')}
      destroyOnHidden
      afterOpenChange={(o) => {
        if (!o) {
          setTeam(undefined);
          setAssignee(undefined);
          setReason('');
          setTried(false);
        }
      }}
    >
      <div data-testid="transfer-dialog">
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="transfer-error" /> : null}
        <div style={{ marginBottom: 12 }}>
          <div style={{ marginBottom: 4 }}>{t('routing.transferTeam')}</div>
          <Select<string>
            data-testid="transfer-team"
            virtual={false}
            allowClear
            style={{ width: '100%' }}
            placeholder={t('routing.keepTeam')}
            value={team}
            onChange={(v) => {
              setTeam(v ?? undefined);
              setAssignee(undefined);
            }}
            options={(teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name, 'data-testid': `transfer-team-${tm.id}` }))}
          />
        </div>
        <div style={{ marginBottom: 12 }}>
          <div style={{ marginBottom: 4 }}>{t('routing.transferAgent')}</div>
          <Select<string>
            data-testid="transfer-assignee"
            virtual={false}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: '100%' }}
            placeholder={t('routing.autoAssign')}
            value={assignee}
            onChange={(v) => setAssignee(v ?? undefined)}
            options={agentList
              .filter((a) => a.email !== ticket.assignee)
              .map((a) => ({
                value: a.email,
                label: `${a.name}（${t(`availability.${a.availability}`, { defaultValue: a.availability })}）`,
                'data-testid': `transfer-assignee-${a.email}`,
              }))}
          />
        </div>
        {tried && targetMissing ? (
          <div style={{ color: '#cf1322', marginBottom: 8 }} data-testid="transfer-target-required">
            {t('routing.targetRequired')}
          </div>
        ) : null}
        <div>
          <div style={{ marginBottom: 4 }}>
            <span style={{ color: '#cf1322' }}>* </span>
            {t('routing.transferReason')}
          </div>
          <Input.TextArea
            data-testid="transfer-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={1000}
            placeholder={t('routing.reasonPlaceholder')}
            status={tried && reasonMissing ? 'error' : undefined}
          />
          {tried && reasonMissing ? (
            <div style={{ color: '#cf1322', marginTop: 4 }} data-testid="transfer-reason-required">
              {t('routing.reasonRequired')}
            </div>
          ) : null}
        </div>
      </div>
    </Modal>
  );
}

export function UrgeDialog({
  ticket,
  open,
  onClose,
  onSubmit,
  busy,
}: {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  onSubmit: (note: string) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <Modal
      open={open}
      title={t('routing.urgeTitle', { number: ticket.number })}
      onCancel={onClose}
      onOk={() => onSubmit(note.trim())}
      okText={t('routing.urge')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={testIdProp('urge-submit')}
      destroyOnHidden
      afterOpenChange={(o) => !o && setNote('')}
    >
      <Input.TextArea
        data-testid="urge-note"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={1000}
        placeholder={t('routing.urgeNotePlaceholder')}
      />
    </Modal>
  );
}

export function TransferButton({ onClick, disabled }: { onClick: () => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Button icon={<SwapOutlined />} onClick={onClick} disabled={disabled} data-testid="transfer-button">
      {t('routing.transfer')}
    </Button>
  );
}

export function UrgeButton({ onClick, disabled }: { onClick: () => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Button icon={<ThunderboltOutlined />} onClick={onClick} disabled={disabled} data-testid="urge-button" danger>
      {t('routing.urge')}
    </Button>
  );
}

export function BreachReasonSelect({
  value,
  onChange,
  disabled,
  testId = 'breach-reason-select',
}: {
  value: string | null | undefined;
  onChange: (reason: BreachReason) => void;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Select<BreachReason>
      data-testid={testId}
      virtual={false}
      style={{ width: '100%' }}
      placeholder={t('sla.breachReasonPlaceholder')}
      value={(value as BreachReason) ?? undefined}
      disabled={disabled}
      onChange={onChange}
      options={BREACH_REASONS.map((r) => ({ value: r, label: t(`breachReason.${r}`), 'data-testid': `breach-reason-${r}` }))}
    />
  );
}

/** Asked when a breached ticket is resolved: why the target was missed (PATCH breach_reason with the status). */
export function BreachReasonDialog({
  open,
  onCancel,
  onConfirm,
}: {
  open: boolean;
  onCancel: () => void;
  onConfirm: (reason: BreachReason) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<BreachReason | null>(null);
  return (
    <Modal
      open={open}
      title={t('sla.breachReasonTitle')}
      onCancel={onCancel}
      onOk={() => reason && onConfirm(reason)}
      okText={t('sla.resolveWithReason')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !reason, ...testIdProp('breach-reason-confirm') }}
      destroyOnHidden
      afterOpenChange={(o) => !o && setReason(null)}
    >
      <p>{t('sla.breachReasonHint')}</p>
      <BreachReasonSelect value={reason} onChange={setReason} testId="breach-reason-dialog-select" />
    </Modal>
  );
}
