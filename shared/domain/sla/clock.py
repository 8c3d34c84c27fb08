"""The SLA clock: a ticket's timeline read against its policy, at any instant.

The clock's rules:
- Both clocks run while the ticket is `new` or `in_progress`, pause while it is `waiting_customer` (待响应), and stop
  when it is `resolved` or `closed`; reopening resumes them with the time already used.
- The first-response clock also stops for good at the first public staff reply. 达标 for first response is judged
  there or, when the ticket was resolved with no reply before, at the resolution (the solution answered the customer).
- A priority change retargets both clocks: the time used since creation, less the paused time, is recounted in the
  new policy's calendar against the new targets (a P3 raised to P1 after five hours may be breached at once).
- Due times assume the clock keeps running from now; a paused clock has none until it resumes.
- Checkpoints: a warning when a target's share used reaches the policy set's `warning_share` (default 75%), a breach
  at 100%. Past ones keep the instant they happened; upcoming ones are projections, so the sweep's sparse index holds
  `next_checkpoint(now)` and is rewritten after every change to the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from shared.domain.lifecycle import FINISHED_STATUSES, Channel, FieldChange, Priority, Status, StatusEntry
from shared.domain.sla.calendar import BusinessCalendar
from shared.domain.sla.policy import ResolvedTargets, SlaPolicy, SlaPolicySet, TargetKind

_RUNNING = frozenset({Status.NEW, Status.IN_PROGRESS})


class CheckpointKind(StrEnum):
    WARNING = "warning"  # 预警
    BREACH = "breach"  # 超时


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class RespondedAt(Protocol):
    @property
    def first_responded_at(self) -> datetime | None: ...


class TicketTimeline(Protocol):
    """What the clock reads of a ticket (`shared.domain.tickets.Ticket` is one)."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def priority(self) -> Priority: ...

    @property
    def channel(self) -> Channel: ...

    @property
    def status_history(self) -> Sequence[StatusEntry]: ...

    @property
    def sla(self) -> RespondedAt: ...


class RecordedChanges(Protocol):
    """An audit event as the clock reads it (`shared.domain.events.AuditEvent` is one)."""

    @property
    def at(self) -> datetime: ...

    @property
    def changes(self) -> Sequence[FieldChange]: ...


@dataclass(frozen=True)
class StatusChanged:
    at: datetime
    status: Status


@dataclass(frozen=True)
class PriorityChanged:
    at: datetime
    priority: Priority


@dataclass(frozen=True)
class Responded:
    """The first public staff reply (later ones change nothing)."""

    at: datetime


TimelineEvent = StatusChanged | PriorityChanged | Responded


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    target: TargetKind
    kind: CheckpointKind

    @property
    def key(self) -> str:
        """Stable while the checkpoint is in the past: what a sweep keys its idempotency on."""
        return f"{self.target.value}.{self.kind.value}@{self.at.isoformat()}"


@dataclass(frozen=True)
class TargetReading:
    """One target at an instant."""

    target: TargetKind
    goal: timedelta  # business time allowed
    used: timedelta  # business time used so far
    state: ClockState
    due_at: datetime | None  # when the goal is (or was) reached; None when paused or stopped short of it
    warning_at: datetime | None
    stopped_at: datetime | None  # the response, or the resolution, that stopped it
    met: bool | None  # 达标: judged when stopped; None while running or paused

    @property
    def share(self) -> float:
        return self.used / self.goal

    @property
    def remaining(self) -> timedelta:
        return self.goal - self.used

    @property
    def breached(self) -> bool:
        if self.met is not None:
            return not self.met
        return self.used >= self.goal


@dataclass(frozen=True)
class SlaReading:
    at: datetime
    priority: Priority
    policy: SlaPolicy
    first_response: TargetReading
    resolution: TargetReading

    def target(self, kind: TargetKind) -> TargetReading:
        return self.first_response if kind is TargetKind.FIRST_RESPONSE else self.resolution


@dataclass(frozen=True)
class SlaOutcome:
    """The 达标 record at resolution."""

    resolved_at: datetime
    first_response_met: bool
    resolution_met: bool

    @property
    def met(self) -> bool:
        return self.first_response_met and self.resolution_met

    @property
    def label_zh(self) -> str:
        return "达标" if self.met else "未达标"

    @property
    def needs_reason(self) -> bool:
        """A missed target asks for a `BreachReason`."""
        return not self.met


@dataclass(frozen=True)
class SlaClock:
    """A ticket's SLA read from its timeline; immutable, so any instant can be asked about (now, or for a report)."""

    policies: SlaPolicySet
    created_at: datetime
    priority: Priority
    channel: Channel
    tier: str | None = None
    events: tuple[TimelineEvent, ...] = ()

    def __post_init__(self) -> None:
        # Stable sort: events at the same instant keep the order they were recorded in.
        object.__setattr__(self, "events", tuple(sorted(self.events, key=lambda e: e.at)))
        object.__setattr__(self, "priority", Priority(self.priority))
        object.__setattr__(self, "channel", Channel(self.channel))

    def with_events(self, *events: TimelineEvent) -> SlaClock:
        return replace(self, events=self.events + events)

    @classmethod
    def for_ticket(
        cls,
        policies: SlaPolicySet,
        ticket: TicketTimeline,
        events: Iterable[RecordedChanges] | None = None,
        tier: str | None = None,
    ) -> SlaClock:
        """A ticket's clock from its audit trail (which knows priority changes) or, without one, from the ticket."""
        timeline: list[TimelineEvent] = []
        initial = ticket.priority
        if events is None:
            timeline += [StatusChanged(e.at, e.status) for e in ticket.status_history]
            if ticket.sla.first_responded_at is not None:
                timeline.append(Responded(ticket.sla.first_responded_at))
        else:
            first_priority = None
            for event in events:
                for change in event.changes:
                    if change.field == "status":
                        timeline.append(StatusChanged(event.at, Status(change.new)))
                    elif change.field == "priority":
                        first_priority = first_priority or Priority(change.old)
                        timeline.append(PriorityChanged(event.at, Priority(change.new)))
                    elif change.field == "sla.first_responded_at":
                        timeline.append(Responded(event.at))
            initial = first_priority or initial
        return cls(policies, ticket.created_at, initial, ticket.channel, tier, tuple(timeline))

    # -- reading --------------------------------------------------------------------------------------------------
    def priority_at(self, now: datetime) -> Priority:
        priority = self.priority
        for event in self._until(now):
            if isinstance(event, PriorityChanged):
                priority = event.priority
        return priority

    def reading(self, now: datetime) -> SlaReading:
        priority = self.priority_at(now)
        targets = self.policies.targets_for(priority, self.channel, self.tier)
        return SlaReading(
            now,
            priority,
            targets.policy,
            self._read(TargetKind.FIRST_RESPONSE, targets, now),
            self._read(TargetKind.RESOLUTION, targets, now),
        )

    def checkpoints(self, now: datetime) -> list[Checkpoint]:
        """Warnings and breaches, in order: past ones as they happened, upcoming ones if the clock keeps running."""
        reading = self.reading(now)
        found = []
        for target in (reading.first_response, reading.resolution):
            if target.warning_at is not None:
                found.append(Checkpoint(target.warning_at, target.target, CheckpointKind.WARNING))
            if target.due_at is not None:
                found.append(Checkpoint(target.due_at, target.target, CheckpointKind.BREACH))
        return sorted(found, key=lambda c: (c.at, c.kind is CheckpointKind.BREACH, c.target.value))

    def next_checkpoint(self, now: datetime) -> Checkpoint | None:
        """The first checkpoint after `now`: the value of the sweep's sparse index (None: leave the index)."""
        return next((c for c in self.checkpoints(now) if c.at > now), None)

    def due_checkpoints(self, since: datetime | None, now: datetime) -> list[Checkpoint]:
        """Checkpoints in (since, now], in order: what a late or repeated sweep has to act on."""
        return [c for c in self.checkpoints(now) if c.at <= now and (since is None or c.at > since)]

    def outcome(self, now: datetime) -> SlaOutcome | None:
        """达标 per target once the ticket is resolved or closed (None while it is open)."""
        reading = self.reading(now)
        if reading.resolution.state is not ClockState.STOPPED or reading.resolution.stopped_at is None:
            return None
        first_met = reading.first_response.met
        return SlaOutcome(reading.resolution.stopped_at, bool(first_met), bool(reading.resolution.met))

    # -- internals ------------------------------------------------------------------------------------------------
    def _until(self, now: datetime) -> list[TimelineEvent]:
        return [e for e in self.events if e.at <= now]

    def _segments(self, kind: TargetKind, now: datetime) -> tuple[list[tuple[datetime, datetime | None]], ClockState]:
        """The intervals in which the clock ran (the last one open when it runs now), and its state at `now`."""
        status, responded = Status.NEW, False

        def running() -> bool:
            return status in _RUNNING and not (kind is TargetKind.FIRST_RESPONSE and responded)

        segments: list[tuple[datetime, datetime | None]] = []
        started: datetime | None = self.created_at
        for event in self._until(now):
            if isinstance(event, StatusChanged):
                status = Status(event.status)
            elif isinstance(event, Responded):
                responded = True
            else:
                continue
            if started is not None and not running():
                segments.append((started, event.at))
                started = None
            elif started is None and running():
                started = event.at
        if started is not None:
            segments.append((started, None))
            return segments, ClockState.RUNNING
        stopped = status in FINISHED_STATUSES or (kind is TargetKind.FIRST_RESPONSE and responded)
        return segments, ClockState.STOPPED if stopped else ClockState.PAUSED

    def _read(self, kind: TargetKind, targets: ResolvedTargets, now: datetime) -> TargetReading:
        segments, state = self._segments(kind, now)
        calendar, goal = targets.calendar, targets.goal(kind)
        used = sum(
            (calendar.business_time_between(start, end or now) for start, end in segments),
            timedelta(),
        )
        stopped_at = segments[-1][1] if state is ClockState.STOPPED and segments else None
        return TargetReading(
            target=kind,
            goal=goal,
            used=used,
            state=state,
            due_at=_crossing(segments, goal, calendar, now),
            warning_at=_crossing(segments, goal * self.policies.warning_share, calendar, now),
            stopped_at=stopped_at,
            met=(used <= goal) if state is ClockState.STOPPED else None,
        )


def _crossing(
    segments: list[tuple[datetime, datetime | None]], amount: timedelta, calendar: BusinessCalendar, now: datetime
) -> datetime | None:
    """The instant the clock's used time reaches `amount`: in the past, projected (last segment open), or None."""
    remaining = amount
    for start, end in segments:
        if end is None:
            return calendar.add_business_time(start, remaining)
        ran = calendar.business_time_between(start, end)
        if remaining <= ran:
            return calendar.add_business_time(start, remaining)
        remaining -= ran
    return None
