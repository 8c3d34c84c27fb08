"""Report facts folded into per-day rollups, exactly once (docs/reports.md, "How the numbers are kept").

Each domain event's facts are one immutable record, stored in a shard and in a one-minute window of the time it was
written (the writer's clock, so a record retried hours later lands in a window that is still open). A scheduled run
folds closed windows into rollups: one per local day, dimension and part (`RollupKey`), holding the counters of
every value of that dimension on that day. A rollup remembers, per shard, the last window folded into it (`folded`),
and is saved only if nobody saved it since it was read: a window is added to a rollup once, however often the run
fires, however many run at once, wherever a run died. A report reads the rollups and adds the facts of windows a
rollup has not folded yet, so it is exact right after the events.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.reports.facts import DIMENSIONS, TOTAL, RowKey

WINDOW = timedelta(minutes=1)
# Windows younger than this are never folded: it covers the time from the writer reading its clock to its record
# being readable (the put with its retries, the index's propagation) and clock differences between writers.
GRACE = timedelta(minutes=2)
# How long a fact record is kept: longer than a stream keeps a record (24 h), so a redelivery always finds it, and
# long enough for the rollup to catch up after an outage.
FACT_DAYS = 7

# Values of a dimension spread over this many rollups of a day (a stable hash of the value), so that a day stays well
# under DynamoDB's 400 KB per item: 5,000 agents answering 1,700 tickets a day each make ~100 KB (compressed) per
# agent part (bench/scale.py). Fixed: a value must never move to another part (each rollup is exact on its own), so
# changing a count means a new layout of the rollups.
PARTS: dict[str, int] = {"total": 1, "channel": 1, "priority": 1, "team": 1, "category": 2, "agent": 8}
GROUPS = ("total", *DIMENSIONS)

Counters = dict[str, int]
FactRow = tuple[date, RowKey, Counters]


def window_of(at: datetime) -> str:
    """The one-minute window (UTC) a time falls in: `2026-11-23T02:05`."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def window_start(window: str) -> datetime:
    return datetime.strptime(window, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)


def next_window(window: str) -> str:
    return window_of(window_start(window) + WINDOW)


def last_closed_window(now: datetime) -> str:
    """The newest window that ended at least GRACE ago."""
    return window_of(now - GRACE - WINDOW)


def oldest_window(now: datetime) -> str:
    """Where reading starts when nothing was folded yet: facts older than this have expired."""
    return window_of(now - timedelta(days=FACT_DAYS))


@dataclass(frozen=True)
class RollupKey:
    day: date
    group: str  # "total" or a dimension
    part: int = 0


def rollup_key(day: date, row: RowKey) -> RollupKey:
    group = "total" if row == TOTAL else row[0]
    parts = PARTS.get(group, 1)
    if parts == 1:
        return RollupKey(day, group, 0)
    digest = hashlib.sha256(row[1].encode()).hexdigest()
    return RollupKey(day, group, int(digest[:8], 16) % parts)


def every_key(day: date, totals_only: bool = False) -> list[RollupKey]:
    groups = ("total",) if totals_only else GROUPS
    return [RollupKey(day, group, part) for group in groups for part in range(PARTS[group])]


@dataclass(frozen=True)
class StoredFacts:
    """One event's facts as stored: the shard and window they were written in, and the rows they add to."""

    event_id: str
    shard: str
    window: str
    rows: tuple[FactRow, ...]


@dataclass(frozen=True)
class FactsRead:
    """Facts read from every shard: per shard, every fact up to `through[shard]` was read (a window is never cut);
    `cut` when a shard had more than the reading allowed, so it stopped before the window (or the end) asked for."""

    facts: list[StoredFacts]
    through: dict[str, str]
    cut: bool = False


def rows_to_json(rows: Iterable[FactRow]) -> list[list[Any]]:
    return [[day.isoformat(), row[0], row[1], dict(counters)] for day, row, counters in rows]


def rows_from_json(data: Iterable[list[Any]]) -> tuple[FactRow, ...]:
    return tuple((date.fromisoformat(d), (str(dim), str(value)), dict(c)) for d, dim, value, c in data)


@dataclass
class Rollup:
    """The counters of one day, dimension and part, per value (`""` for the totals), and per shard the last window
    folded into them. `version` is what was read (None: not stored yet); a save is conditioned on it."""

    key: RollupKey
    rows: dict[str, Counters] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)
    version: int | None = None

    def has_folded(self, shard: str, window: str) -> bool:
        return window <= self.folded.get(shard, "")

    def as_rows(self) -> list[tuple[date, RowKey, Counters]]:
        group = self.key.group
        return [
            (self.key.day, TOTAL if group == "total" else (group, value), dict(counters))
            for value, counters in self.rows.items()
        ]


Contribution = tuple[str, str, str, Counters]  # shard, window, value, counters


def contributions(facts: Iterable[StoredFacts]) -> dict[RollupKey, list[Contribution]]:
    """What each rollup gains from these facts."""
    found: dict[RollupKey, list[Contribution]] = {}
    for fact in facts:
        for day, row, counters in fact.rows:
            found.setdefault(rollup_key(day, row), []).append((fact.shard, fact.window, row[1], counters))
    return found


def folded_into(rollup: Rollup, gains: Iterable[Contribution], through: Mapping[str, str]) -> Rollup | None:
    """The rollup with the gains of windows it has not folded yet, up to `through` (per shard: the run read every
    fact up to that window), or None when it has them all already."""
    rows = {value: Counter(counters) for value, counters in rollup.rows.items()}
    added = False
    for shard, window, value, counters in gains:
        if rollup.has_folded(shard, window) or window > through.get(shard, ""):
            continue
        rows.setdefault(value, Counter()).update(counters)
        added = True
    folded = dict(rollup.folded)
    for shard, window in through.items():
        if window > folded.get(shard, ""):
            folded[shard] = window
    if not added and folded == rollup.folded:
        return None
    kept = {value: {k: v for k, v in counters.items() if v} for value, counters in rows.items()}
    return Rollup(rollup.key, {value: c for value, c in kept.items() if c}, folded, rollup.version)


def current_rows(
    rollups: Iterable[Rollup], pending: Iterable[StoredFacts], first: date, last: date, totals_only: bool = False
) -> list[tuple[date, RowKey, Counters]]:
    """The rows of days `first`..`last`: the rollups, plus each pending fact's rows that its rollup has not folded."""
    found: list[tuple[date, RowKey, Counters]] = []
    folded: dict[RollupKey, Rollup] = {}
    for rollup in rollups:
        folded[rollup.key] = rollup
        if first <= rollup.key.day <= last:
            found += rollup.as_rows()
    for fact in pending:
        for day, row, counters in fact.rows:
            if not first <= day <= last or (totals_only and row != TOTAL):
                continue
            rollup = folded.get(rollup_key(day, row))
            if rollup is None or not rollup.has_folded(fact.shard, fact.window):
                found.append((day, row, dict(counters)))
    return found
