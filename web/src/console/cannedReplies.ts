// 快捷回复: the placeholders a canned reply's body may hold, and how the reply box fills them in.
import type { CannedReply } from '../api';

/** The placeholders, as written in a body. Anything else in braces stays as written. */
export const CANNED_PLACEHOLDERS = ['customer_name', 'ticket_number', 'agent_name'] as const;
export type CannedPlaceholder = (typeof CANNED_PLACEHOLDERS)[number];

export type PlaceholderValues = Partial<Record<CannedPlaceholder, string | null | undefined>>;

const PATTERN = new RegExp(`\\{(${CANNED_PLACEHOLDERS.join('|')})\\}`, 'g');

/** The part of an email before @ ('' for none). */
export function emailName(email: string | null | undefined): string {
  if (!email) return '';
  const at = email.indexOf('@');
  return at > 0 ? email.slice(0, at) : email;
}

/** A person's name, else the part of their email before @. */
export function displayName(person: { name?: string | null; email?: string | null } | null | undefined): string {
  return person?.name?.trim() || emailName(person?.email);
}

/**
 * The body with each known placeholder replaced in one pass (a value holding "{ticket_number}" is not expanded
 * again). A placeholder with no value, and any unknown {...}, stay as written for the agent to see and fix.
 */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(PATTERN, (whole, name: CannedPlaceholder) => {
    const v = values[name];
    return v ? v : whole;
  });
}

/** Case-insensitive substring match on the title and the body (Chinese has no case: a plain substring match). */
export function matchesCanned(reply: Pick<CannedReply, 'title' | 'body'>, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return true;
  return reply.title.toLocaleLowerCase().includes(q) || reply.body.toLocaleLowerCase().includes(q);
}

/** The first non-empty line of a body, for lists. */
export function firstLine(body: string): string {
  return body.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
}
