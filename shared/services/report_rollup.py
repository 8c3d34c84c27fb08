"""Folding report facts into per-day rollups (every minute, `functions/report_rollup`), and reading a span's numbers
from the rollups plus the facts not folded yet (docs/reports.md, "How the numbers are kept").

A run reads, per shard, the facts of the windows after the last one folded everywhere (`progress`) up to the newest
closed window, groups what they add by rollup, and saves each rollup with the windows it has not folded yet,
conditioned on the version it read (a lost race reads it again). Only then does it move the progress on. A run that
fires twice, runs next to another, or dies between two rollups therefore adds each window to each rollup once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.clock import Clock
from shared.domain.reports.facts import RowKey
from shared.domain.reports.report import Span
from shared.domain.reports.rollup import (
    GRACE,
    Rollup,
    contributions,
    current_rows,
    folded_into,
    last_closed_window,
    oldest_window,
    window_of,
)
from shared.services.ports import ReportData

SAVE_ATTEMPTS = 8  # a rollup saved by another run meanwhile is read again and re-folded
FACTS_PER_SHARD = 15_000  # a run's reading per shard: a backlog is folded over several runs
PENDING_PER_SHARD = 1_000  # a report reads at most this many unfolded facts a shard (8,000 in all, ~0.5 MB a shard)


class RollupRaced(RuntimeError):
    """A rollup kept changing under this run (another run is folding the same windows): the next run goes on."""


@dataclass
class RollupRun:
    facts_read: int = 0
    rollups_saved: int = 0
    through: dict[str, str] = field(default_factory=dict)
    behind: bool = False  # a shard had more than one run's reading: the next run goes on


class ReportRollupService:
    def __init__(self, store: ReportData, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def run(self) -> RollupRun:
        now = self._clock.now()
        closed = last_closed_window(now)
        folded, version = self._store.progress()
        start = {shard: folded.get(shard) or oldest_window(now) for shard in self._store.fact_shards()}
        start = {shard: window for shard, window in start.items() if window < closed}
        run = RollupRun()
        if not start:
            return run
        read = self._store.facts_after(start, closed, FACTS_PER_SHARD)
        through = read.through
        run.facts_read, run.through, run.behind = len(read.facts), through, read.cut
        for key, gains in contributions(read.facts).items():
            for _ in range(SAVE_ATTEMPTS):
                current = self._store.rollup(key) or Rollup(key)
                changed = folded_into(current, gains, through)
                if changed is None:
                    break
                if self._store.save_rollup(changed):
                    run.rollups_saved += 1
                    break
            else:
                raise RollupRaced(f"rollup {key} kept changing")
        self._advance(through, folded, version)
        return run

    def _advance(self, through: dict[str, str], folded: dict[str, str], version: int | None) -> None:
        """Every rollup the windows up to `through` touch has them: the progress moves on (never back)."""
        for _ in range(SAVE_ATTEMPTS):
            merged = dict(folded)
            for shard, window in through.items():
                merged[shard] = max(window, merged.get(shard, ""))
            if merged == folded or self._store.save_progress(merged, version):
                return
            folded, version = self._store.progress()
        raise RollupRaced("the rollup progress kept changing")


@dataclass(frozen=True)
class SpanRows:
    rows: list[tuple[date, RowKey, dict[str, int]]]
    pending: int  # facts read that no rollup had folded yet
    complete: bool  # False: more facts were waiting than a report reads (the rollup is far behind)
    folded_through: str | None  # the oldest shard's last folded window (UTC), None before the first run


def span_rows(store: ReportData, span: Span, now: datetime, totals_only: bool = False) -> SpanRows:
    """The counters of the span's days: the rollups, plus the facts of windows they have not folded yet. Reads the
    progress first and the rollups before the facts: a rollup saved meanwhile is either read with its new windows
    (and their facts skipped) or read without them (and their facts added), never both."""
    folded, _ = store.progress()
    rollups = store.rollups(span, totals_only)
    after = {shard: folded.get(shard) or oldest_window(now) for shard in store.fact_shards()}
    # Up to a little after now: a writer's clock may run a little ahead of this one.
    pending = store.facts_after(after, window_of(now + GRACE), PENDING_PER_SHARD)
    rows = current_rows(rollups, pending.facts, span.start, span.end, totals_only)
    return SpanRows(rows, len(pending.facts), not pending.cut, min(folded.values()) if folded else None)
