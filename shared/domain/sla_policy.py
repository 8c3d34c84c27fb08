"""SLA policies (targets per priority x channel x customer tier, counted in a named business calendar) and the clock
that reads a ticket's timeline against them.

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from shared.domain.calendar import BusinessCalendar, InvalidCalendar
from shared.domain.tickets import Channel, Priority, Status
from shared.errors import InvalidInput

if TYPE_CHECKING:
    from shared.domain.events import AuditEvent
    from shared.domain.tickets import Ticket

CALENDAR_24X7 = "24x7"
CALENDAR_BUSINESS = "business"
ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.CHAT, Channel.WECHAT, Channel.APP, Channel.API})
DEFAULT_WARNING_SHARE = 0.75

# Beyond this a target is a typo, and counting it would walk years of calendar days.
_LONGEST_TARGET = timedelta(days=366)
_RUNNING = frozenset({Status.NEW, Status.IN_PROGRESS})
_STOPPED = frozenset({Status.RESOLVED, Status.CLOSED})


class InvalidSlaPolicies(InvalidInput, ValueError):
    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("invalid SLA policies: " + "; ".join(reasons), field="sla_policies")
        self.reasons = list(reasons)


class TargetKind(StrEnum):
    FIRST_RESPONSE = "first_response"  # 首次响应
    RESOLUTION = "resolution"  # 解决


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_DAYS = "working_days"


class CheckpointKind(StrEnum):
    WARNING = "warning"  # 预警
    BREACH = "breach"  # 超时


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class BreachReason(StrEnum):
    """Why a target was missed, recorded by the agent or supervisor for the reports."""

    INCOMPLETE_INFO = "incomplete_info"  # 信息不全
    COMPLEX_PROCESS = "complex_process"  # 流程复杂
    INSUFFICIENT_RESOURCES = "insufficient_resources"  # 资源不足
    OTHER = "other"  # 其他

    @property
    def label_zh(self) -> str:
        return _BREACH_LABELS[self]


_BREACH_LABELS = {
    BreachReason.INCOMPLETE_INFO: "信息不全",
    BreachReason.COMPLEX_PROCESS: "流程复杂",
    BreachReason.INSUFFICIENT_RESOURCES: "资源不足",
    BreachReason.OTHER: "其他",
}


@dataclass(frozen=True)
class Target:
    """An amount of working time in the policy's calendar: minutes, hours, or working days.

    A working day is `BusinessCalendar.working_day`: the length of the calendar's standard day (9 h for 09:00-18:00,
    24 h when 24x7), so "3 working days" is 3 x that much business time counted from the start.
    """

    amount: int
    unit: Unit

    @classmethod
    def minutes(cls, amount: int) -> Target:
        return cls(amount, Unit.MINUTES)

    @classmethod
    def hours(cls, amount: int) -> Target:
        return cls(amount, Unit.HOURS)

    @classmethod
    def working_days(cls, amount: int) -> Target:
        return cls(amount, Unit.WORKING_DAYS)

    def business_time(self, calendar: BusinessCalendar) -> timedelta:
        if self.unit is Unit.MINUTES:
            return timedelta(minutes=self.amount)
        if self.unit is Unit.HOURS:
            return timedelta(hours=self.amount)
        return self.amount * calendar.working_day

    def to_dict(self) -> dict[str, int]:
        return {self.unit.value: self.amount}

    @classmethod
    def from_dict(cls, data: Any, where: str, reasons: list[str]) -> Target | None:
        if not isinstance(data, Mapping) or len(data) != 1:
            reasons.append(f'{where} must be one of {{"minutes": N}}, {{"hours": N}}, {{"working_days": N}}')
            return None
        ((unit, amount),) = data.items()
        if unit not in Unit.__members__.values():
            reasons.append(f"{where}: unknown unit '{unit}' (minutes, hours, working_days)")
            return None
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            reasons.append(f"{where}: {unit} must be a positive whole number")
            return None
        return cls(amount, Unit(unit))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class SlaPolicy:
    """Targets for tickets of one priority, narrowed to some channels and/or one customer tier (empty: any)."""

    name: str
    priority: Priority
    first_response: Target
    resolution: Target
    calendar: str = CALENDAR_BUSINESS
    channels: frozenset[Channel] = frozenset()
    tier: str | None = None

    @property
    def specificity(self) -> int:
        # A customer's contract (tier) outranks the channel: tier+channel 3, tier 2, channel 1, priority only 0.
        return (2 if self.tier is not None else 0) + (1 if self.channels else 0)

    def applies_to(self, priority: Priority, channel: Channel, tier: str | None) -> bool:
        return (
            self.priority == priority
            and (not self.channels or channel in self.channels)
            and (self.tier is None or self.tier == tier)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "priority": self.priority.value,
            "channels": sorted(c.value for c in self.channels),
            "tier": self.tier,
            "first_response": self.first_response.to_dict(),
            "resolution": self.resolution.to_dict(),
            "calendar": self.calendar,
        }


@dataclass(frozen=True)
class ResolvedTargets:
    """A policy applied: its targets as business time in its calendar."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    first_response: timedelta
    resolution: timedelta

    def goal(self, kind: TargetKind) -> timedelta:
        return self.first_response if kind is TargetKind.FIRST_RESPONSE else self.resolution


@dataclass(frozen=True)
class SlaPolicySet:
    """The tenant's policies and the calendars they count in. Construction validates (`InvalidSlaPolicies`)."""

    policies: tuple[SlaPolicy, ...]
    calendars: Mapping[str, BusinessCalendar]
    warning_share: float = DEFAULT_WARNING_SHARE

    def __post_init__(self) -> None:
        object.__setattr__(self, "policies", tuple(self.policies))
        object.__setattr__(self, "calendars", dict(self.calendars))
        reasons = self.validate()
        if reasons:
            raise InvalidSlaPolicies(reasons)

    def validate(self) -> list[str]:
        reasons: list[str] = []
        if not (0 < self.warning_share < 1):
            reasons.append("warning_share must be between 0 and 1 (e.g. 0.75)")
        for name, calendar in self.calendars.items():
            if name != calendar.name:
                reasons.append(f"calendar '{calendar.name}' is filed under the name '{name}'")
        seen: set[str] = set()
        for policy in self.policies:
            where = f"policy '{policy.name}'"
            if not policy.name.strip():
                reasons.append("every policy needs a name")
            if policy.name in seen:
                reasons.append(f"{where} is defined twice")
            seen.add(policy.name)
            calendar = self.calendars.get(policy.calendar)
            if calendar is None:
                reasons.append(f"{where} counts in an unknown calendar '{policy.calendar}'")
            elif policy.first_response.business_time(calendar) > policy.resolution.business_time(calendar):
                reasons.append(f"{where}: first response ({policy.first_response}) is longer than resolution")
            elif policy.resolution.business_time(calendar) > _LONGEST_TARGET:
                reasons.append(f"{where}: resolution ({policy.resolution}) is longer than a year of working time")
        for i, one in enumerate(self.policies):
            for other in self.policies[i + 1 :]:
                if (
                    one.priority == other.priority
                    and one.tier == other.tier
                    and bool(one.channels) == bool(other.channels)
                    and (not one.channels or one.channels & other.channels)
                ):
                    reasons.append(f"policies '{one.name}' and '{other.name}' match the same tickets")
        for priority in Priority:
            if not any(p.priority == priority and p.specificity == 0 for p in self.policies):
                reasons.append(f"no policy for every {priority.value} ticket (one with no channels and no tier)")
        return reasons

    def lookup(self, priority: Priority | str, channel: Channel | str, tier: str | None = None) -> SlaPolicy:
        """The most specific policy that applies; validation guarantees one per priority, and no ties."""
        priority, channel = Priority(priority), Channel(channel)
        matches = (p for p in self.policies if p.applies_to(priority, channel, tier))
        return max(matches, key=lambda p: p.specificity)

    def targets_for(self, priority: Priority | str, channel: Channel | str, tier: str | None = None) -> ResolvedTargets:
        policy = self.lookup(priority, channel, tier)
        calendar = self.calendars[policy.calendar]
        return ResolvedTargets(
            policy,
            calendar,
            policy.first_response.business_time(calendar),
            policy.resolution.business_time(calendar),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "warning_share": self.warning_share,
            "calendars": [c.to_dict() for c in self.calendars.values()],
            "policies": [p.to_dict() for p in self.policies],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaPolicySet:
        reasons: list[str] = []
        if not isinstance(data, Mapping):
            raise InvalidSlaPolicies(["SLA policies must be an object"])
        reasons += [f"unknown setting '{k}'" for k in data if k not in {"warning_share", "calendars", "policies"}]
        calendars: dict[str, BusinessCalendar] = {}
        for i, raw in enumerate(_list(data.get("calendars"), "calendars", reasons)):
            try:
                calendar = BusinessCalendar.from_dict(raw)
            except InvalidCalendar as invalid:
                reasons += [f"calendars[{i}]: {r}" for r in invalid.reasons]
                continue
            if calendar.name in calendars:
                reasons.append(f"calendar '{calendar.name}' is defined twice")
            calendars[calendar.name] = calendar
        policies = []
        for i, raw in enumerate(_list(data.get("policies"), "policies", reasons)):
            policy = _policy_from_dict(raw, f"policies[{i}]", reasons)
            if policy is not None:
                policies.append(policy)
        share = data.get("warning_share", DEFAULT_WARNING_SHARE)
        if not isinstance(share, int | float) or isinstance(share, bool):
            reasons.append("warning_share must be a number between 0 and 1")
            share = DEFAULT_WARNING_SHARE
        if reasons:
            raise InvalidSlaPolicies(reasons)
        return cls(tuple(policies), calendars, float(share))


def default_calendars() -> dict[str, BusinessCalendar]:
    """24x7 for P1; Monday to Friday 09:00-18:00 Beijing time with statutory holidays and 调休 for the rest."""
    return {
        CALENDAR_24X7: BusinessCalendar.always(CALENDAR_24X7),
        CALENDAR_BUSINESS: BusinessCalendar.office(CALENDAR_BUSINESS, "09:00", "18:00"),
    }


def default_policies() -> SlaPolicySet:
    """The product's defaults (design section 7). Email and other channels fall back to the priority's policy."""
    minutes, hours, days = Target.minutes, Target.hours, Target.working_days
    return SlaPolicySet(
        (
            SlaPolicy("P1 紧急", Priority.P1, minutes(15), hours(4), CALENDAR_24X7),
            SlaPolicy("P1 紧急 电话", Priority.P1, minutes(15), hours(4), CALENDAR_24X7, frozenset({Channel.PHONE})),
            SlaPolicy("P1 紧急 在线", Priority.P1, minutes(10), hours(4), CALENDAR_24X7, ONLINE_CHANNELS),
            SlaPolicy("P2 重要", Priority.P2, hours(2), hours(24), CALENDAR_BUSINESS),
            SlaPolicy("P3 一般", Priority.P3, hours(8), days(3), CALENDAR_BUSINESS),
            SlaPolicy("P4 低", Priority.P4, hours(24), days(5), CALENDAR_BUSINESS),
        ),
        default_calendars(),
    )


# -- the ticket's timeline ---------------------------------------------------------------------------------------
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
        ticket: Ticket,
        events: Iterable[AuditEvent] | None = None,
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
        stopped = status in _STOPPED or (kind is TargetKind.FIRST_RESPONSE and responded)
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


def _list(raw: Any, where: str, reasons: list[str]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        reasons.append(f"{where} must be a list")
        return []
    return raw


def _policy_from_dict(raw: Any, where: str, reasons: list[str]) -> SlaPolicy | None:
    if not isinstance(raw, Mapping):
        reasons.append(f"{where} must be an object")
        return None
    known = {"name", "priority", "channels", "tier", "first_response", "resolution", "calendar"}
    reasons += [f"{where}: unknown setting '{k}'" for k in raw if k not in known]
    before = len(reasons)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        reasons.append(f"{where}: name must be a non-empty string")
    else:
        where = f"policy '{name}'"
    priority = raw.get("priority")
    if priority not in Priority.__members__.values():
        reasons.append(f"{where}: unknown priority {priority!r} (P1, P2, P3, P4)")
    channels = raw.get("channels") or []
    if not isinstance(channels, list):
        reasons.append(f"{where}: channels must be a list")
        channels = []
    unknown = [c for c in channels if c not in Channel.__members__.values()]
    if unknown:
        reasons.append(f"{where}: unknown channels {unknown} ({', '.join(c.value for c in Channel)})")
    tier = raw.get("tier")
    if tier is not None and (not isinstance(tier, str) or not tier.strip()):
        reasons.append(f"{where}: tier must be a non-empty string or null")
    calendar = raw.get("calendar", CALENDAR_BUSINESS)
    if not isinstance(calendar, str):
        reasons.append(f"{where}: calendar must be a calendar's name")
    first = Target.from_dict(raw.get("first_response"), f"{where}: first_response", reasons)
    resolution = Target.from_dict(raw.get("resolution"), f"{where}: resolution", reasons)
    if len(reasons) > before or first is None or resolution is None:
        return None
    return SlaPolicy(
        name, Priority(priority), first, resolution, calendar, frozenset(Channel(c) for c in channels), tier
    )
