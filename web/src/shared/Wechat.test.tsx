import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Message, WechatFollower } from '../api/types';
import { makeTicket, renderApp, staffRoutes } from '../test/renderApp';

const FOLLOWER = { email: 'n5kgk43ukvzwk4s7gaydc@wechat.invalid', name: '微信用户5C618A', role: 'customer' };

function msg(id: string, over: Partial<Message> = {}): Message {
  return {
    id,
    ticket_id: 't1',
    author: FOLLOWER,
    body: `body ${id}`,
    internal: false,
    created_at: '2026-11-22T10:30:00+08:00',
    channel: 'wechat',
    ...over,
  };
}

const MESSAGES: Message[] = [
  msg('m1', { body: '打印机连不上了' }),
  msg('m2', {
    body: '[图片]',
    wechat: { msg_type: 'image', msg_id: '42' },
    attachments: [
      { id: 'a1', filename: 'a.png', content_type: 'image/png', size: 90, inline: true, url: 'https://s3.local/a.png' },
    ],
  }),
  msg('m3', { author: { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' }, body: '请重启一下', channel: 'web' }),
  msg('m4', {
    author: { email: 'zhangwei@demo.local', name: '张伟', role: 'agent' },
    body: '还在吗？',
    channel: 'web',
    delivery: { status: 'undelivered', channel: 'wechat', reason: 'window_closed', at: '2026-11-25T10:31:00+08:00' },
  }),
];

function follower(over: Partial<WechatFollower> = {}): WechatFollower {
  return {
    openid: 'oTestUser_001',
    name: '微信用户5C618A',
    subscribed: true,
    last_seen_at: '2026-11-22T10:30:00+08:00',
    window_closes_at: '2026-11-24T10:30:00+08:00',
    window_open: true,
    window_seconds_left: 47 * 3600 + 5 * 60,
    ...over,
  };
}

function open(windowState: WechatFollower, extra: Parameters<typeof renderApp>[1] = {}) {
  return renderApp('/console/tickets/t1', {
    ...extra,
    ...staffRoutes(),
    'GET /api/tickets/t1': () => ({ json: makeTicket({ channel: 'wechat', requester: FOLLOWER }) }),
    'GET /api/tickets/t1/messages': () => ({ json: { items: MESSAGES, next_cursor: null } }),
    'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
    'GET /api/tickets/t1/wechat': () => ({ json: windowState }),
    'GET /api/canned-replies': () => ({ json: { items: [], version: 0 } }),
    ...extra,
  });
}

describe('a WeChat ticket in the console', () => {
  it('shows the channel, the conversation as chat bubbles with images inline, and undelivered replies', async () => {
    open(follower());
    expect(await screen.findByTestId('wechat-channel')).toBeTruthy();
    const conversation = await screen.findByTestId('conversation');
    expect(conversation.dataset.style).toBe('chat');
    await waitFor(() => expect(screen.getByTestId('message-m1')).toBeTruthy());
    expect(screen.getByTestId('message-m1').dataset.bubble).toBe('left');
    expect(screen.getByTestId('message-m3').dataset.bubble).toBe('right');
    const image = within(screen.getByTestId('message-m2')).getByTestId('wechat-image') as HTMLImageElement;
    expect(image.src).toBe('https://s3.local/a.png');
    expect(within(screen.getByTestId('message-m2')).queryByText('[图片]')).toBeNull();
    const undelivered = within(screen.getByTestId('message-m4')).getByTestId('undelivered');
    expect(undelivered.textContent).toBe('未送达');
    expect(within(screen.getByTestId('message-m3')).queryByTestId('undelivered')).toBeNull();
  });

  it('counts the 48-hour window down while it is open', async () => {
    open(follower());
    const window = await screen.findByTestId('wechat-window');
    expect(window.dataset.open).toBe('true');
    expect(window.textContent).toContain('微信回复窗口还剩 47h 5m');
    expect(window.textContent).toContain('oTestUser_001');
  });

  it('warns once the window has closed', async () => {
    open(follower({ window_open: false, window_seconds_left: 0 }));
    const window = await screen.findByTestId('wechat-window');
    expect(window.dataset.open).toBe('false');
    expect(window.textContent).toContain('微信回复窗口已关闭');
    expect(window.textContent).toContain('标记为未送达');
  });

  it('lets staff name the customer in place', async () => {
    const names: unknown[] = [];
    open(follower(), {
      'PUT /api/tickets/t1/wechat': (req) => {
        names.push(req.body);
        return { json: follower({ name: '王先生' }) };
      },
    });
    const who = await screen.findByTestId('wechat-follower');
    expect(who.textContent).toContain('微信用户5C618A');
    fireEvent.click(who.querySelector('.ant-typography-edit') as HTMLElement);
    const input = within(who).getByRole('textbox');
    fireEvent.change(input, { target: { value: '王先生' } });
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    fireEvent.keyUp(input, { key: 'Enter', keyCode: 13 });
    await waitFor(() => expect(names).toEqual([{ name: '王先生' }]));
    await waitFor(() => expect(screen.getByTestId('wechat-follower-name').textContent).toBe('王先生'));
  });
});
