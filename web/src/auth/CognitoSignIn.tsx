import { useMutation } from '@tanstack/react-query';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Divider from 'antd/es/divider';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Typography from 'antd/es/typography';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { requestSignInCode, verifySignInCode } from '../api';
import { useAuth } from './AuthProvider';
import { startCognitoSignIn, type CognitoConfig } from './cognito';

/** AWS mode: staff through the Cognito hosted UI; customers with a one-time code sent by email. */
export default function CognitoSignIn({ config, next }: { config: CognitoConfig; next: string | null }) {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [email, setEmail] = useState<string | null>(null);
  const [redirecting, setRedirecting] = useState(false);

  const sendCode = useMutation({
    mutationFn: (addr: string) => requestSignInCode(addr),
    onSuccess: (_r, addr) => setEmail(addr),
  });
  const verify = useMutation({
    mutationFn: (code: string) => verifySignInCode(email!, code),
    onSuccess: (result) => signIn(result, next),
  });
  const error = sendCode.error ?? verify.error;

  return (
    <div data-testid="signin-cognito-page">
      <Typography.Title level={5}>{t('auth.staffTitle')}</Typography.Title>
      <Button
        type="primary"
        block
        data-testid="signin-cognito"
        loading={redirecting}
        onClick={() => {
          setRedirecting(true);
          void startCognitoSignIn(config, next).catch(() => setRedirecting(false));
        }}
      >
        {redirecting ? t('auth.redirecting') : t('auth.staffSignIn')}
      </Button>
      <Divider />
      <Typography.Title level={5}>{t('auth.customerTitle')}</Typography.Title>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} data-testid="signin-error" /> : null}
      {email === null ? (
        <Form layout="vertical" requiredMark={false} onFinish={(v: { email: string }) => sendCode.mutate(v.email.trim())}>
          <Form.Item
            name="email"
            label={t('auth.emailLabel')}
            rules={[
              { required: true, message: t('common.required') },
              { type: 'email', message: t('common.invalidEmail') },
            ]}
          >
            <Input data-testid="signin-email" placeholder={t('auth.emailPlaceholder')} autoComplete="email" />
          </Form.Item>
          <Button htmlType="submit" block loading={sendCode.isPending} data-testid="signin-submit">
            {t('auth.sendCode')}
          </Button>
        </Form>
      ) : (
        <Form layout="vertical" requiredMark={false} onFinish={(v: { code: string }) => verify.mutate(v.code.trim())}>
          <Alert type="success" title={t('auth.codeSent', { email })} style={{ marginBottom: 12 }} />
          <Form.Item name="code" label={t('auth.codeLabel')} rules={[{ required: true, message: t('common.required') }]}>
            <Input
              data-testid="signin-code"
              placeholder={t('auth.codePlaceholder')}
              autoComplete="one-time-code"
              inputMode="numeric"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={verify.isPending} data-testid="signin-verify">
            {t('auth.verify')}
          </Button>
          <Button type="link" block onClick={() => setEmail(null)}>
            {t('auth.changeEmail')}
          </Button>
        </Form>
      )}
    </div>
  );
}
