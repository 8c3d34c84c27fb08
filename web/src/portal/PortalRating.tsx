// 为本次服务评分: a resolved ticket's requester rates it in the portal (a later answer replaces the earlier one
// until the ticket is closed); the same answer the mail's survey link records.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rateTicket, type Ticket } from '../api';
import { qk } from '../shared/queries';
import { useToast } from '../shared/toast';
import { Panel } from '../shared/ui';
import { ScorePicker } from './ScorePicker';

export function PortalRating({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const current = ticket.satisfaction?.score ?? null;
  if (ticket.status !== 'resolved' && current === null) return null;

  const rate = async (score: number) => {
    setBusy(true);
    try {
      const updated = await rateTicket(ticket.id, { score });
      qc.setQueryData(qk.ticket(ticket.id), updated);
      toast.success(t('survey.saved'));
    } catch (e) {
      toast.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel small title={current === null ? t('survey.rateTitle') : t('survey.yourRating')} style={{ marginTop: 16 }} testId="portal-rating">
      <ScorePicker value={current} disabled={busy || ticket.status !== 'resolved'} onChange={rate} />
    </Panel>
  );
}
