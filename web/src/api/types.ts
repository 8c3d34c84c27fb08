// Types of the HTTP API v1, as described in docs/api.md. Keep in step with that page.

export type Role = 'customer' | 'agent' | 'supervisor' | 'admin';
export type StaffRole = Exclude<Role, 'customer'>;

export const STATUSES = ['new', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['email', 'web', 'phone', 'chat', 'wechat', 'app', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const VIEWS = [
  'mine',
  'team',
  'unassigned',
  'all',
  'requested',
  'at_risk',
  'breached',
  'review',
  'subtasks',
  'collaborating',
] as const;
export type TicketView = (typeof VIEWS)[number];

/** ISO-8601 with an offset, e.g. 2026-11-22T10:15:00+08:00 */
export type IsoDateTime = string;

export interface User {
  email: string;
  name: string;
  /** A built-in role, or a custom role's id. */
  role: Role | string;
  teams: string[];
  permissions: string[];
  /** A staff member's language from their profile (null for customers). */
  language?: string | null;
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

export type SlaClockState = 'running' | 'paused' | 'stopped';

export const BREACH_REASONS = ['incomplete_info', 'complex_process', 'insufficient_resources', 'other'] as const;
export type BreachReason = (typeof BREACH_REASONS)[number];

export interface TicketSla {
  first_response_due_at: IsoDateTime | null;
  resolution_due_at: IsoDateTime | null;
  first_responded_at: IsoDateTime | null;
  resolved_at: IsoDateTime | null;
  paused: boolean;
  // Routing/SLA fields (optional: an older server omits them).
  state?: SlaClockState;
  /** Past the policy set's warning share of a target. */
  warned?: boolean;
  /** Past a target. */
  breached?: boolean;
  /** 达标 per target, judged when the clock stopped (null while it runs). */
  first_response_met?: boolean | null;
  resolution_met?: boolean | null;
  breach_reason?: BreachReason | string | null;
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
  /** Addresses kept on an email ticket ([] otherwise). */
  cc?: string[];
  /** Knowledge-base articles linked to it (ids). */
  articles?: string[];
  assigned_at?: IsoDateTime | null;
  acknowledged_at?: IsoDateTime | null;
  /** 确认接单 is due by then (the assignee is alerted and the ticket reassigned after). */
  acknowledge_due_at?: IsoDateTime | null;
  /** The requester's survey answer (1-5), null until rated. */
  satisfaction?: { score: number; comment: string; rated_at: IsoDateTime } | null;
  /** The automation that acts next on this ticket, and when (null: none). */
  next_automation?: NextAutomation | null;
  /** 结案审核: the closing review, once someone asked to close a ticket that needs one. */
  review?: TicketReview | null;
  /** Staff who follow the ticket. */
  followers?: string[];
  /** Closed as a duplicate of this ticket (合并工单). */
  merged_into?: TicketLink | null;
  /** Duplicates merged into this ticket. */
  merged_from?: TicketLink[];
  /** Sub-tasks not done yet. */
  open_subtasks?: number;
  /** The requester's customer record as the ticket was opened: tier, region, organization (those set). */
  customer?: Record<string, string>;
  /** Files attached when it was opened on the web (download: message id = the ticket's id). */
  attachments?: Attachment[];
}

export interface TicketLink {
  id: string;
  number: string;
}

/** 子任务: a checklist item of a ticket, with its assignee and due time. */
export interface SubTask {
  id: string;
  title: string;
  assignee: string | null;
  team: string | null;
  status: 'open' | 'done';
  due_at: IsoDateTime | null;
  created_by: string;
  created_at: IsoDateTime;
  done_at?: IsoDateTime | null;
}

export interface NewSubTask {
  title: string;
  assignee?: string;
  team?: string;
  due_at?: IsoDateTime;
}

export type CollaborationStatus = 'open' | 'accepted' | 'done' | 'declined';

/** 协作请求: a request to another team, and its answer. */
export interface Collaboration {
  id: string;
  team: string;
  request: string;
  status: CollaborationStatus;
  requested_by: string;
  requested_at: IsoDateTime;
  due_at: IsoDateTime | null;
  response: string | null;
  answered_by?: string | null;
  answered_at?: IsoDateTime | null;
}

export type NoticeChannel = 'in_app' | 'email' | 'both' | 'none';

export interface NextAutomation {
  id: string;
  name: string;
  at: IsoDateTime;
}

export interface TicketReview {
  state: 'pending' | 'approved' | 'rejected';
  /** An email, or the name of the automation or rule that asked to close it. */
  requested_by: string;
  requested_at: IsoDateTime;
  reviewer?: string | null;
  reviewed_at?: IsoDateTime | null;
  comment: string;
}

export interface NewTicket {
  /** Optional when a template gives it. */
  subject?: string;
  description?: string;
  template?: string;
  /** Upload ids (POST /api/uploads). */
  attachments?: string[];
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
  breach_reason?: BreachReason;
}

export interface Attachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  inline: boolean;
  /** An image's short-lived URL (WeChat, web uploads), to show it inline. */
  url?: string | null;
}

/** Set on a public reply the requester's channel refused (WeChat's 48-hour window). */
export interface Delivery {
  status: 'undelivered' | string;
  channel: 'wechat' | string;
  reason: 'window_closed' | 'unsubscribed' | 'reply_limit' | string;
  at: IsoDateTime;
}

/** GET /api/tickets/{id}/wechat: the follower behind a WeChat ticket and their reply window. */
export interface WechatFollower {
  openid: string;
  name: string;
  subscribed: boolean;
  last_seen_at: IsoDateTime | null;
  window_closes_at: IsoDateTime | null;
  window_open: boolean;
  /** By the server's clock when answered: the countdown runs from the fetch. */
  window_seconds_left: number;
  unsubscribed_at?: IsoDateTime | null;
}

/** GET .../attachments/{id}: a short-lived download URL. */
export interface AttachmentLink {
  url: string;
  filename: string;
  content_type: string;
  size: number;
  expires_at: IsoDateTime;
}

/** GET .../raw (staff): a short-lived URL of the raw MIME message. */
export interface RawMessageLink {
  url: string;
  expires_at: IsoDateTime;
}

export interface Message {
  id: string;
  ticket_id: string;
  author: Actor;
  body: string;
  internal: boolean;
  /** Copied from this merged duplicate (its number). */
  merged_from?: string | null;
  created_at: IsoDateTime;
  channel?: 'web' | 'email' | string;
  /** Sanitized by the API (an email's new part); rendered only by shared/EmailHtml. */
  html?: string | null;
  /** The folded quoted history / signature, plain text. */
  quoted_text?: string | null;
  attachments?: Attachment[];
  cc?: string[];
  /** The raw MIME message is kept (it arrived by email). */
  has_raw?: boolean;
  delivery?: Delivery | null;
  wechat?: { msg_id?: string; msg_type?: string; problems?: string[] } | null;
}

export interface NewMessage {
  body: string;
  internal?: boolean;
  /** Upload ids (POST /api/uploads). */
  attachments?: string[];
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

export const STAFF_ROLES = ['agent', 'supervisor', 'admin'] as const satisfies readonly StaffRole[];

/** The language the console opens in for an agent (unless their browser chose one). */
export const AGENT_LANGUAGES = ['zh-CN', 'en'] as const;
export type AgentLanguage = (typeof AGENT_LANGUAGES)[number];

export interface Agent {
  email: string;
  name: string;
  role: StaffRole | string;
  teams: string[];
  skills: string[];
  capacity: number;
  availability: Availability | string;
  senior: boolean;
  // Optional: an older server omits them.
  language?: AgentLanguage | string;
  /** Open tickets the agent holds now (GET /api/agents; a save's answer may carry null). */
  load?: number | null;
  /** Live chats at once, counted apart from tickets (docs/chat.md); an older server omits it. */
  chat_capacity?: number;
}

/** PUT /api/admin/agents/{email}: creates (201) or replaces (200) a staff member. */
export interface AgentInput {
  name: string;
  /** A built-in role or a custom role's id (GET /api/admin/roles). */
  role: StaffRole | string;
  teams: string[];
  skills: string[];
  /** 0-100 open tickets at once. */
  capacity: number;
  /** 0-20 live chats at once (the server's default, 3, when left out: so an edit always sends it). */
  chat_capacity?: number;
  senior: boolean;
  language: AgentLanguage;
  /** Omitted: "offline" on create, unchanged on update. */
  availability?: Availability;
}

export interface Team {
  id: string;
  name: string;
  members: string[];
  supervisor: string | null;
}

/** What the API accepts as a team id. */
export const TEAM_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** PUT /api/admin/teams/{id}: members follow the agents' `teams`, so they are not part of the body. */
export interface TeamInput {
  name: string;
  /** A supervisor's or an admin's email. */
  supervisor: string | null;
}

export const NOTIFICATION_TYPES = [
  'ticket.assigned',
  'ticket.ack_timeout',
  'sla.warning',
  'sla.breach',
  'ticket.urged',
  'ticket.transferred',
  'rule.notify',
  'ticket.escalated',
  'review.requested',
  'review.rejected',
  'mention',
  'follower.message',
  'follower.status',
  'subtask.assigned',
  'subtask.overdue',
  'collaboration.requested',
  'collaboration.answered',
  'ticket.merged',
  'sla.escalated_second_level',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface Notification {
  id: string;
  type: NotificationType | string;
  ticket_id: string;
  ticket_number: string;
  subject: string;
  at: IsoDateTime;
  read: boolean;
  /** A mention: the note that named the reader, and its start. */
  message_id?: string | null;
  note?: string | null;
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

export type AuthConfig = (
  | { auth: 'local' }
  | { auth: 'cognito'; region: string; user_pool_id: string; client_id: string; domain: string }
) & {
  /** The live chat's WebSocket URL (docs/chat.md). */
  chat_url?: string;
};

// ---- live chat (docs/chat.md) ----

export type ChatListState = 'waiting' | 'mine' | 'all';

/** One chat in GET /api/chats. */
export interface ChatSummary {
  ticket_id: string;
  ticket_number: string;
  visitor_name: string;
  visitor_email?: string | null;
  /** The visitor's first line. */
  text: string;
  status: TicketStatus;
  assignee_id?: string | null;
  assignee_name?: string | null;
  team_id?: string | null;
  started_at: IsoDateTime;
  /** Set while nobody has accepted the chat. */
  waiting_since?: IsoDateTime | null;
  last_line_at: IsoDateTime;
  /** The visitor has an open socket. */
  connected: boolean;
  ended: boolean;
}

export interface ChatPage {
  items: ChatSummary[];
  next?: string | null;
}

/** What the console's socket receives while it watches a chat. */
export type StaffChatFrame =
  | { type: 'watching'; ticket_id: string; ticket_number: string }
  | { type: 'message'; from: 'visitor' | 'agent'; name: string; text: string; at: IsoDateTime; id?: string; ticket_id?: string }
  | { type: 'typing'; from?: 'visitor'; ticket_id?: string }
  | { type: 'error'; code: string; message: string };

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string | null; reasons?: string[] };
}

// ---- routing / SLA ----

export interface TransferRequest {
  team?: string;
  assignee?: string | null;
  reason: string;
}

export interface UrgeRequest {
  note?: string;
}

/** shared/domain/rules.py FactField; custom fields are `custom_fields.<name>`. */
export const FACT_FIELDS = [
  'text',
  'subject',
  'description',
  'channel',
  'category',
  'priority',
  'customer_tier',
  'organization',
  'requester_email',
  'requester_domain',
  'region',
] as const;
export type FactField = (typeof FACT_FIELDS)[number];
/** What triggers also look at: the ticket's status, team, assignee and tags. */
export const TRIGGER_FACT_FIELDS = [...FACT_FIELDS, 'status', 'team', 'assignee', 'tags'] as const;
/** The fields whose change an `updated` trigger can name. */
export const TRACKED_FIELDS = ['status', 'priority', 'team', 'assignee', 'category', 'tags'] as const;
export const CUSTOM_FIELD_PREFIX = 'custom_fields.';

export const OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'matches',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];
/** `updated` triggers only: what the event changed. */
export const CHANGE_OPERATORS = ['changed', 'changed_to', 'changed_from'] as const;

export const ACTION_TYPES = ['set_team', 'set_priority', 'set_category', 'add_tags', 'set_assignee', 'notify'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
/** Triggers do what routing rules do, and more. */
export const TRIGGER_ACTION_TYPES = [
  ...ACTION_TYPES,
  'set_status',
  'send_canned_reply',
  'add_follower',
  'escalate',
] as const;
/** What an automation may do. */
export const AUTOMATION_ACTION_TYPES = [
  'set_status',
  'send_mail',
  'send_canned_reply',
  'set_priority',
  'add_tags',
  'add_follower',
  'notify',
  'escalate',
] as const;
export const MAIL_TEMPLATES = ['closing_notice', 'waiting_reminder', 'auto_resolved'] as const;

/** What a rule answers: `created` rules route new tickets; the others are triggers (工单触发器). */
export const TRIGGER_EVENTS = ['updated', 'customer_replied', 'agent_replied', 'internal_note'] as const;
export type RuleEvent = 'created' | (typeof TRIGGER_EVENTS)[number];

export type RuleValue = string | number | boolean | Array<string | number | boolean> | null;

export interface RuleCondition {
  field: string;
  operator: Operator | string;
  value?: RuleValue;
}

export interface RuleAction {
  type: ActionType | string;
  value: string | string[] | boolean;
}

export interface Rule {
  name: string;
  position: number;
  /** Absent or `created`: a routing rule; otherwise a trigger. */
  event?: RuleEvent;
  match: 'all' | 'any';
  conditions: RuleCondition[];
  actions: RuleAction[];
  stop: boolean;
  enabled: boolean;
}

export interface RuleSet {
  rules: Rule[];
  /** The stored version (0: the product's defaults); sent back as If-Match on save. */
  version?: number;
}

/** The dry run's sample ticket (rules.py TicketFacts). */
export interface SampleTicket {
  subject: string;
  description: string;
  channel?: string;
  priority?: string;
  category?: string;
  requester_email?: string;
  custom_fields?: Record<string, unknown>;
  customer_tier?: string;
  organization?: string;
  region?: string;
  status?: string;
  team?: string;
  assignee?: string;
  tags?: string[];
}

/** What an `updated` event changed, for the dry run of triggers. */
export interface SampleChange {
  field: string;
  old: string | string[] | null;
  new: string | string[] | null;
}

export interface ConditionTrace {
  field: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  matched: boolean;
  detail: string;
}

export interface RuleTrace {
  rule: string;
  position: number;
  pass: number;
  status: 'fired' | 'not_matched' | 'error' | 'skipped' | 'disabled' | string;
  fired: boolean;
  detail: string;
  conditions: ConditionTrace[];
  changes: FieldChange[];
  /** A rule that failed: what went wrong, as a code and its parameters (`detail` is the English text). */
  error?: RuleTraceError | null;
}

export interface RuleTraceError {
  code: string;
  [param: string]: string | number | undefined;
}

/** rules.py Outcome.to_dict(). */
export interface DryRunOutcome {
  event?: RuleEvent;
  status?: string | null;
  replies?: string[];
  escalate?: string[];
  team: string | null;
  priority: string | null;
  category: string | null;
  assignee: string | null;
  tags: string[];
  notify: string[];
  changes: FieldChange[];
  fired: string[];
  passes: number;
  converged: boolean;
  trace: RuleTrace[];
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingPeriod {
  start: string; // HH:MM
  end: string; // HH:MM, may be 24:00
}

/** shared/domain/calendar.py BusinessCalendar.to_dict(). */
export interface BusinessCalendar {
  name: string;
  time_zone: string;
  always_open: boolean;
  statutory: boolean;
  hours: Partial<Record<Weekday, WorkingPeriod[]>>;
  makeup_hours: WorkingPeriod[] | null;
  holidays: string[]; // YYYY-MM-DD
  extra_workdays: string[];
}

export const TARGET_UNITS = ['minutes', 'hours', 'working_days'] as const;
export type TargetUnit = (typeof TARGET_UNITS)[number];
/** {"hours": 4}: exactly one unit. */
export type SlaTarget = Partial<Record<TargetUnit, number>>;

export interface SlaPolicy {
  name: string;
  priority: Priority;
  channels: string[];
  tier: string | null;
  first_response: SlaTarget;
  resolution: SlaTarget;
  calendar: string;
}

/** What happens around the targets (shared/services/sla.py Escalation). */
export interface SlaEscalation {
  ack_timeout_minutes: number;
  raise_priority_on_breach: boolean;
  reassign_on_breach: boolean;
  /** A breach still open this long goes up a level (the admins); 0: never. */
  second_level_after_minutes?: number;
}

/** shared/domain/sla_policy.py SlaPolicySet.to_dict(), plus the escalation settings and the stored version. */
export interface SlaPolicySet {
  warning_share: number;
  calendars: BusinessCalendar[];
  policies: SlaPolicy[];
  escalation?: SlaEscalation;
  /** The stored version; sent back as If-Match on save (never in the body). */
  version?: number;
}

// ---- canned replies (快捷回复) ----

/** A prepared answer; its body may hold {customer_name}, {ticket_number} and {agent_name}. */
export interface CannedReply {
  id: string;
  title: string;
  body: string;
}

/** GET /api/canned-replies: the whole set, in the order agents see it. */
export interface CannedReplySet {
  items: CannedReply[];
  /** The stored version (also the ETag); sent back as If-Match on save (never in the body). */
  version?: number;
}

/** One item of a save: no id for a new reply (the server assigns one). */
export interface CannedReplyInput {
  id?: string;
  title: string;
  body: string;
}

export interface TicketListParams {
  view?: TicketView;
  status?: TicketStatus[];
  priority?: Priority[];
  team?: string;
  /** Staff, with view=requested: the tickets this customer (email) opened, newest first. */
  requester?: string;
  tag?: string;
  category?: string;
  channel?: string;
  assignee?: string;
  created_from?: string;
  created_to?: string;
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

/**
 * Which side of the product a user works in: a custom role (自定义角色) that may view every ticket works in the
 * console like an agent; any other custom role is treated as a customer.
 */
export function areaRole(user: Pick<User, 'role' | 'permissions'>): Role {
  if (isStaffRole(user.role) || user.role === 'customer') return user.role;
  return (user.permissions ?? []).includes('ticket.read.all') ? 'agent' : 'customer';
}

// ---- reports (docs/reports.md) ----

export type ReportPeriod = 'day' | 'week' | 'month';
export type ReportFormat = 'csv' | 'xlsx';

export interface TargetMeasure {
  count: number;
  met: number;
  met_rate: number | null;
  mean_minutes: number | null;
  p90_minutes: number | null;
}

export interface Measures {
  created: number;
  resolved: number;
  reopened: number;
  first_response: TargetMeasure;
  resolution: TargetMeasure;
  satisfaction: { responses: number; mean: number | null; satisfied_rate: number | null };
}

export interface DimensionRow extends Measures {
  key: string | null;
}

export interface ReportAnswer {
  number: string | null;
  customer: string;
  score: number;
  comment: string;
  team: string | null;
  agent: string | null;
  rated_at: string;
}

export interface ReportKbArticle {
  article_id: string;
  title: string;
  views: number;
  helpful: number;
  not_helpful: number;
  deflections: number;
}

export interface ReportKb {
  since: string;
  until: string;
  views: number;
  helpful: number;
  not_helpful: number;
  /** Questions a suggested article answered in the portal: tickets not opened. */
  deflections: number;
  articles: ReportKbArticle[];
}

export interface Report {
  period: ReportPeriod;
  start: string;
  end: string;
  timezone: string;
  generated_at: string;
  totals: Measures;
  by_channel: DimensionRow[];
  by_priority: DimensionRow[];
  by_team: DimensionRow[];
  by_agent: DimensionRow[];
  by_category: DimensionRow[];
  breach_reasons: { reason: string; label: string; count: number }[];
  daily: { date: string; created: number; resolved: number }[];
  answers: ReportAnswer[];
  /** The knowledge base over the same days (absent where the service has none). */
  kb?: ReportKb | null;
}

export interface Forecast {
  method: string;
  history_days: number;
  days: { date: string; expected: number; low: number; high: number }[];
  staffing: { date: string; hour: number; expected: number; agents_needed: number }[];
  assumptions: { handle_minutes: number; handle_measured: boolean; first_response_target_minutes: number };
}

export interface Survey {
  ticket: { number: string; subject: string };
  score: number | null;
  comment: string | null;
  status: string;
}

export interface SurveyAnswer {
  score: number;
  comment?: string;
}

// ---- automations (自动化) and the closing review (结案审核) ----

export const ANCHORS = ['resolved_at', 'updated_at', 'waiting_since', 'created_at'] as const;
export type Anchor = (typeof ANCHORS)[number];

export interface AutomationWhen {
  status: TicketStatus;
  hours_since: Anchor;
  hours: number;
  business_hours?: boolean;
  calendar?: string;
  conditions?: RuleCondition[];
  match?: 'all' | 'any';
}

export interface Automation {
  /** Absent on a new one: the server gives it an id. */
  id?: string;
  name: string;
  enabled: boolean;
  when: AutomationWhen;
  actions: RuleAction[];
}

export interface AutomationSet {
  items: Automation[];
  /** From the ETag; sent back as If-Match. */
  version?: number;
}

/** Live chat's admin setting: the sites whose pages may open a chat, and when an idle chat ends itself. */
export interface ChatSettings {
  allowed_origins: string[];
  idle_minutes: number;
  /** The product's own URL: always allowed, never part of the list. */
  own_origin?: string;
  version: number;
}

export interface ReviewPolicy {
  categories: string[];
  priorities: Priority[];
  version?: number;
}

export interface ReviewDecision {
  approve: boolean;
  comment?: string;
}

// ---- knowledge base and search (docs/api.md, "Knowledge base and search") ----

export type ArticleStatus = 'draft' | 'published';

export interface ArticleSummary {
  id: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  status: ArticleStatus;
  version: number;
  updated_at: IsoDateTime;
  views: number;
  helpful: number;
  not_helpful: number;
  deflections: number;
  linked_tickets: number;
  /** Where the help centre shows it (a path). */
  url: string;
}

export interface Article extends ArticleSummary {
  body: string;
  /** The body as sanitized HTML. */
  html: string;
  /** The summary as written; empty when the body's first paragraph stands in (`summary`). */
  given_summary?: string;
  language: string;
  author: string;
  created_at: IsoDateTime;
  source_ticket?: string | null;
}

export interface ArticleInput {
  title: string;
  body: string;
  category: string;
  tags?: string[];
  summary?: string;
  status?: ArticleStatus;
}

export interface ArticleHit {
  id: string;
  title: string;
  snippet: string;
  score: number;
  summary: string;
  category: string;
  status: ArticleStatus;
  url: string;
}

export interface ArticleCategory {
  category: string;
  articles: number;
  published: number;
}

export interface ArticleHistoryEntry {
  version: number;
  action: 'created' | 'updated' | 'published' | 'unpublished' | 'deleted';
  actor: string;
  at: IsoDateTime;
  changed: string[];
}

export interface ArticleFeedback {
  helpful: boolean;
  deflected?: boolean;
}

export interface TicketHit extends Ticket {
  snippet: string;
  score: number;
  /** Where the best match is: the subject or description, a reply, an internal note. */
  matched: 'subject' | 'message' | 'internal';
}

export interface SearchTerms {
  /** Product words the segmenter keeps whole. */
  terms: string[];
  /** Groups of words that find each other. */
  synonyms: string[][];
  version: number;
}

// ---- the desk: bulk edits, custom fields, templates, uploads, customer records, saved views (docs/desk.md) ----

export interface BulkChanges {
  status?: TicketStatus;
  priority?: Priority;
  team?: string;
  assignee?: string;
  add_tags?: string[];
  remove_tags?: string[];
}

export interface BulkResult {
  id: string;
  status: number;
  error?: { code: string; message: string; field?: string } | null;
}

export type FieldType = 'text' | 'number' | 'date' | 'select' | 'multiselect' | 'checkbox';

export interface FieldDefinition {
  key: string;
  label: { 'zh-CN': string; en: string };
  type: FieldType;
  options?: string[] | null;
  required_for_categories?: string[] | null;
  visible_to_customer: boolean;
}

export interface TicketTemplate {
  id: string;
  name: string;
  category: string;
  priority?: Priority | null;
  subject?: string | null;
  description?: string | null;
  fields: string[];
  visible_to_customer: boolean;
}

export interface UploadTarget {
  id: string;
  url: string;
  method: 'POST';
  fields?: Record<string, string> | null;
  expires_at: IsoDateTime;
}

export interface CustomerRecord {
  email: string;
  name: string;
  phone?: string | null;
  organization?: string | null;
  tier?: string | null;
  region?: string | null;
  address?: string | null;
  notes?: string | null;
  /** false: no record kept yet, only the name on their tickets. */
  saved?: boolean;
}

export type ViewFilters = Partial<Record<'view' | 'status' | 'priority' | 'team' | 'tag' | 'category' | 'channel' | 'assignee' | 'created_from' | 'created_to', string>>;

export interface SavedView {
  id: string;
  name: string;
  owner: string;
  filters: ViewFilters;
  team: string | null;
  shared: boolean;
  count?: number | null;
  more?: boolean | null;
}

// ---- custom roles (自定义角色; docs/security.md) ----

/** A role: one of the three built-in ones (never changed here) or a custom one an admin defined. */
export interface RoleDef {
  id: string;
  name: string;
  permissions: string[];
  builtin: boolean;
}

export interface RoleList {
  items: RoleDef[];
  /** Every permission a role can grant. */
  permissions: string[];
}

export interface RoleInput {
  name: string;
  permissions: string[];
}
