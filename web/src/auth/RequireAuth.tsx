import Button from 'antd/es/button';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { areaRole, isStaffRole } from '../api';
import { ErrorBlock } from '../shared/ErrorBlock';
import { PageLoading } from '../shared/PageLoading';
import { homeFor, useAuth } from './AuthProvider';

/** Lets only signed-in users of the right kind in: staff to /console, customers to /portal. */
export function RequireAuth({ area, children }: { area: 'console' | 'portal'; children: ReactNode }) {
  const { status, user, error, retry } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();

  if (status === 'loading') return <PageLoading />;
  if (status === 'error') {
    return (
      <ErrorBlock
        testId="auth-error"
        title={error instanceof Error ? error.message : t('errors.network_error')}
        action={
          <Button type="primary" onClick={retry}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (status === 'signedOut' || !user) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  const staff = isStaffRole(areaRole(user));
  if ((area === 'console') !== staff) return <Navigate to={homeFor(areaRole(user))} replace />;
  return <>{children}</>;
}

export function HomeRedirect() {
  const { status, user } = useAuth();
  if (status === 'loading') return <PageLoading />;
  if (status === 'signedIn' && user) return <Navigate to={homeFor(areaRole(user))} replace />;
  return <Navigate to="/signin" replace />;
}
