// The one place that talks HTTP. Components and hooks call the typed functions in ./endpoints.ts;
// nothing else builds a URL or calls fetch.
import { clearToken, getToken } from '../auth/token';
import i18n from '../i18n';
import { ApiError, errorFromResponse } from './errors';

export type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * false for the sign-in flow and /config.json: no bearer token, and a 401 is just an error. 'optional' for what
   * anyone may read (the knowledge base): the token goes along when there is one, and if the server refuses it the
   * call is made again without it, never sending the reader to the sign-in page.
   */
  auth?: boolean | 'optional';
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

type UnauthenticatedHandler = (returnTo: string) => void;

function defaultUnauthenticated(returnTo: string): void {
  if (typeof window === 'undefined') return;
  if (window.location.pathname.startsWith('/signin')) return;
  window.location.assign(`/signin?next=${encodeURIComponent(returnTo)}`);
}

const settings: {
  baseUrl: string;
  fetch: typeof fetch | null;
  onUnauthenticated: UnauthenticatedHandler;
} = {
  baseUrl: '',
  fetch: null,
  onUnauthenticated: defaultUnauthenticated,
};

/** Set by the auth layer (router navigation instead of a full reload) and by tests (a fake fetch). */
export function configureApi(opts: {
  baseUrl?: string;
  fetch?: typeof fetch | null;
  onUnauthenticated?: UnauthenticatedHandler | null;
}): void {
  if (opts.baseUrl !== undefined) settings.baseUrl = opts.baseUrl;
  if (opts.fetch !== undefined) settings.fetch = opts.fetch;
  if (opts.onUnauthenticated !== undefined) {
    settings.onUnauthenticated = opts.onUnauthenticated ?? defaultUnauthenticated;
  }
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      if (Array.isArray(value)) {
        if (value.length === 0) continue;
        params.set(key, value.join(','));
      } else {
        params.set(key, String(value));
      }
    }
  }
  const qs = params.toString();
  return `${settings.baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

/** A path segment from an id or a ticket number, never trusted to be URL-safe. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

function currentLocation(): string {
  if (typeof window === 'undefined') return '/';
  return `${window.location.pathname}${window.location.search}`;
}

/** How a call uses the token: `signed` (a 401 signs the user out), `anonymous`, or `attached` (sent if present). */
type TokenUse = 'signed' | 'anonymous' | 'attached';

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  if (opts.auth !== 'optional') return send<T>(method, path, opts, opts.auth === false ? 'anonymous' : 'signed');
  if (!getToken()) return send<T>(method, path, opts, 'anonymous');
  try {
    return await send<T>(method, path, opts, 'attached');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return send<T>(method, path, opts, 'anonymous');
    throw e;
  }
}

async function send<T>(method: string, path: string, opts: RequestOptions, tokenUse: TokenUse): Promise<ApiResponse<T>> {
  const useAuth = tokenUse === 'signed';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const lang = i18n.language;
  if (lang) headers['Accept-Language'] = lang;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (tokenUse !== 'anonymous') {
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }

  const doFetch = settings.fetch ?? globalThis.fetch.bind(globalThis);
  let res: Response;
  try {
    res = await doFetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: e instanceof Error ? e.message : String(e),
      displayMessage: i18n.t('errors.network_error'),
    });
  }

  const text = await res.text();
  if (!res.ok) {
    const err = errorFromResponse(res.status, text, res.headers);
    if (res.status === 401 && useAuth) {
      clearToken();
      settings.onUnauthenticated(currentLocation());
    }
    throw err;
  }
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError({
        status: res.status,
        code: 'invalid_response',
        message: 'response is not JSON',
        displayMessage: i18n.t('errors.invalid_response'),
      });
    }
  }
  return { data: data as T, status: res.status, headers: res.headers };
}

export async function call<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  return (await request<T>(method, path, opts)).data;
}

/** A file download (report exports): the bytes and the file name the server gave, errors as for `request`. */
export async function download(path: string, opts: RequestOptions = {}): Promise<{ blob: Blob; filename: string }> {
  const headers: Record<string, string> = { Accept: '*/*', ...opts.headers };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const doFetch = settings.fetch ?? globalThis.fetch.bind(globalThis);
  const res = await doFetch(buildUrl(path, opts.query), { method: 'GET', headers, credentials: 'same-origin' });
  if (!res.ok) {
    const err = errorFromResponse(res.status, await res.text(), res.headers);
    if (res.status === 401) {
      clearToken();
      settings.onUnauthenticated(currentLocation());
    }
    throw err;
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'report';
  return { blob: await res.blob(), filename };
}

/**
 * A browser upload straight to storage (a presigned POST: the form's fields, then the file), with its progress. The
 * bytes never pass through the API; XMLHttpRequest because fetch reports no upload progress.
 */
export function uploadForm(
  url: string,
  fields: Record<string, string>,
  file: Blob,
  onProgress?: (percent: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(100);
        resolve();
      } else {
        reject(new ApiError({ status: xhr.status, code: 'upload_failed', message: xhr.responseText.slice(0, 200), displayMessage: i18n.t('desk.uploadFailed') }));
      }
    };
    xhr.onerror = () =>
      reject(new ApiError({ status: 0, code: 'network_error', message: 'upload failed', displayMessage: i18n.t('errors.network_error') }));
    xhr.send(form);
  });
}
