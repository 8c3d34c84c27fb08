// 结案审核 (supervisors): resolved tickets that need a supervisor's approval before they close, waiting because
// someone without that right or an automation would have closed them. Approve closes; send back returns the ticket
// to its assignee with the comment.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Space from 'antd/es/space';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { reviewTicket, type ReviewDecision, type Ticket } from '../../api';
import { formatTime } from '../../shared/format';
import { PriorityTag } from '../../shared/labels';
import { agentName, qk, useAgents } from '../../shared/queries';
import { useToast } from '../../shared/toast';
import { Muted } from '../../shared/ui';
import { QueueFooter, useTicketPages } from '../QueuePage';
import { ReviewDialog } from './ReviewDialog';

export default function ReviewPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const agents = useAgents();
  const { query, tickets } = useTicketPages({ view: 'review' }, { enabled: true, refetchInterval: 60_000 });
  const [deciding, setDeciding] = useState<{ ticket: Ticket; approve: boolean } | null>(null);
  const decide = useMutation({
    mutationFn: ({ ticket, decision }: { ticket: Ticket; decision: ReviewDecision }) => reviewTicket(ticket.id, decision),
    onSuccess: (updated) => {
      qc.setQueryData(qk.ticket(updated.id), updated);
      void qc.invalidateQueries({ queryKey: qk.tickets });
      setDeciding(null);
      toast.success(updated.status === 'closed' ? t('review.approved') : t('review.sentBack'));
    },
    onError: (e) => toast.error(e.message),
  });
  return (
    <div data-testid="review-page">
      <h2 style={{ margin: '0 0 4px', fontSize: 18 }}>{t('review.title')}</h2>
      <div style={{ marginBottom: 12 }}>
        <Muted>{t('review.hint')}</Muted>
      </div>
      {query.isError ? <Alert type="error" showIcon title={query.error.message} style={{ marginBottom: 12 }} /> : null}
      <div className="hd-table-wrap">
        <table className="hd-table" data-testid="review-table">
          <thead>
            <tr>
              <th style={{ width: 150 }}>{t('console.columns.number')}</th>
              <th>{t('console.columns.subject')}</th>
              <th style={{ width: 90 }}>{t('console.columns.priority')}</th>
              <th style={{ width: 110 }}>{t('ticket.fields.category')}</th>
              <th style={{ width: 140 }}>{t('console.columns.assignee')}</th>
              <th style={{ width: 200 }}>{t('review.requestedBy')}</th>
              <th style={{ width: 190 }} />
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id} data-testid={`review-row-${ticket.number}`}>
                <td>
                  <Link to={`/console/tickets/${ticket.number}`}>{ticket.number}</Link>
                </td>
                <td>{ticket.subject}</td>
                <td>
                  <PriorityTag priority={ticket.priority} />
                </td>
                <td>{ticket.category ?? '—'}</td>
                <td>{agentName(agents.data, ticket.assignee) ?? '—'}</td>
                <td>
                  {ticket.review?.requested_by}
                  <br />
                  <Muted style={{ fontSize: 12 }}>{ticket.review ? formatTime(ticket.review.requested_at) : ''}</Muted>
                </td>
                <td>
                  <Space>
                    <Button
                      type="primary"
                      size="small"
                      data-testid={`review-approve-${ticket.number}`}
                      onClick={() => setDeciding({ ticket, approve: true })}
                    >
                      {t('review.approve')}
                    </Button>
                    <Button size="small" data-testid={`review-reject-${ticket.number}`} onClick={() => setDeciding({ ticket, approve: false })}>
                      {t('review.reject')}
                    </Button>
                  </Space>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!query.isPending && tickets.length === 0 && !query.isError ? (
          <div style={{ padding: 24, textAlign: 'center' }} data-testid="review-empty">
            <Muted>{t('review.empty')}</Muted>
          </div>
        ) : null}
      </div>
      <QueueFooter count={tickets.length} countTestId="review-count" query={query} />
      <ReviewDialog
        ticket={deciding?.ticket ?? null}
        approve={deciding?.approve ?? true}
        busy={decide.isPending}
        onClose={() => setDeciding(null)}
        onSubmit={(decision) => deciding && decide.mutate({ ticket: deciding.ticket, decision })}
      />
    </div>
  );
}
