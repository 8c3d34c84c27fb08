import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CUSTOMER, renderApp } from '../test/renderApp';
import { FakeSocket } from '../widget/fakeSocket';

class StubSocket extends FakeSocket {
  static OPEN = 1;
}

beforeEach(() => {
  FakeSocket.all = [];
  window.localStorage.clear();
  vi.stubGlobal('WebSocket', StubSocket);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the portal chat page', () => {
  it('opens the widget window inline, connected with the customer token, asking no name', async () => {
    renderApp('/portal/chat', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /config.json': () => ({ json: { auth: 'local', chat_url: 'ws://chat.test' } }),
    });
    const host = await screen.findByTestId('portal-chat-window');
    const q = (id: string) => host.shadowRoot?.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    await waitFor(() => expect(q('chat-start-form')).toBeTruthy());
    expect(q('chat-name')).toBeNull(); // the name comes from the sign-in
    (q('chat-first-text') as HTMLTextAreaElement).value = '发票什么时候开';
    q('chat-start-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last();
    expect(ws.url).toBe('ws://chat.test?token=tok');
    ws.open();
    expect(ws.sent).toEqual([{ action: 'start', text: '发票什么时候开' }]);
    ws.receive({ type: 'started', conversation: 'T', ticket_number: 'GD7' });
    expect(q('chat-status')!.textContent).toContain('GD7');
    expect(JSON.parse(window.localStorage.getItem(`helpdesk-chat:portal:${CUSTOMER.email}`)!).conversation).toBe('T');
  });
});
