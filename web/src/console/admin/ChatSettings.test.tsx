import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatSettings, User } from '../../api/types';
import { json } from '../../test/fakeFetch';
import { AGENT, renderApp, staffRoutes } from '../../test/renderApp';
import { originsOf } from './ChatSettingsPage';

const ADMIN: User = {
  ...AGENT,
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  permissions: ['rules.read', 'rules.manage'],
};
const SUPERVISOR: User = { ...ADMIN, email: 'lead@demo.local', role: 'supervisor', permissions: ['rules.read'] };

const LOADED: ChatSettings = {
  allowed_origins: ['https://shop.example.com'],
  idle_minutes: 30,
  own_origin: 'http://127.0.0.1:8000',
  version: 3,
};

describe('live chat settings', () => {
  it('splits the sites one a line, dropping blank lines and trailing slashes', () => {
    expect(originsOf('https://a.example.com/\n\n  https://b.example.com:8443 ,http://localhost:3000')).toEqual([
      'https://a.example.com',
      'https://b.example.com:8443',
      'http://localhost:3000',
    ]);
  });

  it('shows the allowed sites under 管理 and saves them with If-Match of the version read', async () => {
    const puts: unknown[] = [];
    const { server } = renderApp('/console/admin/chat', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/chat/settings': () => json(200, LOADED, { ETag: '"3"' }),
      'PUT /api/admin/chat/settings': (req) => {
        puts.push(req.body);
        return json(200, { ...(req.body as object), own_origin: LOADED.own_origin, version: 4 });
      },
    });
    const box = (await screen.findByTestId('chat-settings-origins')) as HTMLTextAreaElement;
    expect(screen.getByTestId('nav-chat-settings').textContent).toBe('在线客服');
    expect(screen.getByTestId('chat-settings-page').textContent).toContain('在线客服设置');
    expect(box.value).toBe('https://shop.example.com');
    expect(screen.getByTestId('chat-settings-own').textContent).toContain('http://127.0.0.1:8000');
    fireEvent.change(box, { target: { value: 'https://shop.example.com\nhttps://m.example.com/' } });
    const field = screen.getByTestId('chat-settings-idle');
    const idle = field instanceof HTMLInputElement ? field : (field.querySelector('input') as HTMLInputElement);
    fireEvent.change(idle, { target: { value: '15' } });
    fireEvent.blur(idle);
    fireEvent.click(screen.getByTestId('chat-settings-save'));
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toEqual({ allowed_origins: ['https://shop.example.com', 'https://m.example.com'], idle_minutes: 15 });
    const put = server.requests.find((r) => r.method === 'PUT' && r.path === '/api/admin/chat/settings');
    expect(put?.headers.get('If-Match')).toBe('"3"');
  });

  it('names the refused site when the server says it is malformed', async () => {
    renderApp('/console/admin/chat', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/chat/settings': () => json(200, LOADED),
      'PUT /api/admin/chat/settings': () =>
        json(400, {
          error: {
            code: 'validation_error',
            message: 'allowed_origins.0: String should match pattern',
            field: 'allowed_origins.0',
          },
        }),
    });
    const box = (await screen.findByTestId('chat-settings-origins')) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'shop.example.com' } });
    fireEvent.click(screen.getByTestId('chat-settings-save'));
    expect((await screen.findByTestId('chat-settings-save-error')).textContent).toContain('allowed_origins.0');
  });

  it('a supervisor reads the setting but cannot save it', async () => {
    renderApp('/console/admin/chat', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/admin/chat/settings': () => json(200, LOADED),
    });
    const box = (await screen.findByTestId('chat-settings-origins')) as HTMLTextAreaElement;
    expect(box.disabled).toBe(true);
    expect(screen.queryByTestId('chat-settings-save')).toBeNull();
  });
});
