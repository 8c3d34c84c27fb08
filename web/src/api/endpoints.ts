// Typed functions for every route the SPA uses (docs/api.md). The only place that knows the URLs.
import { getToken } from '../auth/token';
import { call, download, request, seg, uploadForm } from './client';
import type {
  Article,
  ArticleCategory,
  ArticleFeedback,
  ArticleHistoryEntry,
  ArticleHit,
  ArticleInput,
  ArticleStatus,
  ArticleSummary,
  TicketHit,
  SearchTerms,
  Agent,
  RoleDef,
  RoleInput,
  RoleList,
  AgentInput,
  AttachmentLink,
  Automation,
  AutomationSet,
  Availability,
  AuthConfig,
  CannedReplyInput,
  ChatListState,
  ChatPage,
  CannedReplySet,
  DryRunOutcome,
  Forecast,
  Report,
  ReportFormat,
  ReportPeriod,
  Survey,
  SurveyAnswer,
  RawMessageLink,
  ReviewDecision,
  ReviewPolicy,
  ChatSettings,
  RuleEvent,
  RuleSet,
  SampleChange,
  SampleTicket,
  SlaPolicySet,
  TransferRequest,
  UrgeRequest,
  DevAccount,
  Items,
  Message,
  NewMessage,
  NewTicket,
  Notification,
  NoticeChannel,
  Collaboration,
  CollaborationStatus,
  NewSubTask,
  SubTask,
  Page,
  PageParams,
  SignInResult,
  Team,
  TeamInput,
  Ticket,
  TicketChanges,
  TicketEvent,
  TicketListParams,
  User,
  WechatFollower,
  BulkChanges,
  BulkResult,
  CustomerRecord,
  FieldDefinition,
  SavedView,
  TicketTemplate,
  UploadTarget,
  ViewFilters,
} from './types';

interface ReadOpts {
  signal?: AbortSignal;
}

// ---- sign-in ----

/** GET /config.json (beside the SPA, not under /api): how to sign in. */
export function getAuthConfig(opts: ReadOpts = {}): Promise<AuthConfig> {
  return call<AuthConfig>('GET', '/config.json', { auth: false, signal: opts.signal });
}

export function devAccounts(opts: ReadOpts = {}): Promise<DevAccount[]> {
  return call<Items<DevAccount>>('GET', '/api/dev/accounts', { auth: false, signal: opts.signal }).then((r) => r.items);
}

export function devLogin(email: string): Promise<SignInResult> {
  return call<SignInResult>('POST', '/api/dev/login', { auth: false, body: { email } });
}

/** Customers on AWS: ask for a one-time code by email. */
export function requestSignInCode(email: string): Promise<unknown> {
  return call<unknown>('POST', '/api/auth/code', { auth: false, body: { email } });
}

export function verifySignInCode(email: string, code: string): Promise<SignInResult> {
  return call<SignInResult>('POST', '/api/auth/verify', { auth: false, body: { email, code } });
}

export function me(opts: ReadOpts = {}): Promise<User> {
  return call<User>('GET', '/api/me', { signal: opts.signal });
}

// ---- tickets ----

export interface CreateTicketOptions {
  /** Makes a retried POST return the first ticket instead of creating another. */
  idempotencyKey?: string;
}

export function createTicket(ticket: NewTicket, opts: CreateTicketOptions = {}): Promise<Ticket> {
  const headers: Record<string, string> = {};
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  return call<Ticket>('POST', '/api/tickets', { body: ticket, headers });
}

/** `idOrNumber` is the ticket id or its GD... number. */
export async function getTicket(idOrNumber: string, opts: ReadOpts = {}): Promise<Ticket> {
  const res = await request<Ticket>('GET', `/api/tickets/${seg(idOrNumber)}`, { signal: opts.signal });
  return res.data;
}

export function listTickets(params: TicketListParams = {}, opts: ReadOpts = {}): Promise<Page<Ticket>> {
  return call<Page<Ticket>>('GET', '/api/tickets', {
    query: {
      view: params.view,
      status: params.status,
      priority: params.priority,
      team: params.team,
      requester: params.requester,
      tag: params.tag,
      category: params.category,
      channel: params.channel,
      assignee: params.assignee,
      created_from: params.created_from,
      created_to: params.created_to,
      limit: params.limit,
      cursor: params.cursor,
    },
    signal: opts.signal,
  });
}

/**
 * PATCH a ticket, naming the version the caller loaded. A stale version rejects with
 * VersionConflictError (412), never silently overwrites.
 */
export function patchTicket(id: string, changes: TicketChanges, version: number): Promise<Ticket> {
  return call<Ticket>('PATCH', `/api/tickets/${seg(id)}`, {
    body: changes,
    headers: { 'If-Match': `"${version}"` },
  });
}

// ---- conversation ----

export function listMessages(ticketId: string, params: PageParams = {}, opts: ReadOpts = {}): Promise<Page<Message>> {
  return call<Page<Message>>('GET', `/api/tickets/${seg(ticketId)}/messages`, {
    query: { limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

export function postMessage(ticketId: string, message: NewMessage): Promise<Message> {
  return call<Message>('POST', `/api/tickets/${seg(ticketId)}/messages`, { body: message });
}

// ---- live chat (docs/chat.md) ----

/** GET /api/chats (staff): `waiting` oldest first, `mine`, or `all` the caller may see. */
export function listChats(state: ChatListState, cursor?: string | null, opts: ReadOpts = {}): Promise<ChatPage> {
  return call<ChatPage>('GET', '/api/chats', { query: { state, cursor }, signal: opts.signal });
}

/** Takes a waiting chat; 409 `conflict` when a colleague took it first. */
export function acceptChat(ticketId: string): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/chat/accept`);
}

/** Ends a chat: the visitor is told and the transcript is mailed to them. */
export function endChat(ticketId: string): Promise<unknown> {
  return call<unknown>('POST', `/api/tickets/${seg(ticketId)}/chat/end`);
}

/** `chat_url` from /config.json (null: this deployment has no live chat). */
export async function getChatUrl(opts: ReadOpts = {}): Promise<string | null> {
  const config = await getAuthConfig(opts);
  return config.chat_url || null;
}

/** The console's (or a signed-in customer's) chat socket: the sign-in token goes along as `?token=`. */
export function openChatSocket(chatUrl: string): WebSocket {
  const token = getToken();
  const sep = chatUrl.includes('?') ? '&' : '?';
  return new WebSocket(token ? `${chatUrl}${sep}token=${encodeURIComponent(token)}` : chatUrl);
}

// ---- WeChat ----

/** The follower behind a WeChat ticket and their 48-hour reply window (staff). */
export function getTicketWechat(ticketId: string, opts: ReadOpts = {}): Promise<WechatFollower> {
  return call<WechatFollower>('GET', `/api/tickets/${seg(ticketId)}/wechat`, { signal: opts.signal });
}

/** Staff name the customer behind a WeChat ticket (kept for their next tickets too). */
export function nameTicketWechat(ticketId: string, name: string): Promise<WechatFollower> {
  return call<WechatFollower>('PUT', `/api/tickets/${seg(ticketId)}/wechat`, { body: { name } });
}

// ---- email ----

/** A short-lived download URL of one attachment (requester or staff). */
export function getAttachment(ticketId: string, messageId: string, attachmentId: string): Promise<AttachmentLink> {
  return call<AttachmentLink>(
    'GET',
    `/api/tickets/${seg(ticketId)}/messages/${seg(messageId)}/attachments/${seg(attachmentId)}`,
  );
}

/** A short-lived URL of the raw MIME message (staff). */
export function getRawMessage(ticketId: string, messageId: string): Promise<RawMessageLink> {
  return call<RawMessageLink>('GET', `/api/tickets/${seg(ticketId)}/messages/${seg(messageId)}/raw`);
}

// ---- routing / assignment ----

export function acknowledgeTicket(ticketId: string): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/acknowledge`, { body: {} });
}

export function transferTicket(ticketId: string, transfer: TransferRequest): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/transfer`, { body: transfer });
}

export function urgeTicket(ticketId: string, urge: UrgeRequest = {}): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/urge`, { body: urge });
}

export function setAvailability(email: string, availability: Availability): Promise<Agent> {
  return call<Agent>('PUT', `/api/agents/${seg(email)}/availability`, { body: { availability } });
}

// ---- admin: routing rules, SLA policies ----

export function getRules(opts: ReadOpts = {}): Promise<RuleSet> {
  return call<RuleSet>('GET', '/api/admin/rules', { signal: opts.signal });
}

function ifMatch(version: number | undefined): Record<string, string> {
  return version === undefined ? {} : { 'If-Match': `"${version}"` };
}

/**
 * Saves the whole set. `version` (the one loaded) makes a concurrent save by someone else a 412, not an overwrite.
 * 400 invalid_rules carries `reasons` (ApiError.reasons).
 */
export function putRules(rules: RuleSet, version?: number): Promise<RuleSet> {
  return call<RuleSet>('PUT', '/api/admin/rules', { body: { rules: rules.rules }, headers: ifMatch(version) });
}

/**
 * Which rules would fire for a sample ticket, and why; `rules` tries an unsaved set. `event` (default `created`)
 * picks the rules that answer it; an `updated` trigger also sees `changes`.
 */
export function dryRunRules(
  ticket: SampleTicket,
  rules?: RuleSet,
  event?: RuleEvent,
  changes?: SampleChange[],
): Promise<DryRunOutcome> {
  const body: Record<string, unknown> = rules ? { ticket, rules } : { ticket };
  if (event && event !== 'created') body.event = event;
  if (changes && changes.length > 0) body.changes = changes;
  return call<DryRunOutcome>('POST', '/api/admin/rules/dry-run', { body });
}

export function getSlaPolicies(opts: ReadOpts = {}): Promise<SlaPolicySet> {
  return call<SlaPolicySet>('GET', '/api/admin/sla-policies', { signal: opts.signal });
}

/** Saves the whole set (If-Match: the version loaded). 400 invalid_sla_policies carries `reasons`. */
export function putSlaPolicies(policies: SlaPolicySet, version?: number): Promise<SlaPolicySet> {
  const { version: _stored, ...body } = policies;
  return call<SlaPolicySet>('PUT', '/api/admin/sla-policies', { body, headers: ifMatch(version) });
}

// ---- canned replies (快捷回复) ----

/** The version an ETag names ("3" or W/"3"), or undefined. */
function versionFromEtag(etag: string | null): number | undefined {
  const m = etag ? /^(?:W\/)?"?(\d+)"?$/.exec(etag.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

/** GET /api/canned-replies (staff). The version comes from the body, else from the ETag. */
export async function getCannedReplies(opts: ReadOpts = {}): Promise<CannedReplySet> {
  const res = await request<CannedReplySet>('GET', '/api/canned-replies', { signal: opts.signal });
  const set = res.data;
  const version = typeof set.version === 'number' ? set.version : versionFromEtag(res.headers.get('ETag'));
  return version === undefined ? set : { ...set, version };
}

/**
 * Saves the whole set in its order (canned.manage), If-Match: the version loaded, so a concurrent save by someone
 * else is a 412, not an overwrite. New items go without an id. 400 invalid_canned_replies carries `reasons`.
 */
export function putCannedReplies(set: { items: CannedReplyInput[] }, version?: number): Promise<CannedReplySet> {
  const items = set.items.map(({ id, title, body }) => (id ? { id, title, body } : { title, body }));
  return call<CannedReplySet>('PUT', '/api/admin/canned-replies', { body: { items }, headers: ifMatch(version) });
}

// ---- automations (自动化) and the closing review (结案审核) ----

/** GET /api/admin/automations answers the list itself; its version is the ETag. */
export async function getAutomations(opts: ReadOpts = {}): Promise<AutomationSet> {
  const res = await request<Automation[]>('GET', '/api/admin/automations', { signal: opts.signal });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}

/** Saves the whole list (admin), If-Match: the version loaded. 400 invalid_automations carries `reasons`. */
export async function putAutomations(items: Automation[], version?: number): Promise<AutomationSet> {
  const res = await request<Automation[]>('PUT', '/api/admin/automations', { body: items, headers: ifMatch(version) });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}

export function getReviewPolicy(opts: ReadOpts = {}): Promise<ReviewPolicy> {
  return call<ReviewPolicy>('GET', '/api/admin/review-policy', { signal: opts.signal });
}

export function putReviewPolicy(policy: ReviewPolicy, version?: number): Promise<ReviewPolicy> {
  const { categories, priorities } = policy;
  return call<ReviewPolicy>('PUT', '/api/admin/review-policy', { body: { categories, priorities }, headers: ifMatch(version) });
}

/** 结案审核: approve (the ticket closes) or send it back to its assignee with the comment. */
export function reviewTicket(ticketId: string, decision: ReviewDecision): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/review`, { body: decision });
}

// ---- audit trail ----

export function listEvents(ticketId: string, params: PageParams = {}, opts: ReadOpts = {}): Promise<Page<TicketEvent>> {
  return call<Page<TicketEvent>>('GET', `/api/tickets/${seg(ticketId)}/events`, {
    query: { limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

// ---- directory ----

export function listAgents(opts: ReadOpts = {}): Promise<Agent[]> {
  return call<Items<Agent>>('GET', '/api/agents', { signal: opts.signal }).then((r) => r.items);
}

export function listTeams(opts: ReadOpts = {}): Promise<Team[]> {
  return call<Items<Team>>('GET', '/api/teams', { signal: opts.signal }).then((r) => r.items);
}

// ---- admin: staff and teams (directory.manage) ----

/**
 * Creates (201) or replaces (200) the staff member. 400 validation_error names the `field`; 409 own_role when an
 * admin changes their own role.
 */
export function putAgent(email: string, agent: AgentInput): Promise<Agent> {
  return call<Agent>('PUT', `/api/admin/agents/${seg(email)}`, { body: agent });
}

/** 204. 409 agent_has_tickets while they hold open tickets, 409 own_account for oneself, 404 unknown. */
export async function deleteAgent(email: string): Promise<void> {
  await call<unknown>('DELETE', `/api/admin/agents/${seg(email)}`);
}

/** 204; 409 team_has_members / team_in_rules / team_has_tickets while something still refers to the team. */
export async function deleteTeam(id: string): Promise<void> {
  await call<unknown>('DELETE', `/api/admin/teams/${seg(id)}`);
}

/** Creates (201) or renames / re-supervises (200) a team; 400 for a bad id or a supervisor who is not one. */
export function putTeam(id: string, team: TeamInput): Promise<Team> {
  return call<Team>('PUT', `/api/admin/teams/${seg(id)}`, { body: team });
}

// ---- admin: custom roles (roles.manage; directory.manage may list them to give staff one) ----

export function listRoles(opts: ReadOpts = {}): Promise<RoleList> {
  return call<RoleList>('GET', '/api/admin/roles', { signal: opts.signal });
}

/** Creates (201) or changes (200) a custom role; 409 builtin_role for a built-in id, 400 for an unknown permission. */
export function putRole(id: string, role: RoleInput): Promise<RoleDef> {
  return call<RoleDef>('PUT', `/api/admin/roles/${seg(id)}`, { body: role });
}

/** 204; 409 role_in_use while staff hold it, 409 builtin_role for a built-in role. */
export async function deleteRole(id: string): Promise<void> {
  await call<unknown>('DELETE', `/api/admin/roles/${seg(id)}`);
}

// ---- notifications ----

export function listNotifications(
  params: PageParams & { unread?: boolean } = {},
  opts: ReadOpts = {},
): Promise<Page<Notification>> {
  return call<Page<Notification>>('GET', '/api/notifications', {
    query: { limit: params.limit, cursor: params.cursor, unread: params.unread ? 'true' : undefined },
    signal: opts.signal,
  });
}

/** Marks the caller's notifications read: these ids, or all of them. */
export function markNotificationsRead(body: { ids: string[] } | { all: true }): Promise<{ marked: number }> {
  return call<{ marked: number }>('POST', '/api/notifications/read', { body });
}

export async function getNotificationSettings(opts: ReadOpts = {}): Promise<Record<string, NoticeChannel>> {
  const res = await call<{ channels: Record<string, NoticeChannel> }>('GET', '/api/me/notification-settings', {
    signal: opts.signal,
  });
  return res.channels;
}

export async function putNotificationSettings(
  channels: Record<string, NoticeChannel>,
): Promise<Record<string, NoticeChannel>> {
  const res = await call<{ channels: Record<string, NoticeChannel> }>('PUT', '/api/me/notification-settings', {
    body: { channels },
  });
  return res.channels;
}

// ---- working together: followers, sub-tasks, collaboration requests, merge ----

export function addFollower(ticketId: string, email: string): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/followers`, { body: { email } });
}

export function removeFollower(ticketId: string, email: string): Promise<Ticket> {
  return call<Ticket>('DELETE', `/api/tickets/${seg(ticketId)}/followers/${seg(email)}`);
}

export async function listSubtasks(ticketId: string, opts: ReadOpts = {}): Promise<SubTask[]> {
  const res = await call<Items<SubTask>>('GET', `/api/tickets/${seg(ticketId)}/subtasks`, { signal: opts.signal });
  return res.items;
}

export function addSubtask(ticketId: string, body: NewSubTask): Promise<SubTask> {
  return call<SubTask>('POST', `/api/tickets/${seg(ticketId)}/subtasks`, { body });
}

export function patchSubtask(
  ticketId: string,
  subtaskId: string,
  body: Partial<Pick<SubTask, 'status' | 'title' | 'assignee' | 'due_at'>>,
): Promise<SubTask> {
  return call<SubTask>('PATCH', `/api/tickets/${seg(ticketId)}/subtasks/${seg(subtaskId)}`, { body });
}

export async function listCollaborations(ticketId: string, opts: ReadOpts = {}): Promise<Collaboration[]> {
  const res = await call<Items<Collaboration>>('GET', `/api/tickets/${seg(ticketId)}/collaborations`, {
    signal: opts.signal,
  });
  return res.items;
}

export function requestCollaboration(
  ticketId: string,
  body: { team: string; request: string; due_at?: string },
): Promise<Collaboration> {
  return call<Collaboration>('POST', `/api/tickets/${seg(ticketId)}/collaborations`, { body });
}

export function answerCollaboration(
  ticketId: string,
  collaborationId: string,
  body: { status: Exclude<CollaborationStatus, 'open'>; response?: string },
): Promise<Collaboration> {
  return call<Collaboration>('PATCH', `/api/tickets/${seg(ticketId)}/collaborations/${seg(collaborationId)}`, {
    body,
  });
}

/** 合并工单: closes `ticketId` into `into` (an id or GD number). */
export function mergeTicket(ticketId: string, into: string): Promise<{ source: Ticket; target: Ticket }> {
  return call<{ source: Ticket; target: Ticket }>('POST', `/api/tickets/${seg(ticketId)}/merge`, { body: { into } });
}

// ---- helpers ----

/**
 * Follows next_cursor until the end (or `maxPages`), for lists shown whole: a conversation, an audit trail.
 */
export async function fetchAllPages<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  maxPages = 20,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.next_cursor) return { items, truncated: false };
    cursor = page.next_cursor;
  }
  return { items, truncated: true };
}

// ---- reports (报表), the forecast and satisfaction surveys ----

/** GET /api/reports/{period}?date=: the day, ISO week or month containing the date (supervisors, admins). */
export function getReport(period: ReportPeriod, date: string, opts: ReadOpts = {}): Promise<Report> {
  return call<Report>('GET', `/api/reports/${seg(period)}`, { query: { date }, signal: opts.signal });
}

/** The same report as a CSV or Excel file. */
export function downloadReport(period: ReportPeriod, date: string, format: ReportFormat) {
  return download(`/api/reports/${seg(period)}`, { query: { date, format } });
}

export function getForecast(days: number, opts: ReadOpts = {}): Promise<Forecast> {
  return call<Forecast>('GET', '/api/reports/forecast', { query: { days }, signal: opts.signal });
}

/** The survey of a resolution notice's link (no sign-in: the token is the credential). */
export function getSurvey(token: string, opts: ReadOpts = {}): Promise<Survey> {
  return call<Survey>('GET', `/api/surveys/${seg(token)}`, { auth: false, signal: opts.signal });
}

export function answerSurvey(token: string, answer: SurveyAnswer): Promise<Survey> {
  return call<Survey>('POST', `/api/surveys/${seg(token)}`, { auth: false, body: answer });
}

/** The requester rates a resolved ticket in the portal. */
export function rateTicket(id: string, answer: SurveyAnswer): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(id)}/satisfaction`, { body: answer });
}

// ---- knowledge base and search ----
// Reading the knowledge base needs no sign-in: a token is sent when there is one (staff see drafts), and an expired
// one never sends a help-centre reader to the sign-in page.

export function searchArticles(q: string, limit = 5, opts: ReadOpts = {}): Promise<ArticleHit[]> {
  return call<Items<ArticleHit>>('GET', '/api/kb/search', { auth: 'optional', query: { q, limit }, signal: opts.signal }).then(
    (r) => r.items,
  );
}

export function listArticles(
  params: { category?: string; status?: ArticleStatus; limit?: number; cursor?: string | null } = {},
  opts: ReadOpts = {},
): Promise<Page<ArticleSummary>> {
  return call<Page<ArticleSummary>>('GET', '/api/kb/articles', {
    auth: 'optional',
    query: { category: params.category, status: params.status, limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

export function listArticleCategories(opts: ReadOpts = {}): Promise<ArticleCategory[]> {
  return call<Items<ArticleCategory>>('GET', '/api/kb/categories', { auth: 'optional', signal: opts.signal }).then(
    (r) => r.items,
  );
}

export function getArticle(id: string, opts: ReadOpts = {}): Promise<Article> {
  return call<Article>('GET', `/api/kb/articles/${seg(id)}`, { auth: 'optional', signal: opts.signal });
}

export function sendArticleFeedback(id: string, feedback: ArticleFeedback): Promise<unknown> {
  return call<unknown>('POST', `/api/kb/articles/${seg(id)}/feedback`, { auth: 'optional', body: feedback });
}

export function createArticle(article: ArticleInput): Promise<Article> {
  return call<Article>('POST', '/api/kb/articles', { body: article });
}

/** Names the version the editor loaded: a stale one rejects with VersionConflictError (412). */
export function patchArticle(id: string, changes: Partial<ArticleInput>, version: number): Promise<Article> {
  return call<Article>('PATCH', `/api/kb/articles/${seg(id)}`, {
    body: changes,
    headers: { 'If-Match': `"${version}"` },
  });
}

export function deleteArticle(id: string, version: number): Promise<unknown> {
  return call<unknown>('DELETE', `/api/kb/articles/${seg(id)}`, { headers: { 'If-Match': `"${version}"` } });
}

export function articleHistory(id: string, opts: ReadOpts = {}): Promise<Page<ArticleHistoryEntry>> {
  return call<Page<ArticleHistoryEntry>>('GET', `/api/kb/articles/${seg(id)}/history`, { signal: opts.signal });
}

export function previewArticle(body: string): Promise<{ html: string }> {
  return call<{ html: string }>('POST', '/api/kb/preview', { body: { body } });
}

export function suggestArticles(ticketId: string, limit = 5, opts: ReadOpts = {}): Promise<ArticleHit[]> {
  return call<Items<ArticleHit>>('GET', `/api/tickets/${seg(ticketId)}/article-suggestions`, {
    query: { limit },
    signal: opts.signal,
  }).then((r) => r.items);
}

export function linkArticle(ticketId: string, articleId: string): Promise<Ticket> {
  return call<Ticket>('POST', `/api/tickets/${seg(ticketId)}/articles`, { body: { article_id: articleId } });
}

export function unlinkArticle(ticketId: string, articleId: string): Promise<Ticket> {
  return call<Ticket>('DELETE', `/api/tickets/${seg(ticketId)}/articles/${seg(articleId)}`);
}

/** A draft article from a resolved ticket's question and answer. */
export function draftArticleFromTicket(ticketId: string): Promise<Article> {
  return call<Article>('POST', `/api/tickets/${seg(ticketId)}/kb-draft`);
}

export function searchTickets(
  params: { q: string; status?: string[]; limit?: number; cursor?: string | null },
  opts: ReadOpts = {},
): Promise<Page<TicketHit>> {
  return call<Page<TicketHit>>('GET', '/api/search/tickets', {
    query: { q: params.q, status: params.status, limit: params.limit, cursor: params.cursor },
    signal: opts.signal,
  });
}

export function getSearchTerms(opts: ReadOpts = {}): Promise<SearchTerms> {
  return call<SearchTerms>('GET', '/api/admin/search-terms', { signal: opts.signal });
}

export function putSearchTerms(body: Omit<SearchTerms, 'version'>, version: number): Promise<SearchTerms> {
  return call<SearchTerms>('PUT', '/api/admin/search-terms', { body, headers: { 'If-Match': `"${version}"` } });
}

// ---- live chat's setting (docs/chat.md) ----

export function getChatSettings(opts: ReadOpts = {}): Promise<ChatSettings> {
  return call<ChatSettings>('GET', '/api/admin/chat/settings', { signal: opts.signal });
}

export function putChatSettings(settings: Pick<ChatSettings, 'allowed_origins' | 'idle_minutes'>, version: number): Promise<ChatSettings> {
  const { allowed_origins, idle_minutes } = settings;
  return call<ChatSettings>('PUT', '/api/admin/chat/settings', {
    body: { allowed_origins, idle_minutes },
    headers: { 'If-Match': `"${version}"` },
  });
}

// ---- the desk (docs/desk.md) ----

export function bulkEdit(ids: string[], changes: BulkChanges): Promise<BulkResult[]> {
  return call<{ results: BulkResult[] }>('POST', '/api/tickets/bulk', { body: { ids, changes } }).then((r) => r.results);
}

export function listFields(opts: ReadOpts = {}): Promise<FieldDefinition[]> {
  return call<FieldDefinition[]>('GET', '/api/fields', { signal: opts.signal });
}

export function listTicketTemplates(opts: ReadOpts = {}): Promise<TicketTemplate[]> {
  return call<TicketTemplate[]>('GET', '/api/ticket-templates', { signal: opts.signal });
}

/** A web attachment: ask for a presigned POST, then send the file straight to S3 with its progress (0-100). */
export async function uploadFile(file: File, onProgress?: (percent: number) => void): Promise<string> {
  const target = await call<UploadTarget>('POST', '/api/uploads', {
    body: { filename: file.name || 'screenshot.png', content_type: file.type || 'application/octet-stream', size: file.size },
  });
  await uploadForm(target.url, target.fields ?? {}, file, onProgress);
  return target.id;
}

export function getCustomer(email: string, opts: ReadOpts = {}): Promise<CustomerRecord> {
  return call<CustomerRecord>('GET', `/api/customers/${seg(email)}`, { signal: opts.signal });
}

export function putCustomer(email: string, record: Omit<CustomerRecord, 'email' | 'saved'>): Promise<CustomerRecord> {
  return call<CustomerRecord>('PUT', `/api/customers/${seg(email)}`, { body: record });
}

export function findCustomers(q: string, opts: ReadOpts = {}): Promise<CustomerRecord[]> {
  return call<Items<CustomerRecord>>('GET', '/api/customers', { query: { q }, signal: opts.signal }).then((r) => r.items);
}

export function listViews(counts: boolean, opts: ReadOpts = {}): Promise<SavedView[]> {
  return call<Items<SavedView>>('GET', '/api/views', { query: { counts: counts ? 'true' : undefined }, signal: opts.signal }).then(
    (r) => r.items,
  );
}

export function putView(id: string, view: { name: string; filters: ViewFilters; team?: string | null }): Promise<SavedView> {
  return call<SavedView>('PUT', `/api/views/${seg(id)}`, { body: view });
}

export async function deleteView(id: string): Promise<void> {
  await call<unknown>('DELETE', `/api/views/${seg(id)}`);
}

/** The custom fields with their stored version (from the ETag), for an admin's If-Match. */
export async function getFieldsVersioned(opts: ReadOpts = {}): Promise<{ items: FieldDefinition[]; version?: number }> {
  const res = await request<FieldDefinition[]>('GET', '/api/fields', { signal: opts.signal });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}

export async function putFields(items: FieldDefinition[], version?: number): Promise<{ items: FieldDefinition[]; version?: number }> {
  const res = await request<FieldDefinition[]>('PUT', '/api/admin/fields', { body: items, headers: ifMatch(version) });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}

export async function getTemplatesVersioned(opts: ReadOpts = {}): Promise<{ items: TicketTemplate[]; version?: number }> {
  const res = await request<TicketTemplate[]>('GET', '/api/ticket-templates', { signal: opts.signal });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}

export async function putTemplates(items: TicketTemplate[], version?: number): Promise<{ items: TicketTemplate[]; version?: number }> {
  const res = await request<TicketTemplate[]>('PUT', '/api/admin/ticket-templates', { body: items, headers: ifMatch(version) });
  return { items: res.data, version: versionFromEtag(res.headers.get('ETag')) };
}
