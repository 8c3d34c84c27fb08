import { useQuery } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { getAuthConfig } from '../api';
import { PageLoading } from '../shared/PageLoading';
import { qk } from '../shared/queries';
import { useAuth } from './AuthProvider';
import { CognitoCallbackError, completeCognitoSignIn } from './cognito';
import { SignInFrame } from './SignInPage';

/** /auth/callback: the hosted UI sends the browser back here with ?code=&state=. */
export default function CognitoCallback() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { signInWithToken } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  const config = useQuery({ queryKey: qk.authConfig, queryFn: ({ signal }) => getAuthConfig({ signal }), staleTime: Infinity });

  useEffect(() => {
    if (started.current || !config.data) return;
    if (config.data.auth !== 'cognito') {
      navigate('/signin', { replace: true });
      return;
    }
    started.current = true;
    const search = window.location.search;
    // Drop ?code= from the address bar and history at once.
    window.history.replaceState(null, '', window.location.pathname);
    completeCognitoSignIn(config.data, search)
      .then(({ idToken, next }) => signInWithToken(idToken, next))
      .catch((e: unknown) => {
        if (e instanceof CognitoCallbackError && e.code === 'state_mismatch') setError(t('auth.stateMismatch'));
        else if (e instanceof CognitoCallbackError) setError(t('auth.cognitoFailed', { code: e.code }));
        else setError(e instanceof Error ? e.message : String(e));
      });
  }, [config.data, navigate, signInWithToken, t]);

  return (
    <SignInFrame>
      {error || config.error ? (
        <Alert
          type="error"
          showIcon
          title={error ?? config.error?.message}
          action={<Button onClick={() => navigate('/signin', { replace: true })}>{t('auth.backToSignIn')}</Button>}
        />
      ) : (
        <PageLoading />
      )}
    </SignInFrame>
  );
}
