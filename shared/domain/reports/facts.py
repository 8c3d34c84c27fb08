"""Report facts: what one domain event adds to the day's counters, per dimension.

Facts are counted on the day the thing happened, in the tenant's time zone, from the event alone (its changes and the
ticket's snapshot): a ticket created, its first public staff reply, a resolution, a reopen, a breach reason recorded,
a satisfaction answer. Each fact adds to the day's totals row and to one row per dimension (channel, priority, team,
agent, category); `-` stands for "none". Durations also go into a log-bucket histogram, for percentiles.

The dimension values are the ticket's at the event, with two exceptions that keep a ticket's creation in the team,
agent and category it first got (rules route a ticket a moment after it is created): `CreationRecord` remembers where
a creation was counted, and `creation_moves` moves it from `-` to the first value once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.access import STAFF_ROLES
from shared.domain.events import AuditEvent, EventType
from shared.domain.lifecycle import FINISHED_STATUSES, OPEN_STATUSES, Status
from shared.domain.sla.policy import BreachReason

DIMENSIONS = ("channel", "priority", "team", "agent", "category")
NONE = "-"
TOTAL = ("total", "")

# Histogram buckets of minutes: bucket 0 is [0, 1], bucket i is (RATIO^(i-1), RATIO^i], the last one open-ended
# (about 60 days). A percentile read as a bucket's geometric middle is within RATIO^0.5 - 1 (11.8 %) of the truth.
RATIO = 1.25
BUCKETS = 52
# Handling time for staffing: from the assignment to the first reply, capped (a ticket left overnight in an agent's
# queue says nothing about how long answering takes).
HANDLE_CAP_MINUTES = 240

RowKey = tuple[str, str]  # ("total", "") or (dimension, value)


def bucket_of(minutes: float) -> int:
    if minutes <= 1:
        return 0
    return min(BUCKETS - 1, math.ceil(math.log(minutes) / math.log(RATIO) - 1e-9))


def bucket_middle(index: int) -> float:
    """The value a bucket stands for: the geometric middle of its bounds (0.5 for [0, 1])."""
    if index == 0:
        return 0.5
    return RATIO ** (index - 0.5)


@dataclass(frozen=True)
class Increment:
    """Counters to add to one row of one day (negative to take back)."""

    day: date
    row: RowKey
    counters: dict[str, int]


@dataclass(frozen=True)
class CreationRecord:
    """Where a ticket's creation was counted: its local day and the dimension values then."""

    day: date
    dims: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "dims": dict(self.dims)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CreationRecord:
        return cls(date.fromisoformat(data["day"]), dict(data.get("dims") or {}))


def _value(raw: Any) -> str:
    text = str(raw).strip() if raw not in (None, "") else ""
    return text.lower() if "@" in text else (text or NONE)


def dims_of(event: AuditEvent, agent: str | None = None) -> dict[str, str]:
    snap = event.snapshot
    return {
        "channel": _value(snap.get("channel")),
        "priority": _value(snap.get("priority")),
        "team": _value(snap.get("team")),
        "agent": _value(agent if agent is not None else snap.get("assignee")),
        "category": _value(snap.get("category")),
    }


def _rows(dims: dict[str, str]) -> list[RowKey]:
    return [TOTAL, *((name, dims[name]) for name in DIMENSIONS)]


def _spread(day: date, dims: dict[str, str], counters: Counter[str], hourly: str | None = None) -> list[Increment]:
    found = [Increment(day, row, dict(counters)) for row in _rows(dims)]
    if hourly is not None:
        total = found[0]
        found[0] = Increment(day, TOTAL, {**total.counters, hourly: total.counters.get(hourly, 0) + 1})
    return found


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() / 60))


def _doer(event: AuditEvent) -> str | None:
    """Who a first response or resolution is credited to: the staff member who did it, else the assignee."""
    return event.actor.email if event.actor.role in STAFF_ROLES else None


def _created_at(event: AuditEvent) -> datetime | None:
    raw = event.snapshot.get("created_at")
    return datetime.fromisoformat(raw) if raw else None


def facts_of(event: AuditEvent, tz: ZoneInfo) -> list[Increment]:
    """Every counter this event adds, on the day it happened (satisfaction: also the earlier answer taken back)."""
    local = event.at.astimezone(tz)
    day = local.date()
    created_at = _created_at(event)
    found: list[Increment] = []
    if event.type is EventType.TICKET_CREATED:
        found += _spread(day, dims_of(event), Counter(created=1), hourly=f"c{local.hour:02d}")
    responded = event.changed("sla.first_responded_at")
    if responded is not None and responded.old is None and responded.new and created_at is not None:
        minutes = _minutes(created_at, event.at)
        met = event.changed("sla.first_response_met")
        counters = Counter(fr_count=1, fr_minutes=minutes, fr_met=int(bool(met and met.new is True)))
        counters[f"fr_h{bucket_of(minutes)}"] = 1
        increments = _spread(day, dims_of(event, _doer(event)), counters)
        assigned = event.snapshot.get("assigned_at")
        if assigned:
            handle = min(HANDLE_CAP_MINUTES, _minutes(datetime.fromisoformat(assigned), event.at))
            total = increments[0]
            increments[0] = Increment(day, TOTAL, {**total.counters, "handle_count": 1, "handle_minutes": handle})
        found += increments
    status = event.changed("status")
    if status is not None and created_at is not None:
        old, new = Status(status.old), Status(status.new)
        if old in OPEN_STATUSES and new in FINISHED_STATUSES:
            minutes = _minutes(created_at, event.at)
            met = event.changed("sla.resolution_met")
            counters = Counter(res_count=1, res_minutes=minutes, res_met=int(bool(met and met.new is True)))
            counters[f"res_h{bucket_of(minutes)}"] = 1
            found += _spread(day, dims_of(event, _doer(event)), counters)
        elif old in FINISHED_STATUSES and new in OPEN_STATUSES:
            found += _spread(day, dims_of(event), Counter(reopened=1))
    reason = event.changed("sla.breach_reason")
    if reason is not None and reason.new in BreachReason.__members__.values():
        found += _spread(day, dims_of(event), Counter({f"reason_{reason.new}": 1}))
    rated = event.changed("satisfaction")
    if event.type is EventType.SATISFACTION_RATED and rated is not None and rated.new:
        found += _spread(day, dims_of(event), _answer(rated.new, 1))
        if rated.old:
            before = datetime.fromisoformat(rated.old["rated_at"]).astimezone(tz).date()
            found += _spread(before, dims_of(event), _answer(rated.old, -1))
    return found


def _answer(answer: dict[str, Any], sign: int) -> Counter[str]:
    score = int(answer["score"])
    return Counter(sat_count=sign, sat_sum=sign * score, sat_happy=sign * int(score >= 4))


# -- a creation counted under its first team, agent and category -------------------------------------------------------
_MOVABLE = {"team": "team", "agent": "assignee", "category": "category"}


def creation_record(event: AuditEvent, tz: ZoneInfo) -> CreationRecord:
    return CreationRecord(event.at.astimezone(tz).date(), dims_of(event))


def may_move_creation(event: AuditEvent) -> bool:
    """Whether this event gives the ticket a first team, agent or category (only then is its record read)."""
    if event.type is EventType.TICKET_CREATED:
        return False
    return any(
        (change := event.changed(field)) is not None and not change.old and change.new for field in _MOVABLE.values()
    )


def creation_moves(event: AuditEvent, record: CreationRecord) -> tuple[CreationRecord, list[Increment]]:
    """The record after this event, and the moves of the creation from `-` to the first value of a dimension."""
    dims = dict(record.dims)
    moves: list[Increment] = []
    now = dims_of(event)
    for dimension in _MOVABLE:
        if dims.get(dimension, NONE) == NONE and now[dimension] != NONE:
            moves.append(Increment(record.day, (dimension, NONE), {"created": -1}))
            moves.append(Increment(record.day, (dimension, now[dimension]), {"created": 1}))
            dims[dimension] = now[dimension]
    return CreationRecord(record.day, dims), moves


def merged(increments: Iterable[Increment]) -> dict[tuple[date, RowKey], dict[str, int]]:
    """Increments of one event added up per day and row: the rows of its fact record."""
    rows: dict[tuple[date, RowKey], Counter[str]] = {}
    for inc in increments:
        rows.setdefault((inc.day, inc.row), Counter()).update(inc.counters)
    return {key: {k: v for k, v in counters.items() if v} for key, counters in rows.items() if any(counters.values())}
