"""Who may do what: roles are named permission sets, so admins can define custom roles later."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.errors import Unauthenticated


class Permission(StrEnum):
    TICKET_CREATE = "ticket.create"
    TICKET_READ_OWN = "ticket.read.own"
    TICKET_READ_ALL = "ticket.read.all"
    TICKET_UPDATE = "ticket.update"
    TICKET_CREATE_FOR_OTHERS = "ticket.create.for_others"
    MESSAGE_REPLY = "message.reply"
    MESSAGE_INTERNAL = "message.internal"
    EVENTS_READ = "events.read"
    DIRECTORY_READ = "directory.read"
    DIRECTORY_MANAGE = "directory.manage"
    MAIL_RAW = "mail.raw"  # the raw MIME of a message that arrived by email
    MAIL_REJECTIONS_READ = "mail.rejections"  # inbound mail that made no ticket, and why
    TICKET_URGE = "ticket.urge"
    RULES_MANAGE = "rules.manage"  # save routing rules and SLA policies
    RULES_READ = "rules.read"  # read them, dry-run rules
    SLA_MONITOR = "sla.monitor"  # the at-risk and breached views
    AVAILABILITY_MANAGE = "availability.manage"  # switch another agent's availability
    CANNED_MANAGE = "canned.manage"  # edit the desk's canned replies (快捷回复)
    REPORTS_READ = "reports.read"  # reports, exports and the forecast (报表)
    TICKET_REVIEW = "ticket.review"  # approve closing a ticket that needs review (结案审核), and its list
    KB_WRITE = "kb.write"  # write knowledge-base drafts, link articles to tickets
    KB_PUBLISH = "kb.publish"  # publish, unpublish, edit published articles, delete
    SEARCH_TERMS_MANAGE = "search.terms"  # the segmenter's product terms and synonyms
    PERSONAL_DATA = "customers.personal_data"  # export and erase a customer's personal data (个人信息保护法)
    ROLES_MANAGE = "roles.manage"  # define custom roles (自定义角色)
    CUSTOMER_CONTACT = "customers.contact"  # customers' full email addresses and phone numbers (without: masked)


CUSTOMER = "customer"
AGENT = "agent"
SUPERVISOR = "supervisor"
ADMIN = "admin"

_CUSTOMER = frozenset({Permission.TICKET_CREATE, Permission.TICKET_READ_OWN, Permission.MESSAGE_REPLY})
_AGENT = _CUSTOMER | {
    Permission.TICKET_READ_ALL,
    Permission.TICKET_UPDATE,
    Permission.TICKET_CREATE_FOR_OTHERS,
    Permission.MESSAGE_INTERNAL,
    Permission.EVENTS_READ,
    Permission.DIRECTORY_READ,
    Permission.MAIL_RAW,
    Permission.KB_WRITE,
    Permission.CUSTOMER_CONTACT,
}
_SUPERVISOR = _AGENT | {
    Permission.TICKET_URGE,
    Permission.RULES_READ,
    Permission.SLA_MONITOR,
    Permission.AVAILABILITY_MANAGE,
    Permission.MAIL_REJECTIONS_READ,
    Permission.CANNED_MANAGE,
    Permission.REPORTS_READ,
    Permission.TICKET_REVIEW,
    Permission.KB_PUBLISH,
}
_ADMIN = frozenset(Permission)

BUILTIN_ROLES: dict[str, frozenset[Permission]] = {
    CUSTOMER: _CUSTOMER,
    AGENT: frozenset(_AGENT),
    SUPERVISOR: frozenset(_SUPERVISOR),
    ADMIN: _ADMIN,
}
STAFF_ROLES = frozenset({AGENT, SUPERVISOR, ADMIN})
# The Cognito group of staff holding a custom role: their permissions come from the role the directory gives them.
CUSTOM_GROUP = "custom"
ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Role:
    """A named permission set: one of the built-in roles, or a custom one an admin defined (自定义角色)."""

    id: str
    name: str
    permissions: frozenset[Permission]
    builtin: bool = False


BUILTIN_ROLE_NAMES = {AGENT: "客服", SUPERVISOR: "主管", ADMIN: "管理员"}
STAFF_BUILTINS = tuple(
    Role(r, BUILTIN_ROLE_NAMES[r], BUILTIN_ROLES[r], builtin=True) for r in (AGENT, SUPERVISOR, ADMIN)
)
RESERVED_ROLE_IDS = frozenset(BUILTIN_ROLES) | {CUSTOM_GROUP, "anonymous"}


def permissions_of(role: str) -> frozenset[Permission]:
    """The permission set of a built-in role; any other role gets the customer's (least) set."""
    return BUILTIN_ROLES.get(role, _CUSTOMER)


@dataclass(frozen=True)
class Principal:
    """The signed-in caller."""

    email: str
    name: str
    role: str
    teams: tuple[str, ...] = ()
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        email: str,
        name: str,
        role: str,
        teams: tuple[str, ...] = (),
        permissions: frozenset[Permission] | None = None,
    ) -> Principal:
        """`permissions` for a custom role (resolved from the directory); a built-in role's set otherwise."""
        granted = permissions if permissions is not None else permissions_of(role)
        return cls(email=email.lower(), name=name, role=role, teams=teams, permissions=granted)

    @property
    def party(self) -> str:
        """The role recorded on what the caller writes (an event's actor, a message's author): a custom role's
        holder writes as staff (`agent`), so replies, notices and reports treat them as the desk."""
        if self.role in BUILTIN_ROLES or self.role == "anonymous":
            return self.role
        return AGENT if self.is_staff else CUSTOMER

    @property
    def is_staff(self) -> bool:
        return Permission.TICKET_READ_ALL in self.permissions

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


_ROLE_RANK = (ADMIN, SUPERVISOR, AGENT, CUSTOMER)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """The caller from Cognito's verified claims: the highest role among the user's groups (customer by default)."""
    email = str(claims.get("email") or "").lower()
    if not email:
        raise Unauthenticated("the token carries no email")
    groups = _groups(claims.get("cognito:groups"))
    role = next((r for r in _ROLE_RANK if r in groups), CUSTOMER)
    if role not in STAFF_ROLES:
        # A custom role's holder: the authenticator reads which role from the directory.
        role = CUSTOM_GROUP if CUSTOM_GROUP in groups else CUSTOMER
    return Principal.of(email, str(claims.get("name") or email.split("@", 1)[0]), role)


def _groups(value: Any) -> set[str]:
    # API Gateway hands the claim over as a string ("[admin agent]" or "admin,agent"), a list in tests.
    if isinstance(value, list):
        return {str(v) for v in value}
    return set(re.findall(r"[A-Za-z0-9_-]+", str(value or "")))
