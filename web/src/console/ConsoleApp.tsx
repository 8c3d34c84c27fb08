import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppHeader } from '../shared/AppHeader';
import { PageLoading } from '../shared/PageLoading';
import { NotificationsBell } from './NotificationsBell';
import QueuePage from './QueuePage';

// The queue is the console's landing page and ships in this chunk; the rest loads on first use.
const TicketPage = lazy(() => import('./TicketPage'));
const NewTicketPage = lazy(() => import('./NewTicketPage'));

export default function ConsoleApp() {
  const { t } = useTranslation();
  return (
    <div data-testid="console" style={{ minHeight: '100vh' }}>
      <AppHeader
        area={t('app.console')}
        nav={[
          { to: '/console/queue', label: t('console.nav.queue'), testId: 'nav-queue' },
          { to: '/console/new', label: t('console.nav.newTicket'), testId: 'nav-new-ticket' },
        ]}
        extra={<NotificationsBell />}
      />
      <main style={{ padding: 16 }}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route index element={<Navigate to="queue/mine" replace />} />
            <Route path="queue" element={<Navigate to="mine" replace />} />
            <Route path="queue/:view" element={<QueuePage />} />
            <Route path="tickets/:id" element={<TicketPage />} />
            <Route path="new" element={<NewTicketPage />} />
            <Route path="*" element={<Navigate to="queue/mine" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
