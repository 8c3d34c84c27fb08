import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AGENT, CUSTOMER, renderApp, staffRoutes } from '../test/renderApp';
import { getToken } from './token';

const ACCOUNTS = [
  { email: 'admin@demo.local', name: '管理员', role: 'admin' },
  { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' },
];

describe('sign-in (local mode)', () => {
  it('sends a signed-out visitor to /signin and signs staff in with a quick pick, then into the console', async () => {
    const { server } = renderApp(
      '/console/queue/mine',
      {
        ...staffRoutes(),
        'GET /config.json': () => ({ json: { auth: 'local' } }),
        'GET /api/dev/accounts': () => ({ json: { items: ACCOUNTS } }),
        'POST /api/dev/login': () => ({ json: { token: 'staff-token', user: AGENT } }),
        'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      },
      null,
    );
    fireEvent.click(await screen.findByTestId('signin-account-zhangwei@demo.local'));
    await screen.findByTestId('queue-page');
    expect(window.location.pathname).toBe('/console/queue/mine');
    expect(getToken()).toBe('staff-token');
    expect(sessionStorage.getItem('helpdesk.token')).toBe('staff-token');
    expect(localStorage.getItem('helpdesk.token')).toBeNull();
    const login = server.requests.find((r) => r.path === '/api/dev/login');
    expect(login?.body).toEqual({ email: 'zhangwei@demo.local' });
    // the queue page renders before its first list request goes out
    const list = await waitFor(() => {
      const found = server.requests.find((r) => r.path === '/api/tickets');
      expect(found).toBeDefined();
      return found;
    });
    expect(list?.headers.get('Authorization')).toBe('Bearer staff-token');

    // sign-out clears the token and returns to the sign-in page
    fireEvent.click(screen.getByTestId('signout'));
    await screen.findByTestId('signin-email');
    expect(getToken()).toBeNull();
    expect(sessionStorage.getItem('helpdesk.token')).toBeNull();
  });

  it('signs any other address in as a customer and lands in the portal', async () => {
    const user = userEvent.setup();
    const { server } = renderApp(
      '/signin',
      {
        'GET /config.json': () => ({ json: { auth: 'local' } }),
        'GET /api/dev/accounts': () => ({ json: { items: ACCOUNTS } }),
        'POST /api/dev/login': () => ({ json: { token: 'cust-token', user: CUSTOMER } }),
        'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      },
      null,
    );
    await user.type(await screen.findByTestId('signin-email'), 'customer@example.com');
    await user.click(screen.getByTestId('signin-submit'));
    await screen.findByTestId('my-tickets');
    expect(window.location.pathname).toBe('/portal/tickets');
    const list = await waitFor(() => {
      const found = server.requests.find((r) => r.path === '/api/tickets');
      expect(found).toBeDefined();
      return found;
    });
    expect(list?.query.get('view')).toBe('requested');
  });

  it('a customer cannot open the console: sent to the portal', async () => {
    renderApp('/console/queue/all', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('my-tickets');
    expect(window.location.pathname).toBe('/portal/tickets');
  });

  it('an expired token (401) sends the user to sign in, remembering the page', async () => {
    renderApp('/console/queue/mine', {
      'GET /api/me': () => ({ status: 401, json: { error: { code: 'unauthenticated', message: 'expired' } } }),
      'GET /config.json': () => ({ json: { auth: 'local' } }),
      'GET /api/dev/accounts': () => ({ json: { items: ACCOUNTS } }),
    });
    await screen.findByTestId('signin-email');
    await waitFor(() => expect(window.location.pathname).toBe('/signin'));
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/console/queue/mine');
    expect(getToken()).toBeNull();
  });
});

describe('sign-in (cognito mode)', () => {
  it('offers the hosted UI for staff and the emailed code for customers, not the local quick picks', async () => {
    const user = userEvent.setup();
    const { server } = renderApp(
      '/signin',
      {
        'GET /config.json': () => ({
          json: { auth: 'cognito', region: 'ap-east-1', user_pool_id: 'p', client_id: 'c', domain: 'helpdesk-demo' },
        }),
        'POST /api/auth/code': () => ({ json: { sent: true } }),
        'POST /api/auth/verify': () => ({ json: { token: 'code-token', user: CUSTOMER } }),
        'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      },
      null,
    );
    expect(await screen.findByTestId('signin-cognito')).toBeTruthy();
    expect(screen.queryByTestId('signin-account-admin@demo.local')).toBeNull();
    expect(server.requests.some((r) => r.path === '/api/dev/accounts')).toBe(false);

    await user.type(screen.getByTestId('signin-email'), 'customer@example.com');
    await user.click(screen.getByTestId('signin-submit'));
    await user.type(await screen.findByTestId('signin-code'), '123456');
    await user.click(screen.getByTestId('signin-verify'));
    await screen.findByTestId('my-tickets');
    expect(server.requests.find((r) => r.path === '/api/auth/verify')?.body).toEqual({
      email: 'customer@example.com',
      code: '123456',
    });
    expect(getToken()).toBe('code-token');
  });
});
