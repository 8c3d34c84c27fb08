"""Keeping a ticket's stored SLA state in step with its clock: computed once per write, by every writer.

`refreshed` reads the ticket's clock (`SlaClock`: business calendars, pauses in `waiting_customer`, retargeting on a
priority change) and returns what the API shows (due times, state, warned / breached, 达标 per target) and what the
sweep needs (the earliest checkpoint not yet acted on), with the 达标 changes to audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from shared.domain.customers import customer_facts
from shared.domain.lifecycle import OPEN_STATUSES, FieldChange, Status, StatusEntry, resolved_at
from shared.domain.sla.clock import Checkpoint, ClockState, SlaClock, TargetReading
from shared.domain.sla.policy import BreachReason, SlaConfig
from shared.domain.sla.state import SlaState
from shared.errors import InvalidInput


class KeptTicket(Protocol):
    """What keeping the SLA reads of a ticket (`shared.domain.tickets.Ticket` is one)."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def priority(self) -> Any: ...

    @property
    def channel(self) -> Any: ...

    @property
    def status(self) -> Status: ...

    @property
    def status_history(self) -> Sequence[StatusEntry]: ...

    @property
    def assignee(self) -> str | None: ...

    @property
    def custom_fields(self) -> Mapping[str, Any]: ...

    @property
    def customer(self) -> Mapping[str, Any]: ...

    @property
    def sla(self) -> SlaState: ...


def checkpoint_name(checkpoint: Checkpoint) -> str:
    """What the sweep records once it acted on a checkpoint: each target warns once and breaches once."""
    return f"{checkpoint.target.value}.{checkpoint.kind.value}"


def ack_name(due: datetime) -> str:
    return f"ack@{due.isoformat()}"


def tier_of(custom_fields: Mapping[str, Any], customer: Mapping[str, Any] | None = None) -> str | None:
    """The customer's tier, which SLA policies may name: from the customer's record as the ticket was opened (else
    the `customer_tier` field tickets carried before records existed)."""
    return customer_facts(customer, custom_fields)["tier"]


def clock_of(ticket: KeptTicket, config: SlaConfig) -> SlaClock:
    return SlaClock.for_ticket(config.policies, ticket, tier=tier_of(ticket.custom_fields, ticket.customer))


def refreshed(
    ticket: KeptTicket, config: SlaConfig, now: datetime, applied: Sequence[FieldChange] = ()
) -> tuple[SlaState, list[FieldChange]]:
    """The ticket's SLA state after `applied`, and the changes to audit (达标 judged or withdrawn)."""
    is_open = ticket.status in OPEN_STATUSES
    sla = ticket.sla
    if any(c.field == "assignee" for c in applied):
        if ticket.assignee and is_open:
            sla = replace(sla, assigned_at=now, acknowledged_at=None, acknowledge_due_at=now + config.ack_timeout)
        else:
            sla = replace(sla, assigned_at=None, acknowledged_at=None, acknowledge_due_at=None)
    clock = clock_of(ticket, config)  # reads only the ticket's timeline, which the assignee does not change
    reading = clock.reading(now)
    first, resolution = reading.first_response, reading.resolution
    share = config.policies.warning_share

    def due(target: TargetReading, previous: datetime | None) -> datetime | None:
        if target.state is ClockState.RUNNING:
            return target.due_at
        return None if target.state is ClockState.PAUSED else previous

    warned = sla.warned or any(
        t.state is not ClockState.STOPPED and t.used >= t.goal * share for t in (first, resolution)
    )
    breached = sla.breached or first.breached or resolution.breached
    first_met, resolution_met = first.met, None
    outcome = None if is_open else clock.outcome(now)
    if outcome is not None:
        first_met, resolution_met = outcome.first_response_met, outcome.resolution_met
    pending: list[datetime] = []
    if is_open:
        pending += [c.at for c in clock.checkpoints(now) if checkpoint_name(c) not in sla.done]
        ack_due = sla.acknowledge_due_at
        if ticket.assignee and sla.acknowledged_at is None and ack_due and ack_name(ack_due) not in sla.done:
            pending.append(ack_due)
    state = replace(
        sla,
        state=resolution.state.value,
        policy=reading.policy.name,
        first_response_due_at=due(first, sla.first_response_due_at),
        resolution_due_at=due(resolution, sla.resolution_due_at),
        resolved_at=resolved_at(ticket.status_history),
        warned=warned,
        breached=breached,
        first_response_met=first_met,
        resolution_met=resolution_met,
        next_checkpoint_at=min(pending, default=None),
    )
    changes = []
    for name, old, new in (
        ("sla.first_response_met", sla.first_response_met, first_met),
        ("sla.resolution_met", sla.resolution_met, resolution_met),
    ):
        if old != new and (new is not None or not is_open):
            changes.append(FieldChange(name, old, new))
    return state, changes


def with_breach_reason(sla: SlaState, reason: str | None) -> tuple[SlaState, list[FieldChange]]:
    """Why a target was missed (信息不全, 流程复杂, 资源不足, other), as staff record it for the reports."""
    if reason is not None and reason not in BreachReason.__members__.values():
        allowed = ", ".join(r.value for r in BreachReason)
        raise InvalidInput(f"breach_reason must be one of {allowed}", field="breach_reason")
    if sla.breach_reason == reason:
        return sla, []
    return replace(sla, breach_reason=reason), [FieldChange("sla.breach_reason", sla.breach_reason, reason)]
