import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../api/types';
import { makeTicket, renderApp, staffRoutes } from '../../test/renderApp';

const MENTION: Notification = {
  id: '2026-11-23T02:00:00.000000Z#e1:mention',
  type: 'mention',
  ticket_id: 't1',
  ticket_number: 'GD20261122001',
  subject: '打印机无法连接',
  at: '2026-11-23T10:00:00+08:00',
  read: false,
};

describe('working together in the console', () => {
  it('the bell counts the unread notices, and opening one marks it read', async () => {
    let read = false;
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/notifications': (req) => {
        const items = [{ ...MENTION, read }];
        return { json: { items: req.query.get('unread') ? items.filter((n) => !n.read) : items, next_cursor: null } };
      },
      'POST /api/notifications/read': () => {
        read = true;
        return { json: { marked: 1 } };
      },
      'GET /api/tickets/t1': () => ({ json: makeTicket({ id: 't1' }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/subtasks': () => ({ json: { items: [] } }),
      'GET /api/tickets/t1/collaborations': () => ({ json: { items: [] } }),
    });
    await waitFor(() => expect(screen.getByTestId('notifications-count').textContent).toBe('1'));
    fireEvent.click(screen.getByTestId('notifications-bell'));
    fireEvent.click(await screen.findByTestId(`notification-${MENTION.id}`));
    await waitFor(() => expect(screen.queryByTestId('notifications-count')).toBeNull());
    const marked = server.requests.find((r) => r.path === '/api/notifications/read');
    expect(marked?.body).toEqual({ ids: [MENTION.id] });
    expect((await screen.findByTestId('ticket-page')).getAttribute('data-ticket-id')).toBe('t1');
  });

  it('adds a sub-task and ticks it off', async () => {
    let items: Array<Record<string, unknown>> = [];
    const { server } = renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ id: 't1' }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/collaborations': () => ({ json: { items: [] } }),
      'GET /api/tickets/t1/subtasks': () => ({ json: { items } }),
      'POST /api/tickets/t1/subtasks': (req) => {
        const made = { id: 's1', status: 'open', assignee: null, team: null, due_at: null, created_by: 'a', created_at: '2026-11-23T10:00:00+08:00', ...(req.body as object) };
        items = [made];
        return { status: 201, json: made };
      },
      'PATCH /api/tickets/t1/subtasks/s1': (req) => {
        items = [{ ...items[0], ...(req.body as object) }];
        return { json: items[0] };
      },
    });
    fireEvent.change(await screen.findByTestId('subtask-title'), { target: { value: '核对账单' } });
    fireEvent.click(screen.getByTestId('subtask-add'));
    expect((await screen.findByTestId('subtask-0')).getAttribute('data-status')).toBe('open');
    const added = server.requests.find((r) => r.method === 'POST' && r.path === '/api/tickets/t1/subtasks');
    expect(added?.body).toEqual({ title: '核对账单' });
    fireEvent.click(screen.getByTestId('subtask-0-done').querySelector('input') ?? screen.getByTestId('subtask-0-done'));
    await waitFor(() => expect(screen.getByTestId('subtask-0').getAttribute('data-status')).toBe('done'));
  });
});
