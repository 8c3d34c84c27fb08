import { useMutation } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import Typography from 'antd/es/typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getTicket, mergeTicket, type Ticket } from '../../api';

/** 合并工单: find the target by its GD number, then merge this ticket into it. */
export default function MergeDialog({
  ticket,
  open,
  onClose,
  onMerged,
}: {
  ticket: Ticket;
  open: boolean;
  onClose: () => void;
  onMerged: (source: Ticket, target: Ticket) => void;
}) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const find = useMutation({ mutationFn: (ref: string) => getTicket(ref.trim()) });
  const merge = useMutation({
    mutationFn: (into: string) => mergeTicket(ticket.id, into),
    onSuccess: ({ source, target }) => onMerged(source, target),
  });
  const target = find.data;
  const error = find.error ?? merge.error;
  return (
    <Modal
      open={open}
      title={t('collab.merge')}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="merge"
          type="primary"
          danger
          disabled={!target || target.id === ticket.id}
          loading={merge.isPending}
          data-testid="merge-confirm"
          onClick={() => target && merge.mutate(target.id)}
        >
          {t('collab.mergeConfirm')}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t('collab.mergeHint')}</Typography.Paragraph>
      <Input.Search
        placeholder={t('collab.mergeInto')}
        value={number}
        enterButton={t('collab.mergeFind')}
        data-testid="merge-number"
        onChange={(e) => setNumber(e.target.value)}
        onSearch={(value) => value.trim() && find.mutate(value)}
        loading={find.isPending}
      />
      {target ? (
        <div data-testid="merge-target" data-ticket-id={target.id} style={{ marginTop: 12 }}>
          <Typography.Text strong>{target.number}</Typography.Text> {target.subject} · {target.requester.email}
        </div>
      ) : null}
      {error ? <Alert type="error" showIcon style={{ marginTop: 12 }} title={error.message} data-testid="merge-error" /> : null}
    </Modal>
  );
}
