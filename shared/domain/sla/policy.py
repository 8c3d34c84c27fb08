"""SLA policies: targets per priority x channel x customer tier, counted in a named business calendar, and what
happens around them (the acknowledgment time-out, escalation on a breach).

`SlaConfig` is what the tenant stores (policies, calendars, warning share, escalation), validated as a whole so an
admin sees every problem at once. The clock that reads a ticket's timeline against a policy is `clock.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from shared.domain.lifecycle import Channel, Priority
from shared.domain.sla.calendar import BusinessCalendar, InvalidCalendar
from shared.errors import InvalidInput, SlaPoliciesRejected

CALENDAR_24X7 = "24x7"
CALENDAR_BUSINESS = "business"
ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.CHAT, Channel.WECHAT, Channel.APP, Channel.API})
DEFAULT_WARNING_SHARE = 0.75

# Beyond this a target is a typo, and counting it would walk years of calendar days.
_LONGEST_TARGET = timedelta(days=366)


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


# -- what happens around the targets -------------------------------------------------------------------------------
MAX_ACK_MINUTES = 24 * 60


@dataclass(frozen=True)
class Escalation:
    """What happens around the targets: the acknowledgment time-out, and what a breach does besides alerting."""

    ack_timeout_minutes: int = 10
    raise_priority_on_breach: bool = False  # P4 -> P3 ... -> P1, one step per breached target
    reassign_on_breach: bool = False  # hand the ticket to another agent of the team
    # A breach still open this long after it happened goes up a level (the admins); 0: never.
    second_level_after_minutes: int = 60

    def to_dict(self) -> dict[str, Any]:
        return {
            "ack_timeout_minutes": self.ack_timeout_minutes,
            "raise_priority_on_breach": self.raise_priority_on_breach,
            "reassign_on_breach": self.reassign_on_breach,
            "second_level_after_minutes": self.second_level_after_minutes,
        }

    @classmethod
    def from_dict(cls, data: Any, default_ack: int, reasons: list[str]) -> Escalation:
        if data is None:
            return cls(ack_timeout_minutes=default_ack)
        if not isinstance(data, Mapping):
            reasons.append("escalation must be an object")
            return cls(ack_timeout_minutes=default_ack)
        known = {"ack_timeout_minutes", "raise_priority_on_breach", "reassign_on_breach", "second_level_after_minutes"}
        reasons += [f"escalation: unknown setting '{k}'" for k in data if k not in known]
        ack = data.get("ack_timeout_minutes", default_ack)
        if not isinstance(ack, int) or isinstance(ack, bool) or not 1 <= ack <= MAX_ACK_MINUTES:
            reasons.append(f"escalation: ack_timeout_minutes must be a whole number from 1 to {MAX_ACK_MINUTES}")
            ack = default_ack
        flags = {}
        for name in ("raise_priority_on_breach", "reassign_on_breach"):
            flags[name] = data.get(name, False)
            if not isinstance(flags[name], bool):
                reasons.append(f"escalation: {name} must be true or false")
                flags[name] = False
        second = data.get("second_level_after_minutes", 60)
        if not isinstance(second, int) or isinstance(second, bool) or not 0 <= second <= 7 * 24 * 60:
            reasons.append("escalation: second_level_after_minutes must be a whole number from 0 to 10080")
            second = 60
        return cls(ack, **flags, second_level_after_minutes=second)


@dataclass(frozen=True)
class SlaConfig:
    """The tenant's stored SLA settings: the policy set and the escalation around it, with the version saved."""

    policies: SlaPolicySet
    escalation: Escalation
    version: int = 0

    @property
    def ack_timeout(self) -> timedelta:
        return timedelta(minutes=self.escalation.ack_timeout_minutes)

    def to_dict(self) -> dict[str, Any]:
        return {**self.policies.to_dict(), "escalation": self.escalation.to_dict()}

    @classmethod
    def defaults(cls, default_ack: int) -> SlaConfig:
        return cls(default_policies(), Escalation(ack_timeout_minutes=default_ack))

    @classmethod
    def from_dict(cls, data: Any, default_ack: int, version: int = 0) -> SlaConfig:
        """Every problem at once in `SlaPoliciesRejected` (invalid calendars included)."""
        if not isinstance(data, Mapping):
            raise SlaPoliciesRejected("invalid SLA policies", ["SLA policies must be an object"])
        reasons: list[str] = []
        escalation = Escalation.from_dict(data.get("escalation"), default_ack, reasons)
        policies = None
        try:
            policies = SlaPolicySet.from_dict({k: v for k, v in data.items() if k != "escalation"})
        except InvalidSlaPolicies as invalid:
            reasons = invalid.reasons + reasons
        except InvalidInput as invalid:
            reasons = [invalid.message, *reasons]
        if reasons or policies is None:
            raise SlaPoliciesRejected("invalid SLA policies: " + "; ".join(reasons), reasons, field="sla_policies")
        return cls(policies, escalation, version)
