import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../api/types';
import { json } from '../test/fakeFetch';
import { makeTicket, renderApp, staffRoutes } from '../test/renderApp';
import { classifySearch, customerPath } from './TicketSearch';

const WANG = { email: 'wang@example.com', name: '王芳' };

function wangTickets(n: number, offset = 0): Ticket[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + offset + 1;
    return makeTicket({
      id: `w${k}`,
      number: `GD20261201${String(k).padStart(3, '0')}`,
      subject: `客户工单 ${k}`,
      requester: WANG,
    });
  });
}

function search(): HTMLInputElement {
  return screen.getByTestId('console-search') as HTMLInputElement;
}

function typeAndEnter(text: string) {
  const box = search();
  box.focus();
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter', code: 'Enter', keyCode: 13 });
}

const emptyTicketRoutes = (id: string) => ({
  [`GET /api/tickets/${id}/messages`]: () => ({ json: { items: [], next_cursor: null } }),
  [`GET /api/tickets/${id}/events`]: () => ({ json: { items: [], next_cursor: null } }),
});

describe('header search: classify', () => {
  it('tells ticket numbers from emails from words to search for', () => {
    expect(classifySearch('  gd20261201003 ')).toEqual({ kind: 'ticket', number: 'GD20261201003' });
    expect(classifySearch('Wang@Example.COM')).toEqual({ kind: 'customer', email: 'wang@example.com' });
    expect(classifySearch('a+b@x.cn')).toEqual({ kind: 'customer', email: 'a+b@x.cn' });
    for (const q of ['GD', 'GD12a', '20261201003', 'wang', 'wang@example', 'a@b@c.d', 'a@.com', 'a@b.', 'a b@c.d', '王芳']) {
      expect(classifySearch(` ${q} `), q).toEqual({ kind: 'text', q });
    }
    expect(classifySearch('   ')).toEqual({ kind: 'empty' });
    expect(customerPath('Wang+VIP@Example.com')).toBe('/console/customers/wang%2Bvip%40example.com');
  });
});

describe('header search', () => {
  it('a GD number + Enter opens the ticket by its number', async () => {
    const ticket = makeTicket({ id: 'x9', number: 'GD20261201003', subject: '发票抬头错误' });
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/GD20261201003': () => ({ json: ticket }),
      ...emptyTicketRoutes('x9'),
    });
    await screen.findByTestId('queue-empty');

    typeAndEnter('  gd20261201003 ');

    await waitFor(() => expect(window.location.pathname).toBe('/console/tickets/GD20261201003'));
    expect((await screen.findByTestId('ticket-subject')).textContent).toBe('发票抬头错误');
    expect(server.requests.some((r) => r.path === '/api/tickets/GD20261201003')).toBe(true);
    expect(server.requests.some((r) => r.path === '/api/search/tickets')).toBe(false);
  });

  it('a number with no ticket shows the ticket page\'s "not found"', async () => {
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/GD1': () => json(404, { error: { code: 'not_found', message: 'no such ticket' } }),
    });
    await screen.findByTestId('queue-empty');
    typeAndEnter('GD1');
    expect((await screen.findByTestId('ticket-error')).textContent).toContain('工单不存在或您无权查看');
  });

  it("an email + Enter lists that customer's tickets (view=requested&requester=...), pages with the cursor, opens a row", async () => {
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': (req) => {
        if (req.query.get('view') !== 'requested') return { json: { items: [], next_cursor: null } };
        return req.query.get('cursor') === 'c2'
          ? { json: { items: wangTickets(2, 50), next_cursor: null } }
          : { json: { items: wangTickets(50), next_cursor: 'c2' } };
      },
      'GET /api/tickets/w2': () => ({ json: wangTickets(2)[1] }),
      ...emptyTicketRoutes('w2'),
    });
    await screen.findByTestId('queue-empty');

    typeAndEnter(' Wang@Example.com ');

    await waitFor(() => expect(window.location.pathname).toBe('/console/customers/wang%40example.com'));
    await screen.findByTestId('customer-ticket-row-GD20261201050');
    expect(screen.getByTestId('customer-title').textContent).toBe('客户 wang@example.com 的工单');
    expect(screen.getByTestId('customer-name').textContent).toBe('王芳');
    const first = server.requests.filter((r) => r.path === '/api/tickets' && r.query.get('view') === 'requested');
    expect(first).toHaveLength(1);
    expect(first[0].query.get('requester')).toBe('wang@example.com');
    expect(first[0].query.has('cursor')).toBe(false);
    // the queue's columns: number link, status, priority, SLA countdown
    const row = screen.getByTestId('customer-ticket-row-GD20261201001');
    expect(row.textContent).toContain('客户工单 1');
    expect(row.textContent).toContain('待处理');
    expect(screen.getByTestId('sla-GD20261201001').dataset.slaState).toBe('running');

    fireEvent.click(screen.getByTestId('customer-load-more'));
    await screen.findByTestId('customer-ticket-row-GD20261201052');
    const last = server.requests.filter((r) => r.path === '/api/tickets').at(-1)!;
    expect(last.query.get('cursor')).toBe('c2');
    expect(last.query.get('requester')).toBe('wang@example.com');
    expect(last.query.get('view')).toBe('requested');
    expect(screen.getByTestId('customer-count').textContent).toContain('52');
    expect(screen.queryByTestId('customer-load-more')).toBeNull();

    fireEvent.click(screen.getByTestId('filter-status-resolved'));
    await waitFor(() => {
      const q = server.requests.filter((r) => r.path === '/api/tickets').at(-1)!.query;
      expect(q.get('status')).toBe('resolved');
      expect(q.get('requester')).toBe('wang@example.com');
      expect(q.has('cursor')).toBe(false);
    });

    fireEvent.click(await screen.findByTestId('customer-ticket-row-GD20261201002'));
    await waitFor(() => expect(window.location.pathname).toBe('/console/tickets/w2'));
    expect((await screen.findByTestId('ticket-subject')).textContent).toBe('客户工单 2');
  });

  it('anything else falls through to ticket search: best match first, where it matched, a snippet', async () => {
    const hit = {
      ...makeTicket({ id: 'h1', number: 'GD20261201007', subject: '无法登录系统' }),
      snippet: '内部：疑似 LDAP 同步延迟',
      score: 3.2,
      matched: 'internal',
    };
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/search/tickets': () => ({ json: { items: [hit], next_cursor: null } }),
      'GET /api/tickets/h1': () => ({ json: hit }),
      ...emptyTicketRoutes('h1'),
    });
    await screen.findByTestId('queue-empty');

    typeAndEnter(' LDAP 同步 ');

    await waitFor(() => expect(window.location.pathname).toBe('/console/search'));
    const row = await screen.findByTestId('search-hit-GD20261201007');
    expect(row.textContent).toContain('LDAP 同步延迟');
    expect(row.textContent).toContain('内部备注');
    const asked = server.requests.find((r) => r.path === '/api/search/tickets')!;
    expect(asked.query.get('q')).toBe('LDAP 同步');
    fireEvent.click(screen.getByText('GD20261201007 · 无法登录系统'));
    await waitFor(() => expect(window.location.pathname).toBe('/console/tickets/h1'));
  });

  it('"/" focuses the search box, but not while typing in a textarea; Escape leaves it', async () => {
    renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => ({ json: makeTicket() }),
      ...emptyTicketRoutes('t1'),
    });
    const reply = (await screen.findByTestId('reply-input')) as HTMLTextAreaElement;
    reply.focus();
    expect(fireEvent.keyDown(reply, { key: '/' })).toBe(true); // not prevented: the "/" is typed
    expect(document.activeElement).toBe(reply);

    reply.blur();
    expect(fireEvent.keyDown(document.body, { key: '/' })).toBe(false); // prevented: no "/" typed anywhere
    expect(document.activeElement).toBe(search());

    // Escape leaves the box, so the page's shortcuts work again
    fireEvent.keyDown(search(), { key: 'Escape' });
    expect(document.activeElement).not.toBe(search());
  });

  it('keeps the queue shortcuts: j/k typed in the search box do not move the selection', async () => {
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: wangTickets(3), next_cursor: null } }),
    });
    const row1 = await screen.findByTestId('ticket-row-GD20261201001');
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(search());
    fireEvent.keyDown(search(), { key: 'j' });
    expect(row1.dataset.selected).toBe('false');
    fireEvent.keyDown(search(), { key: 'Escape' });
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(row1.dataset.selected).toBe('true');
  });
});

describe("a customer's tickets", () => {
  it('shows the empty state, and "new ticket for this customer" prefills the requester', async () => {
    renderApp('/console/customers/new%40example.com', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    });
    expect((await screen.findByTestId('customer-empty')).textContent).toBe('该客户还没有工单');
    expect(screen.queryByTestId('customer-load-more')).toBeNull();

    fireEvent.click(screen.getByTestId('customer-new-ticket'));
    await waitFor(() => expect(window.location.pathname).toBe('/console/new'));
    expect(new URLSearchParams(window.location.search).get('requester')).toBe('new@example.com');
    expect(((await screen.findByTestId('new-requester-email')) as HTMLInputElement).value).toBe('new@example.com');
  });

  it('a 400 for the requester says the email is not valid', async () => {
    renderApp('/console/customers/not-an-email', {
      ...staffRoutes(),
      'GET /api/tickets': () =>
        json(400, { error: { code: 'validation_error', message: 'requester: not an email', field: 'requester' } }),
    });
    expect((await screen.findByTestId('customer-error')).textContent).toContain('“not-an-email”不是有效的邮箱地址');
    expect(screen.queryByTestId('customer-new-ticket')).toBeNull();
    expect(screen.queryByTestId('customer-empty')).toBeNull();
  });

  it("the requester's email on a ticket links to their tickets", async () => {
    const { server } = renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ requester: { email: 'Wang@Example.com', name: '王芳' } }) }),
      ...emptyTicketRoutes('t1'),
      'GET /api/tickets': () => ({ json: { items: wangTickets(1), next_cursor: null } }),
    });
    const link = await screen.findByTestId('ticket-requester-link');
    expect(link.textContent).toBe('Wang@Example.com');
    expect(link.parentElement?.textContent).toContain('王芳 <Wang@Example.com>');
    fireEvent.click(link);
    await screen.findByTestId('customer-ticket-row-GD20261201001');
    expect(window.location.pathname).toBe('/console/customers/wang%40example.com');
    const req = server.requests.find((r) => r.path === '/api/tickets')!;
    expect(req.query.get('view')).toBe('requested');
    expect(req.query.get('requester')).toBe('wang@example.com');
  });
});
