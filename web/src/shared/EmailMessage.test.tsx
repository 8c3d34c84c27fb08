import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { json } from '../test/fakeFetch';
import { CUSTOMER, makeTicket, renderApp, staffRoutes } from '../test/renderApp';
import { cleanEmailHtml } from './EmailHtml';

const HOSTILE =
  '<p onclick="steal()">您好，附件是发票。</p><script>alert(1)</script>' +
  '<img src="https://files.example/cid/logo.png" onerror="alert(2)">' +
  '<a href="javascript:alert(3)">点击</a><a href="https://example.com/help">帮助</a>' +
  '<iframe src="https://evil.example"></iframe><svg><script>alert(4)</script></svg>' +
  '<form action="https://evil.example"><input name="p"></form><div style="background:url(javascript:alert(5))">x</div>';

function emailMessage(over: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    ticket_id: 't1',
    author: { email: 'customer@example.com', name: '王小明', role: 'customer' },
    body: '您好，附件是发票。',
    internal: false,
    created_at: '2026-11-22T10:15:00+08:00',
    channel: 'email',
    html: HOSTILE,
    quoted_text: '在 2026年11月21日 写道：\n> 请提供发票',
    attachments: [
      { id: 'a1', filename: '发票.pdf', content_type: 'application/pdf', size: 12595, inline: false },
      { id: 'a2', filename: 'logo.png', content_type: 'image/png', size: 2048, inline: true },
    ],
    cc: ['boss@example.com'],
    has_raw: true,
    ...over,
  };
}

function routes(message: Message) {
  return {
    ...staffRoutes(),
    'GET /api/tickets/t1': () => ({ json: makeTicket({ channel: 'email', cc: ['boss@example.com', 'it@example.com'] }) }),
    'GET /api/tickets/t1/messages': () => ({ json: { items: [message], next_cursor: null } }),
    'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
    'GET /api/tickets/t1/messages/m1/attachments/a1': () =>
      json(200, {
        url: 'https://bucket.s3.amazonaws.com/att/a1?X-Amz-Signature=abc',
        filename: '发票.pdf',
        content_type: 'application/pdf',
        size: 12595,
        expires_at: '2026-11-22T10:30:00+08:00',
      }),
    'GET /api/tickets/t1/messages/m1/raw': () =>
      json(200, { url: 'https://bucket.s3.amazonaws.com/raw/m1?X-Amz-Signature=def', expires_at: '2026-11-22T10:30:00+08:00' }),
  };
}

describe('email messages', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the HTML component never renders scripts, event handlers or javascript: URLs it is given', async () => {
    renderApp('/console/tickets/t1', routes(emailMessage()));
    const frame = (await screen.findByTestId('message-html')) as HTMLIFrameElement;
    expect(frame.tagName).toBe('IFRAME');
    const sandbox = frame.getAttribute('sandbox') ?? '';
    expect(sandbox).not.toContain('allow-scripts');
    const doc = frame.getAttribute('srcdoc') ?? '';
    const body = doc.slice(doc.indexOf('<body>'));
    expect(body).toContain('您好，附件是发票。');
    expect(body).toContain('https://files.example/cid/logo.png');
    expect(body).toContain('https://example.com/help');
    for (const bad of ['<script', 'onclick', 'onerror', 'javascript:', '<iframe', '<svg', '<form', '<input', 'url(']) {
      expect(body.toLowerCase(), bad).not.toContain(bad);
    }
    expect(doc).toContain("default-src 'none'");
    // nothing of the message leaked into the page itself
    expect(document.querySelectorAll('[onclick], [onerror]').length).toBe(0);
    expect(screen.getByTestId('message-m1').textContent).not.toContain('steal');
  });

  it('cleanEmailHtml keeps text, links and images and drops the rest', () => {
    const out = cleanEmailHtml(HOSTILE);
    expect(out).toContain('<a href="https://example.com/help" target="_blank" rel="noopener noreferrer">');
    expect(out).not.toMatch(/script|onerror|onclick|javascript|iframe|<form/i);
  });

  it('folds the quoted text behind 显示引用内容', async () => {
    renderApp('/console/tickets/t1', routes(emailMessage()));
    const toggle = await screen.findByTestId('quote-toggle');
    expect(toggle.textContent).toBe('显示引用内容');
    expect(screen.queryByTestId('quoted-text')).toBeNull();
    fireEvent.click(toggle);
    expect(screen.getByTestId('quoted-text').textContent).toContain('请提供发票');
    expect(toggle.textContent).toBe('隐藏引用内容');
    fireEvent.click(toggle);
    expect(screen.queryByTestId('quoted-text')).toBeNull();
  });

  it('lists attachments with their size; download asks the attachment route and opens the returned URL', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { server } = renderApp('/console/tickets/t1', routes(emailMessage()));
    const item = await screen.findByTestId('attachment-a1');
    expect(item.textContent).toContain('发票.pdf');
    expect(screen.getByTestId('attachment-size-a1').textContent).toBe('12.3 KB');
    // the inline image is shown in the HTML, not listed again
    expect(screen.queryByTestId('attachment-a2')).toBeNull();
    fireEvent.click(within(item).getByTestId('attachment-download-a1'));
    await waitFor(() =>
      expect(open).toHaveBeenCalledWith('https://bucket.s3.amazonaws.com/att/a1?X-Amz-Signature=abc', '_blank', 'noopener,noreferrer'),
    );
    const req = server.requests.find((r) => r.path.includes('/attachments/'))!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/tickets/t1/messages/m1/attachments/a1');
    expect(req.headers.get('Authorization')).toBe('Bearer tok');
  });

  it('shows the channel badge, the CCs and (staff) the 原始邮件 link that opens the raw URL', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { server } = renderApp('/console/tickets/t1', routes(emailMessage()));
    const msg = await screen.findByTestId('message-m1');
    expect(msg.dataset.channel).toBe('email');
    expect(within(msg).getByTestId('channel-badge').textContent).toContain('邮件');
    expect(within(msg).getByTestId('message-cc').textContent).toContain('boss@example.com');
    expect(screen.getByTestId('ticket-cc').textContent).toBe('抄送: boss@example.com, it@example.com');
    const raw = within(msg).getByTestId('raw-message');
    expect(raw.textContent).toBe('原始邮件');
    fireEvent.click(raw);
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://bucket.s3.amazonaws.com/raw/m1?X-Amz-Signature=def', '_blank', 'noopener,noreferrer'));
    expect(server.requests.some((r) => r.path === '/api/tickets/t1/messages/m1/raw')).toBe(true);
  });

  it('a web message has no badge and renders its body as text', async () => {
    renderApp(
      '/console/tickets/t1',
      routes(emailMessage({ channel: 'web', html: null, quoted_text: null, attachments: [], cc: [], has_raw: false, body: '<b>不是HTML</b>' })),
    );
    const msg = await screen.findByTestId('message-m1');
    expect(within(msg).queryByTestId('channel-badge')).toBeNull();
    expect(within(msg).queryByTestId('message-html')).toBeNull();
    expect(within(msg).queryByTestId('raw-message')).toBeNull();
    expect(msg.textContent).toContain('<b>不是HTML</b>');
  });

  it('the portal shows the customer the HTML, quote toggle and attachments, but no raw-message link', async () => {
    renderApp('/portal/tickets/t1', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ channel: 'email' }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [emailMessage()], next_cursor: null } }),
    });
    const msg = await screen.findByTestId('message-m1');
    expect(within(msg).getByTestId('message-html')).toBeTruthy();
    expect(within(msg).getByTestId('quote-toggle')).toBeTruthy();
    expect(within(msg).getByTestId('attachment-a1')).toBeTruthy();
    expect(within(msg).queryByTestId('raw-message')).toBeNull();
  });
});
