import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../api/types';
import type { User } from '../../api/types';
import { makeTicket, renderApp, staffRoutes } from '../../test/renderApp';

const ADMIN: User = {
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  teams: [],
  permissions: ['ticket.read.all', 'rules.read', 'rules.manage', 'directory.manage'],
};

function tickets(n: number): Ticket[] {
  return Array.from({ length: n }, (_, i) =>
    makeTicket({ id: `id${i + 1}`, number: `GD20261206${String(i + 1).padStart(3, '0')}`, subject: `工单 ${i + 1}` }),
  );
}

describe('the desk in the queue', () => {
  it('ticks tickets and moves them to another team in one bulk request', async () => {
    const { server } = renderApp('/console/queue/all', {
      ...staffRoutes(),
      'GET /api/views': () => ({ json: { items: [] } }),
      'GET /api/tickets': () => ({ json: { items: tickets(3), next_cursor: null } }),
      'POST /api/tickets/bulk': (req) => ({
        json: { results: (req.body as { ids: string[] }).ids.map((id) => ({ id, status: 200 })) },
      }),
    });
    await screen.findByTestId('ticket-row-GD20261206003');
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    fireEvent.click(screen.getByTestId('select-GD20261206001'));
    fireEvent.click(screen.getByTestId('select-GD20261206003'));
    const bar = await screen.findByTestId('bulk-bar');
    expect(within(bar).getByTestId('bulk-count').textContent).toContain('2');
    fireEvent.mouseDown(within(bar).getByTestId('bulk-team').querySelector('.ant-select-selector') ?? within(bar).getByTestId('bulk-team'));
    fireEvent.click(await screen.findByTestId('bulk-team-billing'));
    fireEvent.click(within(bar).getByTestId('bulk-apply'));
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/tickets/bulk')).toBe(true));
    const post = server.requests.find((r) => r.path === '/api/tickets/bulk')!;
    expect(post.body).toEqual({ ids: ['id1', 'id3'], changes: { team: 'billing' } });
    await waitFor(() => expect(screen.queryByTestId('bulk-bar')).toBeNull());
  });

  it('shows saved views as tabs with their counts and opens one with its filters', async () => {
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/views': () => ({
        json: {
          items: [
            {
              id: 'vip',
              name: 'VIP 未解决',
              owner: 'agent@demo.local',
              filters: { view: 'all', tag: 'VIP', status: 'new,in_progress' },
              team: null,
              shared: false,
              count: 3,
              more: false,
            },
          ],
        },
      }),
      'GET /api/tickets': () => ({ json: { items: tickets(3), next_cursor: null } }),
    });
    const tab = await screen.findByTestId('saved-view-tab-vip');
    expect(screen.getByTestId('saved-view-count-vip').textContent).toBe('3');
    fireEvent.click(tab);
    await waitFor(() => expect(window.location.pathname).toBe('/console/queue/all'));
    await waitFor(() =>
      expect(server.requests.some((r) => r.path === '/api/tickets' && r.query.get('tag') === 'VIP')).toBe(true),
    );
    const req = server.requests.filter((r) => r.path === '/api/tickets').at(-1)!;
    expect(req.query.get('view')).toBe('all');
    expect(req.query.get('status')).toBe('new,in_progress');
  });

  it('shows the custom fields chosen as columns', async () => {
    localStorage.setItem('helpdesk.queueFieldColumns', JSON.stringify(['store']));
    renderApp('/console/queue/all', {
      ...staffRoutes(),
      'GET /api/views': () => ({ json: { items: [] } }),
      'GET /api/fields': () => ({
        json: [{ key: 'store', label: { 'zh-CN': '门店', en: 'Store' }, type: 'select', options: ['上海'], visible_to_customer: true }],
      }),
      'GET /api/tickets': () => ({
        json: { items: [makeTicket({ id: 'a', number: 'GD20261206001', custom_fields: { store: '上海' } })], next_cursor: null },
      }),
    });
    expect((await screen.findByTestId('column-store')).textContent).toBe('门店');
    expect(screen.getByTestId('ticket-row-GD20261206001').textContent).toContain('上海');
    localStorage.removeItem('helpdesk.queueFieldColumns');
  });

  it('finds a caller by phone number and fills in who called', async () => {
    const { server } = renderApp('/console/new', {
      ...staffRoutes(),
      'GET /api/customers': () => ({
        json: { items: [{ email: 'chen@example.com', name: '陈静', phone: '13800138000', region: '华东' }] },
      }),
    });
    const input = (await screen.findByTestId('caller-lookup')).querySelector('input') ?? screen.getByTestId('caller-lookup');
    fireEvent.change(input, { target: { value: '1380013' } });
    fireEvent.click(await screen.findByText(/陈静 <chen@example.com>/));
    await waitFor(() => expect((screen.getByTestId('new-requester-email') as HTMLInputElement).value).toBe('chen@example.com'));
    expect(server.requests.find((r) => r.path === '/api/customers')?.query.get('q')).toBe('1380013');
  });

  it('an admin saves the custom fields with If-Match and sees the reason of a refusal', async () => {
    const field = { key: 'store', label: { 'zh-CN': '门店', en: 'Store' }, type: 'select', options: ['上海'], visible_to_customer: true };
    let attempts = 0;
    const { server } = renderApp('/console/admin/forms', {
      ...staffRoutes(ADMIN),
      'GET /api/fields': () => ({ json: [field], headers: { ETag: '"3"' } }),
      'GET /api/ticket-templates': () => ({ json: [], headers: { ETag: '"0"' } }),
      'PUT /api/admin/fields': (req) => {
        attempts += 1;
        if (attempts === 1)
          return { status: 400, json: { error: { code: 'validation_error', message: 'a select field needs options', field: '0.options' } } };
        return { json: req.body, headers: { ETag: '"4"' } };
      },
    });
    const editor = await screen.findByTestId('fields-editor-json');
    fireEvent.change(editor, { target: { value: JSON.stringify([{ ...field, options: [] }]) } });
    fireEvent.click(screen.getByTestId('fields-editor-save'));
    expect((await screen.findByTestId('fields-editor-error')).textContent).toContain('0.options');
    const put = server.requests.find((r) => r.path === '/api/admin/fields')!;
    expect(put.headers.get('If-Match')).toBe('"3"');
    fireEvent.change(editor, { target: { value: JSON.stringify([field]) } });
    fireEvent.click(screen.getByTestId('fields-editor-save'));
    await waitFor(() => expect(attempts).toBe(2));
  });
});
