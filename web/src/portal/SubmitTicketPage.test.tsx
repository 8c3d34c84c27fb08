import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NewTicket } from '../api/types';
import { AGENT, CUSTOMER, makeTicket, renderApp, staffRoutes } from '../test/renderApp';

describe('creating tickets', () => {
  it('portal: a customer submits subject and description (priority optional) and lands on the new ticket', async () => {
    const user = userEvent.setup();
    const { server } = renderApp('/portal/new', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'POST /api/tickets': (req) => ({ status: 201, json: makeTicket({ id: 'new1', ...(req.body as Omit<NewTicket, 'attachments'>) }) }),
      'GET /api/tickets/new1': () => ({ json: makeTicket({ id: 'new1', subject: '发票开错了' }) }),
      'GET /api/tickets/new1/messages': () => ({ json: { items: [], next_cursor: null } }),
    });
    fireEvent.click(await screen.findByTestId('portal-submit'));
    // required fields: nothing is sent
    await waitFor(() => expect(document.querySelectorAll('.ant-form-item-explain-error').length).toBe(2));
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(screen.getByTestId('portal-subject'), '发票开错了');
    await user.type(screen.getByTestId('portal-description'), '抬头应为某某公司');
    await user.click(screen.getByTestId('portal-submit'));

    await screen.findByTestId('portal-ticket-page');
    expect(window.location.pathname).toBe('/portal/tickets/new1');
    const post = server.requests.find((r) => r.method === 'POST' && r.path === '/api/tickets')!;
    expect(post.body).toEqual({ subject: '发票开错了', description: '抬头应为某某公司' });
    expect(post.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('console: 新建工单 for a phone caller sends channel phone and the requester', async () => {
    const user = userEvent.setup();
    const { server } = renderApp('/console/new', {
      ...staffRoutes(AGENT),
      'POST /api/tickets': (req) => ({ status: 201, json: makeTicket({ id: 'p1', ...(req.body as Omit<NewTicket, 'attachments'>) }) }),
      'GET /api/tickets/p1': () => ({ json: makeTicket({ id: 'p1', channel: 'phone' }) }),
      'GET /api/tickets/p1/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/tickets/p1/events': () => ({ json: { items: [], next_cursor: null } }),
    });
    await user.type(await screen.findByTestId('new-requester-email'), 'caller@example.com');
    await user.type(screen.getByTestId('new-requester-name'), '李先生');
    await user.type(screen.getByTestId('new-subject'), '电话报障：系统无法登录');
    await user.type(screen.getByTestId('new-description'), '客户来电说明情况');
    await user.click(screen.getByTestId('new-submit'));

    await screen.findByTestId('ticket-page');
    expect(window.location.pathname).toBe('/console/tickets/p1');
    const post = server.requests.find((r) => r.method === 'POST' && r.path === '/api/tickets')!;
    expect(post.body).toEqual({
      subject: '电话报障：系统无法登录',
      description: '客户来电说明情况',
      priority: 'P3',
      channel: 'phone',
      requester: { email: 'caller@example.com', name: '李先生' },
    });
  });
});
