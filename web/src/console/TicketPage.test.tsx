import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../api/types';
import { json } from '../test/fakeFetch';
import { makeTicket, renderApp, staffRoutes } from '../test/renderApp';

/** Opens an antd Select found by its data-testid and clicks the option with the given data-testid. */
async function choose(selectTestId: string, optionTestId: string) {
  const select = screen.getByTestId(selectTestId);
  const trigger = select.querySelector('.ant-select-selector, .ant-select-content, input') ?? select;
  fireEvent.mouseDown(trigger);
  const option = await screen.findByTestId(optionTestId);
  fireEvent.click(option);
}

describe('ticket view', () => {
  it('PATCHes with If-Match of the loaded version; on 412 shows the conflict alert and never overwrites; reload fixes it', async () => {
    let current: Ticket = makeTicket({ version: 3 });
    const patches: { ifMatch: string | null; body: unknown }[] = [];
    const { server } = renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => json(200, current, { ETag: `"${current.version}"` }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
      'PATCH /api/tickets/t1': (req) => {
        const ifMatch = req.headers.get('If-Match');
        patches.push({ ifMatch, body: req.body });
        if (ifMatch !== `"${current.version}"`) {
          return json(412, { error: { code: 'version_conflict', message: 'stale' } });
        }
        current = { ...current, ...(req.body as Partial<Ticket>), version: current.version + 1 };
        return json(200, current);
      },
    });

    expect((await screen.findByTestId('ticket-subject')).textContent).toBe('无法登录系统');

    // Someone else changes the ticket after we loaded version 3.
    current = { ...current, priority: 'P2', version: 4 };

    await choose('priority-select', 'priority-option-P1');
    const alert = await screen.findByTestId('conflict-alert');
    expect(alert.textContent).toContain('已被他人修改，请刷新');
    expect(patches).toEqual([{ ifMatch: '"3"', body: { priority: 'P1' } }]);
    // the server copy was not overwritten, and the view does not pretend it was
    expect(current.priority).toBe('P2');
    expect(screen.getByTestId('ticket-page').dataset.version).toBe('3');

    fireEvent.click(within(alert).getByTestId('conflict-reload'));
    await waitFor(() => expect(screen.queryByTestId('conflict-alert')).toBeNull());
    expect(screen.getByTestId('ticket-page').dataset.version).toBe('4');

    await choose('priority-select', 'priority-option-P1');
    await waitFor(() => expect(screen.getByTestId('ticket-page').dataset.version).toBe('5'));
    expect(patches[1]).toEqual({ ifMatch: '"4"', body: { priority: 'P1' } });
    expect(current.priority).toBe('P1');
    expect(server.requests.every((r) => r.headers.get('Authorization') === 'Bearer tok')).toBe(true);
  });

  it('offers only the statuses in next_statuses', async () => {
    renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ status: 'in_progress', next_statuses: ['waiting_customer', 'resolved'] }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
    });
    const select = await screen.findByTestId('status-select');
    fireEvent.mouseDown(select.querySelector('.ant-select-selector, .ant-select-content, input') ?? select);
    await screen.findByTestId('status-option-resolved');
    expect(screen.getByTestId('status-option-in_progress')).toBeTruthy();
    expect(screen.getByTestId('status-option-waiting_customer')).toBeTruthy();
    expect(screen.queryByTestId('status-option-closed')).toBeNull();
    expect(screen.queryByTestId('status-option-new')).toBeNull();
  });

  it('renders the audit trail as who changed what from old to new', async () => {
    renderApp('/console/tickets/t1', {
      ...staffRoutes(),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ status: 'in_progress', assignee: 'lina@demo.local' }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/t1/events': () => ({
        json: {
          items: [
            {
              id: 'e1',
              ticket_id: 't1',
              type: 'ticket.created',
              actor: { email: 'customer@example.com', name: '王小明', role: 'customer' },
              at: '2026-11-22T10:15:00+08:00',
              changes: [],
            },
            {
              id: 'e2',
              ticket_id: 't1',
              type: 'ticket.updated',
              actor: { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' },
              at: '2026-11-22T10:20:00+08:00',
              changes: [
                { field: 'status', old: 'new', new: 'in_progress' },
                { field: 'assignee', old: null, new: 'lina@demo.local' },
              ],
            },
            {
              id: 'e3',
              ticket_id: 't1',
              type: 'message.added',
              actor: { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' },
              at: '2026-11-22T10:25:00+08:00',
              changes: [],
              message_id: 'm1',
              internal: true,
            },
          ],
          next_cursor: null,
        },
      }),
    });
    const e2 = await screen.findByTestId('event-e2');
    await waitFor(() => expect(e2.textContent).toContain('李娜'));
    expect(e2.textContent).toContain('张伟 将状态从「待处理」改为「处理中」');
    expect(e2.textContent).toContain('张伟 将处理人从「（空）」改为「李娜」');
    expect(e2.textContent).toContain('2026-11-22');
    expect(screen.getByTestId('event-e1').textContent).toContain('王小明 创建了工单');
    expect(screen.getByTestId('event-e3').textContent).toContain('张伟 添加了内部备注');
  });
});
