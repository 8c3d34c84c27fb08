import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Agent, AgentInput, Team, TeamInput, User } from '../../api/types';
import { json, type Handler } from '../../test/fakeFetch';
import { AGENT, renderApp, staffRoutes } from '../../test/renderApp';

const ADMIN: User = {
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  teams: [],
  permissions: ['ticket.read.all', 'ticket.urge', 'rules.read', 'rules.manage', 'sla.monitor', 'directory.read', 'directory.manage'],
};
const SUPERVISOR: User = {
  ...AGENT,
  email: 'lead@demo.local',
  name: '刘主管',
  role: 'supervisor',
  permissions: ['ticket.read.all', 'ticket.urge', 'rules.read', 'sla.monitor', 'directory.read'],
};

const STAFF: Agent[] = [
  {
    email: 'admin@demo.local',
    name: '系统管理员',
    role: 'admin',
    teams: [],
    skills: [],
    capacity: 0,
    availability: 'offline',
    senior: false,
    language: 'zh-CN',
    load: 0,
  },
  {
    email: 'lead@demo.local',
    name: '刘主管',
    role: 'supervisor',
    teams: ['tech', 'billing'],
    skills: [],
    capacity: 2,
    availability: 'away',
    senior: true,
    language: 'zh-CN',
    load: 0,
  },
  {
    email: 'zhangwei@demo.local',
    name: '张伟',
    role: 'agent',
    teams: ['tech'],
    skills: ['login', 'vpn'],
    capacity: 8,
    availability: 'online',
    senior: false,
    language: 'zh-CN',
    load: 3,
  },
  {
    email: 'lina@demo.local',
    name: '李娜',
    role: 'agent',
    teams: ['billing'],
    skills: ['invoice'],
    capacity: 5,
    availability: 'offline',
    senior: true,
    language: 'en',
    load: 5,
  },
];

const TEAMS: Team[] = [
  { id: 'billing', name: '账务', members: ['lead@demo.local', 'lina@demo.local'], supervisor: 'lead@demo.local' },
  { id: 'tech', name: '技术支持', members: ['lead@demo.local', 'zhangwei@demo.local'], supervisor: null },
];

/** The directory as a little server: GET reads what the PUT / DELETE handlers left. */
function directory(user: User, overrides: Record<string, Handler> = {}) {
  const state = { agents: [...STAFF], teams: [...TEAMS] };
  const routes: Record<string, Handler> = {
    ...staffRoutes(user),
    'GET /api/agents': () => ({ json: { items: state.agents } }),
    'GET /api/teams': () => ({ json: { items: state.teams } }),
    'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    ...overrides,
  };
  return { state, routes };
}

/** Opens an antd Select found by its data-testid and clicks the option with the given data-testid. */
async function choose(selectTestId: string, optionTestId: string) {
  const select = await screen.findByTestId(selectTestId);
  const trigger = select.querySelector('.ant-select-selector, .ant-select-content, input') ?? select;
  fireEvent.mouseDown(trigger);
  fireEvent.click(await screen.findByTestId(optionTestId));
}

function inputOf(testId: string): HTMLInputElement {
  const el = screen.getByTestId(testId);
  return (el instanceof HTMLInputElement ? el : el.querySelector('input')) as HTMLInputElement;
}

describe('staff and teams admin', () => {
  it('lists every member with teams by name, skills, load against capacity, senior and availability', async () => {
    renderApp('/console/admin/staff', directory(ADMIN).routes);
    const table = await screen.findByTestId('staff-table');
    expect(table.dataset.count).toBe('4');
    expect(screen.getByTestId('nav-staff')).toBeTruthy();
    expect(screen.getByTestId('staff-load-zhangwei@demo.local').textContent).toBe('3 / 8');
    // at capacity: flagged
    const full = screen.getByTestId('staff-load-lina@demo.local');
    expect(full.textContent).toBe('5 / 5');
    expect(full.style.color).not.toBe('');
    const row = screen.getByTestId('staff-row-zhangwei@demo.local');
    expect(row.textContent).toContain('张伟');
    expect(row.textContent).toContain('坐席');
    expect(row.textContent).toContain('技术支持');
    expect(row.textContent).not.toContain('tech');
    expect(within(row).getByText('login')).toBeTruthy();
    expect(within(row).getByText('vpn')).toBeTruthy();
    expect(row.textContent).toContain('在线');
    expect(screen.getByTestId('staff-row-lina@demo.local').textContent).toContain('资深');
    // one cannot remove oneself
    expect((screen.getByTestId('staff-remove-admin@demo.local') as HTMLButtonElement).disabled).toBe(true);
    // the teams: supervisor by name, member count
    expect(screen.getByTestId('teams-table').dataset.count).toBe('2');
    expect(screen.getByTestId('team-row-billing').textContent).toContain('刘主管');
    expect(screen.getByTestId('team-members-tech').textContent).toBe('2');
    expect(screen.getByTestId('team-row-tech').textContent).toContain('无主管');
  });

  it('adds a member with PUT /api/admin/agents/{email} and the table refreshes', async () => {
    const { state, routes } = directory(ADMIN);
    const { server } = renderApp('/console/admin/staff', {
      ...routes,
      'PUT /api/admin/agents/wangfang%40demo.local': (req) => {
        const body = req.body as AgentInput;
        const agent: Agent = { email: 'wangfang@demo.local', availability: 'offline', load: null, ...body };
        state.agents = [...state.agents, agent];
        state.teams = state.teams.map((tm) => (body.teams.includes(tm.id) ? { ...tm, members: [...tm.members, agent.email] } : tm));
        return json(201, agent);
      },
    });
    fireEvent.click(await screen.findByTestId('staff-add'));
    await screen.findByTestId('staff-form');
    fireEvent.change(inputOf('staff-form-email'), { target: { value: ' WangFang@demo.local ' } });
    fireEvent.change(inputOf('staff-form-name'), { target: { value: ' 王芳 ' } });
    await choose('staff-form-teams', 'staff-team-billing');
    const skills = inputOf('staff-form-skills');
    fireEvent.change(skills, { target: { value: 'refund' } });
    fireEvent.keyDown(skills, { key: 'Enter', code: 'Enter', keyCode: 13 });
    fireEvent.change(inputOf('staff-form-capacity'), { target: { value: '6' } });
    expect(inputOf('staff-form-chat-capacity').value).toBe('3'); // the default
    fireEvent.change(inputOf('staff-form-chat-capacity'), { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('staff-form-senior'));
    await choose('staff-form-language', 'staff-language-en');
    const agentReads = server.requests.filter((r) => r.method === 'GET' && r.path === '/api/agents').length;
    fireEvent.click(screen.getByTestId('staff-form-save'));

    await waitFor(() => expect(screen.getByTestId('staff-table').dataset.count).toBe('5'));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/admin/agents/wangfang%40demo.local');
    // availability left out: a new member starts offline
    expect(put.body).toEqual({
      name: '王芳',
      role: 'agent',
      teams: ['billing'],
      skills: ['refund'],
      capacity: 6,
      chat_capacity: 2,
      senior: true,
      language: 'en',
    });
    expect(server.requests.filter((r) => r.method === 'GET' && r.path === '/api/agents').length).toBeGreaterThan(agentReads);
    await waitFor(() => expect(screen.queryByTestId('staff-form')).toBeNull());
    const row = screen.getByTestId('staff-row-wangfang@demo.local');
    expect(row.textContent).toContain('账务');
    expect(screen.getByTestId('staff-load-wangfang@demo.local').textContent).toBe('— / 6');
    await waitFor(() => expect(screen.getByTestId('team-members-billing').textContent).toBe('3'));
  });

  it('refuses, before sending, an email that is already a member', async () => {
    const { server } = renderApp('/console/admin/staff', directory(ADMIN).routes);
    fireEvent.click(await screen.findByTestId('staff-add'));
    fireEvent.change(inputOf('staff-form-email'), { target: { value: 'zhangwei@demo.local' } });
    fireEvent.change(inputOf('staff-form-name'), { target: { value: '张伟' } });
    fireEvent.click(screen.getByTestId('staff-form-save'));
    expect(await screen.findByText('该邮箱已是团队成员，请在列表中编辑')).toBeTruthy();
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('a 400 naming a field shows its message at that input; the dialog stays open', async () => {
    const { server } = renderApp(
      '/console/admin/staff',
      directory(ADMIN, {
        'PUT /api/admin/agents/zhangwei%40demo.local': () =>
          json(400, { error: { code: 'validation_error', message: "unknown team 'ops'", field: 'teams' } }),
      }).routes,
    );
    fireEvent.click(await screen.findByTestId('staff-edit-zhangwei@demo.local'));
    await screen.findByTestId('staff-form');
    // the email names the member: fixed once added
    expect(inputOf('staff-form-email').disabled).toBe(true);
    expect(inputOf('staff-form-email').value).toBe('zhangwei@demo.local');
    fireEvent.change(inputOf('staff-form-capacity'), { target: { value: '10' } });
    fireEvent.click(screen.getByTestId('staff-form-save'));

    const message = await screen.findByText("提交的内容有误：unknown team 'ops'");
    const item = message.closest('.ant-form-item') as HTMLElement;
    expect(within(item).getByTestId('staff-form-teams')).toBeTruthy();
    expect(screen.getByTestId('staff-form').dataset.errorField).toBe('teams');
    expect(screen.queryByTestId('staff-form-error')).toBeNull();
    const put = server.requests.find((r) => r.method === 'PUT')!;
    // an edit keeps the member's availability: not sent
    expect(put.body).toEqual({
      name: '张伟',
      role: 'agent',
      teams: ['tech'],
      skills: ['login', 'vpn'],
      capacity: 10,
      chat_capacity: 3, // kept as it was (the member has none set: the default), never left out
      senior: false,
      language: 'zh-CN',
    });
  });

  it('a 400 for no input of the form shows its message above the form', async () => {
    renderApp(
      '/console/admin/staff',
      directory(ADMIN, {
        'PUT /api/admin/agents/zhangwei%40demo.local': () =>
          json(400, { error: { code: 'validation_error', message: 'a JSON body is required', field: 'body' } }),
      }).routes,
    );
    fireEvent.click(await screen.findByTestId('staff-edit-zhangwei@demo.local'));
    fireEvent.click(await screen.findByTestId('staff-form-save'));
    expect((await screen.findByTestId('staff-form-error')).textContent).toContain('a JSON body is required');
  });

  it('an admin editing themselves cannot change their role; saving sends it unchanged', async () => {
    const { server } = renderApp('/console/admin/staff', {
      ...directory(ADMIN).routes,
      'PUT /api/admin/agents/admin%40demo.local': (req) => json(200, { ...STAFF[0], ...(req.body as object) }),
    });
    fireEvent.click(await screen.findByTestId('staff-edit-admin@demo.local'));
    const role = await screen.findByTestId('staff-form-role');
    expect(role.className).toContain('disabled');
    expect(screen.getByText('不能修改自己的角色')).toBeTruthy();
    fireEvent.change(inputOf('staff-form-name'), { target: { value: '管理员' } });
    fireEvent.click(screen.getByTestId('staff-form-save'));
    await waitFor(() => expect(screen.queryByTestId('staff-form')).toBeNull());
    expect(server.requests.find((r) => r.method === 'PUT')!.body).toMatchObject({ name: '管理员', role: 'admin' });
    // one's own teams may have changed: /api/me is asked again
    await waitFor(() => expect(server.requests.filter((r) => r.path === '/api/me').length).toBe(2));
  });

  it('removing a member who holds tickets shows the 409 agent_has_tickets message; the member stays', async () => {
    const { server } = renderApp(
      '/console/admin/staff',
      directory(ADMIN, {
        'DELETE /api/admin/agents/zhangwei%40demo.local': () =>
          json(409, { error: { code: 'agent_has_tickets', message: '张伟 still holds 3 open tickets; reassign them first' } }),
      }).routes,
    );
    fireEvent.click(await screen.findByTestId('staff-remove-zhangwei@demo.local'));
    // the confirmation already says so
    expect(await screen.findByText('该成员当前还有 3 张未结工单，需先转办或关闭。')).toBeTruthy();
    fireEvent.click(await screen.findByTestId('staff-remove-confirm-zhangwei@demo.local'));
    const alert = await screen.findByTestId('staff-remove-error');
    expect(alert.dataset.code).toBe('agent_has_tickets');
    expect(alert.textContent).toContain('无法移除「张伟」：该成员还有未结工单，请先转办或关闭后再移除');
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(screen.getByTestId('staff-row-zhangwei@demo.local')).toBeTruthy();
  });

  it('removes a member holding no tickets with DELETE; the table refreshes', async () => {
    const { state, routes } = directory(ADMIN);
    const { server } = renderApp('/console/admin/staff', {
      ...routes,
      'DELETE /api/admin/agents/lead%40demo.local': () => {
        state.agents = state.agents.filter((a) => a.email !== 'lead@demo.local');
        return new Response(null, { status: 204 });
      },
    });
    fireEvent.click(await screen.findByTestId('staff-remove-lead@demo.local'));
    fireEvent.click(await screen.findByTestId('staff-remove-confirm-lead@demo.local'));
    await waitFor(() => expect(screen.queryByTestId('staff-row-lead@demo.local')).toBeNull());
    expect(screen.getByTestId('staff-table').dataset.count).toBe('3');
    expect(server.requests.find((r) => r.method === 'DELETE')!.body).toBeUndefined();
    expect(screen.queryByTestId('staff-remove-error')).toBeNull();
  });

  it('deletes a team with DELETE; a team still in use shows the 409 message and stays', async () => {
    const { state, routes } = directory(ADMIN);
    let refuse = true;
    renderApp('/console/admin/staff', {
      ...routes,
      'DELETE /api/admin/teams/billing': () => {
        if (refuse) {
          return json(409, { error: { code: 'team_in_rules', message: 'routing rules send tickets to 账务组: 账务' } });
        }
        state.teams = state.teams.filter((tm) => tm.id !== 'billing');
        return new Response(null, { status: 204 });
      },
    });
    fireEvent.click(await screen.findByTestId('team-delete-billing'));
    fireEvent.click(await screen.findByTestId('team-delete-confirm-billing'));
    const alert = await screen.findByTestId('team-delete-error');
    expect(alert.dataset.code).toBe('team_in_rules');
    expect(alert.textContent).toContain('无法删除团队「账务」：还有路由规则把工单转到该团队，请先修改规则');
    expect(screen.getByTestId('team-row-billing')).toBeTruthy();
    refuse = false;
    fireEvent.click(screen.getByTestId('team-delete-billing'));
    fireEvent.click(await screen.findByTestId('team-delete-confirm-billing'));
    await waitFor(() => expect(screen.queryByTestId('team-row-billing')).toBeNull());
    expect(screen.queryByTestId('team-delete-error')).toBeNull();
  });

  it('adds a team with PUT /api/admin/teams/{id}, checking the id first; supervisors are the only choices', async () => {
    const { state, routes } = directory(ADMIN);
    const { server } = renderApp('/console/admin/staff', {
      ...routes,
      'PUT /api/admin/teams/vip': (req) => {
        const body = req.body as TeamInput;
        const team: Team = { id: 'vip', members: [], ...body };
        state.teams = [...state.teams, team];
        return json(201, team);
      },
    });
    fireEvent.click(await screen.findByTestId('team-add'));
    await screen.findByTestId('team-form');
    fireEvent.change(inputOf('team-form-id'), { target: { value: 'VIP team' } });
    fireEvent.change(inputOf('team-form-name'), { target: { value: '大客户' } });
    fireEvent.click(screen.getByTestId('team-form-save'));
    expect(await screen.findByText(/团队 ID 只能包含小写字母/)).toBeTruthy();
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);

    fireEvent.change(inputOf('team-form-id'), { target: { value: 'vip' } });
    const select = screen.getByTestId('team-form-supervisor');
    fireEvent.mouseDown(select.querySelector('.ant-select-selector, .ant-select-content, input') ?? select);
    await screen.findByTestId('team-supervisor-lead@demo.local');
    expect(screen.getByTestId('team-supervisor-admin@demo.local')).toBeTruthy();
    expect(screen.queryByTestId('team-supervisor-zhangwei@demo.local')).toBeNull();
    fireEvent.click(screen.getByTestId('team-supervisor-lead@demo.local'));
    fireEvent.click(screen.getByTestId('team-form-save'));

    await waitFor(() => expect(screen.getByTestId('teams-table').dataset.count).toBe('3'));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/admin/teams/vip');
    expect(put.body).toEqual({ name: '大客户', supervisor: 'lead@demo.local' });
    expect(screen.getByTestId('team-row-vip').textContent).toContain('刘主管');
  });

  it('edits a team: the id is fixed, and a 400 on the supervisor shows at that input', async () => {
    const { server } = renderApp(
      '/console/admin/staff',
      directory(ADMIN, {
        'PUT /api/admin/teams/tech': () =>
          json(400, { error: { code: 'validation_error', message: 'x is not a supervisor or admin', field: 'supervisor' } }),
      }).routes,
    );
    fireEvent.click(await screen.findByTestId('team-edit-tech'));
    await screen.findByTestId('team-form');
    expect(inputOf('team-form-id').disabled).toBe(true);
    fireEvent.change(inputOf('team-form-name'), { target: { value: '技术支持一线' } });
    fireEvent.click(screen.getByTestId('team-form-save'));
    const message = await screen.findByText('提交的内容有误：x is not a supervisor or admin');
    expect(within(message.closest('.ant-form-item') as HTMLElement).getByTestId('team-form-supervisor')).toBeTruthy();
    expect(server.requests.find((r) => r.method === 'PUT')!.body).toEqual({ name: '技术支持一线', supervisor: null });
  });

  it('has no nav entry or route for a supervisor (no directory.manage)', async () => {
    renderApp('/console/admin/staff', directory(SUPERVISOR).routes);
    // the unknown route falls back to the queue
    await screen.findByTestId('nav-queue');
    await waitFor(() => expect(window.location.pathname).toBe('/console/queue/mine'));
    // Supervisors reach the settings they have through 管理; the staff screen is not one of them.
    expect(screen.getByTestId('nav-admin').getAttribute('href')).toBe('/console/admin/rules');
    await waitFor(() => expect(screen.queryByTestId('admin-tabs')).toBeNull());
    fireEvent.click(screen.getByTestId('nav-admin'));
    expect(await screen.findByTestId('nav-rules')).toBeTruthy();
    expect(screen.queryByTestId('nav-staff')).toBeNull();
    expect(screen.queryByTestId('staff-page')).toBeNull();
  });

  it('reads in English after the switch', async () => {
    renderApp('/console/admin/staff', directory(ADMIN).routes);
    await screen.findByTestId('staff-table');
    fireEvent.click(screen.getByTestId('lang-switch'));
    expect(await screen.findByText('Staff and teams')).toBeTruthy();
    expect(screen.getByTestId('staff-add').textContent).toContain('Add member');
    expect(screen.getByTestId('staff-row-zhangwei@demo.local').textContent).toContain('Online');
  });
});
