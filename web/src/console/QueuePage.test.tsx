import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../api/types';
import { makeTicket, renderApp, staffRoutes } from '../test/renderApp';

function tickets(n: number, offset = 0): Ticket[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + offset + 1;
    return makeTicket({ id: `id${k}`, number: `GD20261122${String(k).padStart(3, '0')}`, subject: `工单 ${k}` });
  });
}

function row(k: number) {
  return screen.getByTestId(`ticket-row-GD20261122${String(k).padStart(3, '0')}`);
}

describe('agent queue', () => {
  it('j/k move the selection and Enter opens the selected ticket', async () => {
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: tickets(3), next_cursor: null } }),
      'GET /api/tickets/id2': () => ({ json: tickets(3)[1] }),
      'GET /api/tickets/id2/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/id2/events': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('ticket-row-GD20261122003');
    expect(row(1).dataset.selected).toBe('false');

    fireEvent.keyDown(document.body, { key: 'j' });
    expect(row(1).dataset.selected).toBe('true');
    fireEvent.keyDown(document.body, { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(row(3).dataset.selected).toBe('true');
    fireEvent.keyDown(document.body, { key: 'j' }); // stays on the last row
    expect(row(3).dataset.selected).toBe('true');
    fireEvent.keyDown(document.body, { key: 'k' });
    expect(row(2).dataset.selected).toBe('true');
    expect(row(3).dataset.selected).toBe('false');

    fireEvent.keyDown(document.body, { key: 'Enter' });
    await waitFor(() => expect(window.location.pathname).toBe('/console/tickets/id2'));
    expect((await screen.findByTestId('ticket-subject')).textContent).toBe('工单 2');
  });

  it('asks for the chosen view and filters, and pages with next_cursor ("load more")', async () => {
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': (req) =>
        req.query.get('cursor') === 'c2'
          ? { json: { items: tickets(2, 50), next_cursor: null } }
          : { json: { items: tickets(50), next_cursor: 'c2' } },
    });
    await screen.findByTestId('ticket-row-GD20261122050');
    expect(server.requests.find((r) => r.path === '/api/tickets')?.query.get('view')).toBe('mine');

    fireEvent.click(screen.getByTestId('load-more'));
    await screen.findByTestId('ticket-row-GD20261122052');
    const paged = server.requests.filter((r) => r.path === '/api/tickets');
    expect(paged.at(-1)?.query.get('cursor')).toBe('c2');
    expect(screen.getByTestId('queue-count').textContent).toContain('52');
    expect(screen.queryByTestId('load-more')).toBeNull();

    fireEvent.click(screen.getByTestId('view-tab-unassigned'));
    fireEvent.click(await screen.findByTestId('filter-status-new'));
    fireEvent.click(screen.getByTestId('filter-status-in_progress'));
    fireEvent.click(screen.getByTestId('filter-priority-P1'));
    await waitFor(() => {
      const last = server.requests.filter((r) => r.path === '/api/tickets').at(-1)!;
      expect(last.query.get('view')).toBe('unassigned');
      expect(last.query.get('status')).toBe('new,in_progress');
      expect(last.query.get('priority')).toBe('P1');
      expect(last.query.has('cursor')).toBe(false);
    });
    expect(screen.getByTestId('view-tab-unassigned').getAttribute('aria-selected')).toBe('true');
  });

  it('shows SLA due times as countdowns: red when overdue, paused when sla.paused', async () => {
    const now = Date.now();
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({
        json: {
          items: [
            makeTicket({
              id: 'a',
              number: 'GD20261122001',
              sla: {
                first_response_due_at: new Date(now - 5 * 60_000).toISOString(),
                resolution_due_at: new Date(now + 86400_000).toISOString(),
                first_responded_at: null,
                resolved_at: null,
                paused: false,
              },
            }),
            makeTicket({
              id: 'b',
              number: 'GD20261122002',
              status: 'waiting_customer',
              sla: {
                first_response_due_at: new Date(now - 3600_000).toISOString(),
                resolution_due_at: new Date(now + 3600_000).toISOString(),
                first_responded_at: new Date(now - 7200_000).toISOString(),
                resolved_at: null,
                paused: true,
              },
            }),
            makeTicket({ id: 'c', number: 'GD20261122003' }),
          ],
          next_cursor: null,
        },
      }),
    });
    const overdue = await screen.findByTestId('sla-GD20261122001');
    expect(overdue.dataset.slaState).toBe('overdue');
    expect(overdue.textContent).toContain('已超时');
    expect(overdue.style.color).toBe('rgb(207, 19, 34)');
    const paused = screen.getByTestId('sla-GD20261122002');
    expect(paused.dataset.slaState).toBe('paused');
    expect(paused.textContent).toContain('已暂停');
    const running = screen.getByTestId('sla-GD20261122003');
    expect(running.dataset.slaState).toBe('running');
    expect(running.textContent).toMatch(/剩余 2小时5\d分|剩余 3小时0分/);
  });
});
