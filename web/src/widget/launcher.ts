// The launcher of /widget.js (./main.ts): what a company puts on its site with one tag,
//   <script src="https://helpdesk.example.com/widget.js" data-lang="en" async></script>
// A button in the corner; the first click reads the product's /config.json (the origin this script came from) for
// the chat's WebSocket URL and opens the window. data-lang picks the language (else the browser's).
import { words } from './i18n';
import { STYLE } from './style';
import { mountChatWindow, type ChatWindow } from './ui';

function productOrigin(script: HTMLScriptElement | null): string {
  try {
    return new URL(script?.src || '/', window.location.href).origin;
  } catch {
    return window.location.origin;
  }
}

export async function chatUrlFrom(origin: string): Promise<string> {
  const res = await fetch(`${origin}/config.json`, { credentials: 'omit' });
  const config = (await res.json()) as { chat_url?: unknown };
  if (!res.ok || typeof config.chat_url !== 'string' || !config.chat_url) throw new Error('no chat_url');
  return config.chat_url;
}

/** Puts the button on the page; returns the host element (tests remove it). */
export function install(script: HTMLScriptElement | null): HTMLElement {
  const origin = productOrigin(script);
  const lang = script?.dataset.lang || navigator.language;
  const w = words(lang);
  const host = document.createElement('div');
  host.dataset.helpdeskChat = '';
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'hdw-launcher';
  launcher.textContent = w.open;
  launcher.dataset.testid = 'chat-launcher';
  const panel = document.createElement('div');
  panel.className = 'hdw-float';
  panel.hidden = true;
  shadow.append(style, launcher, panel);

  let chat: ChatWindow | null = null;
  let url: Promise<string> | null = null;
  launcher.onclick = () => {
    if (!panel.hidden) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    if (chat) return;
    url ??= chatUrlFrom(origin);
    url.catch(() => (url = null)); // a later click tries again
    chat = mountChatWindow(panel, {
      url,
      lang,
      storageKey: `helpdesk-chat:${origin}`,
      storage: safeLocalStorage(),
      onClose: () => (panel.hidden = true),
    });
  };
  document.body.append(host);
  return host;
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage refused (sandboxed frame): the conversation lasts as long as the page
  }
}
