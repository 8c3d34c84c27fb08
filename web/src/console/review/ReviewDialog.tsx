// A closing review's decision (结案审核): approve (the ticket closes) or send it back to its assignee with a comment.
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewDecision, Ticket } from '../../api';
import { testIdProp } from '../TicketActions';

export function ReviewDialog({
  ticket,
  approve,
  busy,
  onClose,
  onSubmit,
}: {
  /** The ticket under review; null when closed. */
  ticket: Ticket | null;
  approve: boolean;
  busy: boolean;
  onClose: () => void;
  onSubmit: (decision: ReviewDecision) => void;
}) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const needsComment = !approve && !comment.trim();
  return (
    <Modal
      open={ticket !== null}
      destroyOnHidden
      title={approve ? t('review.approveTitle', { number: ticket?.number }) : t('review.rejectTitle', { number: ticket?.number })}
      okText={approve ? t('review.approve') : t('review.reject')}
      confirmLoading={busy}
      okButtonProps={{ disabled: needsComment, danger: !approve, ...testIdProp('review-confirm') }}
      cancelText={t('common.cancel')}
      onCancel={() => {
        setComment('');
        onClose();
      }}
      onOk={() => {
        onSubmit({ approve, comment: comment.trim() });
        setComment('');
      }}
    >
      <p>{approve ? t('review.approveHint') : t('review.rejectHint')}</p>
      <Input.TextArea
        data-testid="review-comment"
        aria-label={t('review.comment')}
        placeholder={approve ? t('review.commentOptional') : t('review.commentRequired')}
        autoSize={{ minRows: 3, maxRows: 8 }}
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
    </Modal>
  );
}
