import i18n from '../i18n';
import type { ApiErrorBody } from './types';

/** Every failed API call rejects with an ApiError (or a subclass). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  /** Seconds, from a 429's Retry-After header. */
  readonly retryAfter: number | null;
  /** The message the server sent (may be English or technical); `message` is what to show a person. */
  readonly serverMessage: string;
  /** Every problem the server found (invalid_rules, invalid_sla_policies, invalid_canned_replies): shown as a list. */
  readonly reasons: string[];

  constructor(opts: {
    status: number;
    code: string;
    message: string;
    field?: string | null;
    retryAfter?: number | null;
    displayMessage?: string;
    reasons?: string[];
  }) {
    super(opts.displayMessage ?? opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.field = opts.field ?? null;
    this.retryAfter = opts.retryAfter ?? null;
    this.serverMessage = opts.message;
    this.reasons = opts.reasons ?? [];
  }
}

/** 412 version_conflict: the ticket was changed by someone else since it was loaded. */
export class VersionConflictError extends ApiError {
  constructor(serverMessage: string) {
    super({
      status: 412,
      code: 'version_conflict',
      message: serverMessage,
      displayMessage: i18n.t('errors.version_conflict'),
    });
    this.name = 'VersionConflictError';
  }
}

/** 401: the token is missing, forged or expired; the user has been sent to sign in. */
export class UnauthenticatedError extends ApiError {
  constructor(serverMessage: string) {
    super({
      status: 401,
      code: 'unauthenticated',
      message: serverMessage,
      displayMessage: i18n.t('errors.unauthenticated'),
    });
    this.name = 'UnauthenticatedError';
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function isVersionConflict(e: unknown): e is VersionConflictError {
  return e instanceof VersionConflictError || (e instanceof ApiError && e.code === 'version_conflict');
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  if (!v || typeof v !== 'object') return false;
  const err = (v as { error?: unknown }).error;
  return !!err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'string';
}

const KNOWN_CODES = new Set([
  'validation_error',
  'invalid_json',
  'invalid_cursor',
  'invalid_header',
  'unauthenticated',
  'forbidden',
  'not_found',
  'invalid_transition',
  'idempotency_key_reused',
  'ticket_closed',
  'version_conflict',
  'payload_too_large',
  'rate_limited',
  'network_error',
  'invalid_rules',
  'invalid_sla_policies',
  'invalid_canned_replies',
  'own_role',
  'own_account',
  'agent_has_tickets',
  'supervises_team',
  'team_has_members',
  'team_in_rules',
  'team_has_tickets',
]);

/** A message for people, in the current language; falls back to the server's text. */
export function describeCode(code: string, serverMessage: string, status: number): string {
  if (code === 'validation_error' && serverMessage) {
    return i18n.t('errors.validation_error_detail', { detail: serverMessage });
  }
  if (KNOWN_CODES.has(code)) return i18n.t(`errors.${code}`);
  if (serverMessage) return serverMessage;
  return i18n.t('errors.http', { status });
}

/** Turns a non-2xx response (body already read as text) into the right ApiError. */
export function errorFromResponse(status: number, bodyText: string, headers: Headers): ApiError {
  let parsed: unknown = null;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    parsed = null;
  }
  const code = isErrorBody(parsed) ? parsed.error.code : status === 401 ? 'unauthenticated' : `http_${status}`;
  const serverMessage = isErrorBody(parsed) ? String(parsed.error.message ?? '') : '';
  const field = isErrorBody(parsed) ? (parsed.error.field ?? null) : null;
  const rawReasons = isErrorBody(parsed) ? parsed.error.reasons : undefined;
  const reasons = Array.isArray(rawReasons) ? rawReasons.map((r) => String(r)) : [];

  if (status === 412 || code === 'version_conflict') return new VersionConflictError(serverMessage);
  if (status === 401) return new UnauthenticatedError(serverMessage);

  let retryAfter: number | null = null;
  const ra = headers.get('Retry-After');
  if (ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) retryAfter = secs;
    else {
      const when = Date.parse(ra);
      if (!Number.isNaN(when)) retryAfter = Math.max(0, Math.round((when - Date.now()) / 1000));
    }
  }
  return new ApiError({
    status,
    code,
    message: serverMessage,
    field,
    retryAfter,
    reasons,
    displayMessage: describeCode(code, serverMessage, status),
  });
}
