"""The SLA sweep (every minute): act on the checkpoints that fell due, exactly once each.

Per shard, one Query of the sparse `by_sla_checkpoint` index for keys `<= now` gives the tickets with something
due; each is read and, in one transaction conditioned on the version read, gets an audit event per checkpoint
acted on and the checkpoint's name recorded in `sla.done`:
- `ticket.ack_timeout`: the assignee did not acknowledge (确认接单) in time; the ticket is unassigned (the agent is
  passed over for it) and the assignment function alerts the team's supervisor and reassigns it;
- `sla.warning`: a target passed the warning share; the assignee is alerted;
- `sla.breach`: a target was missed; the team's supervisor is alerted and, if the policy set says so, the priority is
  raised a step and/or the ticket handed to another agent.
A second run (a schedule that fires twice, or late) finds the names recorded and does nothing; two concurrent runs
race on the ticket's version and only one write lands. The write recomputes the ticket's next checkpoint, which
moves (or removes) its index entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.adapters.routing_store import RoutingStore
from shared.adapters.sla_index import all_shards
from shared.adapters.tickets_store import TicketStore
from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType
from shared.domain.sla import default_targets
from shared.domain.sla_policy import CheckpointKind
from shared.domain.tickets import FieldChange, Person, Priority, Ticket
from shared.errors import VersionConflict
from shared.services.routing import ticket_event
from shared.services.sla import SlaConfig, SlaService, ack_name, checkpoint_name

SWEEPER = Person("sla@system", "SLA 监控", "system")
_RAISE = {Priority.P4: Priority.P3, Priority.P3: Priority.P2, Priority.P2: Priority.P1}


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
        tickets: TicketStore,
        store: RoutingStore,
        sla: SlaService,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._tickets = tickets
        self._store = store
        self._sla = sla
        self._clock = clock
        self._new_id = new_id

    def sweep(self) -> SweepReport:
        now = self._clock.now()
        config = self._sla.config()
        report = SweepReport()
        for shard in all_shards():
            ids, read = self._store.due(shard, now)
            report.shards += 1
            report.index_items_read += read
            report.due += len(ids)
            for ticket_id in ids:
                report.acted += self._act(ticket_id, now, config, report)
        return report

    def _act(self, ticket_id: str, now: datetime, config: SlaConfig, report: SweepReport) -> list[str]:
        for _ in range(3):
            ticket = self._tickets.get(ticket_id)
            report.tickets_read += 1
            if ticket is None:
                return []
            events = self._due_events(ticket, now, config)
            try:
                self._store.save(ticket, events)  # no events: only the index entry moves
            except VersionConflict:
                continue  # changed meanwhile (or by a concurrent sweep): read again, act on what is still due
            return [f"{ticket.number} {e.type.value}" for e in events]
        return []

    def _due_events(self, ticket: Ticket, now: datetime, config: SlaConfig) -> list[AuditEvent]:
        if not ticket.is_open:
            self._sla.refresh(ticket, now)
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
                agent = ticket.assignee
                passed_over.append(agent)
                applied = ticket.apply_changes({"assignee": None}, default_targets, now)
                planned.append(
                    (
                        EventType.TICKET_ACK_TIMEOUT,
                        [FieldChange("acknowledge_due_at", ack_due.isoformat(), None), *applied],
                    )
                )
        clock = self._sla.clock_of(ticket, config)
        for checkpoint in clock.due_checkpoints(None, now):
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
                changes += ticket.apply_changes({"priority": _RAISE[ticket.priority]}, default_targets, now)
            if config.escalation.reassign_on_breach and ticket.assignee:
                passed_over.append(ticket.assignee)
                changes += ticket.apply_changes({"assignee": None}, default_targets, now)
            planned.append((EventType.SLA_BREACH, changes))
        ticket.sla = replace(
            ticket.sla,
            done=tuple(done),
            passed_over=tuple(dict.fromkeys(passed_over)),
            warned=warned,
            breached=breached,
        )
        applied = [c for _, changes in planned for c in changes]
        self._sla.refresh(ticket, now, applied)
        if planned:
            ticket.updated_at = now
        return [ticket_event(ticket, kind, SWEEPER, now, changes, self._new_id()) for kind, changes in planned]
