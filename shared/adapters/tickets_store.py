"""Ticket storage: the only code that knows how tickets, messages and events sit in DynamoDB."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from shared.adapters.items import (
    CounterItem,
    EventItem,
    HelpdeskItem,
    IdempotencyKeyItem,
    MessageItem,
    TicketItem,
    TicketNumberItem,
)
from shared.adapters.sla_index import sla_index_keys
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.sla import SlaState, SlaTargets, clock_from_json, clock_to_json
from shared.domain.tickets import (
    OPEN_STATUSES,
    Channel,
    FieldChange,
    Person,
    Priority,
    Status,
    StatusEntry,
    Ticket,
)
from shared.errors import InvalidInput, VersionConflict

Key = dict[str, Any]

# Which GSI serves which list view, and the partition value for it.
VIEW_INDEXES = {
    "requested": ("by_requester", "requester_key"),
    "mine": ("by_queue", "queue_key"),
    "unassigned": ("by_queue", "queue_key"),
    "team": ("by_team", "team_key"),
    "all": ("by_all", "all_key"),
    "at_risk": ("by_sla_view", "sla_view"),
    "breached": ("by_sla_view", "sla_view"),
}
UNASSIGNED = "UNASSIGNED"
ALL_TICKETS = "TICKET"
IDEMPOTENCY_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class IdempotencyClaim:
    """A client's `Idempotency-Key`, claimed in the same transaction that creates the ticket."""

    owner: str
    key: str
    request_hash: str

    @property
    def pk(self) -> str:
        digest = hashlib.sha256(f"{self.owner}\n{self.key}".encode()).hexdigest()
        return f"IDEMPOTENCY#{digest}"


class DuplicateCreate(Exception):
    def __init__(self, ticket_id: str, request_hash: str) -> None:
        super().__init__(ticket_id)
        self.ticket_id = ticket_id
        self.request_hash = request_hash


@dataclass(frozen=True)
class Page:
    items: list[Any]
    last_key: Key | None


def _ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


class TicketStore:
    """Tickets with their conversation and audit trail, in the tickets table."""

    # -- numbers ---------------------------------------------------------------------------------
    def next_sequence(self, local_day: date, now: datetime) -> int:
        """The day's next ticket sequence by an atomic ADD; the counter expires after a few days."""
        counter = CounterItem(f"COUNTER#TICKET#{local_day:%Y%m%d}", "COUNTER")
        counter.update(
            actions=[CounterItem.value.add(1), CounterItem.expires_at.set(now + timedelta(days=3))],
            condition=CounterItem.value.does_not_exist() | (CounterItem.value < 99_999_999),
        )
        return int(counter.value)

    # -- tickets ---------------------------------------------------------------------------------
    def create(self, ticket: Ticket, event: AuditEvent, claim: IdempotencyClaim | None, now: datetime) -> None:
        """Ticket, number, audit event (and idempotency claim) in one transaction."""
        item = to_item(ticket)
        with_claim = claim is not None
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(item, condition=TicketItem.pk.does_not_exist())
                tx.save(
                    TicketNumberItem(f"NUMBER#{ticket.number}", "NUMBER", ticket_id=ticket.id),
                    condition=TicketNumberItem.pk.does_not_exist(),
                )
                tx.save(event_item(event))
                if claim is not None:
                    tx.save(
                        IdempotencyKeyItem(
                            claim.pk,
                            "KEY",
                            ticket_id=ticket.id,
                            request_hash=claim.request_hash,
                            expires_at=now + IDEMPOTENCY_TTL,
                        ),
                        condition=IdempotencyKeyItem.pk.does_not_exist(),
                    )
        except TransactWriteError as error:
            reasons = error.cancellation_reasons
            if with_claim and len(reasons) == 4 and reasons[3] and reasons[3].code == "ConditionalCheckFailed":
                existing = self.find_claim(claim)  # type: ignore[arg-type]
                if existing is not None:
                    raise DuplicateCreate(existing.ticket_id, existing.request_hash) from error
            raise
        ticket.version = int(item.version)

    def find_claim(self, claim: IdempotencyClaim) -> IdempotencyKeyItem | None:
        try:
            return IdempotencyKeyItem.get(claim.pk, "KEY", consistent_read=True)
        except DoesNotExist:
            return None

    def get(self, ticket_id: str) -> Ticket | None:
        try:
            return from_item(TicketItem.get(_ticket_pk(ticket_id), "TICKET"))
        except DoesNotExist:
            return None

    def ticket_id_for_number(self, number: str) -> str | None:
        try:
            return TicketNumberItem.get(f"NUMBER#{number}", "NUMBER").ticket_id
        except DoesNotExist:
            return None

    def save(
        self,
        ticket: Ticket,
        events: list[AuditEvent],
        message: Message | None = None,
        requires: dict[str, str] | None = None,
    ) -> None:
        """The changed ticket, its audit events and an optional message, in one transaction.

        The ticket's `version` must be the one it was read at; a concurrent writer makes this raise
        `VersionConflict`. `requires` names directory entries the change refers to ({"assignee": email,
        "team": id}); each is checked inside the same transaction, so a missing one refuses the whole change.
        """
        item = to_item(ticket)
        checks = [(name, *_directory_key(name, value)) for name, value in (requires or {}).items()]
        try:
            with TransactWrite(connection=_connection()) as tx:
                for _, pk, sk in checks:
                    tx.condition_check(HelpdeskItem, pk, sk, condition=HelpdeskItem.pk.exists())
                tx.save(item)
                for event in events:
                    tx.save(event_item(event))
                if message is not None:
                    tx.save(message_item(message, ticket.version + 1), condition=MessageItem.pk.does_not_exist())
        except TransactWriteError as error:
            failed = [i for i, r in enumerate(error.cancellation_reasons) if r and r.code == "ConditionalCheckFailed"]
            for index in failed:
                if index < len(checks):
                    name, _, _ = checks[index]
                    raise InvalidInput(f"no such {name}: {requires[name]!r}", field=name) from error  # type: ignore[index]
            if failed and failed[0] == len(checks):
                raise VersionConflict("the ticket was changed by someone else; reload it") from error
            raise
        ticket.version = int(item.version)

    def list_tickets(
        self,
        view: str,
        partition: str,
        limit: int,
        start: Key | None,
        statuses: list[str],
        priorities: list[str],
    ) -> Page:
        """One Query per page on the view's index, newest first. Filters may leave a page short."""
        index_name, _ = VIEW_INDEXES[view]
        index = getattr(TicketItem, index_name)
        condition: Condition | None = None
        if statuses:
            condition = TicketItem.status.is_in(*statuses)
        if priorities:
            by_priority = TicketItem.priority.is_in(*priorities)
            condition = by_priority if condition is None else condition & by_priority
        result = index.query(
            partition,
            filter_condition=condition,
            scan_index_forward=False,
            page_size=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        items = [from_item(TicketItem.from_raw_data(raw)) for raw in page.get("Items", [])]
        return Page(items, page.get("LastEvaluatedKey"))

    def team_has_open_tickets(self, team: str) -> bool:
        """Whether any open ticket names the team: pages of `by_team`, filtered to open ones, until one shows (an
        admin's check before deleting the team, not a request path that lists)."""
        open_statuses = TicketItem.status.is_in(*sorted(s.value for s in OPEN_STATUSES))
        result = TicketItem.by_team.query(f"TEAM#{team}", filter_condition=open_statuses, limit=1, page_size=100)
        return next(iter(result), None) is not None

    # -- conversation and audit ------------------------------------------------------------------
    def list_messages(self, ticket_id: str, limit: int, start: Key | None, include_internal: bool) -> Page:
        condition = None if include_internal else (MessageItem.internal == False)  # noqa: E712
        result = MessageItem.query(
            _ticket_pk(ticket_id),
            MessageItem.sk.startswith("MSG#"),
            filter_condition=condition,
            page_size=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        return Page(
            [to_message(MessageItem.from_raw_data(r)) for r in page.get("Items", [])],
            page.get("LastEvaluatedKey"),
        )

    def get_message(self, ticket_id: str, ticket_version: int, message_id: str) -> Message | None:
        try:
            return to_message(MessageItem.get(_ticket_pk(ticket_id), _message_sk(ticket_version, message_id)))
        except DoesNotExist:
            return None

    def list_events(self, ticket_id: str, limit: int, start: Key | None) -> Page:
        result = EventItem.query(
            _ticket_pk(ticket_id),
            EventItem.sk.startswith("EVENT#"),
            page_size=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        return Page(
            [to_event(EventItem.from_raw_data(r)) for r in page.get("Items", [])],
            page.get("LastEvaluatedKey"),
        )


def _directory_key(kind: str, value: str) -> tuple[str, str]:
    return ("DIRECTORY", f"AGENT#{value.lower()}") if kind == "assignee" else ("DIRECTORY", f"TEAM#{value}")


def _connection() -> Connection:
    # The models' own connection (and its botocore client): building a client per transaction costs ~100 ms.
    return HelpdeskItem._get_connection().connection


# -- mapping between the domain and items ---------------------------------------------------------


def sort_time(value: datetime) -> str:
    """Fixed-width UTC time, so that sort keys order by time."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def sla_to_json(sla: SlaState) -> dict[str, Any]:
    return {
        "first_response_due_at": _iso(sla.first_response_due_at),
        "resolution_due_at": _iso(sla.resolution_due_at),
        "first_responded_at": _iso(sla.first_responded_at),
        "resolved_at": _iso(sla.resolved_at),
        "paused_at": _iso(sla.paused_at),
        "paused_seconds": int(sla.paused_total.total_seconds()),
        "targets": None
        if sla.targets is None
        else {
            "first_response_seconds": int(sla.targets.first_response.total_seconds()),
            "resolution_seconds": int(sla.targets.resolution.total_seconds()),
        },
        **clock_to_json(sla),
    }


def sla_from_json(data: dict[str, Any]) -> SlaState:
    targets = data.get("targets")
    return SlaState(
        first_response_due_at=_dt(data.get("first_response_due_at")),
        resolution_due_at=_dt(data.get("resolution_due_at")),
        first_responded_at=_dt(data.get("first_responded_at")),
        resolved_at=_dt(data.get("resolved_at")),
        paused_at=_dt(data.get("paused_at")),
        paused_total=timedelta(seconds=data.get("paused_seconds", 0)),
        targets=None
        if not targets
        else SlaTargets(
            timedelta(seconds=targets["first_response_seconds"]),
            timedelta(seconds=targets["resolution_seconds"]),
        ),
        **clock_from_json(data),
    )


def to_item(ticket: Ticket) -> TicketItem:
    item = TicketItem(
        _ticket_pk(ticket.id),
        "TICKET",
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status.value,
        priority=ticket.priority.value,
        channel=ticket.channel.value,
        requester_email=ticket.requester.email,
        requester_name=ticket.requester.name,
        team=ticket.team,
        assignee=ticket.assignee,
        category=ticket.category,
        tags=list(ticket.tags),
        custom_fields=dict(ticket.custom_fields),
        language=ticket.language,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        status_history=[{"status": e.status.value, "at": e.at.isoformat()} for e in ticket.status_history],
        sla=sla_to_json(ticket.sla),
        cc=list(ticket.cc) or None,
        requester_key=ticket.requester.email.lower(),
        all_key=ALL_TICKETS,
        created_key=f"{sort_time(ticket.created_at)}#{ticket.id}",
    )
    # Sparse keys: an item is only in the queue/team index while it belongs there.
    if ticket.assignee:
        item.queue_key = f"AGENT#{ticket.assignee.lower()}"
    elif ticket.status in OPEN_STATUSES:
        item.queue_key = UNASSIGNED
    item.team_key = f"TEAM#{ticket.team}" if ticket.team else None
    item.sla_shard, item.sla_checkpoint, item.sla_view = sla_index_keys(ticket)
    if ticket.version:
        item.version = ticket.version
    return item


def from_item(item: TicketItem) -> Ticket:
    return Ticket(
        id=item.id,
        number=item.number,
        subject=item.subject,
        description=item.description,
        requester=Person(item.requester_email, item.requester_name or ""),
        created_at=item.created_at,
        updated_at=item.updated_at,
        status=Status(item.status),
        priority=Priority(item.priority),
        channel=Channel(item.channel),
        team=item.team,
        assignee=item.assignee,
        category=item.category,
        tags=list(item.tags or []),
        custom_fields=dict(item.custom_fields or {}),
        language=item.language or "zh-CN",
        version=int(item.version or 0),
        status_history=[
            StatusEntry(Status(e["status"]), datetime.fromisoformat(e["at"])) for e in item.status_history or []
        ],
        sla=sla_from_json(item.sla or {}),
        cc=list(item.cc or []),
    )


def _person_json(person: Person) -> dict[str, str]:
    return {"email": person.email, "name": person.name, "role": person.role}


def _person(data: dict[str, Any]) -> Person:
    return Person(data.get("email", ""), data.get("name", ""), data.get("role", "customer"))


def event_item(event: AuditEvent) -> EventItem:
    return EventItem(
        _ticket_pk(event.ticket_id),
        f"EVENT#{event.ticket_version:010d}#{event.id}",
        id=event.id,
        ticket_id=event.ticket_id,
        type=event.type.value,
        actor=_person_json(event.actor),
        at=event.at,
        changes=[{"field": c.field, "old": c.old, "new": c.new} for c in event.changes],
        message_id=event.message_id,
        internal=event.internal,
        snapshot=event.snapshot,
        ticket_version=event.ticket_version,
    )


def to_event(item: EventItem) -> AuditEvent:
    return AuditEvent(
        id=item.id,
        ticket_id=item.ticket_id,
        type=EventType(item.type),
        actor=_person(item.actor or {}),
        at=item.at,
        changes=tuple(FieldChange(c["field"], c.get("old"), c.get("new")) for c in item.changes or []),
        message_id=item.message_id,
        internal=item.internal,
        snapshot=dict(item.snapshot or {}),
        ticket_version=int(item.ticket_version or 0),
    )


def parse_event_image(image: dict[str, Any]) -> AuditEvent:
    """An audit event from a stream record's NewImage (DynamoDB JSON)."""
    return to_event(EventItem.from_raw_data(image))


def _message_sk(ticket_version: int, message_id: str) -> str:
    # Every message is written with a new ticket version: the version orders the conversation exactly.
    return f"MSG#{ticket_version:010d}#{message_id}"


def message_item(message: Message, ticket_version: int) -> MessageItem:
    return MessageItem(
        _ticket_pk(message.ticket_id),
        _message_sk(ticket_version, message.id),
        id=message.id,
        ticket_id=message.ticket_id,
        author=_person_json(message.author),
        body=message.body,
        internal=message.internal,
        channel=message.channel,
        created_at=message.created_at,
        email=message.email,
    )


def to_message(item: MessageItem) -> Message:
    return Message(
        id=item.id,
        ticket_id=item.ticket_id,
        author=_person(item.author or {}),
        body=item.body,
        internal=bool(item.internal),
        created_at=item.created_at,
        channel=item.channel or "web",
        email=item.email,
    )
