"""Ticket use cases: intake, reading, staff edits, the conversation and the audit trail."""

from __future__ import annotations

import builtins
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.collab import mentioned
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.requests import IdempotencyClaim, TicketDraft, TicketFilter, TicketQuery
from shared.domain.review import ReviewPolicy, close
from shared.domain.tickets import Channel, FieldChange, Person, Priority, Status, StatusEntry, Ticket, ticket_number
from shared.errors import (
    AlreadyClaimed,
    Forbidden,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    OpenSubtasks,
    TicketClosed,
    VersionConflict,
)
from shared.services.cursors import CursorCodec
from shared.services.merge import follow_merges
from shared.services.numbers import TicketNumbers
from shared.services.ports import DirectoryReader, SlaKeeper, Tickets, TicketWriter, WorkLists, WritePart

if TYPE_CHECKING:
    from shared.services.desk_forms import FormsService
    from shared.services.uploads import UploadService

_NUMBER = re.compile(r"^GD\d{11,}$")
_TICKET_ID = re.compile(r"^[0-9a-f]{32}$")
VIEWS = ("mine", "team", "unassigned", "all", "requested", "at_risk", "breached", "review", "subtasks", "collaborating")
WORK_VIEWS = frozenset({"subtasks", "collaborating"})  # kept by the collaboration writes (WorkLists)
SLA_VIEWS = frozenset({"at_risk", "breached"})
REVIEW_VIEW = "review"  # tickets waiting for a closing review (结案审核)


@dataclass(frozen=True)
class Created:
    ticket: Ticket
    replayed: bool


class TicketService:
    def __init__(
        self,
        store: Tickets,
        writer: TicketWriter,
        directory: DirectoryReader,
        sla: SlaKeeper,
        clock: Clock,
        cursors: CursorCodec,
        timezone: str,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        numbers: TicketNumbers | None = None,
        review_policy: Callable[[], ReviewPolicy] | None = None,
        work: WorkLists | None = None,
        forms: FormsService | None = None,
        customer_facts: Callable[[str], dict[str, str]] | None = None,
        uploads: Callable[[], UploadService] | None = None,
        chat_reply: Callable[[Message], object] | None = None,
    ) -> None:
        self._chat_reply = chat_reply  # a staff reply on a live chat, pushed to the visitor once written
        self._work = work
        self._forms = forms  # custom fields and templates (shared/services/desk_forms.py)
        self._customer_facts = customer_facts  # a requester's record: tier, region, organization
        self._uploads = uploads  # files attached on the web (shared/services/uploads.py)
        self._numbers = numbers or TicketNumbers(store)
        self._review_policy = review_policy or ReviewPolicy
        self._sla = sla
        self._store = store
        self._writer = writer
        self._directory = directory
        self._clock = clock
        self._cursors = cursors
        self._tz = ZoneInfo(timezone)
        self._new_id = new_id

    # -- intake (受理) ------------------------------------------------------------------------------
    def create(self, principal: Principal, draft: TicketDraft, idempotency_key: str | None = None) -> Created:
        if not principal.can(Permission.TICKET_CREATE):
            raise Forbidden("you may not open tickets")
        if self._forms is not None:
            draft = self._forms.prepare(principal, draft)  # the template applied, the custom fields checked
        if principal.can(Permission.TICKET_CREATE_FOR_OTHERS):
            if draft.requester is None:
                raise InvalidInput("requester is required when staff open a ticket", field="requester")
            requester = Person(draft.requester.email.lower(), draft.requester.name or "", "customer")
            channel = draft.channel or Channel.API
        else:
            # A customer is always the requester of what they open, through the web.
            requester = Person(principal.email, principal.name, principal.party)
            channel = Channel.WEB
        claim = None
        if idempotency_key:
            request = json.dumps(asdict(draft), sort_keys=True, default=str, ensure_ascii=False)
            claim = IdempotencyClaim(principal.email, idempotency_key, hashlib.sha256(request.encode()).hexdigest())
        now = self._clock.now()
        ticket = self._new_ticket(self._new_id(), draft, requester, channel, now)
        event = self._event(ticket, EventType.TICKET_CREATED, principal, now)
        parts = [self._store.idempotency_part(claim, ticket.id, now)] if claim is not None else []
        if draft.attachments and self._uploads is not None:
            # Filed under the ticket's own id: the attachment route serves them as a message's.
            ticket.attachments, files = self._uploads().attach(principal, draft.attachments, ticket, ticket.id)
            parts += files
        try:
            self._writer.write(ticket, [event], parts, create=True)
        except AlreadyClaimed as duplicate:
            found = self._store.find_claim(claim) if claim is not None else None
            if found is None:
                raise
            ticket_id, request_hash = found
            if claim is None or request_hash != claim.request_hash:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was used for a different request", field="Idempotency-Key"
                ) from duplicate
            existing = self._store.get(ticket_id)
            if existing is None:  # pragma: no cover - the claim and the ticket are written together
                raise
            return Created(existing, replayed=True)
        return Created(ticket, replayed=False)

    def prepare_intake(self, draft: TicketDraft, ticket_id: str, cc: list[str]) -> tuple[Ticket, AuditEvent]:
        """System intake (the email channel): a ticket whose requester is the customer who wrote, numbered and with
        its SLA started, and its creation event; the caller writes both with its own items in one transaction."""
        if draft.requester is None:
            raise InvalidInput("system intake needs the requester", field="requester")
        requester = Person(draft.requester.email.lower(), draft.requester.name or "", "customer")
        now = self._clock.now()
        ticket = self._new_ticket(ticket_id, draft, requester, draft.channel or Channel.EMAIL, now, cc)
        actor = Principal.of(requester.email, requester.name, "customer")
        return ticket, self._event(ticket, EventType.TICKET_CREATED, actor, now)

    def _new_ticket(
        self,
        ticket_id: str,
        draft: TicketDraft,
        requester: Person,
        channel: Channel,
        now: datetime,
        cc: Sequence[str] = (),
    ) -> Ticket:
        """A new ticket (受理): numbered from the day's counter, status new, its SLA clocks started."""
        local_day = now.astimezone(self._tz).date()
        priority = draft.priority or Priority.P3
        ticket = Ticket(
            id=ticket_id,
            number=ticket_number(local_day, self._numbers.next(local_day, now)),
            subject=draft.subject,
            description=draft.description,
            requester=requester,
            created_at=now,
            updated_at=now,
            priority=priority,
            channel=channel,
            team=draft.team,
            category=draft.category,
            tags=list(draft.tags),
            custom_fields=dict(draft.custom_fields),
            language=draft.language or "zh-CN",
            status_history=[StatusEntry(Status.NEW, now)],
            cc=list(cc),
            customer=self._customer_facts(requester.email) if self._customer_facts else {},
        )
        self._sla.refresh(ticket, now)
        return ticket

    def apply_customer_reply(self, ticket: Ticket, now: datetime, moves: bool = True) -> list[FieldChange]:
        """What a customer's answer arriving by mail changes (status, SLA), as `post_message` does for the web;
        `moves=False` for automatic mail, which is kept but moves nothing."""
        applied = ticket.record_customer_reply(now) if moves else []
        return applied + self._sla.refresh(ticket, now, applied)

    # -- reading ---------------------------------------------------------------------------------
    def get(self, principal: Principal, ref: str) -> Ticket:
        ticket = None
        if _NUMBER.match(ref):
            ticket_id = self._store.ticket_id_for_number(ref)
            ticket = self._store.get(ticket_id) if ticket_id else None
        elif _TICKET_ID.match(ref):
            ticket = self._store.get(ref)
        if ticket is None or not _may_see(principal, ticket):
            raise NotFound("no such ticket")
        return ticket

    def list(self, principal: Principal, query: TicketQuery) -> tuple[list[Ticket], str | None]:
        view = query.view or ("mine" if principal.is_staff and query.requester is None else "requested")
        if view not in VIEWS:
            raise InvalidInput(f"view must be one of {', '.join(VIEWS)}", field="view")
        if view != "requested" and not principal.can(Permission.TICKET_READ_ALL):
            raise Forbidden("customers can only list the tickets they opened")
        if view in SLA_VIEWS and not principal.can(Permission.SLA_MONITOR):
            raise Forbidden("supervisors and admins only")
        if view == REVIEW_VIEW and not principal.can(Permission.TICKET_REVIEW):
            raise Forbidden("supervisors and admins only")
        if query.requester is not None:
            if view != "requested":
                raise InvalidInput("requester goes with view=requested", field="requester")
            if query.requester != principal.email and not principal.can(Permission.TICKET_READ_ALL):
                raise Forbidden("customers can only list the tickets they opened")
        if view in WORK_VIEWS:
            return self._work_list(principal, view, query)
        filters = query.filters
        owner: str | None
        if query.assignee is not None:
            # An agent's own queue (one partition, whole tickets): the view narrows it to a team, or to nothing else.
            if view not in ("mine", "team", "all"):
                raise InvalidInput("assignee goes with view=mine, team or all", field="assignee")
            team = self._owner(principal, view, query.team) if view == "team" else None
            filters = replace(filters, team=team)
            view, owner = "mine", query.assignee.lower()
        else:
            owner = self._owner(principal, view, query.team, query.requester)
        statuses = sorted(s.value for s in query.statuses)
        priorities = sorted(p.value for p in query.priorities)
        scope = f"tickets|{view}|{owner or ''}|{','.join(statuses)}|{','.join(priorities)}|{_filter_scope(filters)}"
        start = self._cursors.decode(scope, query.cursor)
        page = self._store.list_tickets(view, owner, query.limit, start, statuses, priorities, filters)
        return page.items, self._cursors.encode(scope, page.last_key)

    def _work_list(
        self, principal: Principal, view: str, query: TicketQuery
    ) -> tuple[builtins.list[Ticket], str | None]:
        """The caller's tickets with open sub-tasks, or their teams' tickets with open collaboration requests (the
        teams they belong to or supervise, one after the other: one Query per page)."""
        if self._work is None:  # pragma: no cover - wired by the container
            raise InvalidInput("this view is not available", field="view")
        owners = [principal.email] if view == "subtasks" else self._teams_of(principal, query.team)
        scope = f"tickets|{view}|{','.join(owners)}"
        position = self._cursors.decode(scope, query.cursor) or {}
        index = int(position.get("owner", 0))
        if index >= len(owners):
            return [], None
        start = position.get("key")
        page = self._work.list_work(view, owners[index], query.limit, start)
        statuses = {s.value for s in query.statuses}
        priorities = {p.value for p in query.priorities}
        items = [
            t
            for t in page.items
            if (not statuses or t.status.value in statuses) and (not priorities or t.priority.value in priorities)
        ]
        if page.last_key is not None:
            after: dict[str, Any] | None = {"owner": index, "key": page.last_key}
        else:
            after = {"owner": index + 1, "key": None} if index + 1 < len(owners) else None
        return items, self._cursors.encode(scope, after)

    def _teams_of(self, principal: Principal, team: str | None) -> builtins.list[str]:
        if team is not None:
            return [team]
        agents, teams = self._directory.list_all()
        agent = next((a for a in agents if a.email == principal.email), None)
        mine = list(agent.teams) if agent else []
        return list(dict.fromkeys([*mine, *(t.id for t in teams if t.supervisor == principal.email)]))

    def _owner(self, principal: Principal, view: str, team: str | None, requester: str | None = None) -> str | None:
        """Whose list the view is: the requester's, the agent's or the team's (None for the desk-wide views)."""
        if view == "requested":
            return requester or principal.email
        if view == "mine":
            return principal.email
        if view != "team":
            return None
        if team is None:
            teams = principal.teams
            if not teams:
                agent = self._directory.get_agent(principal.email)
                teams = tuple(agent.teams) if agent else ()
            if not teams:
                raise InvalidInput("you belong to no team; pass team=", field="team")
            team = teams[0]
        return team

    # -- handling (转办 / 处理 / 结案) ----------------------------------------------------------------
    def update(self, principal: Principal, ref: str, changes: dict[str, Any], expected_version: int | None) -> Ticket:
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may edit tickets")
        ticket = self.get(principal, ref)
        if expected_version is not None and expected_version != ticket.version:
            raise VersionConflict(
                f"the ticket is at version {ticket.version}, not {expected_version}; reload it",
                field="If-Match",
            )
        return self.edit(principal, ticket, changes)

    def edit(self, principal: Principal, ticket: Ticket, changes: dict[str, Any]) -> Ticket:
        """A staff edit of a ticket as read (a PATCH, or one ticket of a bulk edit): the transitions, the custom
        fields' definitions, the SLA, one transaction with its audit event. `VersionConflict` if it changed since."""
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may edit tickets")
        now = self._clock.now()
        changes = dict(changes)
        if self._forms is not None and ("custom_fields" in changes or "category" in changes):
            changes["custom_fields"] = self._forms.check_edit(principal, ticket, changes)
        breach_reason = changes.pop("breach_reason", ...)
        closing = changes.get("status") == Status.CLOSED
        finishing = changes.get("status") in (Status.RESOLVED, Status.CLOSED)
        if finishing and ticket.open_subtasks and ticket.status is not Status(changes["status"]):
            count = len(ticket.open_subtasks)
            raise OpenSubtasks(f"{count} sub-task(s) are still open; finish them first", field="status")
        if closing:
            changes.pop("status")
        applied = ticket.apply_changes(changes, now)
        if closing:
            # 结案: a ticket that needs review waits for a supervisor, unless the closer may approve it.
            may_approve = principal.can(Permission.TICKET_REVIEW)
            applied += close(ticket, self._review_policy(), now, principal.email, may_approve)
        if breach_reason is not ...:
            applied += self._sla.set_breach_reason(ticket, breach_reason)
        applied += self._sla.refresh(ticket, now, applied)
        if not applied:
            return ticket
        event = self._event(ticket, EventType.TICKET_UPDATED, principal, now, tuple(applied))
        self._writer.write(ticket, [event], self.directory_checks(applied))
        return ticket

    def directory_checks(self, applied: Sequence[FieldChange]) -> builtins.list[WritePart]:
        """A new assignee or team must exist in the directory: checked in the write's own transaction."""
        requires = {c.field: str(c.new) for c in applied if c.field in ("assignee", "team") and c.new}
        return list(self._store.directory_checks(requires)) if requires else []

    # -- conversation ----------------------------------------------------------------------------
    def post_message(
        self, principal: Principal, ref: str, body: str, internal: bool, attachments: Sequence[str] = ()
    ) -> Message:
        ticket = self.get(principal, ref)
        if internal and not principal.can(Permission.MESSAGE_INTERNAL):
            raise Forbidden("customers cannot post internal notes")
        if ticket.merged_into is not None:  # a reply to a merged duplicate belongs to the ticket it went into
            ticket = follow_merges(ticket, self._store)
        if ticket.status is Status.CLOSED:
            raise TicketClosed("this ticket is closed; open a new one", field="status")
        now = self._clock.now()
        if principal.is_staff:
            applied = [] if internal else ticket.record_staff_reply(now)
        else:
            applied = ticket.record_customer_reply(now)
        ticket.updated_at = now
        if ticket.channel is Channel.CHAT and not internal:
            ticket.chat_last_line_at = now  # a line: the chat's idle clock starts again
        applied += self._sla.refresh(ticket, now, applied)
        if internal and principal.is_staff:
            applied += self._mentions(ticket, body, principal)
        message_id = self._new_id()
        files: builtins.list[dict[str, Any]] = []
        parts: builtins.list[WritePart] = []
        if attachments and self._uploads is not None:
            files, parts = self._uploads().attach(principal, attachments, ticket, message_id, internal)
        message = Message(
            id=message_id,
            ticket_id=ticket.id,
            author=Person(principal.email, principal.name, principal.party),
            body=body,
            internal=internal,
            created_at=now,
            channel="web",
            files=files,
        )
        event = self._event(ticket, EventType.MESSAGE_ADDED, principal, now, applied, message.id, internal)
        self._writer.write(ticket, [event], [self._store.message_part(message, ticket), *parts])
        if self._chat_reply is not None and ticket.channel is Channel.CHAT and principal.is_staff and not internal:
            self._chat_reply(message)
        return message

    def _mentions(self, ticket: Ticket, body: str, principal: Principal) -> builtins.list[FieldChange]:
        """The staff an internal note names with `@` (never its author): recorded on the event (`mentions`, which
        the notices table answers) and made followers. A name that is not staff stays text."""
        named = [e for e in mentioned(body) if e != principal.email and self._directory.get_agent(e) is not None]
        if not named:
            return []
        return [FieldChange("mentions", None, named), *ticket.follow(named)]

    def list_messages(
        self, principal: Principal, ref: str, limit: int, cursor: str | None
    ) -> tuple[builtins.list[Message], str | None]:
        ticket = self.get(principal, ref)
        include_internal = principal.can(Permission.MESSAGE_INTERNAL)
        scope = f"messages|{ticket.id}|{include_internal}"
        page = self._store.list_messages(ticket.id, limit, self._cursors.decode(scope, cursor), include_internal)
        return page.items, self._cursors.encode(scope, page.last_key)

    def list_events(
        self, principal: Principal, ref: str, limit: int, cursor: str | None
    ) -> tuple[builtins.list[AuditEvent], str | None]:
        if not principal.can(Permission.EVENTS_READ):
            raise NotFound("no such ticket")
        ticket = self.get(principal, ref)
        scope = f"events|{ticket.id}"
        page = self._store.list_events(ticket.id, limit, self._cursors.decode(scope, cursor))
        return page.items, self._cursors.encode(scope, page.last_key)

    def _event(
        self,
        ticket: Ticket,
        kind: EventType,
        principal: Principal,
        at: datetime,
        changes: Sequence[FieldChange] = (),
        message_id: str | None = None,
        internal: bool | None = None,
    ) -> AuditEvent:
        actor = Person(principal.email, principal.name, principal.party)
        return AuditEvent.of(
            ticket, kind, actor, at, changes, id=self._new_id(), message_id=message_id, internal=internal
        )


def _filter_scope(filters: TicketFilter) -> str:
    """What a cursor is bound to of the filters (a cursor from another filter set is refused)."""
    values = asdict(filters)
    return json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}, sort_keys=True)


def _may_see(principal: Principal, ticket: Ticket) -> bool:
    if principal.can(Permission.TICKET_READ_ALL):
        return True
    return principal.can(Permission.TICKET_READ_OWN) and ticket.requester.email == principal.email
