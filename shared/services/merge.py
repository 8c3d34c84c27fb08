"""Merging a duplicate ticket (合并工单) into another: one write of both tickets.

The source is closed with `merged_into` and a short public note the customer sees in the portal; its conversation
is copied into the target's, each message marked with the source's number; its requester and CCs become CCs of the
target (so their mail replies thread there), its followers follow the target; both audit trails get a
`ticket.merged` event. Later mail in the source's thread and portal replies to it land on the target
(`follow_merges`). The copy rides in the same transaction, which bounds a merge to `MAX_MERGED_MESSAGES`.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.collab import MAX_MERGED_MESSAGES, MergeLink
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.tickets import FieldChange, Person, Status, Ticket
from shared.errors import Forbidden, MergeRefused, VersionConflict
from shared.services.ports import SlaKeeper, TicketReader, Tickets, TicketWriter, WorkLists

_ATTEMPTS = 3
_MAX_HOPS = 5  # a chain of merges (A into B, later B into C) is followed this far


@dataclass(frozen=True)
class Merged:
    source: Ticket
    target: Ticket


def follow_merges(ticket: Ticket, tickets: TicketReader) -> Ticket:
    """Where a message for `ticket` belongs: the ticket it was merged into (and on, along a chain), or itself."""
    for _ in range(_MAX_HOPS):
        if ticket.merged_into is None:
            return ticket
        target = tickets.get(ticket.merged_into.id)
        if target is None:  # pragma: no cover - tickets are never deleted
            return ticket
        ticket = target
    return ticket


def merge_note(target_number: str, language: str) -> str:
    if language == "en":
        return f"This ticket was merged into {target_number}; the conversation continues there."
    return f"此工单已合并到 {target_number}，后续沟通请在该工单中进行。"


class MergeService:
    def __init__(
        self,
        get_ticket: Callable[[Principal, str], Ticket],
        store: Tickets,
        work: WorkLists,
        writer: TicketWriter,
        sla: SlaKeeper,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._get = get_ticket
        self._store = store
        self._work = work
        self._writer = writer
        self._sla = sla
        self._clock = clock
        self._new_id = new_id

    def merge(self, principal: Principal, ref: str, into: str) -> Merged:
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may merge tickets")
        source = self._get(principal, ref)
        target = self._get(principal, into)
        for attempt in range(_ATTEMPTS):
            try:
                return self._merge(principal, source, target)
            except VersionConflict:
                if attempt == _ATTEMPTS - 1:
                    raise
                source = self._get(principal, source.id)
                target = self._get(principal, target.id)
        raise AssertionError("unreachable")  # pragma: no cover

    def _merge(self, principal: Principal, source: Ticket, target: Ticket) -> Merged:
        if source.id == target.id:
            raise MergeRefused("a ticket cannot be merged into itself", field="into")
        if source.merged_into is not None:
            raise MergeRefused(f"this ticket was merged into {source.merged_into.number} already", field="id")
        if target.merged_into is not None:
            raise MergeRefused(f"{target.number} was merged into {target.merged_into.number}", field="into")
        if target.status is Status.CLOSED:
            raise MergeRefused(f"{target.number} is closed", field="into")
        messages = self._conversation(source)
        now = self._clock.now()
        actor = Person(principal.email, principal.name, principal.party)
        before = copy.deepcopy(source)

        applied = source.close_as_merged(MergeLink(target.id, target.number), now)
        applied += self._sla.refresh(source, now, applied)
        note = Message(
            id=self._new_id(),
            ticket_id=source.id,
            author=actor,
            body=merge_note(target.number, source.language),
            internal=False,
            created_at=now,
        )
        source_event = AuditEvent.of(
            source, EventType.TICKET_MERGED, actor, now, applied, id=self._new_id(), message_id=note.id, internal=False
        )

        old_from, old_cc = list(target.merged_from), list(target.cc)
        target.merged_from = [*old_from, MergeLink(source.id, source.number)]
        parties = [source.requester.email, *source.cc]
        target.cc = [*old_cc, *(a for a in dict.fromkeys(parties) if a != target.requester.email and a not in old_cc)]
        target.updated_at = now
        target_changes = [
            FieldChange("merged_from", [m.to_dict() for m in old_from], [m.to_dict() for m in target.merged_from])
        ]
        if target.cc != old_cc:
            target_changes.append(FieldChange("cc", old_cc, list(target.cc)))
        target_changes += target.follow(source.followers)
        target_event = AuditEvent.of(target, EventType.TICKET_MERGED, actor, now, target_changes, id=self._new_id())

        copies = [
            self._store.copied_message_part(m, target, position, source.number) for position, m in enumerate(messages)
        ]
        parts = [
            self._store.message_part(note, source),
            *copies,
            *self._store.ticket_part(target, [target_event]),
            *self._work.work_parts(before, source),
        ]
        self._writer.write(source, [source_event], parts)
        target.version += 1  # written with the source, at the version read plus one
        return Merged(source, target)

    def _conversation(self, source: Ticket) -> list[Message]:
        """The source's whole conversation (internal notes too), oldest first; refused when it is too long to copy
        in the one write."""
        found: list[Message] = []
        start = None
        while True:
            page = self._store.list_messages(source.id, MAX_MERGED_MESSAGES + 1, start, True)
            found += page.items
            if len(found) > MAX_MERGED_MESSAGES:
                raise MergeRefused(
                    f"{source.number} has more than {MAX_MERGED_MESSAGES} messages: too long to merge", field="id"
                )
            if page.last_key is None:
                return found
            start = page.last_key
