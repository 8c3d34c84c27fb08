import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DryRunOutcome, RuleSet, SlaPolicySet, User } from '../../api/types';
import { json } from '../../test/fakeFetch';
import { AGENT, renderApp, staffRoutes } from '../../test/renderApp';

const ADMIN: User = {
  email: 'admin@demo.local',
  name: '系统管理员',
  role: 'admin',
  teams: [],
  permissions: ['ticket.read.all', 'ticket.urge', 'rules.read', 'rules.manage', 'sla.monitor', 'directory.manage'],
};
const SUPERVISOR: User = { ...AGENT, email: 'lead@demo.local', role: 'supervisor', permissions: ['ticket.urge', 'rules.read', 'sla.monitor'] };

const RULES: RuleSet = {
  rules: [
    {
      name: '资金或安全问题为紧急',
      position: 10,
      match: 'any',
      conditions: [{ field: 'text', operator: 'contains', value: ['扣款', '盗刷'] }],
      actions: [
        { type: 'set_priority', value: 'P1' },
        { type: 'add_tags', value: ['资金安全'] },
      ],
      stop: false,
      enabled: true,
    },
    {
      name: '账务问题转账务组',
      position: 20,
      match: 'any',
      conditions: [{ field: 'text', operator: 'contains', value: ['退款'] }],
      actions: [{ type: 'set_team', value: 'billing' }],
      stop: true,
      enabled: true,
    },
  ],
  version: 2,
};

const OUTCOME: DryRunOutcome = {
  team: 'billing',
  priority: 'P1',
  category: null,
  assignee: null,
  tags: ['资金安全'],
  notify: [],
  changes: [
    { field: 'team', old: null, new: 'billing' },
    { field: 'priority', old: 'P3', new: 'P1' },
  ],
  fired: ['资金或安全问题为紧急', '账务问题转账务组'],
  passes: 2,
  converged: true,
  trace: [
    {
      rule: '资金或安全问题为紧急',
      position: 10,
      pass: 1,
      status: 'fired',
      fired: true,
      detail: 'fired: text contains 扣款',
      conditions: [{ field: 'text', operator: 'contains', expected: ['扣款'], actual: '重复扣款', matched: true, detail: "text contains '扣款'" }],
      changes: [{ field: 'priority', old: 'P3', new: 'P1' }],
    },
    {
      rule: '账务问题转账务组',
      position: 20,
      pass: 1,
      status: 'fired',
      fired: true,
      detail: 'fired: text contains 退款',
      conditions: [],
      changes: [],
    },
    {
      rule: '旧规则',
      position: 30,
      pass: 1,
      status: 'error',
      fired: false,
      detail: "error: unknown field 'titel'",
      conditions: [],
      changes: [],
      error: { code: 'unknown_field', field: 'titel' },
    },
  ],
};

describe('routing rules editor', () => {
  it('dry-runs the rules as edited on a sample ticket and shows which fired, why, and the resulting fields', async () => {
    const { server } = renderApp('/console/admin/rules', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/admin/rules': () => ({ json: RULES }),
      'POST /api/admin/rules/dry-run': () => json(200, OUTCOME),
    });
    expect((await screen.findByTestId('rules-list')).dataset.count).toBe('2');
    // a supervisor reads and dry-runs, and cannot save
    expect(screen.getByTestId('rules-readonly')).toBeTruthy();
    expect(screen.queryByTestId('rules-save')).toBeNull();
    fireEvent.change(screen.getByTestId('dry-run-subject'), { target: { value: '重复扣款要退款' } });
    fireEvent.change(screen.getByTestId('dry-run-requester_email'), { target: { value: 'a@example.com' } });
    fireEvent.click(screen.getByTestId('dry-run-submit'));
    const result = await screen.findByTestId('dry-run-result');
    const fired = within(result).getByTestId('dry-run-fired');
    expect(within(fired).getByTestId('fired-资金或安全问题为紧急')).toBeTruthy();
    expect(within(fired).getByTestId('fired-账务问题转账务组')).toBeTruthy();
    expect(within(result).getByTestId('dry-run-field-team').dataset.changed).toBe('true');
    expect(within(result).getByTestId('dry-run-field-priority').textContent).toContain('P1');
    // The trace reads in the reader's language, from the condition's field, operator and values.
    expect(within(result).getByTestId('trace-0').textContent).toContain('主题或描述 包含 扣款');
    expect(within(result).getByTestId('trace-0').textContent).toContain('条件满足，已执行动作');
    expect(within(result).getByTestId('trace-0').dataset.status).toBe('fired');
    // A failed rule's error is worded from its code, the English detail kept as the tooltip.
    const failed = within(result).getByTestId('trace-2-why');
    expect(failed.textContent).toBe('规则出错（其余规则照常执行）：未知字段「titel」');
    expect(failed.getAttribute('title')).toBe("error: unknown field 'titel'");
    const post = server.requests.find((r) => r.path === '/api/admin/rules/dry-run')!;
    expect(post.body).toEqual({
      ticket: { subject: '重复扣款要退款', description: '', requester_email: 'a@example.com' },
      rules: { rules: RULES.rules },
    });
    expect(post.body).not.toHaveProperty('rules.version');
  });

  it('an admin edits, reorders and saves with PUT; a 400 shows every reason as a list', async () => {
    let calls = 0;
    const { server } = renderApp('/console/admin/rules', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/rules': () => ({ json: RULES }),
      'PUT /api/admin/rules': (req) => {
        calls += 1;
        if (calls === 1) {
          return json(400, {
            error: {
              code: 'invalid_rules',
              message: 'invalid routing rules',
              reasons: ["rule 1 (x): condition 1: unknown field 'colour'", "rules 'a', 'b' can keep changing category"],
            },
          });
        }
        return json(200, { ...(req.body as RuleSet), version: 3 });
      },
    });
    const name = (await screen.findByTestId('rule-1-name')) as HTMLInputElement;
    fireEvent.change(name, { target: { value: '账务转账务组' } });
    fireEvent.click(screen.getByTestId('rule-1-up'));
    fireEvent.click(screen.getByTestId('rule-1-stop'));
    fireEvent.click(screen.getByTestId('rules-save'));
    const list = await screen.findByTestId('rules-error-list');
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      "rule 1 (x): condition 1: unknown field 'colour'",
      "rules 'a', 'b' can keep changing category",
    ]);
    expect(screen.getByTestId('rules-error').textContent).toContain('无法保存，发现 2 个问题');
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers.get('If-Match')).toBe('"2"');
    expect(Object.keys(put.body as object)).toEqual(['rules']);
    const sent = (put.body as RuleSet).rules;
    expect(sent.map((r) => [r.name, r.position, r.stop])).toEqual([
      ['账务转账务组', 10, true],
      ['资金或安全问题为紧急', 20, true],
    ]);
    fireEvent.click(screen.getByTestId('rules-save'));
    await waitFor(() => expect(screen.queryByTestId('rules-error')).toBeNull());
    expect(screen.getByTestId('rules-page').dataset.dirty).toBe('false');
    // the next save names the version the server returned
    fireEvent.click(screen.getByTestId('rule-0-stop'));
    fireEvent.click(screen.getByTestId('rules-save'));
    await waitFor(() => expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(3));
    expect(server.requests.filter((r) => r.method === 'PUT')[2].headers.get('If-Match')).toBe('"3"');
  });
});

describe('routing rules saved by someone else meanwhile', () => {
  it('a 412 says so and offers to load their version; nothing is overwritten', async () => {
    let stored: RuleSet = RULES;
    const { server } = renderApp('/console/admin/rules', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/rules': () => ({ json: stored }),
      'PUT /api/admin/rules': () => json(412, { error: { code: 'version_conflict', message: 'stale' } }),
    });
    fireEvent.change(await screen.findByTestId('rule-0-name'), { target: { value: '我的修改' } });
    // someone else saves in between
    stored = { rules: [{ ...RULES.rules[1], position: 10 }], version: 3 };
    fireEvent.click(screen.getByTestId('rules-save'));
    expect((await screen.findByTestId('rules-error')).textContent).toContain('已被他人修改，请刷新');
    fireEvent.click(screen.getByTestId('rules-error-reload'));
    await waitFor(() => expect(screen.getByTestId('rules-list').dataset.count).toBe('1'));
    expect((screen.getByTestId('rule-0-name') as HTMLInputElement).value).toBe('账务问题转账务组');
    expect(screen.queryByTestId('rules-error')).toBeNull();
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});

const POLICIES: SlaPolicySet = {
  warning_share: 0.75,
  calendars: [
    {
      name: '24x7',
      time_zone: 'Asia/Shanghai',
      always_open: true,
      statutory: false,
      hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      makeup_hours: null,
      holidays: [],
      extra_workdays: [],
    },
    {
      name: 'business',
      time_zone: 'Asia/Shanghai',
      always_open: false,
      statutory: true,
      hours: {
        mon: [{ start: '09:00', end: '18:00' }],
        tue: [{ start: '09:00', end: '18:00' }],
        wed: [{ start: '09:00', end: '18:00' }],
        thu: [{ start: '09:00', end: '18:00' }],
        fri: [{ start: '09:00', end: '18:00' }],
        sat: [],
        sun: [],
      },
      makeup_hours: null,
      holidays: [],
      extra_workdays: [],
    },
  ],
  policies: [
    { name: 'P1 紧急', priority: 'P1', channels: [], tier: null, first_response: { minutes: 15 }, resolution: { hours: 4 }, calendar: '24x7' },
    { name: 'P3 一般', priority: 'P3', channels: [], tier: null, first_response: { hours: 8 }, resolution: { working_days: 3 }, calendar: 'business' },
  ],
  escalation: { ack_timeout_minutes: 10, raise_priority_on_breach: false, reassign_on_breach: false },
  version: 5,
};

describe('SLA policies and calendars editor', () => {
  it('edits a calendar and saves the whole set with PUT; a 400 shows the reasons', async () => {
    const { server } = renderApp('/console/admin/sla', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/sla-policies': () => ({ json: POLICIES }),
      'PUT /api/admin/sla-policies': () =>
        json(400, {
          error: {
            code: 'invalid_sla_policies',
            message: 'invalid SLA policies',
            reasons: ['calendars[1]: sat: 18:00-09:00 ends before it starts', 'no policy for every P2 ticket (one with no channels and no tier)'],
          },
        }),
    });
    expect((await screen.findByTestId('calendar-0-24x7')).textContent).toContain('全天候');
    // Saturday gets a working period, with a lunch break on Monday
    fireEvent.click(screen.getByTestId('sla-raise-on-breach'));
    fireEvent.click(screen.getByTestId('calendar-1-hours-sat-add'));
    fireEvent.click(screen.getByTestId('calendar-1-hours-mon-add'));
    fireEvent.change(screen.getByTestId('calendar-1-hours-mon-0-end'), { target: { value: '12:00' } });
    fireEvent.change(screen.getByTestId('calendar-1-hours-mon-1-start'), { target: { value: '13:30' } });
    fireEvent.click(screen.getByTestId('sla-save'));
    const list = await screen.findByTestId('sla-error-list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(list.textContent).toContain('no policy for every P2 ticket');
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers.get('If-Match')).toBe('"5"');
    const body = put.body as SlaPolicySet;
    expect(body).not.toHaveProperty('version');
    expect(body.escalation).toEqual({ ack_timeout_minutes: 10, raise_priority_on_breach: true, reassign_on_breach: false });
    expect(body.warning_share).toBe(0.75);
    expect(body.policies).toEqual(POLICIES.policies);
    expect(body.calendars[1].hours.sat).toEqual([{ start: '09:00', end: '18:00' }]);
    expect(body.calendars[1].hours.mon).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '18:00' },
    ]);
    expect(body.calendars[0]).toEqual(POLICIES.calendars[0]);
  });

  it('renaming a calendar keeps its policies on it', async () => {
    const { server } = renderApp('/console/admin/sla', {
      ...staffRoutes(ADMIN),
      'GET /api/admin/sla-policies': () => ({ json: POLICIES }),
      'PUT /api/admin/sla-policies': (req) => json(200, req.body),
    });
    fireEvent.change(await screen.findByTestId('calendar-1-name'), { target: { value: 'office' } });
    fireEvent.click(screen.getByTestId('sla-save'));
    await waitFor(() => expect(screen.getByTestId('sla-page').dataset.dirty).toBe('false'));
    const body = server.requests.find((r) => r.method === 'PUT')!.body as SlaPolicySet;
    expect(body.calendars[1].name).toBe('office');
    expect(body.policies[1].calendar).toBe('office');
  });
});
