"""Which triggers an audit event calls for, and the marks that keep triggers from answering themselves.

A trigger's write is marked with the rules that made it (`triggers`) and its place in a chain (`triggers.depth`):
- the rules named in an event's `triggers` change sit out the evaluation of that event, so a trigger never fires on
  its own change again;
- an event made by triggers at depth `MAX_CHAIN` starts no further write: the chain stops, and the audit trail says
  which rules it held back (`triggers.stopped`).
Replies and notes count only when a person wrote them (the customer, by web or mail; staff): automatic mail (an
out-of-office answer) and the product's own notes and replies start nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.access import STAFF_ROLES
from shared.domain.events import AuditEvent, EventType
from shared.domain.rules.model import TRACKED_FIELDS, TriggerEvent
from shared.domain.tickets import Person
from shared.domain.workflow import AUTOMATIC_MAIL, DEPTH, STOPPED, TRIGGER_EMAIL, TRIGGERS

MAX_CHAIN = 3  # a trigger's write answering a trigger's write answering a person's change, and no further


def trigger_actor(rules: tuple[str, ...]) -> Person:
    """Who a trigger's write is by, in the audit trail: the rules' names."""
    return Person(TRIGGER_EMAIL, "、".join(rules), "system")


@dataclass(frozen=True)
class TriggerCall:
    """What an event asks of the triggers: the events it counts as, the rules that made it, its chain depth."""

    events: frozenset[TriggerEvent]
    skip: frozenset[str]
    depth: int

    @property
    def at_limit(self) -> bool:
        return self.depth >= MAX_CHAIN


def trigger_call(event: AuditEvent) -> TriggerCall:
    kinds: set[TriggerEvent] = set()
    made_by = event.changed(TRIGGERS)
    skip = frozenset(str(name) for name in (made_by.new or ())) if made_by is not None else frozenset()
    depth_change = event.changed(DEPTH)
    depth = int(depth_change.new) if depth_change is not None and depth_change.new is not None else 0
    if event.type is EventType.TICKET_CREATED or event.changed(STOPPED) is not None:
        return TriggerCall(frozenset(), skip, depth)
    if event.type is EventType.MESSAGE_ADDED and event.changed(AUTOMATIC_MAIL) is None:
        role = event.actor.role
        if event.internal and role in STAFF_ROLES:
            kinds.add(TriggerEvent.INTERNAL_NOTE)
        elif not event.internal and role in STAFF_ROLES:
            kinds.add(TriggerEvent.AGENT_REPLIED)
        elif not event.internal and role == "customer":
            kinds.add(TriggerEvent.CUSTOMER_REPLIED)
    if any(change.field in TRACKED_FIELDS for change in event.changes):
        kinds.add(TriggerEvent.UPDATED)
    return TriggerCall(frozenset(kinds), skip, depth)
