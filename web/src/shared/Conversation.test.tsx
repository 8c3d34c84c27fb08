import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { CUSTOMER, makeTicket, renderApp } from '../test/renderApp';
import { Conversation, NOTE_BG } from './Conversation';

function msg(id: string, over: Partial<Message> = {}): Message {
  return {
    id,
    ticket_id: 't1',
    author: { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' },
    body: `body ${id}`,
    internal: false,
    created_at: '2026-11-22T10:30:00+08:00',
    ...over,
  };
}

const CUSTOMER_AUTHOR = { email: 'customer@example.com', name: '王小明', role: 'customer' };

/** Every rendered message item (not the list container). */
function renderedMessages(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="message-"][data-internal]'));
}

describe('Conversation (staff)', () => {
  it('shows internal notes visibly apart: yellow background, 内部备注 label, data-internal', () => {
    render(
      <Conversation
        mode="staff"
        messages={[
          msg('m1', { author: CUSTOMER_AUTHOR, body: '我登录不了' }),
          msg('m2', { body: '请清除缓存后重试' }),
          msg('m3', { body: '怀疑是 SSO 故障，已联系运维', internal: true }),
        ]}
        onSend={vi.fn()}
      />,
    );

    const note = screen.getByTestId('message-m3');
    const reply = screen.getByTestId('message-m2');
    const customer = screen.getByTestId('message-m1');

    expect(note.dataset.internal).toBe('true');
    expect(reply.dataset.internal).toBe('false');
    expect(customer.dataset.internal).toBe('false');

    expect(within(note).getByTestId('internal-label').textContent).toContain('内部备注');
    expect(within(reply).queryByTestId('internal-label')).toBeNull();
    expect(within(customer).queryByText('内部备注')).toBeNull();

    // jsdom normalizes colours to rgb()
    const yellow = 'rgb(255, 251, 230)';
    expect(NOTE_BG).toBe('#fffbe6');
    expect(note.style.background).toBe(yellow);
    expect(reply.style.background).not.toBe(yellow);
    expect(customer.style.background).not.toBe(yellow);
  });

  it('renders bodies as text, never as HTML', () => {
    render(<Conversation mode="staff" messages={[msg('x', { body: '<img src=x onerror="alert(1)"><b>hi</b>' })]} onSend={vi.fn()} />);
    const item = screen.getByTestId('message-x');
    expect(item.querySelector('img')).toBeNull();
    expect(item.querySelector('b')).toBeNull();
    expect(item.textContent).toContain('<img src=x onerror="alert(1)"><b>hi</b>');
  });

  it('ctrl+Enter sends the reply (plain Enter does not), then clears the box', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn().mockResolvedValue(undefined);
    render(<Conversation mode="staff" messages={[]} onSend={onSend} />);

    const box = screen.getByTestId('reply-input') as HTMLTextAreaElement;
    expect(box.tagName).toBe('TEXTAREA');
    await user.click(box);
    await user.type(box, '您好');
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await user.type(box, '请重试');
    await user.keyboard('{Control>}{Enter}{/Control}');

    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith('您好\n请重试', false, []);
    await waitFor(() => expect(box.value).toBe(''));
  });

  it('the internal-note toggle makes the next message an internal note', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn().mockResolvedValue(undefined);
    render(<Conversation mode="staff" messages={[]} onSend={onSend} />);

    const toggle = screen.getByTestId('internal-toggle');
    await user.click(toggle);
    expect(screen.getByTestId('reply-box').dataset.internal).toBe('true');
    expect(screen.getByTestId('send-button').textContent).toContain('添加备注');
    await user.type(screen.getByTestId('reply-input'), '仅内部可见');
    await user.click(screen.getByTestId('send-button'));

    expect(onSend).toHaveBeenCalledWith('仅内部可见', true, []);
  });

  it('keeps the text and shows the error when sending fails', async () => {
    const user = userEvent.setup();
    const onSend = vi.fn().mockRejectedValue(new Error('网络连接失败'));
    render(<Conversation mode="staff" messages={[]} onSend={onSend} />);
    const box = screen.getByTestId('reply-input') as HTMLTextAreaElement;
    await user.type(box, '你好');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByTestId('reply-error')).toBeTruthy();
    expect(box.value).toBe('你好');
  });

  it('virtualizes a 200-message conversation: only a window of it is in the DOM', () => {
    // jsdom does no layout: give the scroll box a 600 px viewport and each message a 100 px height.
    const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight')!;
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset?.testid === 'message-list' ? 600 : 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset?.index !== undefined ? 100 : 0;
      },
    });
    try {
      const messages = Array.from({ length: 200 }, (_, i) => msg(`v${i}`, { internal: i % 10 === 0 }));
      render(<Conversation mode="staff" messages={messages} onSend={vi.fn()} />);
      const list = screen.getByTestId('message-list');
      expect(list.dataset.virtual).toBe('true');
      expect(list.dataset.count).toBe('200');
      const shown = renderedMessages();
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(40);
      // a contiguous window, not the whole thread (jsdom cannot scroll, so the window sits at the top here)
      const indexes = shown.map((el) => Number(el.dataset.testid!.slice('message-v'.length)));
      expect(indexes).toEqual(Array.from({ length: indexes.length }, (_, k) => indexes[0] + k));
      for (const el of shown) {
        const i = Number(el.dataset.testid!.slice('message-v'.length));
        expect(el.dataset.internal).toBe(i % 10 === 0 ? 'true' : 'false');
      }
    } finally {
      delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientHeight;
      Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offsetHeight);
    }
  });
});

describe('Conversation (customer portal)', () => {
  it('shows exactly the messages the API returns, with no internal-note toggle, and posts public replies', async () => {
    const user = userEvent.setup();
    const ticket = makeTicket({ status: 'waiting_customer', status_history: [
      { status: 'new', at: '2026-11-22T10:15:00+08:00' },
      { status: 'in_progress', at: '2026-11-22T10:20:00+08:00' },
      { status: 'waiting_customer', at: '2026-11-22T11:00:00+08:00' },
    ] });
    const apiMessages = [
      msg('c1', { author: CUSTOMER_AUTHOR, body: '我登录不了' }),
      msg('c2', { body: '请提供截图' }),
    ];
    const { server } = renderApp('/portal/tickets/t1', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /api/tickets/t1': () => ({ json: ticket }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: apiMessages, next_cursor: null } }),
      'POST /api/tickets/t1/messages': (req) => ({
        status: 201,
        json: msg('c3', { author: CUSTOMER_AUTHOR, body: (req.body as { body: string }).body }),
      }),
    });

    await screen.findByTestId('message-c2');
    expect(renderedMessages().map((el) => el.dataset.testid)).toEqual(['message-c1', 'message-c2']);
    expect(screen.queryByTestId('internal-toggle')).toBeNull();
    expect(screen.queryByText('内部备注')).toBeNull();
    expect(screen.getByTestId('conversation').dataset.mode).toBe('customer');

    // progress in a customer's words
    const progress = screen.getByTestId('portal-progress');
    expect(progress.textContent).toContain('我们已收到您的工单');
    expect(progress.textContent).toContain('工程师正在处理');
    expect(progress.textContent).toContain('等待您的回复');
    expect(screen.getByTestId('progress-step-2').dataset.current).toBe('true');

    await user.type(screen.getByTestId('reply-input'), '截图已上传');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await screen.findByTestId('message-c3');
    const post = server.requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/api/tickets/t1/messages');
    expect(post?.body).toEqual({ body: '截图已上传' });
    expect(post?.headers.get('Authorization')).toBe('Bearer tok');
  });
});
