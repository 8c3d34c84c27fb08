"""The one ticket writer: every change to a ticket is one `TransactWriteItems` built here.

A write is the ticket item (conditioned on the version it was read at, or on not existing when created), its number
item when created, its audit events, and the parts other stores contribute to the same transaction: a message, a
Message-ID or Idempotency-Key claim, a load claim and its capacity counter, a queue entry, a directory check. Each
part says what a failure of its condition means (`Part.conflict`); when several fail, the first part given wins, and
the ticket's own items come after every contributed part. No other module opens a transaction (a test holds this).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shared.adapters.items import HelpdeskItem, TicketItem, TicketNumberItem
from shared.adapters.ticket_mapping import event_item, to_item
from shared.domain.events import AuditEvent
from shared.domain.tickets import Ticket
from shared.errors import AlreadyClaimed, UnstorableWrite, VersionConflict


class Op(IntEnum):
    """TransactWriteItems as PynamoDB sends it: condition checks, then deletes, puts, updates."""

    CHECK = 0
    DELETE = 1
    PUT = 2
    UPDATE = 3


@dataclass(frozen=True)
class Part:
    """One item of a transaction. For a CHECK, `item` is an instance whose keys name the item to check."""

    op: Op
    item: HelpdeskItem
    condition: Condition | None = None
    actions: Sequence[Action] = field(default_factory=tuple)
    conflict: Callable[[], Exception] | None = None  # what a failed condition means; None: nothing expected it


def put(
    item: HelpdeskItem, condition: Condition | None = None, conflict: Callable[[], Exception] | None = None
) -> Part:
    return Part(Op.PUT, item, condition, conflict=conflict)


def delete(
    item: HelpdeskItem, condition: Condition | None = None, conflict: Callable[[], Exception] | None = None
) -> Part:
    return Part(Op.DELETE, item, condition, conflict=conflict)


def update(
    item: HelpdeskItem,
    actions: Sequence[Action],
    condition: Condition | None = None,
    conflict: Callable[[], Exception] | None = None,
) -> Part:
    return Part(Op.UPDATE, item, condition, tuple(actions), conflict)


def check(item: HelpdeskItem, condition: Condition, conflict: Callable[[], Exception]) -> Part:
    return Part(Op.CHECK, item, condition, conflict=conflict)


def _changed_meanwhile() -> Exception:
    return VersionConflict("the ticket was changed by someone else; reload it")


def _created_before() -> Exception:
    return AlreadyClaimed("the ticket exists already")


class TicketWriter:
    def write(
        self,
        ticket: Ticket,
        events: Sequence[AuditEvent],
        parts: Sequence[object] = (),
        *,
        create: bool = False,
    ) -> None:
        """The ticket (new, or at the version it was read), its events and `parts`, all or nothing. On success the
        ticket's `version` is the one written."""
        item = to_item(ticket)
        own: list[Part] = []
        if create:
            own.append(put(item, TicketItem.pk.does_not_exist(), _created_before))
            number = TicketNumberItem(f"NUMBER#{ticket.number}", "NUMBER", ticket_id=ticket.id)
            own.append(put(number, TicketNumberItem.pk.does_not_exist(), _created_before))
        else:
            own.append(put(item, conflict=_changed_meanwhile))  # PynamoDB conditions it on the version read
        own += [put(event_item(event)) for event in events]
        self.commit([*(_part(p) for p in parts), *own])
        ticket.version = int(item.version)

    def commit(self, parts: Sequence[object]) -> None:
        """A transaction of parts alone (an agent's load claim moving without a ticket change)."""
        parts = [_part(p) for p in parts]
        # Reasons come back in the order PynamoDB sends the items: grouped by operation, then as added.
        ordered = sorted(enumerate(parts), key=lambda pair: pair[1].op)
        try:
            with TransactWrite(connection=_connection()) as tx:
                for _, part in ordered:
                    _add(tx, part)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            failed = [
                index
                for position, (index, _) in enumerate(ordered)
                if position < len(reasons) and getattr(reasons[position], "code", None) == "ConditionalCheckFailed"
            ]
            for index in sorted(failed):
                conflict = parts[index].conflict
                if conflict is not None:
                    raise conflict() from error
            if error.cause_response_code == "ValidationException":
                raise UnstorableWrite(error.cause_response_message or "refused") from error
            raise


def _part(part: object) -> Part:
    """Services pass parts along without knowing them (`WritePart`); every one was made by a store here."""
    if not isinstance(part, Part):
        raise TypeError(f"not a part of a ticket write: {part!r}")
    return part


def _add(tx: TransactWrite, part: Part) -> None:
    if part.op is Op.CHECK:
        tx.condition_check(type(part.item), part.item.pk, part.item.sk, condition=part.condition)
    elif part.op is Op.DELETE:
        tx.delete(part.item, condition=part.condition)
    elif part.op is Op.PUT:
        tx.save(part.item, condition=part.condition)
    else:
        tx.update(part.item, actions=list(part.actions), condition=part.condition)


def _connection() -> Connection:
    # The models' own connection (and its botocore client): building a client per transaction costs ~100 ms.
    return HelpdeskItem._get_connection().connection
