"""Triggers (工单触发器) on the ticket stream: the rules that answer a change, a reply or a note, after the fact.

For each domain event the assignment function hands over (with the ticket as it is now), the rules of the events it
counts as (`shared/domain/triggers.py`) are evaluated on the ticket and on what the event changed; the rules that made
the event sit out. When some fire, their actions are one write through the one writer: the ticket's changes, the
canned replies sent, and an audit event whose actor names the rules, marked with them and with the chain's depth. A
trigger's write is itself an event, which may fire other triggers; at depth `MAX_CHAIN` the chain stops, with an
audit note naming the rules it held back.

Exactly once: the ticket records the last event the triggers answered (`AutomationState.trigger_mark`), in the same
write, so a redelivered event finds it answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from shared.clock import Clock
from shared.domain.effects import Effects, of_outcome
from shared.domain.events import AuditEvent, EventType
from shared.domain.rules import RuleSet, RuleStatus, facts_of
from shared.domain.tickets import FieldChange, Ticket
from shared.domain.triggers import trigger_actor, trigger_call
from shared.domain.workflow import CAUSE, DEPTH, STOPPED, TRIGGERS
from shared.services.effects import Effector
from shared.services.ports import DirectoryReader, SlaKeeper, Tickets, TicketWriter


class TriggerService:
    def __init__(
        self,
        store: Tickets,
        writer: TicketWriter,
        keeper: SlaKeeper,
        clock: Clock,
        rules: Callable[[], RuleSet],
        effector: Effector,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        directory: DirectoryReader | None = None,
    ) -> None:
        self._directory = directory
        self._store = store
        self._writer = writer
        self._keeper = keeper
        self._clock = clock
        self._rules = rules
        self._effector = effector
        self._new_id = new_id

    def answer(self, event: AuditEvent, ticket: Ticket) -> list[str]:
        """Fire the triggers `event` calls for on `ticket` (read after the event); returns what was done, for the
        log. Raises `VersionConflict` when the ticket changed meanwhile (the caller reads it again and retries)."""
        call = trigger_call(event)
        if not call.events or _answered(ticket, event):
            return []
        outcome = self._rules().evaluate(facts_of(ticket, event.changes), call.events, call.skip)
        if not outcome.fired:
            return []
        now = self._clock.now()
        actor = trigger_actor(outcome.fired)
        marks = [FieldChange(TRIGGERS, None, list(outcome.fired)), FieldChange(CAUSE, None, event.id)]
        if call.at_limit:
            # The chain stops here: the audit trail says which rules it held back, and nothing changes.
            changes = [FieldChange(STOPPED, None, list(outcome.fired)), *marks[1:]]
            messages = []
            line = f"{ticket.number}: chain of triggers stopped at depth {call.depth}: {', '.join(outcome.fired)}"
        else:
            effects, unknown = self._known(of_outcome(outcome, ticket))
            applied = self._effector.apply(ticket, effects, now, actor)
            errors = [f"{t.rule}: {t.detail}" for t in outcome.trace if t.status is RuleStatus.ERROR]
            errors += unknown + applied.errors
            changes = [*applied.changes, *marks, FieldChange(DEPTH, None, call.depth + 1)]
            if errors:
                changes.append(FieldChange("triggers.errors", None, errors))
            messages = applied.messages
            line = f"{ticket.number}: triggers {', '.join(outcome.fired)} on {event.type.value}"
        ticket.automation = replace(
            ticket.automation,
            trigger_mark=event.ticket_version,
            trigger_events=(
                (*ticket.automation.trigger_events, event.id)
                if ticket.automation.trigger_mark == event.ticket_version
                else (event.id,)
            ),
        )
        changes += self._keeper.refresh(ticket, now, changes)
        events = [AuditEvent.of(ticket, EventType.TICKET_UPDATED, actor, now, changes, id=self._new_id())]
        for message in messages:
            events.append(
                AuditEvent.of(
                    ticket,
                    EventType.MESSAGE_ADDED,
                    actor,
                    now,
                    marks[:1],
                    id=self._new_id(),
                    message_id=message.id,
                    internal=False,
                )
            )
        self._writer.write(ticket, events, [self._store.message_part(m, ticket) for m in messages])
        return [line]

    def _known(self, effects: Effects) -> tuple[Effects, list[str]]:
        """A team or assignee a trigger names must exist now (a team removed since the rules were saved, an agent
        who left): what does not is left out, and said in the audit trail."""
        if self._directory is None or not ({"team", "assignee"} & effects.fields.keys()):
            return effects, []
        fields, unknown = dict(effects.fields), []
        agents, teams = self._directory.list_all()
        if "assignee" in fields and fields["assignee"] not in {a.email.lower() for a in agents}:
            unknown.append(f"unknown assignee '{fields.pop('assignee')}'")
        if "team" in fields and fields["team"] not in {t.id for t in teams}:
            unknown.append(f"unknown team '{fields.pop('team')}'")
        return replace(effects, fields=fields), unknown


def _answered(ticket: Ticket, event: AuditEvent) -> bool:
    """Whether the triggers answered this event already: one written after it, or this very one."""
    mark = ticket.automation.trigger_mark
    return event.ticket_version < mark or (
        event.ticket_version == mark and event.id in ticket.automation.trigger_events
    )
