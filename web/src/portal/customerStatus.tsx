import Tag from 'antd/es/tag';
import { useTranslation } from 'react-i18next';
import type { TicketStatus } from '../api';

const COLORS: Record<string, string> = {
  new: 'blue',
  in_progress: 'geekblue',
  waiting_customer: 'orange',
  resolved: 'green',
  closed: 'default',
};

/** The status in a customer's words (已受理, 待您回复…), not the agents' jargon. */
export function CustomerStatusTag({ status }: { status: TicketStatus | string }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status] ?? 'default'} data-status={status}>
      {t(`portal.customerStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}
