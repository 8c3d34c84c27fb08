import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { AppHeader, type NavItem } from '../shared/AppHeader';
import { PageLoading } from '../shared/PageLoading';
import {
  can,
  canManageCannedReplies,
  canManageRoles,
  canManageRules,
  canManageStaff,
  canMonitorSla,
  canReadReports,
  canReadRules,
  canReview,
  PERM,
} from '../shared/permissions';
import { AvailabilitySwitch } from './AvailabilitySwitch';
import { NotificationsBell } from './NotificationsBell';
import QueuePage from './QueuePage';
import { TicketSearch } from './TicketSearch';

// The queue is the console's landing page and ships in this chunk; the rest loads on first use.
const TicketPage = lazy(() => import('./TicketPage'));
const NewTicketPage = lazy(() => import('./NewTicketPage'));
const CustomerTicketsPage = lazy(() => import('./CustomerTicketsPage'));
const RiskPage = lazy(() => import('./RiskPage'));
const RulesPage = lazy(() => import('./admin/RulesPage'));
const SlaPoliciesPage = lazy(() => import('./admin/SlaPoliciesPage'));
const StaffPage = lazy(() => import('./admin/StaffPage'));
const CannedRepliesPage = lazy(() => import('./admin/CannedRepliesPage'));
const TriggersPage = lazy(() => import('./admin/triggers/TriggersPage'));
const AutomationsPage = lazy(() => import('./admin/automations/AutomationsPage'));
const ReviewPage = lazy(() => import('./review/ReviewPage'));
// 报表: its chunk loads ECharts only when a chart first draws.
const ReportsPage = lazy(() => import('./reports/ReportsPage'));
const KbListPage = lazy(() => import('./kb/KbListPage'));
const KbEditorPage = lazy(() => import('./kb/KbEditorPage'));
const SearchResultsPage = lazy(() => import('./SearchResultsPage'));
const SearchTermsPage = lazy(() => import('./admin/SearchTermsPage'));
const NotificationSettingsPage = lazy(() => import('./collab/NotificationSettingsPage'));
const FormsPage = lazy(() => import('./admin/FormsPage'));
// 在线客服: the chat queue and the live conversation, each in its own chunk.
const ChatQueuePage = lazy(() => import('./chat/ChatQueuePage'));
const ChatPage = lazy(() => import('./chat/ChatPage'));
const RolesPage = lazy(() => import('./admin/RolesPage'));
const ChatSettingsPage = lazy(() => import('./admin/ChatSettingsPage'));

export default function ConsoleApp() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const monitor = canMonitorSla(user);
  const readRules = canReadRules(user);
  const manageStaff = canManageStaff(user);
  const manageCanned = canManageCannedReplies(user);
  const reports = canReadReports(user);
  const review = canReview(user);
  const manageRoles = canManageRoles(user);
  const nav: NavItem[] = [
    { to: '/console/queue', label: t('console.nav.queue'), testId: 'nav-queue' },
    { to: '/console/chats', label: t('chat.nav'), testId: 'nav-chats', activePrefix: '/console/chats' },
  ];
  // Only a role that may open tickets for callers sees 新建工单.
  if (can(user, PERM.createForOthers)) {
    nav.push({ to: '/console/new', label: t('console.nav.newTicket'), testId: 'nav-new-ticket' });
  }
  if (monitor) nav.push({ to: '/console/risk', label: t('console.nav.risk'), testId: 'nav-risk' });
  if (review) nav.push({ to: '/console/review', label: t('console.nav.review'), testId: 'nav-review' });
  if (reports) nav.push({ to: '/console/reports', label: t('console.nav.reports'), testId: 'nav-reports' });
  nav.push({ to: '/console/kb', label: t('console.nav.kb'), testId: 'nav-kb', activePrefix: '/console/kb' });
  // The settings screens sit behind one 管理 entry (tabs on those pages): the bar keeps room for the daily work.
  const admin: NavItem[] = [];
  if (readRules) {
    admin.push({ to: '/console/admin/rules', label: t('console.nav.rules'), testId: 'nav-rules' });
    admin.push({ to: '/console/admin/triggers', label: t('console.nav.triggers'), testId: 'nav-triggers' });
    admin.push({ to: '/console/admin/automations', label: t('console.nav.automations'), testId: 'nav-automations' });
    admin.push({ to: '/console/admin/sla', label: t('console.nav.sla'), testId: 'nav-sla' });
    admin.push({ to: '/console/admin/forms', label: t('desk.admin.nav'), testId: 'nav-forms' });
    admin.push({ to: '/console/admin/chat', label: t('chatSettings.nav'), testId: 'nav-chat-settings' });
  }
  if (manageCanned) admin.push({ to: '/console/admin/canned', label: t('console.nav.canned'), testId: 'nav-canned' });
  if (manageStaff) admin.push({ to: '/console/admin/staff', label: t('console.nav.staff'), testId: 'nav-staff' });
  if (manageRoles) admin.push({ to: '/console/admin/roles', label: t('roles.nav'), testId: 'nav-roles' });
  const manageTerms = can(user, PERM.searchTerms);
  if (manageTerms) {
    admin.push({ to: '/console/admin/search-terms', label: t('console.nav.searchTerms'), testId: 'nav-search-terms' });
  }
  if (admin.length > 0) {
    nav.push({ to: admin[0].to, label: t('console.nav.admin'), testId: 'nav-admin', activePrefix: '/console/admin/' });
  }
  return (
    <div data-testid="console" style={{ minHeight: '100vh' }}>
      <AppHeader
        area={t('app.console')}
        nav={nav}
        extra={
          <>
            <TicketSearch />
            <AvailabilitySwitch />
            {can(user, PERM.directoryRead) ? <NotificationsBell /> : null}
          </>
        }
      />
      <main style={{ padding: 16 }}>
        <AdminTabs items={admin} />
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route index element={<Navigate to="queue/mine" replace />} />
            <Route path="queue" element={<Navigate to="mine" replace />} />
            <Route path="queue/:view" element={<QueuePage />} />
            <Route path="tickets/:id" element={<TicketPage />} />
            <Route path="customers/:email" element={<CustomerTicketsPage />} />
            <Route path="new" element={<NewTicketPage />} />
            <Route path="chats" element={<ChatQueuePage />} />
            <Route path="chats/:id" element={<ChatPage />} />
            <Route path="search" element={<SearchResultsPage />} />
            <Route path="notification-settings" element={<NotificationSettingsPage />} />
            <Route path="kb" element={<KbListPage />} />
            <Route path="kb/:id" element={<KbEditorPage />} />
            {monitor ? <Route path="risk" element={<RiskPage />} /> : null}
            {monitor ? <Route path="risk/:view" element={<RiskPage />} /> : null}
            {reports ? <Route path="reports" element={<ReportsPage />} /> : null}
            {readRules ? <Route path="admin/rules" element={<RulesPage canEdit={canManageRules(user)} />} /> : null}
            {readRules ? <Route path="admin/triggers" element={<TriggersPage canEdit={canManageRules(user)} />} /> : null}
            {readRules ? (
              <Route path="admin/automations" element={<AutomationsPage canEdit={canManageRules(user)} />} />
            ) : null}
            {readRules ? <Route path="admin/sla" element={<SlaPoliciesPage canEdit={canManageRules(user)} />} /> : null}
            {readRules ? <Route path="admin/forms" element={<FormsPage canEdit={canManageRules(user)} />} /> : null}
            {readRules ? <Route path="admin/chat" element={<ChatSettingsPage canEdit={canManageRules(user)} />} /> : null}
            {review ? <Route path="review" element={<ReviewPage />} /> : null}
            {manageCanned ? <Route path="admin/canned" element={<CannedRepliesPage />} /> : null}
            {manageStaff ? <Route path="admin/staff" element={<StaffPage />} /> : null}
            {manageRoles ? <Route path="admin/roles" element={<RolesPage />} /> : null}
            {manageTerms ? <Route path="admin/search-terms" element={<SearchTermsPage />} /> : null}
            <Route path="*" element={<Navigate to="/console/queue/mine" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

/** The settings screens' own tabs, shown on those screens only. */
function AdminTabs({ items }: { items: NavItem[] }) {
  const { pathname } = useLocation();
  if (!pathname.startsWith('/console/admin/') || items.length === 0) return null;
  return (
    <nav className="hd-tabs" data-testid="admin-tabs" style={{ marginBottom: 12 }}>
      {items.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          data-testid={item.testId}
          className={({ isActive }) => (isActive ? 'hd-tab hd-tab-active' : 'hd-tab')}
        >
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}
