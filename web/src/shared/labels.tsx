import Tag from 'antd/es/tag';
import { useTranslation } from 'react-i18next';
import type { Priority, TicketStatus } from '../api/types';

const STATUS_COLORS: Record<string, string> = {
  new: 'blue',
  in_progress: 'geekblue',
  waiting_customer: 'orange',
  resolved: 'green',
  closed: 'default',
};

const PRIORITY_COLORS: Record<string, string> = {
  P1: 'red',
  P2: 'orange',
  P3: 'blue',
  P4: 'default',
};

export function StatusTag({ status }: { status: TicketStatus | string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

export function PriorityTag({ priority }: { priority: Priority | string }) {
  const { t } = useTranslation();
  return (
    <Tag color={PRIORITY_COLORS[priority] ?? 'default'} data-priority={priority}>
      {t(`priority.${priority}`, { defaultValue: priority })}
    </Tag>
  );
}
