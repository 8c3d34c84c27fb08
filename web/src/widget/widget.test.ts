import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatClient, type ChatHandlers, type ChatLine, type ChatNotice } from './client';
import { FakeSocket } from './fakeSocket';
import { words } from './i18n';
import { install } from './launcher';
import { mountChatWindow } from './ui';

function recorder() {
  const lines: ChatLine[] = [];
  const notices: ChatNotice[] = [];
  let transcripts: ChatLine[][] = [];
  let typing = 0;
  const handlers: ChatHandlers = {
    line: (l) => lines.push(l),
    transcript: (ls) => transcripts.push(ls),
    notice: (n) => notices.push(n),
    typing: () => typing++,
  };
  return {
    handlers,
    lines,
    notices,
    get transcripts() {
      return transcripts;
    },
    reset() {
      transcripts = [];
    },
    get typing() {
      return typing;
    },
  };
}

let ids = 0;
function client(rec: ReturnType<typeof recorder>, over: Partial<ConstructorParameters<typeof ChatClient>[0]> = {}) {
  return new ChatClient(
    {
      url: 'ws://chat.test',
      storageKey: 'helpdesk-chat:test',
      storage: window.localStorage,
      socket: (u) => new FakeSocket(u),
      backoff: () => 10,
      newId: () => `line-${++ids}`,
      ...over,
    },
    rec.handlers,
  );
}

beforeEach(() => {
  FakeSocket.all = [];
  ids = 0;
  window.localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the widget protocol', () => {
  it('starts a conversation, keeps its token, and shows every server frame in words', () => {
    const rec = recorder();
    const c = client(rec);
    c.start('小王', 'wang@example.com', '我的订单没到');
    const ws = FakeSocket.last();
    ws.open();
    expect(ws.sent).toEqual([{ action: 'start', name: '小王', email: 'wang@example.com', text: '我的订单没到' }]);
    ws.receive({ type: 'started', conversation: 'TOKEN1', ticket_number: 'GD1' });
    expect(c.conversation).toBe('TOKEN1');
    expect(JSON.parse(window.localStorage.getItem('helpdesk-chat:test')!).conversation).toBe('TOKEN1');
    ws.receive({ type: 'queue', position: 2 });
    ws.receive({ type: 'assigned', name: '张伟' });
    ws.receive({ type: 'typing' });
    ws.receive({ type: 'message', from: 'agent', name: '张伟', text: '您好', at: '2026-12-06T10:00:00+08:00', id: 'm1' });
    ws.receive({ type: 'message', from: 'agent', name: '张伟', text: '您好', at: '2026-12-06T10:00:00+08:00', id: 'm1' });
    ws.receive({ type: 'offline' });
    ws.receive({ type: 'error', code: 'rate_limited', message: 'slow down' });
    ws.receive('not json');
    expect(rec.notices).toEqual([
      { kind: 'connected' },
      { kind: 'started', ticketNumber: 'GD1' },
      { kind: 'queue', position: 2 },
      { kind: 'assigned', name: '张伟' },
      { kind: 'offline' },
      { kind: 'error', code: 'rate_limited', message: 'slow down' },
    ]);
    expect(rec.typing).toBe(1);
    // the same agent line delivered twice is shown once
    expect(rec.lines.filter((l) => l.from === 'agent')).toHaveLength(1);
  });

  it('passes a signed-in customer token on connect and sends no name', () => {
    const rec = recorder();
    const c = client(rec, { token: 'tok en' });
    c.start('王小明', 'ignored@example.com', '你好');
    const ws = FakeSocket.last();
    expect(ws.url).toBe('ws://chat.test?token=tok%20en');
    ws.open();
    expect(ws.sent).toEqual([{ action: 'start', text: '你好' }]);
  });

  it('reconnects after a drop, resumes, and resends the lines no resume has shown, with their ids', async () => {
    vi.useFakeTimers();
    const rec = recorder();
    const c = client(rec);
    c.start('小王', '', '第一句');
    let ws = FakeSocket.last();
    ws.open();
    ws.receive({ type: 'started', conversation: 'TOKEN1', ticket_number: 'GD1' });
    c.send('第二句', '小王');
    expect(ws.sent[1]).toEqual({ action: 'message', text: '第二句', id: 'line-1' });
    ws.drop();
    expect(rec.notices.at(-1)).toEqual({ kind: 'reconnecting' });
    c.send('断线时写的', '小王'); // nowhere to send it yet: kept
    await vi.advanceTimersByTimeAsync(10);
    ws = FakeSocket.last();
    expect(FakeSocket.all).toHaveLength(2);
    ws.open();
    expect(ws.sent).toEqual([{ action: 'resume', conversation: 'TOKEN1' }]);
    // the server took 第二句 before the drop, not the other
    ws.receive({
      type: 'resumed',
      messages: [
        { from: 'visitor', name: '小王', text: '第一句', at: '2026-12-06T10:00:00+08:00' },
        { from: 'visitor', name: '小王', text: '第二句', at: '2026-12-06T10:00:01+08:00' },
        { from: 'agent', name: '张伟', text: '在的', at: '2026-12-06T10:00:02+08:00' },
      ],
    });
    expect(ws.sent.slice(1)).toEqual([{ action: 'message', text: '断线时写的', id: 'line-2' }]);
    expect(rec.transcripts.at(-1)!.map((l) => l.text)).toEqual(['第一句', '第二句', '在的', '断线时写的']);
    // a fault on the server's side: the same line again, same id
    ws.receive({ type: 'error', code: 'unavailable', message: 'try again' });
    expect(ws.sent.slice(2)).toEqual([{ action: 'message', text: '断线时写的', id: 'line-2' }]);
    // a page reload: a new client finds the conversation and the unsent line in storage
    const again = client(recorder());
    expect(again.conversation).toBe('TOKEN1');
    again.connect();
    FakeSocket.last().open();
    expect(FakeSocket.last().sent).toEqual([{ action: 'resume', conversation: 'TOKEN1' }]);
  });

  it('forgets the conversation when it ends or the token is refused, and stops reconnecting after an end', async () => {
    vi.useFakeTimers();
    const rec = recorder();
    const c = client(rec);
    c.start('小王', '', '你好');
    const ws = FakeSocket.last();
    ws.open();
    ws.receive({ type: 'started', conversation: 'TOKEN1', ticket_number: 'GD1' });
    c.end();
    expect(ws.sent.at(-1)).toEqual({ action: 'end' });
    ws.receive({ type: 'ended' });
    expect(c.conversation).toBeUndefined();
    expect(rec.notices.at(-1)).toEqual({ kind: 'ended' });
    ws.drop();
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.all).toHaveLength(1);
    // a new chat after the end: a new socket (the old one belongs to the ended conversation)
    c.start('小王', '', '还有一个问题');
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.last().open();
    expect(FakeSocket.last().sent).toEqual([{ action: 'start', name: '小王', text: '还有一个问题' }]);

    window.localStorage.setItem('helpdesk-chat:test', JSON.stringify({ conversation: 'FORGED' }));
    const rec2 = recorder();
    const c2 = client(rec2);
    c2.connect();
    FakeSocket.last().open();
    FakeSocket.last().receive({ type: 'error', code: 'invalid_conversation', message: 'no' });
    expect(c2.conversation).toBeUndefined();
    expect(rec2.notices.at(-1)).toMatchObject({ kind: 'error', code: 'invalid_conversation' });
  });

  it('sends typing at most every 3 seconds', () => {
    const c = client(recorder());
    c.connect();
    const ws = FakeSocket.last();
    ws.open();
    c.typing(1000);
    c.typing(2000);
    c.typing(4500);
    expect(ws.sent).toEqual([{ action: 'typing' }, { action: 'typing' }]);
  });
});

describe('the widget window', () => {
  function shadowOf(host: HTMLElement): ShadowRoot {
    return host.shadowRoot!;
  }
  const q = (root: ParentNode, id: string) => root.querySelector(`[data-testid="${id}"]`) as HTMLElement;

  it('shows lines as text, never as markup, and the frames in Chinese', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const chat = mountChatWindow(host, {
      url: 'ws://chat.test',
      lang: 'zh-CN',
      storageKey: 'helpdesk-chat:ui',
      storage: window.localStorage,
      socket: (u) => new FakeSocket(u),
    });
    const root = shadowOf(host);
    await vi.waitFor(() => expect(q(root, 'chat-start-form')).toBeTruthy());
    (q(root, 'chat-name') as HTMLInputElement).value = '<b>小王</b>';
    (q(root, 'chat-first-text') as HTMLTextAreaElement).value = '<img src=x onerror=alert(1)>';
    q(root, 'chat-start-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last();
    ws.open();
    ws.receive({ type: 'started', conversation: 'T', ticket_number: 'GD9' });
    expect(q(root, 'chat-status').textContent).toBe('已为您创建工单 GD9，正在为您接入客服…');
    ws.receive({ type: 'message', from: 'agent', name: '张伟', text: '<script>x()</script>', at: '2026-12-06T10:00:00Z', id: 'm' });
    const lines = root.querySelectorAll('[data-testid="chat-log"] .hdw-text');
    expect([...lines].map((l) => l.textContent)).toEqual(['<img src=x onerror=alert(1)>', '<script>x()</script>']);
    expect(root.querySelector('img, script')).toBeNull();
    ws.receive({ type: 'typing' });
    expect(q(root, 'chat-typing').textContent).toBe('客服正在输入…');
    ws.receive({ type: 'offline' });
    expect(q(root, 'chat-status').textContent).toContain('当前没有客服在线');
    ws.receive({ type: 'ended' });
    expect(q(root, 'chat-status').textContent).toBe('对话已结束，感谢您的咨询。');
    expect(q(root, 'chat-input')).toBeNull();
    expect(q(root, 'chat-again')).toBeTruthy();
    chat.destroy();
    host.remove();
  });

  it('sends a line with Enter and asks for a name before starting', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const chat = mountChatWindow(host, {
      url: Promise.resolve('ws://chat.test'),
      lang: 'en',
      storageKey: 'helpdesk-chat:ui2',
      storage: window.localStorage,
      socket: (u) => new FakeSocket(u),
    });
    const root = shadowOf(host);
    await vi.waitFor(() => expect(q(root, 'chat-start-form')).toBeTruthy());
    (q(root, 'chat-first-text') as HTMLTextAreaElement).value = 'hello';
    q(root, 'chat-start-form').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(root.querySelector('.hdw-error')!.textContent).toBe(words('en').needName);
    (q(root, 'chat-name') as HTMLInputElement).value = 'Ann';
    q(root, 'chat-start-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last();
    ws.open();
    ws.receive({ type: 'started', conversation: 'T', ticket_number: 'GD9' });
    ws.receive({ type: 'assigned', name: 'Wei' });
    expect(q(root, 'chat-status').textContent).toBe('Wei is answering you.');
    const input = q(root, 'chat-input') as HTMLTextAreaElement;
    input.value = 'second line';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(ws.sent.at(-1)).toMatchObject({ action: 'message', text: 'second line' });
    expect(input.value).toBe('');
    chat.destroy();
    host.remove();
  });

  it('says so when the product has no chat', async () => {
    const host = document.createElement('div');
    const chat = mountChatWindow(host, { url: Promise.reject(new Error('no chat_url')), lang: 'zh', storageKey: 'k' });
    await vi.waitFor(() => expect(host.shadowRoot!.textContent).toContain(words('zh').unreachable));
    chat.destroy();
  });
});

describe('the launcher', () => {
  it('reads config.json from the script origin on first open, language from data-lang', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ auth: 'local', chat_url: 'ws://chat.test' })));
    vi.stubGlobal('fetch', fetchMock);
    const sockets: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class extends FakeSocket {
        constructor(u: string) {
          super(u);
          sockets.push(u);
        }
      },
    );
    const script = document.createElement('script');
    script.src = 'https://helpdesk.example.com/widget.js';
    script.dataset.lang = 'en';
    const host = install(script);
    const launcher = host.shadowRoot!.querySelector('[data-testid="chat-launcher"]') as HTMLButtonElement;
    expect(launcher.textContent).toBe('Chat with us');
    expect(fetchMock).not.toHaveBeenCalled(); // nothing loads before the visitor asks
    launcher.click();
    expect(fetchMock).toHaveBeenCalledWith('https://helpdesk.example.com/config.json', { credentials: 'omit' });
    const panel = host.shadowRoot!.querySelector('.hdw-float') as HTMLElement;
    expect(panel.hidden).toBe(false);
    await vi.waitFor(() =>
      expect(panel.shadowRoot?.querySelector('[data-testid="chat-start-form"]')?.textContent).toContain('Start chat'),
    );
    host.remove();
    vi.unstubAllGlobals();
  });
});
