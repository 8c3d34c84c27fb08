import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CannedReplyInput, CannedReplySet, User } from '../../api/types';
import { json, type RecordedRequest } from '../../test/fakeFetch';
import { AGENT, renderApp, staffRoutes } from '../../test/renderApp';

const SUPERVISOR: User = {
  ...AGENT,
  email: 'lead@demo.local',
  name: '王主管',
  role: 'supervisor',
  permissions: ['ticket.urge', 'rules.read', 'sla.monitor', 'canned.manage'],
};

const SET: CannedReplySet = {
  items: [
    { id: 'r1', title: '查询物流', body: '您好 {customer_name}，\n您的工单 {ticket_number} 已收到。' },
    { id: 'r2', title: '退款说明', body: '退款将在 3 个工作日内原路退回。' },
  ],
  version: 3,
};

function puts(server: { requests: RecordedRequest[] }): RecordedRequest[] {
  return server.requests.filter((r) => r.method === 'PUT' && r.path === '/api/admin/canned-replies');
}

describe('canned replies management', () => {
  it('lists title and first line, adds, edits, reorders, deletes and saves the whole set with If-Match', async () => {
    let stored: CannedReplySet = SET;
    const { server } = renderApp('/console/admin/canned', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/canned-replies': () => json(200, stored, { ETag: `"${stored.version}"` }),
      'PUT /api/admin/canned-replies': (req) => {
        const items = (req.body as { items: CannedReplyInput[] }).items;
        stored = { items: items.map((it, i) => ({ ...it, id: it.id ?? `new${i}` })), version: (stored.version ?? 0) + 1 };
        return json(200, stored, { ETag: `"${stored.version}"` });
      },
    });
    // the nav entry is there for canned.manage
    expect(await screen.findByTestId('nav-canned')).toBeTruthy();
    const page = await screen.findByTestId('canned-page');
    expect(screen.getByTestId('canned-list').dataset.count).toBe('2');
    const row0 = screen.getByTestId('canned-row-0');
    expect(row0.textContent).toContain('查询物流');
    expect(row0.textContent).toContain('您好 {customer_name}，');
    expect(row0.textContent).not.toContain('已收到');
    // the hint names every placeholder
    const hint = screen.getByTestId('canned-placeholders').textContent ?? '';
    for (const p of ['{customer_name}', '{ticket_number}', '{agent_name}']) expect(hint).toContain(p);
    expect(screen.getByTestId('canned-save').hasAttribute('disabled')).toBe(true);

    // add one: it opens for editing
    fireEvent.click(screen.getByTestId('canned-add'));
    fireEvent.change(await screen.findByTestId('canned-title-2'), { target: { value: '  结束语 ' } });
    fireEvent.change(screen.getByTestId('canned-body-2'), { target: { value: '祝您生活愉快！\n——{agent_name}' } });
    expect(screen.getByTestId('canned-row-2').textContent).toContain('祝您生活愉快！');
    // edit an existing one, move the new one to the top, drop 退款说明
    fireEvent.click(screen.getByTestId('canned-edit-0'));
    fireEvent.change(screen.getByTestId('canned-body-0'), { target: { value: '您好 {customer_name}，已为您查询。' } });
    fireEvent.click(screen.getByTestId('canned-up-2'));
    fireEvent.click(screen.getByTestId('canned-up-1'));
    expect(within(screen.getByTestId('canned-row-0')).getByTestId('canned-summary-0').textContent).toContain('结束语');
    fireEvent.click(screen.getByTestId('canned-delete-2'));
    expect(screen.getByTestId('canned-list').dataset.count).toBe('2');
    expect(page.dataset.dirty).toBe('true');

    fireEvent.click(screen.getByTestId('canned-save'));
    await waitFor(() => expect(puts(server)).toHaveLength(1));
    const put = puts(server)[0];
    expect(put.headers.get('If-Match')).toBe('"3"');
    expect(put.body).toEqual({
      items: [
        { title: '结束语', body: '祝您生活愉快！\n——{agent_name}' },
        { id: 'r1', title: '查询物流', body: '您好 {customer_name}，已为您查询。' },
      ],
    });
    await waitFor(() => expect(screen.getByTestId('canned-page').dataset.dirty).toBe('false'));
    expect(screen.getByTestId('canned-page').dataset.version).toBe('4');

    // the next save names the version the server returned
    fireEvent.click(screen.getByTestId('canned-delete-0'));
    fireEvent.click(screen.getByTestId('canned-save'));
    await waitFor(() => expect(puts(server)).toHaveLength(2));
    expect(puts(server)[1].headers.get('If-Match')).toBe('"4"');
    expect((puts(server)[1].body as { items: unknown[] }).items).toEqual([
      { id: 'r1', title: '查询物流', body: '您好 {customer_name}，已为您查询。' },
    ]);
  });

  it('a 400 shows every reason as a list', async () => {
    renderApp('/console/admin/canned', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/canned-replies': () => ({ json: SET }),
      'PUT /api/admin/canned-replies': () =>
        json(400, {
          error: {
            code: 'invalid_canned_replies',
            message: 'invalid canned replies',
            reasons: ['item 3: title is empty', "items 1 and 2 have the same title '查询物流'"],
          },
        }),
    });
    fireEvent.click(await screen.findByTestId('canned-add'));
    fireEvent.change(await screen.findByTestId('canned-title-2'), { target: { value: '' } });
    fireEvent.click(screen.getByTestId('canned-save'));
    const list = await screen.findByTestId('canned-error-list');
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'item 3: title is empty',
      "items 1 and 2 have the same title '查询物流'",
    ]);
    expect(screen.getByTestId('canned-error').textContent).toContain('无法保存，发现 2 个问题');
    // the edits stay for fixing
    expect(screen.getByTestId('canned-list').dataset.count).toBe('3');
    expect(screen.getByTestId('canned-page').dataset.dirty).toBe('true');
  });

  it('a 412 says someone else saved meanwhile and offers to load their set; nothing is overwritten', async () => {
    let stored: CannedReplySet = SET;
    const { server } = renderApp('/console/admin/canned', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/canned-replies': () => ({ json: stored }),
      'PUT /api/admin/canned-replies': () => json(412, { error: { code: 'version_conflict', message: 'stale' } }),
    });
    fireEvent.click(await screen.findByTestId('canned-delete-1'));
    // someone else saves in between
    stored = { items: [SET.items[1]], version: 4 };
    fireEvent.click(screen.getByTestId('canned-save'));
    expect((await screen.findByTestId('canned-error')).textContent).toContain('已被他人修改，请刷新');
    fireEvent.click(screen.getByTestId('canned-error-reload'));
    await waitFor(() => expect(screen.queryByTestId('canned-error')).toBeNull());
    expect(screen.getByTestId('canned-list').dataset.count).toBe('1');
    expect(screen.getByTestId('canned-row-0').textContent).toContain('退款说明');
    expect(screen.getByTestId('canned-page').dataset.version).toBe('4');
    expect(screen.getByTestId('canned-page').dataset.dirty).toBe('false');
    expect(puts(server)).toHaveLength(1);
  });

  it('a 400 without reasons reads in English too', async () => {
    renderApp('/console/admin/canned', {
      ...staffRoutes(SUPERVISOR),
      'GET /api/canned-replies': () => ({ json: SET }),
      'PUT /api/admin/canned-replies': () => json(400, { error: { code: 'invalid_canned_replies', message: 'bad' } }),
    });
    fireEvent.click(await screen.findByTestId('lang-switch'));
    fireEvent.click(await screen.findByTestId('canned-delete-0'));
    fireEvent.click(screen.getByTestId('canned-save'));
    expect((await screen.findByTestId('canned-error')).textContent).toContain('The canned replies are invalid');
  });
});

describe('canned replies access', () => {
  it('a plain agent has no nav entry and no route', async () => {
    const { server } = renderApp('/console/admin/canned', {
      ...staffRoutes(AGENT),
      'GET /api/tickets': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('nav-queue');
    expect(screen.queryByTestId('nav-canned')).toBeNull();
    // the unknown route falls back to the queue
    await waitFor(() => expect(window.location.pathname).toBe('/console/queue/mine'));
    expect(screen.queryByTestId('canned-page')).toBeNull();
    expect(server.requests.some((r) => r.path.includes('canned'))).toBe(false);
  });
});
