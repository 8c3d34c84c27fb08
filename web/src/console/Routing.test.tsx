import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Notification, Ticket, User } from '../api/types';
import { json } from '../test/fakeFetch';
import { AGENT, makeTicket, renderApp, staffRoutes } from '../test/renderApp';

const SUPERVISOR: User = {
  email: 'lead@demo.local',
  name: '刘主管',
  role: 'supervisor',
  teams: ['tech'],
  permissions: ['ticket.read.all', 'ticket.update', 'ticket.urge', 'rules.read', 'sla.monitor'],
};

async function choose(selectTestId: string, optionTestId: string) {
  const select = await screen.findByTestId(selectTestId);
  const trigger = select.querySelector('.ant-select-selector, .ant-select-content, input') ?? select;
  fireEvent.mouseDown(trigger);
  fireEvent.click(await screen.findByTestId(optionTestId));
}

function ticketRoutes(ticket: () => Ticket, user: User = AGENT) {
  return {
    ...staffRoutes(user),
    'GET /api/tickets/t1': () => ({ json: ticket() }),
    'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
    'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
  };
}

describe('routing actions in the console', () => {
  it('转办 requires a reason, then POSTs team and reason', async () => {
    let current = makeTicket({ assignee: 'zhangwei@demo.local' });
    const { server } = renderApp('/console/tickets/t1', {
      ...ticketRoutes(() => current),
      'POST /api/tickets/t1/transfer': (req) => {
        current = { ...current, team: 'billing', assignee: null, version: current.version + 1 };
        expect(req.body).toEqual({ team: 'billing', reason: '涉及退款' });
        return json(200, current);
      },
    });
    fireEvent.click(await screen.findByTestId('transfer-button'));
    await screen.findByTestId('transfer-dialog');
    await choose('transfer-team', 'transfer-team-billing');
    fireEvent.click(screen.getByTestId('transfer-submit'));
    expect((await screen.findByTestId('transfer-reason-required')).textContent).toBe('请填写转办原因');
    expect(server.requests.some((r) => r.path.endsWith('/transfer'))).toBe(false);

    fireEvent.change(screen.getByTestId('transfer-reason'), { target: { value: '  涉及退款 ' } });
    fireEvent.click(screen.getByTestId('transfer-submit'));
    await waitFor(() => expect(server.requests.filter((r) => r.path.endsWith('/transfer'))).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('ticket-page').dataset.version).toBe('4'));
  });

  it('确认接单: the assignee sees the countdown and acknowledges; others do not see it', async () => {
    let current = makeTicket({
      assignee: AGENT.email,
      assigned_at: new Date(Date.now() - 60_000).toISOString(),
      acknowledged_at: null,
      acknowledge_due_at: new Date(Date.now() + 9 * 60_000).toISOString(),
    });
    const { server } = renderApp('/console/tickets/t1', {
      ...ticketRoutes(() => current),
      'POST /api/tickets/t1/acknowledge': () => {
        current = { ...current, acknowledged_at: new Date().toISOString(), version: current.version + 1 };
        return json(200, current);
      },
    });
    const countdown = await screen.findByTestId('ack-countdown');
    expect(countdown.textContent).toMatch(/^这张工单已分配给您，请在 (8|9)分\d+秒 内确认接单$/);
    expect(countdown.dataset.late).toBe('false');
    fireEvent.click(screen.getByTestId('ack-button'));
    await waitFor(() => expect(screen.queryByTestId('ack-bar')).toBeNull());
    const post = server.requests.find((r) => r.path === '/api/tickets/t1/acknowledge')!;
    expect(post.method).toBe('POST');
    expect(screen.getByTestId('ticket-page').dataset.version).toBe('4');
  });

  it('no acknowledge bar on a ticket assigned to someone else', async () => {
    renderApp(
      '/console/tickets/t1',
      ticketRoutes(() => makeTicket({ assignee: 'lina@demo.local', acknowledged_at: null })),
    );
    await screen.findByTestId('ticket-page');
    expect(screen.queryByTestId('ack-bar')).toBeNull();
    // an agent cannot urge
    expect(screen.queryByTestId('urge-button')).toBeNull();
  });

  it('催办 is offered to supervisors and POSTs the note', async () => {
    const { server } = renderApp('/console/tickets/t1', {
      ...ticketRoutes(() => makeTicket({ assignee: 'zhangwei@demo.local' }), SUPERVISOR),
      'POST /api/tickets/t1/urge': () => json(200, makeTicket({ assignee: 'zhangwei@demo.local', version: 4 })),
    });
    fireEvent.click(await screen.findByTestId('urge-button'));
    fireEvent.change(await screen.findByTestId('urge-note'), { target: { value: '客户很着急' } });
    fireEvent.click(screen.getByTestId('urge-submit'));
    await waitFor(() => expect(server.requests.some((r) => r.path === '/api/tickets/t1/urge')).toBe(true));
    expect(server.requests.find((r) => r.path === '/api/tickets/t1/urge')!.body).toEqual({ note: '客户很着急' });
  });

  it('resolving a breached ticket asks for the breach reason and PATCHes it with the status', async () => {
    const breached = makeTicket({
      status: 'in_progress',
      next_statuses: ['waiting_customer', 'resolved'],
      sla: { ...makeTicket().sla!, breached: true, warned: true, state: 'running', first_response_met: false },
    });
    const patches: unknown[] = [];
    renderApp('/console/tickets/t1', {
      ...ticketRoutes(() => breached),
      'PATCH /api/tickets/t1': (req) => {
        patches.push(req.body);
        return json(200, { ...breached, status: 'resolved', version: 4 });
      },
    });
    await choose('status-select', 'status-option-resolved');
    await screen.findByText('工单已超时，请选择原因');
    expect(patches).toEqual([]);
    await choose('breach-reason-dialog-select', 'breach-reason-incomplete_info');
    fireEvent.click(screen.getByTestId('breach-reason-confirm'));
    await waitFor(() => expect(patches).toEqual([{ status: 'resolved', breach_reason: 'incomplete_info' }]));
  });

  it('shows 达标 yes/no on a resolved ticket, and the breach reason', async () => {
    renderApp(
      '/console/tickets/t1',
      ticketRoutes(() =>
        makeTicket({
          status: 'resolved',
          next_statuses: ['in_progress', 'closed'],
          sla: {
            first_response_due_at: '2026-11-22T12:00:00+08:00',
            resolution_due_at: '2026-11-24T12:00:00+08:00',
            first_responded_at: '2026-11-22T11:00:00+08:00',
            resolved_at: '2026-11-25T09:00:00+08:00',
            paused: false,
            state: 'stopped',
            warned: true,
            breached: true,
            first_response_met: true,
            resolution_met: false,
            breach_reason: 'complex_process',
          },
        }),
      ),
    );
    expect((await screen.findByTestId('sla-met-first-response')).textContent).toBe('达标');
    expect(screen.getByTestId('sla-met-resolution').textContent).toBe('未达标');
    expect(screen.getByTestId('sla-outcome').dataset.met).toBe('false');
    expect(screen.getByTestId('breach-reason-select').textContent).toContain('流程复杂');
  });

  it('the availability switch PUTs the signed-in agent’s availability', async () => {
    const { server } = renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'PUT /api/agents/zhangwei%40demo.local/availability': (req) =>
        json(200, { email: AGENT.email, name: '张伟', role: 'agent', teams: ['tech'], skills: [], capacity: 8, availability: (req.body as { availability: string }).availability, senior: false }),
    });
    const sw = await screen.findByTestId('availability-switch');
    expect(sw.dataset.availability).toBe('online');
    expect(within(sw).getByTestId('availability-online').getAttribute('aria-checked')).toBe('true');
    fireEvent.click(within(sw).getByTestId('availability-away'));
    await waitFor(() => expect(screen.getByTestId('availability-switch').dataset.availability).toBe('away'));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.url).toContain('/api/agents/zhangwei%40demo.local/availability');
    expect(put.body).toEqual({ availability: 'away' });
  });

  it('the bell words the new notification types', async () => {
    const n = (id: string, type: string): Notification => ({
      id,
      type,
      ticket_id: 't1',
      ticket_number: 'GD20261122001',
      subject: '无法登录',
      at: '2026-11-22T10:15:00+08:00',
      read: false,
    });
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
      'GET /api/notifications': () => ({
        json: {
          items: [n('1', 'sla.warning'), n('2', 'sla.breach'), n('3', 'ticket.urged'), n('4', 'ticket.transferred'), n('5', 'ticket.ack_timeout'), n('6', 'rule.notify')],
          next_cursor: null,
        },
      }),
    });
    fireEvent.click(await screen.findByTestId('notifications-bell'));
    expect((await screen.findByTestId('notification-1')).textContent).toContain('SLA 预警：GD20261122001 无法登录');
    expect(screen.getByTestId('notification-2').textContent).toContain('SLA 已超时');
    expect(screen.getByTestId('notification-3').textContent).toContain('主管催办');
    expect(screen.getByTestId('notification-4').textContent).toContain('转办给您');
    expect(screen.getByTestId('notification-5').textContent).toContain('超时未确认接单');
    expect(screen.getByTestId('notification-6').textContent).toContain('规则提醒');
  });

  it('风险工单: supervisors get the page with at_risk / breached tabs and cursor paging', async () => {
    const { server } = renderApp('/console/risk', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/tickets': (req) => {
        const view = req.query.get('view');
        if (req.query.get('cursor') === 'c2') return { json: { items: [makeTicket({ id: 't3', number: 'GD20261122003' })], next_cursor: null } };
        return {
          json: {
            items: [makeTicket({ id: view === 'breached' ? 't9' : 't2', number: view === 'breached' ? 'GD20261122009' : 'GD20261122002', sla: { ...makeTicket().sla!, warned: true } })],
            next_cursor: view === 'at_risk' ? 'c2' : null,
          },
        };
      },
    });
    fireEvent.click(await screen.findByTestId('nav-risk'));
    expect(await screen.findByTestId('ticket-row-GD20261122002')).toBeTruthy();
    expect(screen.getByTestId('sla-GD20261122002').dataset.slaState).toBe('warned');
    fireEvent.click(screen.getByTestId('load-more'));
    expect(await screen.findByTestId('ticket-row-GD20261122003')).toBeTruthy();
    fireEvent.click(screen.getByTestId('risk-tab-breached'));
    expect(await screen.findByTestId('ticket-row-GD20261122009')).toBeTruthy();
    const views = server.requests.filter((r) => r.path === '/api/tickets').map((r) => `${r.query.get('view')}:${r.query.get('cursor') ?? ''}`);
    expect(views).toEqual(['at_risk:', 'at_risk:c2', 'breached:']);
  });

  it('queue rows badge the SLA as warned, breached or paused, and mark tickets not yet acknowledged', async () => {
    const base = makeTicket().sla!;
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({
        json: {
          items: [
            makeTicket({ id: 'a', number: 'GD1', sla: { ...base, warned: true }, assignee: AGENT.email, assigned_at: '2026-11-22T10:16:00+08:00', acknowledged_at: null }),
            makeTicket({ id: 'b', number: 'GD2', sla: { ...base, warned: true, breached: true }, assignee: AGENT.email, assigned_at: '2026-11-22T10:16:00+08:00', acknowledged_at: '2026-11-22T10:17:00+08:00' }),
            makeTicket({ id: 'c', number: 'GD3', sla: { ...base, first_response_due_at: null, paused: true, state: 'paused', breached: true } }),
          ],
          next_cursor: null,
        },
      }),
    });
    expect((await screen.findByTestId('sla-GD1')).dataset.slaState).toBe('warned');
    expect(screen.getByTestId('sla-GD2').dataset.slaState).toBe('breached');
    expect(screen.getByTestId('sla-GD3').dataset.slaState).toBe('paused');
    expect(screen.getByTestId('sla-GD3').textContent).toContain('已超时');
    expect(screen.getByTestId('unacked-GD1').textContent).toBe('待确认');
    expect(screen.queryByTestId('unacked-GD2')).toBeNull();
    expect(screen.queryByTestId('unacked-GD3')).toBeNull();
  });

  it('agents have no risk or admin navigation', async () => {
    renderApp('/console/queue/mine', {
      ...staffRoutes(),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('queue-page');
    expect(screen.queryByTestId('nav-risk')).toBeNull();
    expect(screen.queryByTestId('nav-rules')).toBeNull();
  });
});

describe('assignment reasons in the audit trail', () => {
  it('says why in the reader language, from the reason code', async () => {
    const { default: i18n } = await import('../i18n');
    const { routingSentence } = await import('./AuditTrail');
    const change = { field: 'routing', old: null, new: 'least_loaded: lowest weighted load (0) among 4 agents' };
    expect(routingSentence(change, '自动分派', i18n.t)).toBe('分派依据：分给负载最低的坐席（同负载轮流）');
    const unknown = { field: 'routing', old: null, new: 'something new: detail' };
    expect(routingSentence(unknown, '自动分派', i18n.t)).toBe('分派依据：something new: detail');
  });
});
