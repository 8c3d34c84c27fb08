// 在线客服 in the portal: the same chat window as /widget.js (src/widget), inline, connected with the signed-in
// customer's token (`?token=`), so the chat opens a ticket in their name and only their conversations resume.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { getChatUrl } from '../api';
import { useAuth } from '../auth/AuthProvider';
import { getToken } from '../auth/token';
import { Panel } from '../shared/ui';
import { mountChatWindow } from '../widget/ui';

export default function PortalChatPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const host = useRef<HTMLDivElement | null>(null);
  const email = user?.email ?? '';
  const lang = i18n.language;

  useEffect(() => {
    if (!host.current) return;
    const chatUrl = getChatUrl().then((url) => {
      if (!url) throw new Error('no chat_url');
      return url;
    });
    chatUrl.catch(() => undefined); // the window says so
    const chat = mountChatWindow(host.current, {
      url: chatUrl,
      token: getToken(),
      lang,
      userName: user?.name,
      storageKey: `helpdesk-chat:portal:${email}`,
      storage: window.localStorage,
    });
    return () => chat.destroy();
  }, [email, lang, user?.name]);

  return (
    <Panel title={t('chat.portalTitle')} testId="portal-chat">
      <p style={{ marginTop: 0, color: 'rgba(0,0,0,0.65)' }}>{t('chat.portalIntro')}</p>
      <div ref={host} data-testid="portal-chat-window" style={{ height: 520, maxWidth: 640 }} />
    </Panel>
  );
}
