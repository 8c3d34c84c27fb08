// Typed functions for every route the SPA uses (docs/api.md). The only place that knows the URLs.
import { call, request, seg } from './client';
import type {
  Agent,
  AuthConfig,
  DevAccount,
  Items,
  Message,
  NewMessage,
  NewTicket,
  Notification,
  Page,
  PageParams,
  SignInResult,
  Team,
  Ticket,
  TicketChanges,
  TicketEvent,
  TicketListParams,
  User,
} from './types';

interface ReadOpts {
  signal?: AbortSignal;
}

// ---- sign-in ----

/** GET /config.json (beside the SPA, not under /api): how to sign in. */
export function getAuthConfig(opts: ReadOpts = {}): Promise<AuthConfig> {
  return call<AuthConfig>('GET', '/config.json', { auth: false, signal: opts.signal });
}

export function devAccounts(opts: ReadOpts = {}): Promise<DevAccount[]> {
  return call<Items<DevAccount>>('GET', '/api/dev/accounts', { auth: false, signal: opts.signal }).then((r) => r.items);
}

export function devLogin(email: string): Promise<SignInResult> {
  return call<SignInResult>('POST', '/api/dev/login', { auth: false, body: { email } });
}

/** Customers on AWS: ask for a one-time code by email. */
export function requestSignInCode(email: string): Promise<unknown> {
  return call<unknown>('POST', '/api/auth/code', { auth: false, body: { email } });
}

export function verifySignInCode(email: string, code: string): Promise<SignInResult> {
  return call<SignInResult>('POST', '/api/auth/verify', { auth: false, body: { email, code } });
}

export function me(opts: ReadOpts = {}): Promise<User> {
  return call<User>('GET', '/api/me', { signal: opts.signal });
}

// ---- tickets ----

export interface CreateTicketOptions {
  /** Makes a retried POST return the first ticket instead of creating another. */
  idempotencyKey?: string;
}

export function createTicket(ticket: NewTicket, opts: CreateTicketOptions = {}): Promise<Ticket> {
  const headers: Record<string, string> = {};
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  return call<Ticket>('POST', '/api/tickets', { body: ticket, headers });
}

/** `idOrNumber` is the ticket id or its GD... number. */
export async function getTicket(idOrNumber: string, opts: ReadOpts = {}): Promise<Ticket> {
  const res = await request<Ticket>('GET', `/api/tickets/${seg(idOrNumber)}`, { signal: opts.signal });
  return res.data;
}

export function listTickets(params: TicketListParams = {}, opts: ReadOpts = {}): Promise<Page<Ticket>> {
  return call<Page<Ticket>>('GET', '/api/tickets', {
    query: {
      view: params.view,
      status: params.status,
      priority: params.priority,
      team: params.team,
      limit: params.limit,
      cursor: params.cursor,
    },
    signal: opts.signal,
  });
}

/**
 * PATCH a ticket, naming the version the caller loaded. A stale version rejects with
 * VersionConflictError (412), never silently overwrites.
 */
export function patchTicket(id: string, changes: TicketChanges, version: number): Promise<Ticket> {
  return call<Ticket>('PATCH', `/api/tickets/${seg(id)}`, {
    body: changes,
    headers: { 'If-Match': `"${version}"` },
  });
}

// ---- conversation ----

export function listMessages(ticketId: string, params: PageParams = {}, opts: ReadOpts = {}): Promise<Page<Message>> {
  return call<Page<Message>>('GET', `/api/tickets/${seg(ticketId)}/messages`, {
    query: { limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

export function postMessage(ticketId: string, message: NewMessage): Promise<Message> {
  return call<Message>('POST', `/api/tickets/${seg(ticketId)}/messages`, { body: message });
}

// ---- audit trail ----

export function listEvents(ticketId: string, params: PageParams = {}, opts: ReadOpts = {}): Promise<Page<TicketEvent>> {
  return call<Page<TicketEvent>>('GET', `/api/tickets/${seg(ticketId)}/events`, {
    query: { limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

// ---- directory ----

export function listAgents(opts: ReadOpts = {}): Promise<Agent[]> {
  return call<Items<Agent>>('GET', '/api/agents', { signal: opts.signal }).then((r) => r.items);
}

export function listTeams(opts: ReadOpts = {}): Promise<Team[]> {
  return call<Items<Team>>('GET', '/api/teams', { signal: opts.signal }).then((r) => r.items);
}

// ---- notifications ----

export function listNotifications(params: PageParams = {}, opts: ReadOpts = {}): Promise<Page<Notification>> {
  return call<Page<Notification>>('GET', '/api/notifications', {
    query: { limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

// ---- helpers ----

/**
 * Follows next_cursor until the end (or `maxPages`), for lists shown whole: a conversation, an audit trail.
 */
export async function fetchAllPages<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  maxPages = 20,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.next_cursor) return { items, truncated: false };
    cursor = page.next_cursor;
  }
  return { items, truncated: true };
}
