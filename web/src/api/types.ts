// Types of the HTTP API v1, as described in docs/api.md. Keep in step with that page.

export type Role = 'customer' | 'agent' | 'supervisor' | 'admin';
export type StaffRole = Exclude<Role, 'customer'>;

export const STATUSES = ['new', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['email', 'web', 'phone', 'chat', 'wechat', 'app', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const VIEWS = ['mine', 'team', 'unassigned', 'all', 'requested'] as const;
export type TicketView = (typeof VIEWS)[number];

/** ISO-8601 with an offset, e.g. 2026-11-22T10:15:00+08:00 */
export type IsoDateTime = string;

export interface User {
  email: string;
  name: string;
  role: Role;
  teams: string[];
  permissions: string[];
}

export interface Person {
  email: string;
  name?: string | null;
}

export interface Actor {
  email: string;
  name: string;
  role: Role | string;
}

export interface StatusHistoryEntry {
  status: TicketStatus;
  at: IsoDateTime;
}

export interface TicketSla {
  first_response_due_at: IsoDateTime | null;
  resolution_due_at: IsoDateTime | null;
  first_responded_at: IsoDateTime | null;
  resolved_at: IsoDateTime | null;
  paused: boolean;
}

export interface Ticket {
  id: string;
  number: string;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: Priority;
  channel: Channel;
  requester: Person;
  team: string | null;
  assignee: string | null;
  category: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  version: number;
  next_statuses: TicketStatus[];
  status_history: StatusHistoryEntry[];
  sla: TicketSla | null;
}

export interface NewTicket {
  subject: string;
  description: string;
  priority?: Priority;
  category?: string;
  channel?: Channel;
  requester?: { email: string; name?: string };
  custom_fields?: Record<string, unknown>;
  tags?: string[];
  team?: string;
}

/** The fields staff may change with PATCH /api/tickets/{id}. */
export interface TicketChanges {
  status?: TicketStatus;
  priority?: Priority;
  team?: string | null;
  assignee?: string | null;
  category?: string | null;
  tags?: string[];
  custom_fields?: Record<string, unknown>;
}

export interface Message {
  id: string;
  ticket_id: string;
  author: Actor;
  body: string;
  internal: boolean;
  created_at: IsoDateTime;
}

export interface NewMessage {
  body: string;
  internal?: boolean;
}

export type EventType = 'ticket.created' | 'ticket.updated' | 'message.added';

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface TicketEvent {
  id: string;
  ticket_id: string;
  type: EventType | string;
  actor: Actor;
  at: IsoDateTime;
  changes: FieldChange[];
  message_id?: string | null;
  internal?: boolean;
}

export type Availability = 'online' | 'away' | 'offline';

export interface Agent {
  email: string;
  name: string;
  role: StaffRole | string;
  teams: string[];
  skills: string[];
  capacity: number;
  availability: Availability | string;
  senior: boolean;
}

export interface Team {
  id: string;
  name: string;
  members: string[];
  supervisor: string | null;
}

export interface Notification {
  id: string;
  type: 'ticket.assigned' | string;
  ticket_id: string;
  ticket_number: string;
  subject: string;
  at: IsoDateTime;
  read: boolean;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Items<T> {
  items: T[];
}

export interface DevAccount {
  email: string;
  name: string;
  role: Role;
}

export interface SignInResult {
  token: string;
  user: User;
}

export type AuthConfig =
  | { auth: 'local' }
  | { auth: 'cognito'; region: string; user_pool_id: string; client_id: string; domain: string };

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string | null };
}

export interface TicketListParams {
  view?: TicketView;
  status?: TicketStatus[];
  priority?: Priority[];
  team?: string;
  limit?: number;
  cursor?: string | null;
}

export interface PageParams {
  limit?: number;
  cursor?: string | null;
}

export function isStaffRole(role: Role | string | undefined | null): role is StaffRole {
  return role === 'agent' || role === 'supervisor' || role === 'admin';
}
