"""Reading tickets, their conversation and audit trail; numbering them; and the parts a ticket write needs from
this store (a message, an Idempotency-Key claim, directory checks), which `ticket_writer` commits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from shared.adapters.items import (
    CounterItem,
    EventItem,
    HelpdeskItem,
    IdempotencyKeyItem,
    MessageItem,
    TicketItem,
    TicketNumberItem,
)
from shared.adapters.sla_storage import AT_RISK, BREACHED
from shared.adapters.ticket_mapping import (
    ALL_TICKETS,
    UNASSIGNED,
    from_item,
    message_item,
    message_sk,
    ticket_pk,
    to_event,
    to_message,
)
from shared.adapters.ticket_writer import Part, check, put
from shared.domain.events import Message
from shared.domain.requests import IdempotencyClaim, Key, Page
from shared.domain.tickets import OPEN_STATUSES, Ticket
from shared.errors import AlreadyClaimed, InvalidInput

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
IDEMPOTENCY_TTL = timedelta(hours=24)


def view_partition(view: str, owner: str | None) -> str:
    """The index partition that holds a view's tickets (ticket_mapping.to_item writes the same keys)."""
    partitions = {
        "requested": (owner or "").lower(),
        "mine": f"AGENT#{(owner or '').lower()}",
        "unassigned": UNASSIGNED,
        "all": ALL_TICKETS,
        "team": f"TEAM#{owner}",
        "at_risk": AT_RISK,
        "breached": BREACHED,
    }
    return partitions[view]


def _claim_pk(claim: IdempotencyClaim) -> str:
    digest = hashlib.sha256(f"{claim.owner}\n{claim.key}".encode()).hexdigest()
    return f"IDEMPOTENCY#{digest}"


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

    # -- parts of the one ticket write (shared/adapters/ticket_writer.py) --------------------------
    @staticmethod
    def message_part(message: Message, ticket: Ticket) -> Part:
        """The message, sorted by the ticket version the write produces."""
        return put(message_item(message, ticket.version + 1), MessageItem.pk.does_not_exist())

    @staticmethod
    def idempotency_part(claim: IdempotencyClaim, ticket_id: str, now: datetime) -> Part:
        """A client's Idempotency-Key, claimed by the create: `AlreadyClaimed` when it was claimed before."""
        item = IdempotencyKeyItem(
            _claim_pk(claim),
            "KEY",
            ticket_id=ticket_id,
            request_hash=claim.request_hash,
            expires_at=now + IDEMPOTENCY_TTL,
        )
        return put(item, IdempotencyKeyItem.pk.does_not_exist(), lambda: AlreadyClaimed("Idempotency-Key"))

    @staticmethod
    def directory_checks(requires: dict[str, str]) -> list[Part]:
        """Directory entries a change refers to ({"assignee": email, "team": id}), checked inside the write: a
        missing one refuses the whole change with 400."""
        parts = []
        for name, value in requires.items():
            pk, sk = _directory_key(name, value)
            missing = InvalidInput(f"no such {name}: {value!r}", field=name)
            parts.append(check(HelpdeskItem(pk, sk), HelpdeskItem.pk.exists(), lambda error=missing: error))
        return parts

    def find_claim(self, claim: IdempotencyClaim) -> tuple[str, str] | None:
        """The ticket id and request hash the key was first claimed with."""
        try:
            item = IdempotencyKeyItem.get(_claim_pk(claim), "KEY", consistent_read=True)
        except DoesNotExist:
            return None
        return item.ticket_id, item.request_hash

    def get(self, ticket_id: str) -> Ticket | None:
        try:
            return from_item(TicketItem.get(ticket_pk(ticket_id), "TICKET"))
        except DoesNotExist:
            return None

    def get_many(self, ticket_ids: Sequence[str]) -> dict[str, Ticket]:
        keys = [(ticket_pk(i), "TICKET") for i in dict.fromkeys(ticket_ids)]
        return {item.id: from_item(item) for item in TicketItem.batch_get(keys)}

    def ticket_id_for_number(self, number: str) -> str | None:
        try:
            return TicketNumberItem.get(f"NUMBER#{number}", "NUMBER").ticket_id
        except DoesNotExist:
            return None

    def list_tickets(
        self,
        view: str,
        owner: str | None,
        limit: int,
        start: Key | None,
        statuses: list[str],
        priorities: list[str],
    ) -> Page:
        """One Query per page on the view's index, newest first. Filters may leave a page short. `owner` is the
        requester's or agent's email, or the team id, of the views that have one."""
        index_name, _ = VIEW_INDEXES[view]
        index = getattr(TicketItem, index_name)
        partition = view_partition(view, owner)
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
            ticket_pk(ticket_id),
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
            return to_message(MessageItem.get(ticket_pk(ticket_id), message_sk(ticket_version, message_id)))
        except DoesNotExist:
            return None

    def list_events(self, ticket_id: str, limit: int, start: Key | None) -> Page:
        result = EventItem.query(
            ticket_pk(ticket_id),
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
