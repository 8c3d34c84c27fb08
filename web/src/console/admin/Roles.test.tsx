import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RoleDef, RoleInput, User } from '../../api/types';
import { AGENT, renderApp, staffRoutes } from '../../test/renderApp';

const ADMIN: User = {
  ...AGENT,
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  permissions: [...AGENT.permissions, 'directory.manage', 'roles.manage'],
};
const VIEWER: User = {
  ...AGENT,
  email: 'viewer@demo.local',
  name: '只读客服',
  role: 'viewer',
  permissions: ['message.reply', 'ticket.read.all'],
};
const BUILTIN: RoleDef[] = [
  { id: 'agent', name: '客服', permissions: ['ticket.read.all', 'message.reply'], builtin: true },
  { id: 'admin', name: '管理员', permissions: ['roles.manage'], builtin: true },
];
const ALL = ['ticket.read.all', 'message.reply', 'ticket.update', 'customers.contact', 'roles.manage'];

describe('custom roles (自定义角色)', () => {
  it('lists built-in roles read-only and adds a custom role with only the permissions ticked', async () => {
    const state = { items: [...BUILTIN] };
    const { server } = renderApp('/console/admin/roles', {
      ...staffRoutes(ADMIN),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/admin/roles': () => ({ json: { items: state.items, permissions: ALL } }),
      'PUT /api/admin/roles/viewer': (req) => {
        const body = req.body as RoleInput;
        const role: RoleDef = { id: 'viewer', builtin: false, ...body };
        state.items = [...state.items, role];
        return { status: 201, json: role };
      },
    });
    await screen.findByTestId('roles-page');
    expect(screen.getByTestId('nav-roles')).toBeTruthy();
    expect(screen.getByTestId('role-row-agent').textContent).toContain('内置');
    expect(screen.queryByTestId('role-edit-agent')).toBeNull(); // built-in roles are not edited
    fireEvent.click(screen.getByTestId('role-add'));
    fireEvent.change(await screen.findByTestId('role-form-id'), { target: { value: 'viewer' } });
    fireEvent.change(screen.getByTestId('role-form-name'), { target: { value: '只看和回复' } });
    fireEvent.click(screen.getByText('查看全部工单'));
    fireEvent.click(screen.getByText('回复客户'));
    fireEvent.click(screen.getByTestId('role-form-save'));
    await waitFor(() => expect(server.requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = server.requests.find((r) => r.method === 'PUT');
    expect(put?.body).toEqual({ name: '只看和回复', permissions: ['ticket.read.all', 'message.reply'] });
    expect((await screen.findByTestId('role-row-viewer')).textContent).toContain('自定义');
  });

  it('a view-and-reply role works in the console but sees no 新建工单, no 管理 and no audit trail', async () => {
    renderApp('/console/queue/mine', {
      ...staffRoutes(VIEWER),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('nav-queue');
    expect(screen.queryByTestId('nav-new-ticket')).toBeNull();
    expect(screen.queryByTestId('nav-admin')).toBeNull();
    expect(screen.queryByTestId('nav-reports')).toBeNull();
  });
});
