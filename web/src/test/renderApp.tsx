import { render } from '@testing-library/react';
import App, { makeQueryClient } from '../App';
import { configureApi } from '../api/client';
import type { Agent, Team, Ticket, User } from '../api/types';
import { setToken } from '../auth/token';
import { fakeFetch, type Handler } from './fakeFetch';

export const AGENT: User = {
  email: 'zhangwei@demo.local',
  name: '张伟',
  role: 'agent',
  teams: ['tech'],
  // A built-in agent's set (shared/domain/access.py), so the screens show what an agent sees.
  permissions: [
    'customers.contact',
    'directory.read',
    'events.read',
    'kb.write',
    'mail.raw',
    'message.internal',
    'message.reply',
    'ticket.create',
    'ticket.create.for_others',
    'ticket.read.all',
    'ticket.read.own',
    'ticket.update',
  ],
};

export const CUSTOMER: User = {
  email: 'customer@example.com',
  name: '王小明',
  role: 'customer',
  teams: [],
  permissions: [],
};

export const AGENTS: Agent[] = [
  {
    email: 'zhangwei@demo.local',
    name: '张伟',
    role: 'agent',
    teams: ['tech'],
    skills: ['login'],
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
    capacity: 8,
    availability: 'away',
    senior: true,
    language: 'zh-CN',
    load: 0,
  },
];

export const TEAMS: Team[] = [
  { id: 'tech', name: '技术支持', members: ['zhangwei@demo.local'], supervisor: 'lead@demo.local' },
  { id: 'billing', name: '账务', members: ['lina@demo.local'], supervisor: 'lead@demo.local' },
];

export function makeTicket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 't1',
    number: 'GD20261122001',
    subject: '无法登录系统',
    description: '输入密码后提示错误',
    status: 'new',
    priority: 'P3',
    channel: 'web',
    requester: { email: 'customer@example.com', name: '王小明' },
    team: 'tech',
    assignee: null,
    category: null,
    tags: [],
    custom_fields: {},
    created_at: '2026-11-22T10:15:00+08:00',
    updated_at: '2026-11-22T10:20:00+08:00',
    version: 3,
    next_statuses: ['in_progress', 'waiting_customer', 'resolved', 'closed'],
    status_history: [{ status: 'new', at: '2026-11-22T10:15:00+08:00' }],
    sla: {
      first_response_due_at: new Date(Date.now() + 3 * 3600_000).toISOString(),
      resolution_due_at: new Date(Date.now() + 72 * 3600_000).toISOString(),
      first_responded_at: null,
      resolved_at: null,
      paused: false,
    },
    ...over,
  };
}

/** Staff directory routes every console page asks for. */
export function staffRoutes(user: User = AGENT): Record<string, Handler> {
  return {
    'GET /api/me': () => ({ json: user }),
    'GET /api/agents': () => ({ json: { items: AGENTS } }),
    'GET /api/teams': () => ({ json: { items: TEAMS } }),
    'GET /api/notifications': () => ({ json: { items: [], next_cursor: null } }),
  };
}

/** Renders the whole SPA at `path`, signed in (token in sessionStorage) unless `token` is null. */
export function renderApp(path: string, routes: Record<string, Handler>, token: string | null = 'tok') {
  if (token) setToken(token);
  window.history.pushState(null, '', path);
  const server = fakeFetch(routes);
  configureApi({ fetch: server.fetch });
  const queryClient = makeQueryClient();
  const utils = render(<App queryClient={queryClient} />);
  return { ...utils, server, queryClient };
}
