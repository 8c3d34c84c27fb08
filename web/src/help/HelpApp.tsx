// 帮助中心: the public help centre (no sign-in needed): categories, search and articles. Customers reach it from the
// portal; anyone may open an article's link an agent sent. Lazy-loaded.
import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../shared/LangSwitch';
import HelpArticlePage from './HelpArticlePage';
import HelpHomePage from './HelpHomePage';

export default function HelpApp() {
  const { t } = useTranslation();
  return (
    <div data-testid="help-centre" style={{ minHeight: '100vh' }}>
      <header className="hd-help-header">
        <Link to="/help" style={{ color: '#fff', fontWeight: 600, fontSize: 16 }} data-testid="help-home-link">
          {t('app.title')} · {t('kb.help')}
        </Link>
        <span style={{ marginLeft: 'auto', display: 'flex', gap: 8, alignItems: 'center' }}>
          <Link to="/portal/new" style={{ color: '#fff' }} data-testid="help-submit-ticket">
            {t('portal.nav.newTicket')}
          </Link>
          <span className="hd-header-light" style={{ display: 'contents' }}>
            <LangSwitch />
          </span>
        </span>
      </header>
      <main style={{ padding: 16, maxWidth: 960, margin: '0 auto' }}>
        <Routes>
          <Route index element={<HelpHomePage />} />
          <Route path="articles/:id" element={<HelpArticlePage />} />
          <Route path="*" element={<Navigate to="/help" replace />} />
        </Routes>
      </main>
    </div>
  );
}
