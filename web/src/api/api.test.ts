import { describe, expect, it, vi } from 'vitest';
import { getToken, resetTokenCacheForTests, setToken } from '../auth/token';
import i18n from '../i18n';
import { fakeFetch, json } from '../test/fakeFetch';
import {
  ApiError,
  configureApi,
  createTicket,
  deleteAgent,
  devLogin,
  getCannedReplies,
  getTicket,
  isVersionConflict,
  listMessages,
  listTickets,
  patchTicket,
  postMessage,
  putAgent,
  putCannedReplies,
  putTeam,
  VersionConflictError,
} from './index';
import type { Ticket } from './types';

const TICKET: Ticket = {
  id: '0b9f5c2e4d1a4f7e9c3b2a1d0e9f8a7b',
  number: 'GD20261122001',
  subject: '无法登录系统',
  description: '输入密码后提示错误',
  status: 'new',
  priority: 'P3',
  channel: 'web',
  requester: { email: 'customer@example.com', name: '王小明' },
  team: 'tech',
  assignee: null,
  category: 'account',
  tags: ['login'],
  custom_fields: {},
  created_at: '2026-11-22T10:15:00+08:00',
  updated_at: '2026-11-22T10:20:00+08:00',
  version: 3,
  next_statuses: ['in_progress', 'waiting_customer', 'resolved', 'closed'],
  status_history: [{ status: 'new', at: '2026-11-22T10:15:00+08:00' }],
  sla: null,
};

describe('API module: headers', () => {
  it('sends the bearer token from the token store on every authenticated call', async () => {
    setToken('tok-123');
    const server = fakeFetch({ 'GET /api/tickets/GD20261122001': () => json(200, TICKET, { ETag: '"3"' }) });
    configureApi({ fetch: server.fetch });

    const t = await getTicket('GD20261122001');

    expect(t.number).toBe('GD20261122001');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers.get('Authorization')).toBe('Bearer tok-123');
    expect(server.requests[0].headers.get('Accept')).toBe('application/json');
  });

  it('reads a token kept in sessionStorage after a reload (memory empty), and never uses localStorage', async () => {
    sessionStorage.setItem('helpdesk.token', 'tok-from-session');
    resetTokenCacheForTests();
    const server = fakeFetch({ 'GET /api/tickets': () => json(200, { items: [], next_cursor: null }) });
    configureApi({ fetch: server.fetch });

    await listTickets({ view: 'mine' });

    expect(server.requests[0].headers.get('Authorization')).toBe('Bearer tok-from-session');
    expect(localStorage.getItem('helpdesk.token')).toBeNull();
    setToken('tok-new');
    expect(sessionStorage.getItem('helpdesk.token')).toBe('tok-new');
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });

  it('sends no Authorization header on the sign-in call, even with a stale token', async () => {
    setToken('old');
    const server = fakeFetch({
      'POST /api/dev/login': () =>
        json(200, { token: 'new', user: { email: 'a@b.c', name: 'A', role: 'customer', teams: [], permissions: [] } }),
    });
    configureApi({ fetch: server.fetch });

    const res = await devLogin('a@b.c');

    expect(res.token).toBe('new');
    expect(server.requests[0].headers.has('Authorization')).toBe(false);
    expect(server.requests[0].body).toEqual({ email: 'a@b.c' });
  });

  it('patchTicket sends PATCH with If-Match "<version>" and only the changes', async () => {
    setToken('tok');
    const server = fakeFetch({
      'PATCH /api/tickets/0b9f5c2e4d1a4f7e9c3b2a1d0e9f8a7b': (req) =>
        json(200, { ...TICKET, ...(req.body as object), version: 4 }),
    });
    configureApi({ fetch: server.fetch });

    const updated = await patchTicket(TICKET.id, { status: 'in_progress' }, 3);

    const req = server.requests[0];
    expect(req.method).toBe('PATCH');
    expect(req.headers.get('If-Match')).toBe('"3"');
    expect(req.headers.get('Content-Type')).toBe('application/json');
    expect(req.body).toEqual({ status: 'in_progress' });
    expect(updated.version).toBe(4);
  });

  it('createTicket passes the Idempotency-Key header', async () => {
    setToken('tok');
    const server = fakeFetch({ 'POST /api/tickets': () => json(201, TICKET) });
    configureApi({ fetch: server.fetch });

    await createTicket({ subject: 's', description: 'd', channel: 'phone', requester: { email: 'x@y.z' } }, { idempotencyKey: 'k-1' });

    expect(server.requests[0].headers.get('Idempotency-Key')).toBe('k-1');
    expect(server.requests[0].body).toEqual({ subject: 's', description: 'd', channel: 'phone', requester: { email: 'x@y.z' } });
  });

  it('builds list URLs itself: comma lists, cursor, no empty parameters, encoded ids', async () => {
    setToken('tok');
    const server = fakeFetch({
      'GET /api/tickets': () => json(200, { items: [TICKET], next_cursor: 'c2' }),
      'GET /api/tickets/a%2Fb/messages': () => json(200, { items: [], next_cursor: null }),
    });
    configureApi({ fetch: server.fetch });

    const page = await listTickets({ view: 'team', status: ['new', 'in_progress'], priority: [], cursor: 'c1', limit: 50 });
    await listMessages('a/b', { limit: 200 });

    expect(page.next_cursor).toBe('c2');
    const q = server.requests[0].query;
    expect(q.get('view')).toBe('team');
    expect(q.get('status')).toBe('new,in_progress');
    expect(q.has('priority')).toBe(false);
    expect(q.get('cursor')).toBe('c1');
    expect(q.get('limit')).toBe('50');
    expect(server.requests[1].url).toBe('/api/tickets/a%2Fb/messages?limit=200');
  });

  it("asks for a customer's tickets with view=requested&requester=<email>, the email encoded", async () => {
    setToken('tok');
    const server = fakeFetch({ 'GET /api/tickets': () => json(200, { items: [TICKET], next_cursor: null }) });
    configureApi({ fetch: server.fetch });

    await listTickets({ view: 'requested', requester: 'wang+vip@example.com', status: ['new'], limit: 50 });

    expect(server.requests[0].url).toBe('/api/tickets?view=requested&status=new&requester=wang%2Bvip%40example.com&limit=50');
    expect(server.requests[0].query.get('requester')).toBe('wang+vip@example.com');
  });
});

describe('API module: errors', () => {
  it('parses {"error": {code, message, field}} into a typed ApiError', async () => {
    setToken('tok');
    const server = fakeFetch({
      'POST /api/tickets': () =>
        json(400, {
          error: { code: 'validation_error', message: "priority: Input should be 'P1', 'P2', 'P3' or 'P4'", field: 'priority' },
        }),
    });
    configureApi({ fetch: server.fetch });

    const err = await createTicket({ subject: 's', description: 'd' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation_error');
    expect(e.field).toBe('priority');
    expect(e.serverMessage).toBe("priority: Input should be 'P1', 'P2', 'P3' or 'P4'");
    expect(e.message).toContain('提交的内容有误');
  });

  it('gives a 429 its Retry-After and a localized message', async () => {
    setToken('tok');
    const server = fakeFetch({
      'POST /api/tickets/t1/messages': () =>
        json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '7' }),
    });
    configureApi({ fetch: server.fetch });

    const e = (await postMessage('t1', { body: 'hi' }).catch((x: unknown) => x)) as ApiError;

    expect(e.code).toBe('rate_limited');
    expect(e.retryAfter).toBe(7);
    expect(e.message).toBe('操作太频繁，请稍后再试');
  });

  it('copes with a non-JSON error body and with a network failure', async () => {
    setToken('tok');
    configureApi({ fetch: (async () => new Response('<html>bad gateway</html>', { status: 502 })) as typeof fetch });
    const e1 = (await getTicket('x').catch((x: unknown) => x)) as ApiError;
    expect(e1).toBeInstanceOf(ApiError);
    expect(e1.status).toBe(502);
    expect(e1.code).toBe('http_502');

    configureApi({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const e2 = (await getTicket('x').catch((x: unknown) => x)) as ApiError;
    expect(e2.code).toBe('network_error');
    expect(e2.status).toBe(0);
  });

  it('on 401 clears the token and sends the user to sign in, with the page to come back to', async () => {
    setToken('expired');
    window.history.pushState(null, '', '/console/tickets/abc?x=1');
    const onUnauthenticated = vi.fn();
    const server = fakeFetch({
      'GET /api/tickets/abc': () => json(401, { error: { code: 'unauthenticated', message: 'token expired' } }),
    });
    configureApi({ fetch: server.fetch, onUnauthenticated });

    const err = (await getTicket('abc').catch((e: unknown) => e)) as ApiError;

    expect(err.status).toBe(401);
    expect(err.code).toBe('unauthenticated');
    expect(getToken()).toBeNull();
    expect(sessionStorage.getItem('helpdesk.token')).toBeNull();
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).toHaveBeenCalledWith('/console/tickets/abc?x=1');
    window.history.pushState(null, '', '/');
  });

  it('a 401 from the sign-in flow itself does not redirect', async () => {
    const onUnauthenticated = vi.fn();
    configureApi({
      fetch: fakeFetch({ 'POST /api/dev/login': () => json(401, { error: { code: 'unauthenticated', message: 'no' } }) }).fetch,
      onUnauthenticated,
    });
    await expect(devLogin('x@y.z')).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('412 version_conflict becomes a VersionConflictError saying 已被他人修改，请刷新 (or English)', async () => {
    setToken('tok');
    const server = fakeFetch({
      'PATCH /api/tickets/t1': () =>
        json(412, { error: { code: 'version_conflict', message: 'If-Match names version 3, the ticket is at 4' } }),
    });
    configureApi({ fetch: server.fetch });

    const err = await patchTicket('t1', { priority: 'P1' }, 3).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(VersionConflictError);
    expect(isVersionConflict(err)).toBe(true);
    const e = err as VersionConflictError;
    expect(e.status).toBe(412);
    expect(e.code).toBe('version_conflict');
    expect(e.message).toBe('已被他人修改，请刷新');
    expect(server.requests[0].headers.get('If-Match')).toBe('"3"');

    await i18n.changeLanguage('en');
    const err2 = (await patchTicket('t1', { priority: 'P1' }, 3).catch((x: unknown) => x)) as Error;
    expect(err2.message).toBe('Changed by someone else, reload');
  });
});

describe('API module: staff administration', () => {
  it('puts and deletes agents and teams by their encoded id, and reads a 204 as done', async () => {
    setToken('tok');
    const agent = { name: 'A', role: 'agent' as const, teams: [], skills: [], capacity: 8, senior: false, language: 'en' as const };
    const server = fakeFetch({
      'PUT /api/admin/agents/a%2Bb%40demo.local': (req) => json(201, { email: 'a+b@demo.local', availability: 'offline', ...(req.body as object) }),
      'DELETE /api/admin/agents/a%2Bb%40demo.local': () => new Response(null, { status: 204 }),
      'PUT /api/admin/teams/vip': () => json(200, { id: 'vip', name: 'VIP', members: [], supervisor: null }),
    });
    configureApi({ fetch: server.fetch });

    expect((await putAgent('a+b@demo.local', agent)).email).toBe('a+b@demo.local');
    await expect(deleteAgent('a+b@demo.local')).resolves.toBeUndefined();
    expect((await putTeam('vip', { name: 'VIP', supervisor: null })).id).toBe('vip');
    expect(server.requests.map((r) => [r.method, r.path])).toEqual([
      ['PUT', '/api/admin/agents/a%2Bb%40demo.local'],
      ['DELETE', '/api/admin/agents/a%2Bb%40demo.local'],
      ['PUT', '/api/admin/teams/vip'],
    ]);
    expect(server.requests[0].body).toEqual(agent);
    expect(server.requests[2].body).toEqual({ name: 'VIP', supervisor: null });
  });

  it('maps own_role, own_account and agent_has_tickets to readable messages in both languages', async () => {
    setToken('tok');
    const codes = ['own_role', 'own_account', 'agent_has_tickets'];
    let next = 0;
    configureApi({
      fetch: fakeFetch({
        'DELETE /api/admin/agents/x%40demo.local': () => json(409, { error: { code: codes[next++ % 3], message: 'server words' } }),
      }).fetch,
    });
    const zh: string[] = [];
    for (let i = 0; i < 3; i++) zh.push(((await deleteAgent('x@demo.local').catch((e: unknown) => e)) as ApiError).message);
    expect(zh).toEqual(['不能修改自己的角色', '不能移除自己的账号', '该成员还有未结工单，请先转办或关闭后再移除']);
    await i18n.changeLanguage('en');
    const e = (await deleteAgent('x@demo.local').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(409);
    expect(e.code).toBe('own_role');
    expect(e.serverMessage).toBe('server words');
    expect(e.message).toBe('You cannot change your own role');
  });
});

describe('API module: canned replies', () => {
  it('GETs the set (version from the body, else the ETag) and PUTs it whole with If-Match, ids only where known', async () => {
    setToken('tok');
    let withVersion = true;
    const items = [{ id: 'r1', title: '查询物流', body: '您好 {customer_name}' }];
    const server = fakeFetch({
      'GET /api/canned-replies': () => json(200, withVersion ? { items, version: 3 } : { items }, { ETag: '"7"' }),
      'PUT /api/admin/canned-replies': (req) => json(200, { items: (req.body as { items: unknown[] }).items, version: 4 }),
    });
    configureApi({ fetch: server.fetch });

    expect(await getCannedReplies()).toEqual({ items, version: 3 });
    withVersion = false;
    expect((await getCannedReplies()).version).toBe(7);

    await putCannedReplies({ items: [...items, { title: '结束语', body: '再见' }] }, 3);
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/admin/canned-replies');
    expect(put.headers.get('If-Match')).toBe('"3"');
    expect(put.body).toEqual({ items: [...items, { title: '结束语', body: '再见' }] });
    await putCannedReplies({ items });
    expect(server.requests.filter((r) => r.method === 'PUT')[1].headers.get('If-Match')).toBeNull();
  });

  it('maps invalid_canned_replies to a readable message with its reasons, in both languages', async () => {
    setToken('tok');
    configureApi({
      fetch: fakeFetch({
        'PUT /api/admin/canned-replies': () =>
          json(400, { error: { code: 'invalid_canned_replies', message: 'invalid', reasons: ['item 1: title is empty'] } }),
      }).fetch,
    });
    const e = (await putCannedReplies({ items: [{ title: '', body: 'x' }] }).catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe('invalid_canned_replies');
    expect(e.message).toBe('快捷回复有误');
    expect(e.reasons).toEqual(['item 1: title is empty']);
    await i18n.changeLanguage('en');
    const e2 = (await putCannedReplies({ items: [] }).catch((x: unknown) => x)) as ApiError;
    expect(e2.message).toBe('The canned replies are invalid');
  });
});
