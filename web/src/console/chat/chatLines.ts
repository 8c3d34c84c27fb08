// The chat screens' pure parts: the queue's order and the conversation's lines.
import type { ChatSummary, Message } from '../../api';

export interface LiveLine {
  id: string;
  from: 'visitor' | 'agent';
  name: string;
  text: string;
  at: string;
}

/** Oldest first, whatever order a page came in. */
export function byWaiting(items: ChatSummary[]): ChatSummary[] {
  const since = (c: ChatSummary) => Date.parse(c.waiting_since ?? c.started_at);
  return [...items].sort((a, b) => since(a) - since(b));
}

/** The ticket's public lines and the live ones the messages list does not have yet, oldest first. */
export function mergeLines(messages: Message[], live: LiveLine[]): LiveLine[] {
  const known = new Set(messages.map((m) => m.id));
  const fromTicket: LiveLine[] = messages
    .filter((m) => !m.internal)
    .map((m) => ({
      id: m.id,
      from: m.author.role === 'customer' ? 'visitor' : 'agent',
      name: m.author.name,
      text: m.body,
      at: m.created_at,
    }));
  const all = [...fromTicket, ...live.filter((l) => !known.has(l.id))];
  return all.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
