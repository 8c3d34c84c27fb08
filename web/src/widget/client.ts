// The visitor's side of the live-chat protocol (docs/chat.md): one WebSocket, the conversation token and the lines
// not yet known to be taken kept in the page's storage, reconnect with `resume`, resend of those lines with their
// ids (the server makes one ticket message per id however often it arrives). No DOM here: the window (./ui.ts)
// renders what this reports, and tests drive it with a fake socket.

export interface ChatLine {
  from: 'visitor' | 'agent';
  name: string;
  text: string;
  at?: string;
  id?: string;
}

/** What the window shows besides lines: the server's frames in words, and the connection's state. */
export type ChatNotice =
  | { kind: 'started'; ticketNumber: string }
  | { kind: 'queue'; position: number }
  | { kind: 'assigned'; name: string }
  | { kind: 'offline' }
  | { kind: 'ended' }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'reconnecting' }
  | { kind: 'connected' };

export interface ChatHandlers {
  /** A line to add (an agent's, or the visitor's own as it is sent). */
  line(line: ChatLine): void;
  /** The whole conversation after a resume: replaces what is shown. */
  transcript(lines: ChatLine[]): void;
  notice(notice: ChatNotice): void;
  typing(): void;
}

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ChatClientOptions {
  /** `chat_url` from the product's /config.json. */
  url: string;
  /** A signed-in customer's token: sent on connect (`?token=`), and `start` needs no name. */
  token?: string | null;
  /** Keys the stored conversation apart (one per product origin and per signed-in customer). */
  storageKey: string;
  storage?: StorageLike | null;
  socket?: (url: string) => SocketLike;
  /** Milliseconds before the n-th reconnect (n from 0). */
  backoff?: (attempt: number) => number;
  newId?: () => string;
}

interface Outgoing {
  id: string;
  text: string;
}

interface Stored {
  conversation?: string;
  /** Lines sent (or to send) that no resume has shown yet. */
  outbox?: Outgoing[];
}

const OPEN = 1;
const TYPING_EVERY_MS = 3000;

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function memoryStorage(): StorageLike {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

export class ChatClient {
  private ws: SocketLike | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closedByUs = false;
  private ended = false;
  /** A start sent on a socket that closed before `started` came back: sent again on the next one. */
  private pendingStart: Record<string, string> | null = null;
  private seenAgentLines = new Set<string>();
  private lastTyping = Number.NEGATIVE_INFINITY;
  private readonly storage: StorageLike;
  private readonly newId: () => string;

  constructor(
    private readonly opts: ChatClientOptions,
    private readonly on: ChatHandlers,
  ) {
    this.storage = opts.storage ?? memoryStorage();
    this.newId = opts.newId ?? randomId;
  }

  /** The conversation this page already has (kept across reloads), if any. */
  get conversation(): string | undefined {
    return this.load().conversation;
  }

  get signedIn(): boolean {
    return !!this.opts.token;
  }

  /** Opens the socket; with a stored conversation it resumes at once. */
  connect(): void {
    this.closedByUs = false;
    if (this.ws) return;
    let url = this.opts.url;
    if (this.opts.token) url += `${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(this.opts.token)}`;
    const ws = (this.opts.socket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike))(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.on.notice({ kind: 'connected' });
      const { conversation } = this.load();
      if (conversation) this.frame({ action: 'resume', conversation });
      else if (this.pendingStart) this.frame(this.pendingStart);
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closedByUs || this.ended) return;
      this.on.notice({ kind: 'reconnecting' });
      const wait = (this.opts.backoff ?? ((n: number) => Math.min(1000 * 2 ** n, 15000)))(this.attempts++);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, wait);
    };
    ws.onerror = () => undefined; // a close follows, which reconnects
  }

  close(): void {
    this.closedByUs = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  start(name: string, email: string, text: string): void {
    const frame: Record<string, string> = { action: 'start', text };
    if (!this.opts.token) frame.name = name;
    if (email && !this.opts.token) frame.email = email;
    this.ended = false;
    this.pendingStart = frame;
    this.on.line({ from: 'visitor', name, text });
    if (this.ws?.readyState === OPEN) this.frame(frame);
    else this.connect();
  }

  /** A visitor's line: kept with its id until a resume shows it taken, so a reconnect resends it. */
  send(text: string, name = ''): void {
    const line: Outgoing = { id: this.newId(), text };
    const stored = this.load();
    this.save({ ...stored, outbox: [...(stored.outbox ?? []), line] });
    this.on.line({ from: 'visitor', name, text, id: line.id });
    this.frame({ action: 'message', text, id: line.id });
  }

  typing(now = Date.now()): void {
    if (now - this.lastTyping < TYPING_EVERY_MS) return;
    this.lastTyping = now;
    this.frame({ action: 'typing' });
  }

  end(): void {
    this.frame({ action: 'end' });
  }

  /** Forget the conversation (after it ended) so the next start opens a new one. */
  forget(): void {
    this.storage.removeItem(this.opts.storageKey);
    this.seenAgentLines.clear();
  }

  private frame(frame: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private resendOutbox(): void {
    for (const line of this.load().outbox ?? []) this.frame({ action: 'message', text: line.text, id: line.id });
  }

  private receive(data: unknown): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const str = (key: string) => (typeof frame[key] === 'string' ? (frame[key] as string) : '');
    switch (frame.type) {
      case 'started':
        this.pendingStart = null;
        this.save({ ...this.load(), conversation: str('conversation') });
        this.on.notice({ kind: 'started', ticketNumber: str('ticket_number') });
        return;
      case 'resumed': {
        const lines = Array.isArray(frame.messages) ? (frame.messages as Record<string, unknown>[]) : [];
        const shown: ChatLine[] = lines.map((m) => ({
          from: m.from === 'visitor' ? 'visitor' : 'agent',
          name: typeof m.name === 'string' ? m.name : '',
          text: typeof m.text === 'string' ? m.text : '',
          at: typeof m.at === 'string' ? m.at : undefined,
        }));
        this.settleOutbox(shown);
        const outbox = this.load().outbox ?? [];
        this.on.transcript([...shown, ...outbox.map((l) => ({ from: 'visitor' as const, name: '', text: l.text, id: l.id }))]);
        this.resendOutbox();
        return;
      }
      case 'message': {
        const id = str('id');
        if (id && this.seenAgentLines.has(id)) return; // a stream record delivered again
        if (id) this.seenAgentLines.add(id);
        this.on.line({ from: 'agent', name: str('name'), text: str('text'), at: str('at') || undefined, id: id || undefined });
        return;
      }
      case 'queue':
        this.on.notice({ kind: 'queue', position: typeof frame.position === 'number' ? frame.position : 0 });
        return;
      case 'assigned':
        this.on.notice({ kind: 'assigned', name: str('name') });
        return;
      case 'typing':
        this.on.typing();
        return;
      case 'offline':
        this.on.notice({ kind: 'offline' });
        return;
      case 'ended':
        this.finish();
        return;
      case 'error':
        this.error(str('code'), str('message'));
        return;
      default:
        return;
    }
  }

  private error(code: string, message: string): void {
    if (code === 'unavailable') {
      this.resendOutbox(); // a fault on the server's side: the line may not have been taken
      return;
    }
    if (code === 'conversation_ended') {
      this.finish();
      return;
    }
    if (code === 'invalid_conversation') this.forget();
    this.on.notice({ kind: 'error', code, message });
  }

  private finish(): void {
    this.ended = true;
    this.pendingStart = null;
    this.forget();
    // The server ties a connection to its one conversation: a new chat starts on a new socket.
    this.close();
    this.on.notice({ kind: 'ended' });
  }

  /** Lines a resume shows as the visitor's are taken: drop as many outbox entries with the same text. */
  private settleOutbox(shown: ChatLine[]): void {
    const stored = this.load();
    if (!stored.outbox?.length) return;
    const counts = new Map<string, number>();
    for (const l of shown) if (l.from === 'visitor') counts.set(l.text, (counts.get(l.text) ?? 0) + 1);
    const left = stored.outbox.filter((l) => {
      const n = counts.get(l.text) ?? 0;
      if (n === 0) return true;
      counts.set(l.text, n - 1);
      return false;
    });
    this.save({ ...stored, outbox: left });
  }

  private load(): Stored {
    try {
      const raw = this.storage.getItem(this.opts.storageKey);
      return raw ? (JSON.parse(raw) as Stored) : {};
    } catch {
      return {};
    }
  }

  private save(stored: Stored): void {
    try {
      this.storage.setItem(this.opts.storageKey, JSON.stringify(stored));
    } catch {
      // storage full or refused (private mode): the conversation lasts as long as the page
    }
  }
}
