// What the signed-in user may do, from the permission set GET /api/me returns (shared/domain/access.py).
// Screens ask for permissions, never for role names.
import type { User } from '../api/types';

export const PERM = {
  /** 催办 (supervisors, admins). */
  urge: 'ticket.urge',
  /** Read the routing rules and SLA policies, dry-run rules. */
  rulesRead: 'rules.read',
  /** Save routing rules and SLA policies. */
  rulesManage: 'rules.manage',
  /** The at-risk and breached views. */
  slaMonitor: 'sla.monitor',
  /** The raw MIME of an email message. */
  mailRaw: 'mail.raw',
  /** Add, edit and remove staff; create and edit teams (admins). */
  directoryManage: 'directory.manage',
  /** Add, edit, reorder and remove the canned replies (supervisors, admins). */
  cannedManage: 'canned.manage',
  /** 报表: reports, exports, the forecast (supervisors, admins). */
  reportsRead: 'reports.read',
  /** 结案审核: the "to review" list and its decisions (supervisors, admins). */
  review: 'ticket.review',
  /** Write knowledge-base drafts, link articles to tickets (staff). */
  kbWrite: 'kb.write',
  /** Publish, unpublish and delete articles (supervisors, admins). */
  kbPublish: 'kb.publish',
  /** The search's product words and synonyms (admins). */
  searchTerms: 'search.terms',
  /** 角色与权限: custom roles (admins). */
  rolesManage: 'roles.manage',
  /** View every ticket (what makes a user staff). */
  ticketReadAll: 'ticket.read.all',
  /** Edit, assign, transfer, follow tickets. */
  ticketUpdate: 'ticket.update',
  /** Open a ticket for a caller. */
  createForOthers: 'ticket.create.for_others',
  /** Write internal notes and read them. */
  internalNotes: 'message.internal',
  /** Reply to the customer. */
  reply: 'message.reply',
  /** Agents and teams, one's own notifications. */
  directoryRead: 'directory.read',
  /** A ticket's audit trail. */
  eventsRead: 'events.read',
  /** Customers' full contact details (masked by the server otherwise). */
  customersContact: 'customers.contact',
} as const;

export function can(user: User | null | undefined, ...anyOf: string[]): boolean {
  const perms = user?.permissions ?? [];
  return anyOf.some((p) => perms.includes(p));
}

/** 风险工单: the at_risk / breached views. */
export function canMonitorSla(user: User | null | undefined): boolean {
  return can(user, PERM.slaMonitor);
}

/** The rules and SLA screens (read-only without rules.manage). */
export function canReadRules(user: User | null | undefined): boolean {
  return can(user, PERM.rulesRead, PERM.rulesManage);
}

export function canManageRules(user: User | null | undefined): boolean {
  return can(user, PERM.rulesManage);
}

/** 团队成员与团队: the staff and teams screen. */
export function canManageStaff(user: User | null | undefined): boolean {
  return can(user, PERM.directoryManage);
}

/** 快捷回复 management (every staff member uses them in the reply box). */
export function canManageCannedReplies(user: User | null | undefined): boolean {
  return can(user, PERM.cannedManage);
}

/** 报表: the reports dashboard. */
export function canReadReports(user: User | null | undefined): boolean {
  return can(user, PERM.reportsRead);
}

/** 结案审核: the "to review" list. */
export function canReview(user: User | null | undefined): boolean {
  return can(user, PERM.review);
}

/** 角色与权限: the custom roles screen. */
export function canManageRoles(user: User | null | undefined): boolean {
  return can(user, PERM.rolesManage);
}

/** Edit a ticket: status, priority, assignee, transfer, followers (hidden without it). */
export function canUpdateTickets(user: User | null | undefined): boolean {
  return can(user, PERM.ticketUpdate);
}
