"""Who may call which route: the one table the router checks every request against, and the authorization matrix
of docs/security.md (generated from it, walked by tests/integration/test_authorization_matrix.py).

A route registered without a row here fails at import (`ApiRouter.route`), so a new route cannot ship unguarded.
A row names the permissions that let a caller in (any one of them is enough); the service then decides about the
particular ticket, article or person (a customer sees only their own tickets: another customer's is a 404).

Adding a route: one `_row(...)` line below; `make docs-security` (scripts) rewrites the matrix in docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shared.domain.access import Permission as P

PUBLIC = "public"  # no sign-in (a token, when sent, is still read by the routes that show staff more)
SIGNED_IN = "signed_in"  # anyone signed in, customers included

# The matrix's columns: who calls. `custom` holds the custom role the must-show names: view tickets and reply only.
CALLERS = ("anonymous", "requester", "other_customer", "agent", "supervisor", "admin", "custom")
CUSTOM_ROLE_PERMISSIONS = frozenset({P.TICKET_READ_ALL, P.MESSAGE_REPLY})

# The answers a cell can hold. `ok`: let through (2xx, or a 4xx about the request itself such as 400 or 404 for a
# made-up id, never 401/403); the others are the exact status.
OK = "ok"


@dataclass(frozen=True)
class Access:
    allow: frozenset[P] | str  # PUBLIC, SIGNED_IN or the permissions that let a caller in
    own: bool = False  # the requester's own ticket: another customer gets 404, never a hint it exists
    # Where the service refuses more than the route does (answers per caller), with the reason the doc shows.
    answers: dict[str, str] = field(default_factory=dict)
    note: str = ""

    # Staff-only things a customer is not told exist: refused, a signed-in customer gets 404, not 403.
    hidden: bool = False
    ticket_scoped: bool = False  # under /api/tickets/{id}: a customer refused on another's ticket gets 404

    def permits(self, permissions: frozenset[P]) -> bool:
        if self.allow in (PUBLIC, SIGNED_IN):
            return True
        return bool(permissions & self.allow)  # type: ignore[operator]


def _row(
    *permissions: P, own: bool = False, hidden: bool = False, answers: dict[str, str] | None = None, note: str = ""
) -> Access:
    return Access(frozenset(permissions), own, answers or {}, note, hidden)


_PUBLIC = Access(PUBLIC)
# Called by WeChat's servers, not by people: the account's signature decides, whoever sends the request.
_WECHAT = Access(
    PUBLIC, answers=dict.fromkeys(CALLERS, "403"), note="WeChat's signature, not a caller: 403 unless signed"
)
_SIGNED_IN = Access(SIGNED_IN)
_READ = (P.TICKET_READ_OWN, P.TICKET_READ_ALL)

ROUTE_ACCESS: dict[tuple[str, str], Access] = {
    # -- sign-in and the API itself
    ("GET", "/api/health"): _PUBLIC,
    ("GET", "/api/openapi.json"): _PUBLIC,
    ("POST", "/api/auth/code"): _PUBLIC,
    ("POST", "/api/auth/verify"): _PUBLIC,
    ("GET", "/api/me"): _SIGNED_IN,
    # -- tickets and the conversation
    ("POST", "/api/tickets"): _row(P.TICKET_CREATE),
    ("GET", "/api/tickets"): _row(*_READ),
    ("GET", "/api/tickets/{id}"): _row(*_READ, own=True),
    ("PATCH", "/api/tickets/{id}"): _row(P.TICKET_UPDATE),
    ("POST", "/api/tickets/{id}/messages"): _row(P.MESSAGE_REPLY, own=True),
    ("GET", "/api/tickets/{id}/messages"): _row(*_READ, own=True),
    ("GET", "/api/tickets/{id}/messages/{message_id}/attachments/{attachment_id}"): _row(*_READ, own=True),
    ("GET", "/api/tickets/{id}/messages/{message_id}/raw"): _row(P.MAIL_RAW, hidden=True),
    ("GET", "/api/tickets/{id}/events"): _row(P.EVENTS_READ, hidden=True),
    ("POST", "/api/tickets/bulk"): _row(P.TICKET_UPDATE),
    ("POST", "/api/tickets/{id}/satisfaction"): _row(
        P.TICKET_READ_OWN,
        own=True,
        answers={"agent": "403", "supervisor": "403", "admin": "403"},
        note="the requester only: staff do not rate",
    ),
    ("GET", "/api/mail/rejections"): _row(P.MAIL_REJECTIONS_READ),
    ("POST", "/api/uploads"): _row(P.TICKET_CREATE, P.MESSAGE_REPLY),
    # -- routing, SLA and the desk's work on a ticket
    ("POST", "/api/tickets/{id}/acknowledge"): _row(
        P.TICKET_UPDATE,
        answers={"agent": "403", "supervisor": "403", "admin": "403"},
        note="the ticket's assignee only: other staff 403",
    ),
    ("POST", "/api/tickets/{id}/transfer"): _row(P.TICKET_UPDATE),
    # -- live chat (docs/chat.md): the conversation itself is on the WebSocket
    ("GET", "/api/chats"): _row(P.TICKET_READ_ALL),
    ("POST", "/api/tickets/{id}/chat/accept"): _row(P.TICKET_UPDATE),
    ("POST", "/api/tickets/{id}/chat/end"): _row(P.MESSAGE_REPLY, own=True),
    ("GET", "/api/admin/chat/settings"): _row(P.RULES_READ),
    ("PUT", "/api/admin/chat/settings"): _row(P.RULES_MANAGE),
    ("POST", "/api/tickets/{id}/urge"): _row(P.TICKET_URGE),
    ("POST", "/api/tickets/{id}/review"): _row(P.TICKET_REVIEW),
    ("POST", "/api/tickets/{id}/followers"): _row(P.TICKET_UPDATE),
    ("DELETE", "/api/tickets/{id}/followers/{email}"): _row(P.TICKET_UPDATE),
    ("POST", "/api/tickets/{id}/subtasks"): _row(P.TICKET_UPDATE, hidden=True),
    ("GET", "/api/tickets/{id}/subtasks"): _row(P.TICKET_READ_ALL, hidden=True),
    ("PATCH", "/api/tickets/{id}/subtasks/{subtask_id}"): _row(P.TICKET_UPDATE, hidden=True),
    ("POST", "/api/tickets/{id}/collaborations"): _row(P.TICKET_UPDATE, hidden=True),
    ("GET", "/api/tickets/{id}/collaborations"): _row(P.TICKET_READ_ALL, hidden=True),
    ("PATCH", "/api/tickets/{id}/collaborations/{collaboration_id}"): _row(P.TICKET_UPDATE, hidden=True),
    ("POST", "/api/tickets/{id}/merge"): _row(P.TICKET_UPDATE),
    ("GET", "/api/tickets/{id}/wechat"): _row(P.TICKET_READ_ALL),
    ("PUT", "/api/tickets/{id}/wechat"): _row(P.TICKET_UPDATE),
    ("PUT", "/api/agents/{email}/availability"): _row(P.TICKET_READ_ALL),
    ("GET", "/api/canned-replies"): _row(P.TICKET_READ_ALL),
    ("PUT", "/api/admin/canned-replies"): _row(P.CANNED_MANAGE),
    # -- people
    ("GET", "/api/agents"): _row(P.DIRECTORY_READ),
    ("GET", "/api/teams"): _row(P.DIRECTORY_READ),
    ("PUT", "/api/admin/agents/{email}"): _row(P.DIRECTORY_MANAGE),
    ("DELETE", "/api/admin/agents/{email}"): _row(P.DIRECTORY_MANAGE),
    ("PUT", "/api/admin/teams/{id}"): _row(P.DIRECTORY_MANAGE),
    ("DELETE", "/api/admin/teams/{id}"): _row(P.DIRECTORY_MANAGE),
    ("GET", "/api/admin/roles"): _row(P.ROLES_MANAGE, P.DIRECTORY_MANAGE),
    ("PUT", "/api/admin/roles/{id}"): _row(P.ROLES_MANAGE),
    ("DELETE", "/api/admin/roles/{id}"): _row(P.ROLES_MANAGE),
    ("GET", "/api/customers"): _row(P.TICKET_READ_ALL),
    ("GET", "/api/customers/{email}"): _row(P.TICKET_READ_ALL),
    ("PUT", "/api/customers/{email}"): _row(P.TICKET_UPDATE),
    # -- personal data (个人信息保护法): export and erasure
    ("GET", "/api/admin/customers/{email}/export"): _row(P.PERSONAL_DATA),
    ("DELETE", "/api/admin/customers/{email}"): _row(P.PERSONAL_DATA),
    ("GET", "/api/notifications"): _row(P.DIRECTORY_READ),
    ("POST", "/api/notifications/read"): _row(P.DIRECTORY_READ),
    ("GET", "/api/me/notification-settings"): _row(P.DIRECTORY_READ),
    ("PUT", "/api/me/notification-settings"): _row(P.DIRECTORY_READ),
    # -- configuration
    ("GET", "/api/admin/rules"): _row(P.RULES_READ),
    ("PUT", "/api/admin/rules"): _row(P.RULES_MANAGE),
    ("POST", "/api/admin/rules/dry-run"): _row(P.RULES_READ),
    ("GET", "/api/admin/sla-policies"): _row(P.RULES_READ),
    ("PUT", "/api/admin/sla-policies"): _row(P.RULES_MANAGE),
    ("GET", "/api/admin/automations"): _row(P.RULES_READ),
    ("PUT", "/api/admin/automations"): _row(P.RULES_MANAGE),
    ("GET", "/api/admin/review-policy"): _row(P.RULES_READ),
    ("PUT", "/api/admin/review-policy"): _row(P.RULES_MANAGE),
    ("GET", "/api/fields"): _row(*_READ),
    ("PUT", "/api/admin/fields"): _row(P.RULES_MANAGE),
    ("GET", "/api/ticket-templates"): _row(*_READ),
    ("PUT", "/api/admin/ticket-templates"): _row(P.RULES_MANAGE),
    ("GET", "/api/views"): _row(P.TICKET_READ_ALL),
    ("PUT", "/api/views/{id}"): _row(P.TICKET_READ_ALL),
    ("DELETE", "/api/views/{id}"): _row(P.TICKET_READ_ALL),
    # -- reports and surveys
    ("GET", "/api/reports/forecast"): _row(P.REPORTS_READ),
    ("GET", "/api/reports/{period}"): _row(P.REPORTS_READ),
    ("GET", "/api/surveys/{token}"): _PUBLIC,
    ("POST", "/api/surveys/{token}"): _PUBLIC,
    # -- the WeChat channel's callback (signed by WeChat, checked by the service)
    ("GET", "/api/channels/wechat"): _WECHAT,
    ("POST", "/api/channels/wechat"): _WECHAT,
    # -- knowledge base and search
    ("GET", "/api/kb/articles"): _PUBLIC,
    ("GET", "/api/kb/categories"): _PUBLIC,
    ("GET", "/api/kb/articles/{id}"): _PUBLIC,
    ("GET", "/api/kb/search"): _PUBLIC,
    ("POST", "/api/kb/articles/{id}/feedback"): _PUBLIC,
    ("POST", "/api/kb/articles"): _row(P.KB_WRITE),
    ("PATCH", "/api/kb/articles/{id}"): _row(P.KB_WRITE),
    ("DELETE", "/api/kb/articles/{id}"): _row(P.KB_PUBLISH),
    ("GET", "/api/kb/articles/{id}/history"): _row(P.KB_WRITE, hidden=True),
    ("POST", "/api/kb/preview"): _row(P.KB_WRITE),
    ("GET", "/api/search/tickets"): _row(P.TICKET_READ_ALL),
    ("GET", "/api/tickets/{id}/article-suggestions"): _row(P.TICKET_READ_ALL),
    ("POST", "/api/tickets/{id}/articles"): _row(P.KB_WRITE),
    ("DELETE", "/api/tickets/{id}/articles/{article_id}"): _row(P.KB_WRITE),
    ("POST", "/api/tickets/{id}/kb-draft"): _row(P.KB_WRITE),
    ("GET", "/api/admin/search-terms"): _row(P.TICKET_READ_ALL),
    ("PUT", "/api/admin/search-terms"): _row(P.SEARCH_TERMS_MANAGE),
}


def access_of(method: str, path: str) -> Access:
    try:
        access = ROUTE_ACCESS[(method, path)]
    except KeyError:
        raise LookupError(f"{method} {path} has no row in shared/api/access_table.py") from None
    return replace(access, ticket_scoped=path.startswith("/api/tickets/{id}"))


def permissions_of_caller(caller: str) -> frozenset[P]:
    from shared.domain.access import BUILTIN_ROLES, CUSTOMER

    if caller == "anonymous":
        return frozenset()
    if caller in ("requester", "other_customer"):
        return BUILTIN_ROLES[CUSTOMER]
    if caller == "custom":
        return CUSTOM_ROLE_PERMISSIONS
    return BUILTIN_ROLES[caller]


def expected(access: Access, caller: str) -> str:
    """The answer a caller gets from a route: the row's exception for them, else what the permissions say."""
    if caller in access.answers:
        return access.answers[caller]
    if access.allow == PUBLIC:
        return OK
    if caller == "anonymous":
        return "401"
    permissions = permissions_of_caller(caller)
    if not access.permits(permissions):
        customer = caller in ("requester", "other_customer")
        if customer and (access.hidden or (access.ticket_scoped and caller == "other_customer")):
            return "404"
        return "403"
    if access.own and caller == "other_customer":
        return "404"
    return OK


def matrix() -> list[tuple[str, str, dict[str, str]]]:
    """Every row with every caller's answer, in the table's order."""
    return [(m, path, {c: expected(access_of(m, path), c) for c in CALLERS}) for m, path in ROUTE_ACCESS]


_CELL = {OK: "✓", "401": "401", "403": "403", "404": "404"}
BEGIN = "<!-- authorization matrix: generated from shared/api/access_table.py by `make docs-security` -->"
END = "<!-- end of the authorization matrix -->"


def render() -> str:
    """The matrix as the Markdown table docs/security.md holds between its markers."""
    head = ["Route", *CALLERS, "Let in by"]
    lines = [BEGIN, "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for method, path in ROUTE_ACCESS:
        access = access_of(method, path)
        answers = [_CELL.get(expected(access, c), expected(access, c)) for c in CALLERS]
        allow = access.allow if isinstance(access.allow, str) else ", ".join(sorted(p.value for p in access.allow))
        if access.own:
            allow += " (own ticket)"
        if access.hidden:
            allow += " (hidden from customers)"
        if access.note:
            allow += f"; {access.note}"
        lines.append(f"| `{method} {path}` | " + " | ".join(answers) + f" | {allow} |")
    return "\n".join([*lines, "", END])


def write_doc(path: str) -> None:
    """Rewrites the matrix between the markers of `path` (docs/security.md), keeping the prose around it."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    doc.write_text(text[:start] + render() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    write_doc("docs/security.md")
