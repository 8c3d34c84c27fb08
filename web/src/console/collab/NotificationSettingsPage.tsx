import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Select from 'antd/es/select';
import Skeleton from 'antd/es/skeleton';
import Typography from 'antd/es/typography';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { getNotificationSettings, putNotificationSettings, type Notification, type NoticeChannel } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { useToast } from '../../shared/toast';
import { Panel } from '../../shared/ui';
import { notificationText } from '../NotificationsBell';

const CHANNELS: NoticeChannel[] = ['in_app', 'email', 'both', 'none'];

function kindLabel(kind: string, t: TFunction): string {
  // The bell's wording without a ticket: "SLA 已超时" rather than "SLA 已超时：GD… …".
  const sample = { id: kind, type: kind, ticket_id: '', ticket_number: '', subject: '', at: '', read: true } as Notification;
  return notificationText(sample, t).replace(/[：:]\s*$/, '').trim() || kind;
}

/** 通知设置: per kind of notice, in-app, email, both or none. */
export default function NotificationSettingsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['notification-settings'], queryFn: ({ signal }) => getNotificationSettings({ signal }) });
  const save = useMutation({
    mutationFn: (channels: Record<string, NoticeChannel>) => putNotificationSettings(channels),
    onSuccess: (saved) => {
      qc.setQueryData(['notification-settings'], saved);
      toast.success(t('notifications.settingsSaved'));
    },
    onError: (e) => toast.error(e.message),
  });
  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <ErrorBlock title={q.error.message} />;
  return (
    <Panel title={t('notifications.settings')} testId="notification-settings">
      {Object.entries(q.data).map(([kind, channel]) => (
        <div key={kind} style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '4px 0' }}>
          <Typography.Text style={{ flex: 1 }}>{kindLabel(kind, t)}</Typography.Text>
          <Select
            size="small"
            style={{ width: 160 }}
            value={channel}
            data-testid={`setting-${kind}`}
            options={CHANNELS.map((c) => ({ value: c, label: t(`notifications.channel.${c}`) }))}
            onChange={(value: NoticeChannel) => save.mutate({ [kind]: value })}
          />
        </div>
      ))}
    </Panel>
  );
}
