"""Automations (自动化) use cases: the stored set (versioned, If-Match, cached briefly per process, the product's
defaults until an admin saves one), and what the sweep does to a ticket whose automation fell due.

`plan` runs each automation due on the ticket, in the order they fell due, once: the automation's record
(`<id>@<when the ticket entered its status>`) goes into the same write as its changes, which the one writer makes
conditioned on the version read, so a second or late sweep finds it done. An automation whose conditions stopped
holding (an earlier one moved the ticket on) is skipped. The audit event of each names the automation as its actor.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.automations import Automation, AutomationSet, default_automations, done_key, due_now
from shared.domain.effects import of_actions
from shared.domain.events import EventType, Message
from shared.domain.tickets import FieldChange, Person, Ticket
from shared.domain.workflow import AUTOMATION, AUTOMATION_EMAIL
from shared.errors import Forbidden
from shared.services.effects import Effector
from shared.services.ports import ConfigStore

if TYPE_CHECKING:
    from shared.domain.sla.calendar import BusinessCalendar

AUTOMATIONS = "AUTOMATIONS"
CACHE_SECONDS = 30.0


def automation_actor(automation: Automation) -> Person:
    return Person(AUTOMATION_EMAIL, automation.name, "system")


@dataclass
class Planned:
    """What the automations due on a ticket do, for the sweep's write: events to build once the ticket is kept in
    step (actor, type, changes, message id), and the messages to write with them."""

    events: list[tuple[Person, EventType, list[FieldChange], str | None]] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


class AutomationService:
    def __init__(
        self,
        store: ConfigStore,
        clock: Clock,
        calendars: Callable[[], dict[str, BusinessCalendar]],
        effector: Effector,
        canned_ids: Callable[[], Iterable[str]],
        cache_seconds: float = CACHE_SECONDS,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:12],
    ) -> None:
        self._store = store
        self._clock = clock
        self._calendars = calendars
        self._effector = effector
        self._canned_ids = canned_ids
        self._cache_seconds = cache_seconds
        self._new_id = new_id
        self._cached: tuple[float, AutomationSet] | None = None

    # -- the stored set --------------------------------------------------------------------------------------------
    def automations(self) -> AutomationSet:
        if self._cached is not None and time.monotonic() - self._cached[0] < self._cache_seconds:
            return self._cached[1]
        stored = self._store.get_config(AUTOMATIONS)
        if stored is None:
            automations = default_automations()
        else:
            # Leniently: a stored item that no longer validates (a calendar since removed) still runs as it can.
            automations = AutomationSet.from_list(
                stored.data.get("automations", []), validate=False, version=stored.version
            )
        self._cached = (time.monotonic(), automations)
        return automations

    def get(self, principal: Principal) -> AutomationSet:
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        return self.automations()

    def put(self, principal: Principal, data: Any, expected_version: int | None) -> AutomationSet:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        automations = AutomationSet.from_list(
            data, calendars=self._calendars().keys(), canned=self._canned_ids(), new_id=self._new_id
        )
        stored = self._store.put_config(
            AUTOMATIONS, {"automations": automations.to_list()}, expected_version, principal.email, self._clock.now()
        )
        self._cached = None
        return replace(automations, version=stored.version)

    # -- the sweep ---------------------------------------------------------------------------------------------------
    def plan(self, ticket: Ticket, now: datetime) -> Planned:
        """Act on every automation due on the ticket (changing it); what to write with it."""
        planned = Planned()
        for automation in due_now(ticket, self.automations(), self._calendars(), now):
            if not automation.holds_for(ticket):
                continue  # an earlier automation of this run moved the ticket on
            key = done_key(automation, ticket)
            ticket.automation = replace(ticket.automation, done=(*ticket.automation.done, key))
            actor = automation_actor(automation)
            applied = self._effector.apply(ticket, of_actions(automation.actions, ticket), now, actor)
            changes = [FieldChange(AUTOMATION, None, automation.name), *applied.changes]
            if applied.errors:
                changes.append(FieldChange("automation.errors", None, applied.errors))
            planned.events.append((actor, EventType.TICKET_UPDATED, changes, None))
            for message in applied.messages:
                planned.events.append((actor, EventType.MESSAGE_ADDED, [], message.id))
                planned.messages.append(message)
        return planned
