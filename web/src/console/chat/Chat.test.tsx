import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CannedReplySet, ChatSummary, Message } from '../../api/types';
import { json } from '../../test/fakeFetch';
import { AGENT, makeTicket, renderApp, staffRoutes } from '../../test/renderApp';
import { FakeSocket } from '../../widget/fakeSocket';
import { byWaiting, mergeLines } from './chatLines';

class StubSocket extends FakeSocket {
  static OPEN = 1;
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', StubSocket);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function chat(over: Partial<ChatSummary>): ChatSummary {
  return {
    ticket_id: 't1',
    ticket_number: 'GD1',
    visitor_name: '小王',
    text: '订单没到',
    status: 'new',
    started_at: '2026-12-06T02:00:00Z',
    waiting_since: '2026-12-06T02:00:00Z',
    last_line_at: '2026-12-06T02:00:00Z',
    connected: true,
    ended: false,
    ...over,
  };
}

describe('the chat queue', () => {
  it('lists waiting chats oldest first with a live waiting time, and accept opens the conversation', async () => {
    const now = Date.now();
    const ago = (s: number) => new Date(now - s * 1000).toISOString();
    const waiting = [
      chat({ ticket_id: 'b', ticket_number: 'GD2', visitor_name: '后来的', waiting_since: ago(30), started_at: ago(30) }),
      chat({ ticket_id: 'a', ticket_number: 'GD1', visitor_name: '先来的', waiting_since: ago(125), started_at: ago(125) }),
    ];
    const { server } = renderApp('/console/chats', {
      ...staffRoutes(),
      'GET /api/chats': (req) => ({
        json: { items: req.query.get('state') === 'waiting' ? waiting : [] },
      }),
      'POST /api/tickets/a/chat/accept': () => ({ json: makeTicket({ id: 'a', number: 'GD1', channel: 'chat', assignee: AGENT.email }) }),
      'GET /api/tickets/a': () => ({ json: makeTicket({ id: 'a', number: 'GD1', channel: 'chat', assignee: AGENT.email }) }),
      'GET /api/tickets/a/messages': () => ({ json: { items: [], next_cursor: null } }),
      'GET /config.json': () => ({ json: { auth: 'local', chat_url: 'ws://chat.test' } }),
    });
    const list = await screen.findByTestId('chat-waiting');
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.dataset.testid)).toEqual(['chat-row-GD1', 'chat-row-GD2']);
    const waited = within(rows[0]).getByTestId('chat-waited');
    const first = waited.textContent;
    expect(first).toMatch(/^已等待 2分\d+秒$/);
    // the time runs on by itself, without a refetch
    await waitFor(() => expect(waited.textContent).not.toBe(first), { timeout: 3000 });
    expect(await screen.findByTestId('chat-mine-empty')).toBeTruthy();
    fireEvent.click(screen.getByTestId('chat-accept-GD1'));
    await screen.findByTestId('chat-page');
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/tickets/a/chat/accept']);
  });

  it('tells the agent when a colleague took the chat first', async () => {
    renderApp('/console/chats', {
      ...staffRoutes(),
      'GET /api/chats': (req) => ({ json: { items: req.query.get('state') === 'waiting' ? [chat({})] : [] } }),
      'POST /api/tickets/t1/chat/accept': () => json(409, { error: { code: 'conflict', message: 'taken' } }),
    });
    fireEvent.click(await screen.findByTestId('chat-accept-GD1'));
    expect(await screen.findByText('该会话已被同事接入')).toBeTruthy();
  });
});

describe('the live conversation', () => {
  const CANNED: CannedReplySet = { items: [{ id: 'r1', title: '问候', body: '您好 {customer_name}，我是 {agent_name}。' }], version: 1 };
  const history: Message[] = [
    {
      id: 'm1',
      ticket_id: 't1',
      author: { email: 'wang@example.com', name: '小王', role: 'customer' },
      body: '订单没到',
      internal: false,
      created_at: '2026-12-06T02:00:00Z',
      channel: 'chat',
    },
  ];

  function routes(posted: unknown[]) {
    return {
      ...staffRoutes(),
      'GET /config.json': () => ({ json: { auth: 'local', chat_url: 'ws://chat.test' } }),
      'GET /api/tickets/t1': () => ({
        json: makeTicket({ channel: 'chat', assignee: AGENT.email, requester: { email: 'wang@example.com', name: '小王' } }),
      }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: history, next_cursor: null } }),
      'POST /api/tickets/t1/messages': (req: { body: unknown }) => {
        posted.push(req.body);
        return { status: 201, json: { ...history[0], id: 'm9', body: (req.body as { body: string }).body } };
      },
      'POST /api/tickets/t1/chat/end': () => ({ json: {} }),
      'GET /api/canned-replies': () => ({ json: CANNED }),
    };
  }

  it('watches the ticket, shows visitor lines and typing live, replies through the API, sends typing', async () => {
    const posted: unknown[] = [];
    const { server } = renderApp('/console/chats/t1', routes(posted));
    await screen.findByTestId('chat-page');
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last();
    expect(ws.url).toBe('ws://chat.test?token=tok');
    ws.open();
    expect(ws.sent).toEqual([{ action: 'watch', ticket: 't1' }]);
    ws.receive({ type: 'watching', ticket_id: 't1', ticket_number: 'GD20261122001' });
    await waitFor(() => expect(screen.getByTestId('chat-watch-state').dataset.state).toBe('watching'));

    ws.receive({ type: 'typing', from: 'visitor', ticket_id: 't1' });
    expect((await screen.findByTestId('chat-visitor-typing')).textContent).toBe('访客正在输入…');
    ws.receive({ type: 'message', from: 'visitor', name: '小王', text: '<b>还在吗</b>', at: '2026-12-06T02:01:00Z', id: 'm2', ticket_id: 't1' });
    ws.receive({ type: 'message', from: 'visitor', name: '小王', text: '别的会话', at: '2026-12-06T02:01:00Z', id: 'x', ticket_id: 'other' });
    await waitFor(() => expect(screen.getAllByTestId('chat-line-visitor')).toHaveLength(2));
    expect(screen.getAllByTestId('chat-line-visitor')[1].textContent).toContain('<b>还在吗</b>');
    expect(screen.getByTestId('chat-visitor-typing').textContent).toBe('');

    const reply = screen.getByTestId('chat-reply') as HTMLTextAreaElement;
    fireEvent.change(reply, { target: { value: '在的，请稍等' } });
    expect(ws.sent.at(-1)).toEqual({ action: 'typing' });
    fireEvent.click(screen.getByTestId('chat-send'));
    await waitFor(() => expect(posted).toEqual([{ body: '在的，请稍等', internal: false }]));
    await waitFor(() => expect(reply.value).toBe(''));
    expect(server.requests.some((r) => r.path === '/api/tickets/t1/messages' && r.method === 'POST')).toBe(true);
  });

  it('inserts a canned reply and ends the chat', async () => {
    const posted: unknown[] = [];
    const { server } = renderApp('/console/chats/t1', routes(posted));
    await screen.findByTestId('chat-page');
    const picker = screen.getByTestId('canned-picker');
    fireEvent.mouseDown(picker.querySelector('.ant-select-selector, .ant-select-content, input') ?? picker);
    fireEvent.click(await screen.findByTestId('canned-option-r1'));
    await waitFor(() => expect((screen.getByTestId('chat-reply') as HTMLTextAreaElement).value).toBe('您好 小王，我是 张伟。'));
    expect(screen.getByTestId('transfer-button')).toBeTruthy();
    fireEvent.click(screen.getByTestId('chat-end'));
    await screen.findByTestId('chat-ended');
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/api/tickets/t1/chat/end')).toBe(true);
    expect((screen.getByTestId('chat-reply') as HTMLTextAreaElement).disabled).toBe(true);
  });
});

describe('helpers', () => {
  it('orders waiting chats oldest first and merges live lines the ticket has not listed yet', () => {
    expect(
      byWaiting([chat({ ticket_id: 'n', waiting_since: '2026-12-06T03:00:00Z' }), chat({ ticket_id: 'o', waiting_since: '2026-12-06T01:00:00Z' })]).map(
        (c) => c.ticket_id,
      ),
    ).toEqual(['o', 'n']);
    const msg = (id: string, at: string): Message => ({
      id,
      ticket_id: 't',
      author: { email: 'a@x', name: 'A', role: 'agent' },
      body: id,
      internal: false,
      created_at: at,
    });
    const merged = mergeLines(
      [msg('m1', '2026-12-06T01:00:00Z'), { ...msg('note', '2026-12-06T01:30:00Z'), internal: true }],
      [
        { id: 'm1', from: 'visitor', name: 'V', text: 'm1', at: '2026-12-06T01:00:00Z' },
        { id: 'm2', from: 'visitor', name: 'V', text: 'm2', at: '2026-12-06T02:00:00Z' },
      ],
    );
    expect(merged.map((l) => `${l.from}:${l.id}`)).toEqual(['agent:m1', 'visitor:m2']);
  });
});
