import { useMutation, useQuery } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Divider from 'antd/es/divider';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Space from 'antd/es/space';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router-dom';
import { areaRole, devAccounts, devLogin, getAuthConfig } from '../api';
import { LangSwitch } from '../shared/LangSwitch';
import { PageLoading } from '../shared/PageLoading';
import { qk } from '../shared/queries';
import { homeFor, useAuth } from './AuthProvider';
import { Panel } from '../shared/ui';

// Only AWS deployments need the Cognito code (PKCE, hosted UI, one-time codes): its own chunk.
const CognitoSignIn = lazy(() => import('./CognitoSignIn'));

export function SignInFrame({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa', display: 'flex', flexDirection: 'column' }}>
      <div style={{ display: 'flex', justifyContent: 'flex-end', padding: 8 }}>
        <LangSwitch />
      </div>
      <div style={{ flex: 1, display: 'flex', justifyContent: 'center', alignItems: 'flex-start', paddingTop: '8vh' }}>
        <Panel style={{ width: 440, maxWidth: '94vw' }} title={t('auth.title')}>
          {children}
        </Panel>
      </div>
    </div>
  );
}

function LocalSignIn({ next }: { next: string | null }) {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const accounts = useQuery({ queryKey: ['devAccounts'], queryFn: ({ signal }) => devAccounts({ signal }) });
  const login = useMutation({
    mutationFn: (email: string) => devLogin(email),
    onSuccess: (result) => signIn(result, next),
  });
  const [form] = Form.useForm<{ email: string }>();

  return (
    <div data-testid="signin-local">
      {login.error ? (
        <Alert type="error" showIcon title={login.error.message} style={{ marginBottom: 12 }} data-testid="signin-error" />
      ) : null}
      <Typography.Text type="secondary">{t('auth.quickPick')}</Typography.Text>
      <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }} size={6}>
        {accounts.isPending ? <Typography.Text type="secondary">{t('app.loading')}</Typography.Text> : null}
        {accounts.data?.map((a) => (
          <Button
            key={a.email}
            block
            data-testid={`signin-account-${a.email}`}
            onClick={() => login.mutate(a.email)}
            disabled={login.isPending}
            style={{ display: 'flex', justifyContent: 'space-between' }}
          >
            <span>
              {a.name} <Typography.Text type="secondary">{a.email}</Typography.Text>
            </span>
            <Tag style={{ marginInlineEnd: 0 }}>{t(`role.${a.role}`, { defaultValue: a.role })}</Tag>
          </Button>
        ))}
      </Space>
      <Divider />
      <Form form={form} layout="vertical" onFinish={(v) => login.mutate(v.email.trim())} requiredMark={false}>
        <Form.Item
          name="email"
          label={t('auth.emailLabel')}
          rules={[
            { required: true, message: t('common.required') },
            { type: 'email', message: t('common.invalidEmail') },
          ]}
          extra={t('auth.localHint')}
        >
          <Input data-testid="signin-email" placeholder={t('auth.emailPlaceholder')} autoComplete="email" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="signin-submit">
          {t('auth.signIn')}
        </Button>
      </Form>
    </div>
  );
}

export default function SignInPage() {
  const { t } = useTranslation();
  const { status, user } = useAuth();
  const [params] = useSearchParams();
  const next = params.get('next');
  const config = useQuery({
    queryKey: qk.authConfig,
    queryFn: ({ signal }) => getAuthConfig({ signal }),
    staleTime: Infinity,
  });

  if (status === 'signedIn' && user) return <Navigate to={homeFor(areaRole(user))} replace />;

  let body: React.ReactNode;
  if (config.isPending) body = <PageLoading />;
  else if (config.isError) {
    body = (
      <Alert
        type="error"
        showIcon
        title={t('auth.configFailed')}
        description={config.error.message}
        action={<Button onClick={() => void config.refetch()}>{t('common.retry')}</Button>}
      />
    );
  } else if (config.data.auth === 'cognito') {
    body = (
      <Suspense fallback={<PageLoading />}>
        <CognitoSignIn config={config.data} next={next} />
      </Suspense>
    );
  } else {
    body = <LocalSignIn next={next} />;
  }
  return <SignInFrame>{body}</SignInFrame>;
}
