import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildAuthorizeUrl,
  CognitoCallbackError,
  cognitoBaseUrl,
  completeCognitoSignIn,
  pkceChallenge,
  type CognitoConfig,
} from './cognito';

const CFG: CognitoConfig = {
  auth: 'cognito',
  region: 'ap-east-1',
  user_pool_id: 'ap-east-1_abc',
  client_id: 'client123',
  domain: 'helpdesk-demo',
};

describe('Cognito hosted UI (authorization code + PKCE)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('computes the S256 challenge of RFC 7636, appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('understands a domain prefix, a host name or a URL', () => {
    expect(cognitoBaseUrl(CFG)).toBe('https://helpdesk-demo.auth.ap-east-1.amazoncognito.com');
    expect(cognitoBaseUrl({ ...CFG, domain: 'login.example.com' })).toBe('https://login.example.com');
    expect(cognitoBaseUrl({ ...CFG, domain: 'https://login.example.com/' })).toBe('https://login.example.com');
  });

  it('builds the authorize URL and completes the callback with the stored verifier', async () => {
    const url = new URL(await buildAuthorizeUrl(CFG, '/console/tickets/t1'));
    expect(url.origin + url.pathname).toBe('https://helpdesk-demo.auth.ap-east-1.amazoncognito.com/oauth2/authorize');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('client123');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(`${window.location.origin}/auth/callback`);
    const state = url.searchParams.get('state')!;
    const stored = JSON.parse(sessionStorage.getItem('helpdesk.pkce')!);
    expect(await pkceChallenge(stored.verifier)).toBe(url.searchParams.get('code_challenge'));

    const fetchMock = vi.fn(async () =>
      new Response(JSON.stringify({ id_token: 'id.jwt', access_token: 'a', expires_in: 3600, token_type: 'Bearer' }), {
        status: 200,
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const out = await completeCognitoSignIn(CFG, `?code=abc&state=${state}`);
    expect(out).toEqual({ idToken: 'id.jwt', next: '/console/tickets/t1' });
    const [tokenUrl, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(tokenUrl).toBe('https://helpdesk-demo.auth.ap-east-1.amazoncognito.com/oauth2/token');
    const body = new URLSearchParams(init.body as string);
    expect(body.get('grant_type')).toBe('authorization_code');
    expect(body.get('code')).toBe('abc');
    expect(body.get('code_verifier')).toBe(stored.verifier);
    expect(sessionStorage.getItem('helpdesk.pkce')).toBeNull();
  });

  it('refuses a callback whose state does not match', async () => {
    await buildAuthorizeUrl(CFG, null);
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    await expect(completeCognitoSignIn(CFG, '?code=abc&state=forged')).rejects.toBeInstanceOf(CognitoCallbackError);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
