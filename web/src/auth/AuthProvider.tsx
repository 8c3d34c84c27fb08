import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { areaRole, configureApi, getAuthConfig, isApiError, isStaffRole, me, type Role, type SignInResult, type User } from '../api';
import { qk } from '../shared/queries';
import { adoptProfileLanguage } from '../i18n';
import { clearToken, getToken, setToken } from './token';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut' | 'error';

interface AuthContextValue {
  user: User | null;
  status: AuthStatus;
  error: unknown;
  retry: () => void;
  /** After POST /api/dev/login or /api/auth/verify. */
  signIn: (result: SignInResult, next?: string | null) => void;
  /** After the Cognito redirect: the ID token is the bearer token; /api/me says who it is. */
  signInWithToken: (token: string, next?: string | null) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function homeFor(role: Role | string | undefined | null): string {
  return isStaffRole(role) ? '/console/queue/mine' : '/portal/tickets';
}

/** Where to go after sign-in: the page the user asked for, if it is on this origin and in their area. */
export function safeNext(next: string | null | undefined, role: Role | string): string {
  const area = isStaffRole(role) ? '/console' : '/portal';
  if (next && next.startsWith(area) && !next.startsWith('//') && !next.includes('://')) return next;
  return homeFor(role);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [hasToken, setHasToken] = useState(() => !!getToken());

  const meQuery = useQuery({
    queryKey: qk.me,
    queryFn: ({ signal }) => me({ signal }),
    enabled: hasToken,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
  });

  const profileLanguage = meQuery.data?.language;
  useEffect(() => adoptProfileLanguage(profileLanguage), [profileLanguage]);

  useEffect(() => {
    configureApi({
      onUnauthenticated: (returnTo) => {
        setHasToken(false);
        queryClient.removeQueries({ queryKey: qk.me });
        // The help centre is public: an expired token just makes its reader anonymous there.
        if (!returnTo.startsWith('/signin') && !returnTo.startsWith('/auth/') && !returnTo.startsWith('/help')) {
          navigate(`/signin?next=${encodeURIComponent(returnTo)}`, { replace: true });
        }
      },
    });
    return () => configureApi({ onUnauthenticated: null });
  }, [navigate, queryClient]);

  const signIn = useCallback(
    (result: SignInResult, next?: string | null) => {
      setToken(result.token);
      queryClient.setQueryData(qk.me, result.user);
      setHasToken(true);
      navigate(safeNext(next, areaRole(result.user)), { replace: true });
    },
    [navigate, queryClient],
  );

  const signInWithToken = useCallback(
    async (token: string, next?: string | null) => {
      setToken(token);
      const user = await me();
      signIn({ token, user }, next);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    const user = queryClient.getQueryData<User>(qk.me);
    clearToken();
    setHasToken(false);
    queryClient.clear();
    if (user && isStaffRole(areaRole(user))) {
      try {
        const cfg = await queryClient.fetchQuery({ queryKey: qk.authConfig, queryFn: () => getAuthConfig() });
        if (cfg.auth === 'cognito') {
          const { cognitoLogoutUrl } = await import('./cognito');
          window.location.assign(cognitoLogoutUrl(cfg));
          return;
        }
      } catch {
        /* fall through to the sign-in page */
      }
    }
    navigate('/signin', { replace: true });
  }, [navigate, queryClient]);

  let status: AuthStatus;
  if (!hasToken) status = 'signedOut';
  else if (meQuery.data) status = 'signedIn';
  else if (meQuery.isError) status = isApiError(meQuery.error) && meQuery.error.status === 401 ? 'signedOut' : 'error';
  else status = 'loading';

  const value = useMemo<AuthContextValue>(
    () => ({
      user: hasToken ? (meQuery.data ?? null) : null,
      status,
      error: meQuery.error,
      retry: () => void meQuery.refetch(),
      signIn,
      signInWithToken,
      signOut,
    }),
    [hasToken, meQuery, status, signIn, signInWithToken, signOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}
