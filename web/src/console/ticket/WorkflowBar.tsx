// On a ticket: which automation acts next and when (the sweep runs every minute), and its closing review
// (结案审核): waiting for a supervisor, who may decide here; or how the last review ended.
import { useMutation } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Space from 'antd/es/space';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reviewTicket, type ReviewDecision, type Ticket } from '../../api';
import { useAuth } from '../../auth/AuthProvider';
import { formatTime } from '../../shared/format';
import { can, PERM } from '../../shared/permissions';
import { useToast } from '../../shared/toast';
import { Muted } from '../../shared/ui';
import { ReviewDialog } from '../review/ReviewDialog';

export function WorkflowBar({ ticket, onChanged }: { ticket: Ticket; onChanged: (t: Ticket) => void }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const toast = useToast();
  const [approve, setApprove] = useState<boolean | null>(null);
  const decide = useMutation({
    mutationFn: (decision: ReviewDecision) => reviewTicket(ticket.id, decision),
    onSuccess: (updated) => {
      onChanged(updated);
      setApprove(null);
      toast.success(updated.status === 'closed' ? t('review.approved') : t('review.sentBack'));
    },
    onError: (e) => toast.error(e.message),
  });
  const next = ticket.next_automation;
  const review = ticket.review;
  const mayReview = can(user, PERM.review);
  return (
    <>
      {next ? (
        <div data-testid="next-automation" style={{ marginBottom: 8 }}>
          <Muted>{t('automations.nextOnTicket', { name: next.name, at: formatTime(next.at) })}</Muted>
        </div>
      ) : null}
      {review?.state === 'pending' ? (
        <Alert
          data-testid="review-pending"
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('review.pendingOnTicket', { who: review.requested_by, at: formatTime(review.requested_at) })}
          action={
            mayReview ? (
              <Space>
                <Button type="primary" size="small" data-testid="ticket-review-approve" onClick={() => setApprove(true)}>
                  {t('review.approve')}
                </Button>
                <Button size="small" data-testid="ticket-review-reject" onClick={() => setApprove(false)}>
                  {t('review.reject')}
                </Button>
              </Space>
            ) : undefined
          }
        />
      ) : null}
      {review?.state === 'rejected' && ticket.status !== 'closed' ? (
        <Alert
          data-testid="review-rejected"
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('review.rejectedOnTicket', { who: review.reviewer ?? '', comment: review.comment })}
        />
      ) : null}
      <ReviewDialog
        ticket={approve === null ? null : ticket}
        approve={approve ?? true}
        busy={decide.isPending}
        onClose={() => setApprove(null)}
        onSubmit={(decision) => decide.mutate(decision)}
      />
    </>
  );
}
