"""Closing review (结案审核) use cases: the policy (which categories and priorities need a supervisor's approval
before their tickets close; versioned, If-Match, cached briefly) and a supervisor's decision on a held ticket.

Who holds a ticket for review: `TicketService.update` when staff without the right to approve close it, and the
`Effector` when a trigger or an automation would (shared/domain/review.py says how)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.review import ReviewPolicy, decide
from shared.domain.tickets import Person, Ticket
from shared.errors import Forbidden
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import ConfigStore, SlaKeeper, Tickets, TicketWriter

REVIEW_POLICY = "REVIEW_POLICY"
CACHE_SECONDS = 30.0


class ReviewService:
    def __init__(
        self,
        store: ConfigStore,
        tickets: Tickets,
        writer: TicketWriter,
        keeper: SlaKeeper,
        clock: Clock,
        get_ticket: Callable[[Principal, str], Ticket],
        cache_seconds: float = CACHE_SECONDS,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._store = store
        self._tickets = tickets
        self._writer = writer
        self._keeper = keeper
        self._clock = clock
        self._get_ticket = get_ticket
        self._cache_seconds = cache_seconds
        self._new_id = new_id
        self._cached: tuple[float, ReviewPolicy] | None = None

    # -- the policy ------------------------------------------------------------------------------------------------
    def policy(self) -> ReviewPolicy:
        """The stored policy (none needs review until an admin saves one), cached for 30 s per process."""
        if self._cached is not None and time.monotonic() - self._cached[0] < self._cache_seconds:
            return self._cached[1]
        stored = self._store.get_config(REVIEW_POLICY)
        policy = ReviewPolicy() if stored is None else ReviewPolicy.from_dict(stored.data, stored.version)
        self._cached = (time.monotonic(), policy)
        return policy

    def get_policy(self, principal: Principal) -> ReviewPolicy:
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        return self.policy()

    def put_policy(self, principal: Principal, data: Any, expected_version: int | None) -> ReviewPolicy:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        policy = ReviewPolicy.from_dict(data)
        stored = self._store.put_config(
            REVIEW_POLICY, policy.to_dict(), expected_version, principal.email, self._clock.now()
        )
        self._cached = None
        return replace(policy, version=stored.version)

    # -- a decision --------------------------------------------------------------------------------------------------
    def review(self, principal: Principal, ref: str, approve: bool, comment: str) -> Ticket:
        """Approve (the ticket closes) or send it back to its assignee with the comment, which is also left as an
        internal note on the ticket."""
        if not principal.can(Permission.TICKET_REVIEW):
            raise Forbidden("supervisors and admins only")
        ticket = self._get_ticket(principal, ref)
        actor = Person(principal.email, principal.name, principal.party)

        def decide_on(ticket: Ticket) -> Ticket:
            now = self._clock.now()
            changes = decide(ticket, approve, principal.email, comment, now)
            changes += self._keeper.refresh(ticket, now, changes)
            events = [AuditEvent.of(ticket, EventType.TICKET_REVIEWED, actor, now, changes, id=self._new_id())]
            parts = []
            if comment and not approve:
                note = Message(self._new_id(), ticket.id, actor, comment, True, now, "web")
                events.append(
                    AuditEvent.of(
                        ticket,
                        EventType.MESSAGE_ADDED,
                        actor,
                        now,
                        id=self._new_id(),
                        message_id=note.id,
                        internal=True,
                    )
                )
                parts.append(self._tickets.message_part(note, ticket))
            self._writer.write(ticket, events, parts)
            return ticket

        return retry_on_conflict(ticket, self._tickets.get, decide_on)
