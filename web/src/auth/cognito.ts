// Cognito hosted UI: authorization code + PKCE, no Amplify: the token exchange is one POST in src/api/cognito.ts.
// Loaded with import() only when /config.json says {"auth": "cognito"}, so local mode never downloads it.
import { exchangeCognitoCode } from '../api/cognito';
import type { AuthConfig } from '../api/types';

export type CognitoConfig = Extract<AuthConfig, { auth: 'cognito' }>;

const PKCE_KEY = 'helpdesk.pkce';

export const CALLBACK_PATH = '/auth/callback';
export const SIGNED_OUT_PATH = '/signin';

/** `domain` may be a full URL, a host name, or just the Cognito domain prefix. */
export function cognitoBaseUrl(cfg: CognitoConfig): string {
  const d = cfg.domain.trim().replace(/\/+$/, '');
  if (/^https?:\/\//.test(d)) return d;
  if (d.includes('.')) return `https://${d}`;
  return `https://${d}.auth.${cfg.region}.amazoncognito.com`;
}

export function redirectUri(): string {
  return `${window.location.origin}${CALLBACK_PATH}`;
}

function base64Url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => {
    s += String.fromCharCode(b);
  });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomString(bytes = 32): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return base64Url(buf);
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Builds the hosted-UI URL and remembers the verifier, state and where to go afterwards. */
export async function buildAuthorizeUrl(cfg: CognitoConfig, next: string | null): Promise<string> {
  const verifier = randomString(48);
  const state = randomString(24);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, next }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.client_id,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return `${cognitoBaseUrl(cfg)}/oauth2/authorize?${params.toString()}`;
}

export async function startCognitoSignIn(cfg: CognitoConfig, next: string | null): Promise<void> {
  window.location.assign(await buildAuthorizeUrl(cfg, next));
}

export class CognitoCallbackError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'CognitoCallbackError';
  }
}

/** On /auth/callback: checks state, trades the code for tokens; the ID token is the API's bearer token. */
export async function completeCognitoSignIn(
  cfg: CognitoConfig,
  search: string,
): Promise<{ idToken: string; next: string | null }> {
  const params = new URLSearchParams(search);
  const error = params.get('error');
  if (error) throw new CognitoCallbackError(error);
  const code = params.get('code');
  const state = params.get('state');
  const saved = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  let stored: { verifier?: string; state?: string; next?: string | null } = {};
  try {
    stored = saved ? JSON.parse(saved) : {};
  } catch {
    stored = {};
  }
  if (!code || !state || !stored.verifier || stored.state !== state) throw new CognitoCallbackError('state_mismatch');
  const tokens = await exchangeCognitoCode({
    domainUrl: cognitoBaseUrl(cfg),
    clientId: cfg.client_id,
    code,
    codeVerifier: stored.verifier,
    redirectUri: redirectUri(),
  });
  return { idToken: tokens.id_token, next: stored.next ?? null };
}

export function cognitoLogoutUrl(cfg: CognitoConfig): string {
  const params = new URLSearchParams({
    client_id: cfg.client_id,
    logout_uri: `${window.location.origin}${SIGNED_OUT_PATH}`,
  });
  return `${cognitoBaseUrl(cfg)}/logout?${params.toString()}`;
}
