"""Reading tickets, their conversation and audit trail; numbering them; and the parts a ticket write needs from
this store (a message, an Idempotency-Key claim, directory checks), which `ticket_writer` commits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import (
    CounterItem,
    EventItem,
    HelpdeskItem,
    IdempotencyKeyItem,
    MessageItem,
    TicketItem,
    TicketNumberItem,
)
from shared.adapters.ticket_lists import any_open_in, list_condition, list_index, read_page
from shared.adapters.ticket_mapping import (
    event_item,
    from_item,
    message_item,
    message_sk,
    ticket_pk,
    to_event,
    to_item,
    to_message,
)
from shared.adapters.ticket_writer import Part, check, put, update
from shared.domain.events import AuditEvent, Message
from shared.domain.requests import IdempotencyClaim, Key, Page, TicketFilter
from shared.domain.tickets import Ticket
from shared.errors import AlreadyClaimed, InvalidInput, VersionConflict

IDEMPOTENCY_TTL = timedelta(hours=24)


def _other_changed() -> Exception:
    return VersionConflict("the other ticket was changed by someone else; try again")


def _claim_pk(claim: IdempotencyClaim) -> str:
    digest = hashlib.sha256(f"{claim.owner}\n{claim.key}".encode()).hexdigest()
    return f"IDEMPOTENCY#{digest}"


class TicketStore:
    """Tickets with their conversation and audit trail, in the tickets table."""

    # -- numbers ---------------------------------------------------------------------------------
    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        """Reserve the day's next `count` ticket sequences by one atomic ADD; returns the last of them. The counter
        expires after a few days."""
        counter = CounterItem(f"COUNTER#TICKET#{local_day:%Y%m%d}", "COUNTER")
        counter.update(
            actions=[CounterItem.value.add(count), CounterItem.expires_at.set(now + timedelta(days=3))],
            condition=CounterItem.value.does_not_exist() | (CounterItem.value < 99_999_999),
        )
        return int(counter.value)

    # -- parts of the one ticket write (shared/adapters/ticket_writer.py) --------------------------
    @staticmethod
    def message_part(message: Message, ticket: Ticket) -> Part:
        """The message, sorted by the ticket version the write produces."""
        return put(message_item(message, ticket.version + 1), MessageItem.pk.does_not_exist())

    @staticmethod
    def ticket_part(ticket: Ticket, events: Sequence[AuditEvent]) -> list[Part]:
        """Another ticket changed in the same write (a merge's target), at the version it was read, with its events:
        `VersionConflict` when it changed meanwhile. Its `version` is the one written once the write succeeds."""
        item = to_item(ticket)
        return [put(item, conflict=_other_changed), *(put(event_item(e)) for e in events)]

    @staticmethod
    def copied_message_part(message: Message, target: Ticket, position: int, source_number: str) -> Part:
        """A message of a merged duplicate, copied into `target`'s conversation at the merge (in its order there)."""
        copy = replace(message, ticket_id=target.id, merged_from=source_number)
        item = message_item(copy, target.version + 1)
        item.sk = message_sk(target.version + 1, f"{position:04d}{message.id}")
        return put(item, MessageItem.pk.does_not_exist())

    @staticmethod
    def delivery_part(ticket_id: str, ticket_version: int, message_id: str, delivery: dict[str, Any]) -> Part:
        """A public reply's failed delivery, set once on the message item: `AlreadyClaimed` when it was marked
        before (a redelivered event)."""
        item = MessageItem(ticket_pk(ticket_id), message_sk(ticket_version, message_id))
        return update(
            item,
            [MessageItem.delivery.set(delivery)],
            MessageItem.pk.exists() & MessageItem.delivery.does_not_exist(),
            lambda: AlreadyClaimed(f"the delivery of message {message_id} was marked before"),
        )

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
        filters: TicketFilter | None = None,
    ) -> Page:
        """A page of a view, newest first (shared/adapters/ticket_lists.py). Filters may leave a page short. `owner`
        is the requester's or agent's email, or the team id, of the views that have one."""
        return read_page(list_index(view, owner), limit, start, list_condition(statuses, priorities), filters)

    def team_has_open_tickets(self, team: str) -> bool:
        """Whether any open ticket names the team (an admin's check before deleting it, not a request path)."""
        return any_open_in(list_index("team", team))

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
