// Cognito's OAuth token endpoint. Part of the API module (every fetch goes through src/api/), but kept out of
// api/index.ts so that only the Cognito sign-in chunk loads it.
import i18n from '../i18n';
import { ApiError } from './errors';

export interface CognitoTokens {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

export async function exchangeCognitoCode(opts: {
  domainUrl: string;
  clientId: string;
  code: string;
  codeVerifier: string;
  redirectUri: string;
  fetchImpl?: typeof fetch;
}): Promise<CognitoTokens> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: opts.clientId,
    code: opts.code,
    code_verifier: opts.codeVerifier,
    redirect_uri: opts.redirectUri,
  });
  const doFetch = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  let res: Response;
  try {
    res = await doFetch(`${opts.domainUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: e instanceof Error ? e.message : String(e),
      displayMessage: i18n.t('errors.network_error'),
    });
  }
  const text = await res.text();
  let data: Record<string, unknown> = {};
  try {
    data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    data = {};
  }
  if (!res.ok || typeof data.id_token !== 'string') {
    const code = typeof data.error === 'string' ? data.error : `http_${res.status}`;
    throw new ApiError({
      status: res.status,
      code,
      message: String(data.error_description ?? code),
      displayMessage: i18n.t('auth.cognitoFailed', { code }),
    });
  }
  return data as unknown as CognitoTokens;
}
