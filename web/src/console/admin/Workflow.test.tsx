import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Automation, Rule, RuleSet, User } from '../../api/types';
import { json, type RecordedRequest } from '../../test/fakeFetch';
import { AGENT, makeTicket, renderApp, staffRoutes } from '../../test/renderApp';

const ADMIN: User = {
  ...AGENT,
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  permissions: ['rules.read', 'rules.manage', 'sla.monitor', 'ticket.review', 'ticket.urge'],
};

const ROUTING: Rule = {
  name: '其余转技术支持组',
  position: 10,
  event: 'created',
  match: 'all',
  conditions: [],
  actions: [{ type: 'set_team', value: 'tech' }],
  stop: false,
  enabled: true,
};
const URGENT: Rule = {
  name: '升为紧急时加急',
  position: 10,
  event: 'updated',
  match: 'all',
  conditions: [{ field: 'priority', operator: 'changed_to', value: ['P1'] }],
  actions: [
    { type: 'add_tags', value: ['加急'] },
    { type: 'escalate', value: true },
  ],
  stop: false,
  enabled: true,
};

const AUTOMATIONS: Automation[] = [
  {
    id: 'close-resolved',
    name: '已解决 72 小时后结案',
    enabled: true,
    when: { status: 'resolved', hours_since: 'resolved_at', hours: 72, business_hours: false },
    actions: [
      { type: 'set_status', value: 'closed' },
      { type: 'send_mail', value: 'closing_notice' },
    ],
  },
];

function sent(server: { requests: RecordedRequest[] }, method: string, path: string): RecordedRequest[] {
  return server.requests.filter((r) => r.method === method && r.path === path);
}

describe('triggers', () => {
  it('shows the triggers only, saves them with the routing rules unchanged, and dry-runs an update', async () => {
    let stored: RuleSet = { rules: [ROUTING, URGENT], version: 4 };
    const { server } = renderApp('/console/admin/triggers', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/rules': () => json(200, stored, { ETag: `"${stored.version}"` }),
      'PUT /api/admin/rules': (req) => {
        stored = { rules: (req.body as RuleSet).rules, version: 5 };
        return json(200, stored);
      },
      'POST /api/admin/rules/dry-run': () =>
        json(200, {
          event: 'updated',
          team: null,
          priority: 'P1',
          category: null,
          assignee: null,
          status: 'in_progress',
          tags: ['加急'],
          notify: [],
          replies: [],
          escalate: [''],
          changes: [{ field: 'tags', old: [], new: ['加急'] }],
          fired: [URGENT.name],
          passes: 2,
          converged: true,
          trace: [],
        }),
    });
    expect(await screen.findByTestId('nav-triggers')).toBeTruthy();
    const list = await screen.findByTestId('triggers-list');
    expect(list.dataset.count).toBe('1');
    expect((screen.getByTestId('trigger-0-name') as HTMLInputElement).value).toBe(URGENT.name);

    fireEvent.change(screen.getByTestId('trigger-0-name'), { target: { value: '紧急加急' } });
    fireEvent.click(screen.getByTestId('triggers-save'));
    await waitFor(() => expect(sent(server, 'PUT', '/api/admin/rules')).toHaveLength(1));
    const put = sent(server, 'PUT', '/api/admin/rules')[0];
    expect(put.headers.get('If-Match')).toBe('"4"');
    const rules = (put.body as RuleSet).rules;
    expect(rules[0]).toEqual(ROUTING);
    expect(rules[1]).toMatchObject({ name: '紧急加急', event: 'updated', position: 10 });

    fireEvent.click(screen.getByTestId('trigger-dry-run-submit'));
    await waitFor(() => expect(sent(server, 'POST', '/api/admin/rules/dry-run')).toHaveLength(1));
    const body = sent(server, 'POST', '/api/admin/rules/dry-run')[0].body as Record<string, unknown>;
    expect(body.event).toBe('updated');
    expect(body.changes).toEqual([{ field: 'priority', old: 'P3', new: 'P1' }]);
    const result = await screen.findByTestId('dry-run-result');
    expect(within(result).getByTestId('dry-run-fired').textContent).toContain(URGENT.name);
    expect(within(result).getByTestId('dry-run-field-escalate').textContent).toContain('升级给主管');
  });

  it('the routing rules screen keeps the triggers it does not show', async () => {
    const { server } = renderApp('/console/admin/rules', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/rules': () => json(200, { rules: [ROUTING, URGENT], version: 2 }),
      'PUT /api/admin/rules': (req) => json(200, { ...(req.body as RuleSet), version: 3 }),
    });
    expect((await screen.findByTestId('rules-list')).dataset.count).toBe('1');
    fireEvent.change(screen.getByTestId('rule-0-name'), { target: { value: '兜底' } });
    fireEvent.click(screen.getByTestId('rules-save'));
    await waitFor(() => expect(sent(server, 'PUT', '/api/admin/rules')).toHaveLength(1));
    const rules = (sent(server, 'PUT', '/api/admin/rules')[0].body as RuleSet).rules;
    expect(rules.map((r) => r.name)).toEqual(['兜底', URGENT.name]);
    expect(rules[1]).toEqual(URGENT);
  });
});

describe('automations and the closing review policy', () => {
  it('edits and saves the list with If-Match from the ETag; saves the review policy', async () => {
    const { server } = renderApp('/console/admin/automations', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/automations': () => json(200, AUTOMATIONS, { ETag: '"0"' }),
      'PUT /api/admin/automations': (req) => json(200, req.body, { ETag: '"1"' }),
      'GET /api/admin/sla-policies': () =>
        json(200, { warning_share: 0.75, calendars: [{ name: 'business' }, { name: '24x7' }], policies: [], version: 0 }),
      'GET /api/admin/review-policy': () => json(200, { categories: [], priorities: [], version: 0 }),
      'PUT /api/admin/review-policy': (req) => json(200, { ...(req.body as object), version: 1 }),
    });
    expect((await screen.findByTestId('automations-list')).dataset.count).toBe('1');
    fireEvent.change(screen.getByTestId('automation-0-hours').querySelector('input') ?? screen.getByTestId('automation-0-hours'), {
      target: { value: '48' },
    });
    fireEvent.click(screen.getByTestId('add-automation'));
    expect(screen.getByTestId('automations-list').dataset.count).toBe('2');
    fireEvent.click(screen.getByTestId('automations-save'));
    await waitFor(() => expect(sent(server, 'PUT', '/api/admin/automations')).toHaveLength(1));
    const put = sent(server, 'PUT', '/api/admin/automations')[0];
    expect(put.headers.get('If-Match')).toBe('"0"');
    const items = put.body as Automation[];
    expect(items[0]).toMatchObject({ id: 'close-resolved', when: { hours: 48, status: 'resolved' } });
    expect(items[1].id).toBeUndefined();
    expect(items[1].when).toEqual({ status: 'waiting_customer', hours_since: 'waiting_since', hours: 24, business_hours: false });

    fireEvent.click(await screen.findByTestId('review-policy-save'));
    await waitFor(() => expect(sent(server, 'PUT', '/api/admin/review-policy')).toHaveLength(1));
    expect(sent(server, 'PUT', '/api/admin/review-policy')[0].body).toEqual({ categories: [], priorities: [] });
  });
});

describe('the closing review list and the ticket page', () => {
  it('lists the tickets waiting for review and approves one', async () => {
    const held = makeTicket({
      status: 'resolved',
      category: 'refund',
      review: { state: 'pending', requested_by: '已解决 72 小时后结案', requested_at: '2026-11-25T10:00:00+08:00', comment: '' },
    });
    const { server } = renderApp('/console/review', {
      ...staffRoutes(ADMIN),
      'GET /api/tickets': () => json(200, { items: [held], next_cursor: null }),
      'POST /api/tickets/t1/review': () => json(200, { ...held, status: 'closed', review: { ...held.review, state: 'approved' } }),
    });
    const row = await screen.findByTestId(`review-row-${held.number}`);
    expect(row.textContent).toContain('已解决 72 小时后结案');
    expect(sent(server, 'GET', '/api/tickets')[0].query.get('view')).toBe('review');
    fireEvent.click(within(row).getByTestId(`review-approve-${held.number}`));
    fireEvent.click(await screen.findByTestId('review-confirm'));
    await waitFor(() => expect(sent(server, 'POST', '/api/tickets/t1/review')).toHaveLength(1));
    expect(sent(server, 'POST', '/api/tickets/t1/review')[0].body).toEqual({ approve: true, comment: '' });
  });

  it('a ticket says which automation acts next and when', async () => {
    const ticket = makeTicket({
      status: 'resolved',
      next_automation: { id: 'close-resolved', name: '已解决 72 小时后结案', at: '2026-11-25T10:15:00+08:00' },
    });
    renderApp('/console/tickets/t1', {
      ...staffRoutes(ADMIN),
      'GET /api/tickets/t1': () => json(200, ticket, { ETag: '"3"' }),
      'GET /api/tickets/t1/messages': () => json(200, { items: [], next_cursor: null }),
      'GET /api/tickets/t1/events': () => json(200, { items: [], next_cursor: null }),
    });
    const line = await screen.findByTestId('next-automation');
    expect(line.textContent).toContain('已解决 72 小时后结案');
    expect(line.textContent).toContain('2026');
  });
});
