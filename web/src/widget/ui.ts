// The chat window: the start form, then the conversation. Every text goes in with textContent (never innerHTML),
// so a line is shown as the words it is, whatever it contains. Used by /widget.js (a floating window on a company's
// site) and by the portal's chat page (inline).
import { ChatClient, type ChatClientOptions, type ChatLine, type ChatNotice } from './client';
import { fill, words, type Words } from './i18n';
import { STYLE } from './style';

export interface ChatWindowOptions extends Omit<ChatClientOptions, 'url'> {
  /** `chat_url`, or a promise of it (the widget reads /config.json when the window first opens). */
  url: string | Promise<string>;
  lang?: string | null;
  /** The signed-in customer's name, shown on their lines (they give no name in the form). */
  userName?: string;
  onClose?: () => void;
}

export interface ChatWindow {
  root: HTMLElement;
  destroy(): void;
}

type Tag = keyof HTMLElementTagNameMap;

function el<K extends Tag>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function noticeText(w: Words, n: ChatNotice): string | null {
  switch (n.kind) {
    case 'started':
      return fill(w.started, n.ticketNumber);
    case 'queue':
      return fill(w.queue, n.position);
    case 'assigned':
      return fill(w.assigned, n.name || w.agent);
    case 'offline':
      return w.offline;
    case 'ended':
      return w.ended;
    case 'reconnecting':
      return w.reconnecting;
    case 'error': {
      const known = (w as unknown as Record<string, string>)[`err_${n.code}`];
      return known ?? fill(w.err_other, n.message || n.code);
    }
    default:
      return null;
  }
}

/** Builds the window inside `host` (in its own shadow root, so the site's styles leave it alone). */
export function mountChatWindow(host: HTMLElement, opts: ChatWindowOptions): ChatWindow {
  const w = words(opts.lang);
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const root = el('div', 'hdw-window');
  root.setAttribute('role', 'dialog');
  root.setAttribute('aria-label', w.title);
  root.dataset.testid = 'chat-window';
  shadow.replaceChildren(style, root);

  const head = el('div', 'hdw-head');
  head.append(el('span', 'hdw-title', w.title));
  if (opts.onClose) {
    const x = el('button', 'hdw-x', '×');
    x.type = 'button';
    x.setAttribute('aria-label', w.close);
    x.dataset.testid = 'chat-close';
    x.onclick = () => opts.onClose?.();
    head.append(x);
  }
  const log = el('div', 'hdw-log');
  log.setAttribute('aria-live', 'polite');
  log.dataset.testid = 'chat-log';
  const status = el('div', 'hdw-status');
  status.dataset.testid = 'chat-status';
  const typing = el('div', 'hdw-typing');
  typing.dataset.testid = 'chat-typing';

  // -- the start form --
  const form = el('form', 'hdw-form');
  form.dataset.testid = 'chat-start-form';
  form.append(el('p', 'hdw-intro', w.intro));
  const name = el('input', 'hdw-input');
  name.placeholder = w.name;
  name.maxLength = 100;
  name.dataset.testid = 'chat-name';
  const email = el('input', 'hdw-input');
  email.type = 'email';
  email.placeholder = w.email;
  email.maxLength = 254;
  email.dataset.testid = 'chat-email';
  const first = el('textarea', 'hdw-input');
  first.placeholder = w.firstText;
  first.rows = 3;
  first.maxLength = 4000;
  first.dataset.testid = 'chat-first-text';
  const formError = el('div', 'hdw-error');
  const startButton = el('button', 'hdw-primary', w.start);
  startButton.type = 'submit';
  startButton.dataset.testid = 'chat-start';
  if (!opts.token) form.append(name, email);
  form.append(first, formError, startButton);

  // -- the conversation --
  const composer = el('div', 'hdw-composer');
  const input = el('textarea', 'hdw-input hdw-line');
  input.placeholder = w.placeholder;
  input.rows = 2;
  input.maxLength = 4000;
  input.dataset.testid = 'chat-input';
  const send = el('button', 'hdw-primary', w.send);
  send.type = 'button';
  send.dataset.testid = 'chat-send';
  const endButton = el('button', 'hdw-link', w.end);
  endButton.type = 'button';
  endButton.dataset.testid = 'chat-end';
  const again = el('button', 'hdw-primary', w.again);
  again.type = 'button';
  again.dataset.testid = 'chat-again';
  composer.append(input, send);

  const body = el('div', 'hdw-body');
  root.append(head, body);

  let typingTimer: ReturnType<typeof setTimeout> | null = null;
  const myName = () => opts.userName || name.value.trim() || w.you;

  function addLine(line: ChatLine): void {
    const row = el('div', `hdw-msg hdw-${line.from}`);
    row.dataset.testid = `chat-line-${line.from}`;
    row.append(el('div', 'hdw-who', line.from === 'visitor' ? w.you : line.name || w.agent));
    row.append(el('div', 'hdw-text', line.text));
    log.append(row);
    log.scrollTop = log.scrollHeight;
    if (line.from === 'agent') typing.textContent = '';
  }

  function say(text: string | null): void {
    if (text === null) return;
    status.textContent = text;
  }

  function showConversation(): void {
    body.replaceChildren(log, typing, status, composer, endButton);
  }

  function showForm(): void {
    log.replaceChildren();
    status.textContent = '';
    body.replaceChildren(form);
  }

  let client: ChatClient | null = null;
  let destroyed = false;
  const ready: Promise<ChatClient | null> = Promise.resolve(opts.url).then(
    (url) => {
      if (destroyed) return null;
      client = new ChatClient(
        { ...opts, url },
        {
          line: addLine,
          transcript(lines) {
            log.replaceChildren();
            lines.forEach(addLine);
          },
          notice(n) {
            if (n.kind === 'connected') {
              if (status.textContent === w.reconnecting) status.textContent = '';
              return;
            }
            say(noticeText(w, n));
            if (n.kind === 'ended') {
              composer.remove();
              endButton.replaceWith(again);
              typing.textContent = '';
            }
            if (n.kind === 'error' && n.code === 'invalid_conversation') showForm();
          },
          typing() {
            typing.textContent = w.typing;
            if (typingTimer) clearTimeout(typingTimer);
            typingTimer = setTimeout(() => (typing.textContent = ''), 4000);
          },
        },
      );
      if (client.conversation) {
        showConversation();
        client.connect();
      } else {
        showForm();
      }
      return client;
    },
    () => {
      body.replaceChildren(el('div', 'hdw-error', w.unreachable));
      return null;
    },
  );

  form.onsubmit = (e) => {
    e.preventDefault();
    const text = first.value.trim();
    if (!opts.token && !name.value.trim()) return void (formError.textContent = w.needName);
    if (!text) return void (formError.textContent = w.needText);
    formError.textContent = '';
    void ready.then((c) => {
      if (!c) return;
      log.replaceChildren();
      showConversation();
      c.start(myName(), email.value.trim(), text);
      first.value = '';
    });
  };

  function sendLine(): void {
    const text = input.value.trim();
    if (!text || !client) return;
    client.send(text, myName());
    input.value = '';
  }
  send.onclick = sendLine;
  input.onkeydown = (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendLine();
    }
  };
  input.oninput = () => client?.typing();
  endButton.onclick = () => client?.end();
  again.onclick = () => {
    again.replaceWith(endButton);
    showForm();
  };

  body.append(el('div', 'hdw-status', '…'));
  return {
    root,
    destroy() {
      destroyed = true;
      if (typingTimer) clearTimeout(typingTimer);
      client?.close();
      shadow.replaceChildren();
    },
  };
}
