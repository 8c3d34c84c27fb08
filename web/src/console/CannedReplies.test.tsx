import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { CannedReplySet, Message } from '../api/types';
import { CUSTOMER, makeTicket, renderApp, staffRoutes } from '../test/renderApp';
import { Conversation, insertText } from '../shared/Conversation';
import { fillPlaceholders, matchesCanned } from './cannedReplies';

const SET: CannedReplySet = {
  items: [
    { id: 'r1', title: '查询物流', body: '您好 {customer_name}，您的工单 {ticket_number} 已收到，物流信息稍后发您。' },
    { id: 'r2', title: '退款说明', body: '退款将在 3 个工作日内原路退回。——{agent_name}' },
    { id: 'r3', title: '结束语', body: '如有其他问题，欢迎随时联系我们。{unknown} 保留' },
  ],
  version: 3,
};

function ticketRoutes(over: Parameters<typeof makeTicket>[0] = {}) {
  return {
    ...staffRoutes(),
    'GET /api/tickets/t1': () => ({ json: makeTicket(over) }),
    'GET /api/tickets/t1/messages': () => ({ json: { items: [] as Message[], next_cursor: null } }),
    'GET /api/tickets/t1/events': () => ({ json: { items: [], next_cursor: null } }),
    'GET /api/canned-replies': () => ({ json: SET, headers: { ETag: '"3"' } }),
  };
}

function openPicker() {
  const picker = screen.getByTestId('canned-picker');
  fireEvent.mouseDown(picker.querySelector('.ant-select-selector, .ant-select-content, input') ?? picker);
  return picker;
}

function replyInput(): HTMLTextAreaElement {
  return screen.getByTestId('reply-input') as HTMLTextAreaElement;
}

describe('canned replies in the console reply box', () => {
  it('inserts the chosen reply at the cursor, placeholders filled, and puts focus back in the textarea', async () => {
    const { server } = renderApp('/console/tickets/t1', ticketRoutes());
    await screen.findByTestId('ticket-subject');
    // nothing is fetched until the picker is used
    expect(server.requests.some((r) => r.path === '/api/canned-replies')).toBe(false);

    const input = replyInput();
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: '开头。结尾' } });
    input.setSelectionRange(3, 3); // between 开头。 and 结尾
    fireEvent.blur(input);

    openPicker();
    fireEvent.click(await screen.findByTestId('canned-option-r1'));
    const expected = '您好 王小明，您的工单 GD20261122001 已收到，物流信息稍后发您。';
    await waitFor(() => expect(replyInput().value).toBe(`开头。${expected}结尾`));
    expect(document.activeElement).toBe(replyInput());
    expect(replyInput().selectionStart).toBe(3 + expected.length);
    // the picker is an action, not a value: it shows its label again, not the reply chosen
    const picker = screen.getByTestId('canned-picker');
    expect(picker.textContent).toContain('快捷回复');
    expect(picker.textContent).not.toContain('查询物流');

    // the next one goes where the cursor now is; {agent_name} is the signed-in user, unknown {...} stays
    openPicker();
    fireEvent.click(await screen.findByTestId('canned-option-r2'));
    await waitFor(() => expect(replyInput().value).toBe(`开头。${expected}退款将在 3 个工作日内原路退回。——张伟结尾`));

    const gets = server.requests.filter((r) => r.path === '/api/canned-replies');
    expect(gets).toHaveLength(1);
    expect(gets[0].headers.get('Authorization')).toBe('Bearer tok');
  });

  it('appends on a new line when the textarea never had a cursor; the requester with no name is their email before @', async () => {
    renderApp('/console/tickets/t1', ticketRoutes({ requester: { email: 'li.lei@example.com', name: null } }));
    await screen.findByTestId('ticket-subject');
    fireEvent.change(replyInput(), { target: { value: '已核实' } });
    openPicker();
    fireEvent.click(await screen.findByTestId('canned-option-r1'));
    await waitFor(() =>
      expect(replyInput().value).toBe('已核实\n您好 li.lei，您的工单 GD20261122001 已收到，物流信息稍后发您。'),
    );
    expect(document.activeElement).toBe(replyInput());
  });

  it('filters the list by what is typed, matching titles and body text', async () => {
    renderApp('/console/tickets/t1', ticketRoutes());
    await screen.findByTestId('ticket-subject');
    const picker = openPicker();
    await screen.findByTestId('canned-option-r1');
    expect(screen.getByTestId('canned-option-r2')).toBeTruthy();
    expect(screen.getByTestId('canned-option-r3')).toBeTruthy();
    const search = within(picker).getByRole('combobox') as HTMLInputElement;

    fireEvent.change(search, { target: { value: '退款' } }); // a title
    await waitFor(() => expect(screen.queryByTestId('canned-option-r1')).toBeNull());
    expect(screen.getByTestId('canned-option-r2')).toBeTruthy();
    expect(screen.queryByTestId('canned-option-r3')).toBeNull();

    fireEvent.change(search, { target: { value: '联系我们' } }); // only in a body
    await waitFor(() => expect(screen.queryByTestId('canned-option-r2')).toBeNull());
    expect(screen.getByTestId('canned-option-r3')).toBeTruthy();

    fireEvent.change(search, { target: { value: '不存在的词' } });
    await waitFor(() => expect(screen.queryByTestId('canned-option-r3')).toBeNull());
    expect(screen.getByText('没有匹配的快捷回复')).toBeTruthy();
  });

  it("the customer portal's reply box has no picker", async () => {
    const { server } = renderApp('/portal/tickets/t1', {
      'GET /api/me': () => ({ json: CUSTOMER }),
      'GET /api/tickets/t1': () => ({ json: makeTicket({ status: 'waiting_customer' }) }),
      'GET /api/tickets/t1/messages': () => ({ json: { items: [], next_cursor: null } }),
    });
    await screen.findByTestId('reply-box');
    expect(screen.getByTestId('conversation').dataset.mode).toBe('customer');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
    expect(server.requests.some((r) => r.path === '/api/canned-replies')).toBe(false);
  });
});

describe('reply box tools', () => {
  it('are shown in staff mode only, whatever is passed', () => {
    const tools = () => <span data-testid="tools-marker" />;
    const { unmount } = render(<Conversation mode="customer" messages={[]} onSend={vi.fn()} replyTools={tools} />);
    expect(screen.queryByTestId('tools-marker')).toBeNull();
    unmount();
    render(<Conversation mode="staff" messages={[]} onSend={vi.fn()} replyTools={tools} />);
    expect(screen.getByTestId('tools-marker')).toBeTruthy();
  });
});

describe('canned reply helpers', () => {
  it('fills the known placeholders once, leaving unknown ones and ones without a value as written', () => {
    expect(
      fillPlaceholders('{customer_name}/{ticket_number}/{agent_name}/{foo}/{ customer_name }', {
        customer_name: '王{ticket_number}',
        ticket_number: 'GD1',
        agent_name: '',
      }),
    ).toBe('王{ticket_number}/GD1/{agent_name}/{foo}/{ customer_name }');
  });

  it('matches Chinese substrings and Latin text in any case', () => {
    expect(matchesCanned({ title: '查询物流', body: 'Hello' }, '物流')).toBe(true);
    expect(matchesCanned({ title: '查询物流', body: 'Hello' }, 'hello')).toBe(true);
    expect(matchesCanned({ title: '查询物流', body: 'Hello' }, '退款')).toBe(false);
  });

  it('puts text at the cursor, over a selection, or at the end on a line of its own', () => {
    expect(insertText('abcd', 'X', { start: 2, end: 2 })).toEqual({ value: 'abXcd', caret: 3 });
    expect(insertText('abcd', 'X', { start: 1, end: 3 })).toEqual({ value: 'aXd', caret: 2 });
    expect(insertText('abcd', 'X', null)).toEqual({ value: 'abcd\nX', caret: 6 });
    expect(insertText('', 'X', null)).toEqual({ value: 'X', caret: 1 });
  });
});
