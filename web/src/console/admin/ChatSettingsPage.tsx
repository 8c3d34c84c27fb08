// 在线客服设置 (rules.read to see, rules.manage to save): the sites whose pages may open a chat (the widget's
// WebSocket checks the page's Origin against them) and how long a silent chat stays open. One site a line,
// https://host[:port] (http:// only for localhost); the product's own address is always allowed. Saved with
// If-Match of the version loaded; a malformed site comes back as 400 naming it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Button from 'antd/es/button';
import Input from 'antd/es/input';
import InputNumber from 'antd/es/input-number';
import Skeleton from 'antd/es/skeleton';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getChatSettings, putChatSettings, type ChatSettings } from '../../api';
import { ErrorBlock } from '../../shared/ErrorBlock';
import { useToast } from '../../shared/toast';
import { Muted, Panel } from '../../shared/ui';
import { ReasonsAlert } from './ReasonsAlert';

const KEY = ['admin', 'chatSettings'] as const;

/** The sites of the text box: one a line (spaces and commas also separate), without a trailing slash. */
export function originsOf(text: string): string[] {
  return text
    .split(/[\s,，]+/)
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

export default function ChatSettingsPage({ canEdit }: { canEdit: boolean }) {
  const query = useQuery({ queryKey: KEY, queryFn: ({ signal }) => getChatSettings({ signal }) });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <ErrorBlock title={query.error.message} testId="chat-settings-error" />;
  return <Editor key={query.data.version} loaded={query.data} canEdit={canEdit} />;
}

function Editor({ loaded, canEdit }: { loaded: ChatSettings; canEdit: boolean }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [origins, setOrigins] = useState(loaded.allowed_origins.join('\n'));
  const [idle, setIdle] = useState<number>(loaded.idle_minutes);
  const save = useMutation({
    mutationFn: () => putChatSettings({ allowed_origins: originsOf(origins), idle_minutes: idle }, loaded.version),
    onSuccess: (saved) => {
      qc.setQueryData(KEY, saved);
      toast.success(t('common.saved'));
    },
  });
  const off = !canEdit || save.isPending;
  return (
    <Panel title={t('chatSettings.title')} testId="chat-settings-page" style={{ maxWidth: 900 }}>
      <ReasonsAlert error={save.error} testId="chat-settings-save-error" onReload={() => void qc.invalidateQueries({ queryKey: KEY })} />
      <div>
        <Muted>{t('chatSettings.intro')}</Muted>
      </div>
      <h4>{t('chatSettings.origins')}</h4>
      <Input.TextArea
        value={origins}
        disabled={off}
        onChange={(e) => setOrigins(e.target.value)}
        autoSize={{ minRows: 4, maxRows: 16 }}
        placeholder="https://www.example.com"
        aria-label={t('chatSettings.origins')}
        data-testid="chat-settings-origins"
      />
      {loaded.own_origin ? (
        <div style={{ marginTop: 4 }}>
          <Muted testId="chat-settings-own">{t('chatSettings.own', { origin: loaded.own_origin })}</Muted>
        </div>
      ) : null}
      <h4>{t('chatSettings.idle')}</h4>
      <InputNumber
        min={0}
        max={1440}
        precision={0}
        disabled={off}
        value={idle}
        onChange={(v) => setIdle(typeof v === 'number' ? v : 0)}
        addonAfter={t('chatSettings.minutes')}
        aria-label={t('chatSettings.idle')}
        data-testid="chat-settings-idle"
      />
      <div style={{ marginTop: 4 }}>
        <Muted>{t('chatSettings.idleHint')}</Muted>
      </div>
      {canEdit ? (
        <div style={{ marginTop: 12 }}>
          <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid="chat-settings-save">
            {t('chatSettings.save')}
          </Button>
        </div>
      ) : null}
    </Panel>
  );
}
