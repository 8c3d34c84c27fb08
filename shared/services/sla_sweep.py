"""The sweep (every minute): act on the SLA checkpoints and the automations that fell due, exactly once each.

Per shard, one Query of the sparse `by_sla_checkpoint` index for keys `<= now` gives the tickets with something
due (an SLA checkpoint of an open ticket, or the next automation of any ticket not closed); each is read and, in one
write conditioned on the version read, gets an audit event per checkpoint or automation acted on and its name
recorded (`sla.done`, `automation.done`). The SLA checkpoints:
- `ticket.ack_timeout`: the assignee did not acknowledge (确认接单) in time; the ticket is unassigned (the agent is
  passed over for it) and the assignment function alerts the team's supervisor and reassigns it;
- `sla.warning`: a target passed the warning share; the assignee is alerted;
- `sla.breach`: a target was missed; the team's supervisor is alerted and, if the policy set says so, the priority is
  raised a step and/or the ticket handed to another agent.
Then the automations due (shared/services/automations.py): closing a resolved ticket, reminding or resolving a
waiting one, each with its own event whose actor is the automation. A second run (a schedule that fires twice, or
late) finds the names recorded and does nothing; two concurrent runs race on the ticket's version and only one write
lands. The write recomputes the ticket's next checkpoint, which moves (or removes) its index entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.sla.clock import CheckpointKind
from shared.domain.sla.keeper import ack_name, checkpoint_name, clock_of
from shared.domain.sla.policy import SlaConfig
from shared.domain.tickets import FieldChange, Person, Priority, Status, Ticket
from shared.errors import VersionConflict
from shared.services.automations import AutomationService, Planned
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import DueList, SlaKeeper, TicketReader, TicketWriter, WritePart
from shared.services.sla import SlaService

SWEEPER = Person("sla@system", "SLA 监控", "system")
_RAISE = {Priority.P4: Priority.P3, Priority.P3: Priority.P2, Priority.P2: Priority.P1}
_ATTEMPTS = 3  # a ticket that keeps changing is left for the next run


@dataclass
class SweepReport:
    shards: int = 0
    index_items_read: int = 0  # what the due Queries read (KEYS_ONLY)
    tickets_read: int = 0
    due: int = 0
    acted: list[str] = field(default_factory=list)  # "<ticket number> <checkpoint>"


class SweepService:
    def __init__(
        self,
        tickets: TicketReader,
        writer: TicketWriter,
        due_list: DueList,
        sla: SlaService,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        keeper: SlaKeeper | None = None,
        automations: AutomationService | None = None,
        message_part: Callable[[Message, Ticket], WritePart] | None = None,
        digests: Callable[[datetime], list[str]] | None = None,
    ) -> None:
        self._digests = digests
        self._tickets = tickets
        self._writer = writer
        self._due_list = due_list
        self._sla = sla
        self._keeper: SlaKeeper = keeper or sla
        self._automations = automations
        self._message_part = message_part
        self._clock = clock
        self._new_id = new_id

    def sweep(self) -> SweepReport:
        now = self._clock.now()
        config = self._sla.config()
        report = SweepReport()
        ids, report.index_items_read, report.shards = self._due_list.due(now)
        report.due = len(ids)
        for ticket_id in ids:
            report.acted += self._act(ticket_id, now, config, report)
        if self._digests is not None:
            report.acted += self._digests(now)  # the alerts this run (and the stream since the last) produced
        return report

    def _act(self, ticket_id: str, now: datetime, config: SlaConfig, report: SweepReport) -> list[str]:
        def read(ticket_id: str) -> Ticket | None:
            report.tickets_read += 1
            return self._tickets.get(ticket_id)

        def act(ticket: Ticket) -> list[str]:
            events, parts = self._due_events(ticket, now, config)
            self._writer.write(ticket, events, parts)  # no events: only the index entry moves
            return [f"{ticket.number} {e.type.value} {e.actor.name}".rstrip() for e in events]

        ticket = read(ticket_id)
        if ticket is None:
            return []
        try:
            return retry_on_conflict(ticket, read, act, _ATTEMPTS)
        except VersionConflict:
            return []  # changed meanwhile by every attempt (or by a concurrent sweep): the next run sees it

    def _due_events(self, ticket: Ticket, now: datetime, config: SlaConfig) -> tuple[list[AuditEvent], list[WritePart]]:
        planned: list[tuple[Person, EventType, list[FieldChange], str | None]] = [
            (SWEEPER, kind, changes, None) for kind, changes in self._sla_checkpoints(ticket, now, config)
        ]
        planned += [(SWEEPER, EventType.SUBTASK_OVERDUE, changes, None) for changes in _overdue_subtasks(ticket, now)]
        planned += [(SWEEPER, EventType.SLA_SECOND_LEVEL, changes, None) for changes in _second_level(ticket, now)]
        planned += [(SWEEPER, EventType.CHAT_ENDED, changes, None) for changes in _idle_chat(ticket, now)]
        if planned:
            ticket.updated_at = now
        automated = self._automations.plan(ticket, now) if self._automations is not None else Planned()
        planned += automated.events
        applied = [c for _, _, changes, _ in planned for c in changes]
        self._keeper.refresh(ticket, now, applied)
        events = [
            AuditEvent.of(
                ticket, kind, actor, now, changes, id=self._new_id(), message_id=mid, internal=False if mid else None
            )
            for actor, kind, changes, mid in planned
        ]
        parts = [self._message_part(m, ticket) for m in automated.messages] if self._message_part else []
        return events, parts

    def _sla_checkpoints(
        self, ticket: Ticket, now: datetime, config: SlaConfig
    ) -> list[tuple[EventType, list[FieldChange]]]:
        if not ticket.is_open:
            return []
        planned: list[tuple[EventType, list[FieldChange]]] = []
        sla = ticket.sla
        done, passed_over = list(sla.done), list(sla.passed_over)
        warned, breached = sla.warned, sla.breached
        ack_due = sla.acknowledge_due_at
        if ticket.assignee and sla.acknowledged_at is None and ack_due is not None and ack_due <= now:
            name = ack_name(ack_due)
            if name not in done:
                done.append(name)
                passed_over.append(ticket.assignee)
                applied = ticket.apply_changes({"assignee": None}, now)
                planned.append(
                    (
                        EventType.TICKET_ACK_TIMEOUT,
                        [FieldChange("acknowledge_due_at", ack_due.isoformat(), None), *applied],
                    )
                )
        for checkpoint in clock_of(ticket, config).due_checkpoints(None, now):
            name = checkpoint_name(checkpoint)
            if name in done:
                continue
            done.append(name)
            if checkpoint.kind is CheckpointKind.WARNING:
                warned = True
                planned.append((EventType.SLA_WARNING, [FieldChange("sla.warning", None, name)]))
                continue
            breached = True
            changes = [FieldChange("sla.breach", None, name)]
            if config.escalation.raise_priority_on_breach and ticket.priority in _RAISE:
                changes += ticket.apply_changes({"priority": _RAISE[ticket.priority]}, now)
            if config.escalation.reassign_on_breach and ticket.assignee:
                passed_over.append(ticket.assignee)
                changes += ticket.apply_changes({"assignee": None}, now)
            after = config.escalation.second_level_after_minutes
            if after and ticket.second_level_at is None:
                # Left unhandled this long, the breach goes up a level (seed 000: 提醒其他相关负责人).
                ticket.second_level_at = now + timedelta(minutes=after)
                changes.append(FieldChange("sla.second_level_at", None, ticket.second_level_at.isoformat()))
            planned.append((EventType.SLA_BREACH, changes))
        ticket.sla = replace(
            ticket.sla,
            done=tuple(done),
            passed_over=tuple(dict.fromkeys(passed_over)),
            warned=warned,
            breached=breached,
        )
        return planned


def _overdue_subtasks(ticket: Ticket, now: datetime) -> list[list[FieldChange]]:
    """Open sub-tasks past their due time, told once each (until their due time moves): one event each."""
    if not ticket.is_open:
        return []
    found = []
    for subtask in ticket.subtasks:
        due = subtask.overdue_at()
        if due is not None and due <= now:
            noticed = replace(subtask, overdue_noticed=True)
            ticket.subtasks = [noticed if s.id == subtask.id else s for s in ticket.subtasks]
            found.append([FieldChange("subtask", subtask.to_dict(), noticed.to_dict())])
    return found


def _idle_chat(ticket: Ticket, now: datetime) -> list[list[FieldChange]]:
    """A live chat with no line for its idle time ends itself, as the visitor's `end` does (docs/chat.md)."""
    idle_at = ticket.chat_idle_at
    if idle_at is None or idle_at > now:
        return []
    ticket.chat_ended_at = now
    return [[FieldChange("chat.idle_minutes", None, ticket.chat_idle_minutes)]]


def _second_level(ticket: Ticket, now: datetime) -> list[list[FieldChange]]:
    """A breach whose second level fell due: escalated when the ticket is still in the team's hands (new or in
    progress: nobody solved it, nobody is waiting on the customer), dropped otherwise. Once either way."""
    due = ticket.second_level_at
    if due is None or due > now:
        return []
    ticket.second_level_at = None
    cleared = FieldChange("sla.second_level_at", due.isoformat(), None)
    if ticket.status not in (Status.NEW, Status.IN_PROGRESS):
        return []
    return [[cleared, FieldChange("sla.second_level", None, due.isoformat())]]
