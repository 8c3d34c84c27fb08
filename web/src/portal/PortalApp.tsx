import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppHeader } from '../shared/AppHeader';
import { PageLoading } from '../shared/PageLoading';
import MyTicketsPage from './MyTicketsPage';

const PortalTicketPage = lazy(() => import('./PortalTicketPage'));
const SubmitTicketPage = lazy(() => import('./SubmitTicketPage'));
const PortalChatPage = lazy(() => import('./PortalChatPage'));

export default function PortalApp() {
  const { t } = useTranslation();
  return (
    <div data-testid="portal" style={{ minHeight: '100vh' }}>
      <AppHeader
        area={t('app.portal')}
        nav={[
          { to: '/portal/tickets', label: t('portal.nav.myTickets'), testId: 'nav-my-tickets' },
          { to: '/portal/new', label: t('portal.nav.newTicket'), testId: 'nav-portal-new' },
          { to: '/portal/chat', label: t('chat.nav'), testId: 'nav-portal-chat' },
          { to: '/help', label: t('portal.nav.help'), testId: 'nav-portal-help' },
        ]}
      />
      <main style={{ padding: 16, maxWidth: 1100, margin: '0 auto' }}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route index element={<Navigate to="tickets" replace />} />
            <Route path="tickets" element={<MyTicketsPage />} />
            <Route path="tickets/:id" element={<PortalTicketPage />} />
            <Route path="new" element={<SubmitTicketPage />} />
            <Route path="chat" element={<PortalChatPage />} />
            <Route path="*" element={<Navigate to="tickets" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
