import LogoutOutlined from '@ant-design/icons/LogoutOutlined';
import Button from 'antd/es/button';
import Tag from 'antd/es/tag';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { LangSwitch } from './LangSwitch';

export interface NavItem {
  to: string;
  label: string;
  testId: string;
  /** Also active on these path prefixes. */
  activePrefix?: string;
}

/** The top bar shared by the console and the portal. */
export function AppHeader({ area, nav, extra }: { area: string; nav: NavItem[]; extra?: ReactNode }) {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const { pathname } = useLocation();
  return (
    <header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 12,
        height: 56,
        padding: '0 20px',
        background: '#001529',
        color: '#fff',
        position: 'sticky',
        top: 0,
        zIndex: 10,
      }}
    >
      <div style={{ fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap' }}>
        {t('app.title')}{' '}
        <span className="hd-header-area" style={{ opacity: 0.65, fontWeight: 400, fontSize: 14 }}>
          · {area}
        </span>
      </div>
      {/* A narrow window (or a long language) scrolls the links rather than pushing the account off the bar. */}
      <nav className="hd-header-nav" style={{ display: 'flex', gap: 2, minWidth: 0, overflowX: 'auto' }}>
        {nav.map((item) => (
          <NavLink
            key={item.to}
            to={item.to}
            data-testid={item.testId}
            style={({ isActive }) => ({
              color: '#fff',
              padding: '6px 10px',
              borderRadius: 6,
              whiteSpace: 'nowrap',
              textDecoration: 'none',
              background:
                isActive || (item.activePrefix && pathname.startsWith(item.activePrefix))
                  ? 'rgba(255,255,255,0.16)'
                  : 'transparent',
            })}
          >
            {item.label}
          </NavLink>
        ))}
      </nav>
      <div style={{ marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: 6, flexShrink: 0 }}>
        {extra}
        <span className="hd-header-light" style={{ display: 'contents' }}>
          <LangSwitch />
        </span>
        {user ? (
          <span data-testid="current-user" style={{ whiteSpace: 'nowrap' }}>
            {user.name || user.email}{' '}
            <Tag color="blue" style={{ marginInlineEnd: 0 }}>
              {t(`role.${user.role}`, { defaultValue: user.role })}
            </Tag>
          </span>
        ) : null}
        <Button
          type="text"
          icon={<LogoutOutlined />}
          onClick={() => void signOut()}
          data-testid="signout"
          title={t('app.signOut')}
          style={{ color: '#fff' }}
        >
          <span className="hd-header-label">{t('app.signOut')}</span>
        </Button>
      </div>
    </header>
  );
}
