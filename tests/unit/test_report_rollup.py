"""The report rollup without DynamoDB: each fact record folded into each rollup exactly once, however the runs go
(twice, side by side, dying half-way, a backlog over several runs), and a report that reads the same numbers before,
during and after folding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import shared.services.report_rollup as report_rollup
from shared.domain.access import Principal
from shared.domain.events import AuditEvent
from shared.domain.reports.rollup import GRACE, WINDOW
from shared.services.report_facts import ReportFactsService
from shared.services.report_rollup import ReportRollupService
from shared.services.reports import ReportService
from shared.services.surveys import SurveyService
from tests.fakes import InMemoryReports
from tests.unit.test_services import AGENT, CUSTOMER, MONDAY, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEAD_P = Principal.of("lead@demo.local", "陈主管", "supervisor")
OTHER = Principal.of("zhangwei@demo.local", "张伟", "agent", ("tech",))


def _busy_day(world: World) -> list[AuditEvent]:
    """Tickets created, assigned (their creation moves to the agent), answered in and out of target, resolved,
    reopened, rated and rated again: every kind of fact."""
    surveys = SurveyService(world.desk.tickets, world.desk.writer, world.sla, world.clock, "s3cret", world.tickets)
    ids = [world.open(f"工单 {n}") for n in range(5)]
    for n, ticket_id in enumerate(ids[:4]):
        staff = AGENT if n % 2 else OTHER
        world.tickets.update(staff, ticket_id, {"assignee": staff.email}, None)
    world.clock.advance(timedelta(minutes=7))
    world.tickets.post_message(AGENT, ids[1], "您好", internal=False)
    world.clock.advance(timedelta(minutes=40))
    world.tickets.post_message(OTHER, ids[0], "抱歉久等", internal=False)
    world.tickets.update(AGENT, ids[1], {"status": "resolved"}, None)
    world.tickets.update(OTHER, ids[0], {"status": "resolved", "breach_reason": "incomplete_info"}, None)
    surveys.rate(CUSTOMER, ids[1], 2, "慢")
    world.clock.advance(timedelta(hours=3))
    surveys.rate(CUSTOMER, ids[1], 4, None)
    world.tickets.post_message(CUSTOMER, ids[0], "还是不行", internal=False)  # reopens it
    world.tickets.update(AGENT, ids[2], {"category": "账单"}, None)
    return [event for events in world.desk.store.events.values() for event in events]


def _numbers(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in ("generated_at", "facts")}


class Desk:
    """A busy day's events, recorded as the stream delivers them, and the report they should give."""

    def __init__(self) -> None:
        self.world = World()
        self.events = _busy_day(self.world)
        self.store = self.world.desk.reports
        self.facts = ReportFactsService(self.store, self.world.desk.writer, self.world.clock, "Asia/Shanghai")

    def record(self, events: list[AuditEvent] | None = None, every: timedelta = timedelta(seconds=20)) -> None:
        for event in events if events is not None else self.events:
            self.facts.record(event)
            self.world.clock.advance(every)

    def report(self, store: Any = None, period: str = "week") -> dict[str, Any]:
        reports = ReportService(store or self.store, self.world.sla, self.world.clock, "Asia/Shanghai")
        return reports.report(LEAD_P, period, MONDAY.date())

    def rollup(self, store: Any = None) -> ReportRollupService:
        return ReportRollupService(store or self.store, self.world.clock)


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_a_report_reads_the_same_numbers_before_during_and_after_folding(desk: Desk) -> None:
    desk.record()
    expected = _numbers(desk.report())
    assert expected["totals"]["created"] == 5 and expected["totals"]["resolved"] == 2
    assert expected["totals"]["satisfaction"] == {"responses": 1, "mean": 4.0, "satisfied_rate": 1.0}
    assert [(r["key"], r["created"]) for r in desk.report()["by_agent"]] == [
        (AGENT.email, 2),
        (OTHER.email, 2),
        (None, 1),
    ]
    assert desk.report()["facts"]["pending"] == len(desk.store.facts) and not desk.store.rollup_items
    # Only the windows older than the grace period are folded: part of the facts now, the rest later.
    run = desk.rollup().run()
    assert 0 < run.facts_read < len(desk.store.facts) and run.rollups_saved
    assert _numbers(desk.report()) == expected
    desk.world.clock.advance(GRACE + WINDOW)
    desk.rollup().run()
    assert _numbers(desk.report()) == expected
    facts = desk.report()["facts"]
    assert (facts["pending"], facts["complete"]) == (0, True)
    assert facts["rolled_up_to"] == (desk.world.clock.now() - GRACE).astimezone(SHANGHAI).replace(second=0).isoformat()
    for period in ("day", "month"):
        assert desk.report(period=period)["totals"]["created"] == 5


def test_the_same_record_delivered_twice_counts_once_even_after_it_was_folded(desk: Desk) -> None:
    desk.record()
    expected = _numbers(desk.report())
    desk.world.clock.advance(timedelta(minutes=10))
    desk.rollup().run()
    desk.world.clock.advance(timedelta(hours=5))  # hours later: every window of the first delivery is folded
    desk.record()
    assert _numbers(desk.report()) == expected
    desk.world.clock.advance(timedelta(minutes=10))
    assert desk.rollup().run().facts_read == 0  # the redelivery wrote nothing to fold
    assert _numbers(desk.report()) == expected


def test_a_record_delivered_hours_late_lands_in_an_open_window_and_counts_on_its_own_day(desk: Desk) -> None:
    late, early = desk.events[-1], desk.events[:-1]
    desk.record(early)
    desk.world.clock.advance(timedelta(minutes=10))
    desk.rollup().run()
    desk.world.clock.advance(timedelta(hours=6))  # the stream retried it for hours
    desk.record([late])
    desk.world.clock.advance(timedelta(minutes=10))
    assert desk.rollup().run().facts_read == 1
    report = desk.report(period="day")
    assert {r["key"]: r["created"] for r in report["by_category"]} == {None: 4, "账单": 1}


def test_running_twice_folds_nothing_twice(desk: Desk) -> None:
    desk.record()
    expected = _numbers(desk.report())
    desk.world.clock.advance(timedelta(minutes=10))
    first = desk.rollup().run()
    second = desk.rollup().run()
    assert first.rollups_saved > 0 and second.facts_read == 0 and second.rollups_saved == 0
    assert _numbers(desk.report()) == expected


class Interleaved:
    """The store as one run sees it while another run folds the same windows in the middle of its first save."""

    def __init__(self, store: InMemoryReports, other: Any) -> None:
        self._store, self._other, self.raced = store, other, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_rollup(self, rollup: Any) -> bool:
        if not self.raced:
            self.raced += 1
            self._other()  # the other run goes all the way first
        return self._store.save_rollup(rollup)


def test_two_runs_side_by_side_fold_each_window_once(desk: Desk) -> None:
    desk.record()
    expected = _numbers(desk.report())
    desk.world.clock.advance(timedelta(minutes=10))
    racing = Interleaved(desk.store, lambda: desk.rollup().run())
    desk.rollup(racing).run()
    assert racing.raced == 1
    assert _numbers(desk.report()) == expected
    assert desk.rollup().run().rollups_saved == 0


class DiesAfter:
    """The store of a run that dies after `saves` rollups (a time-out, a lost container)."""

    def __init__(self, store: InMemoryReports, saves: int) -> None:
        self._store, self._left = store, saves

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_rollup(self, rollup: Any) -> bool:
        if self._left == 0:
            raise TimeoutError("the run died")
        self._left -= 1
        return self._store.save_rollup(rollup)


def test_a_run_that_dies_between_rollups_leaves_exact_numbers_and_the_next_run_finishes(desk: Desk) -> None:
    desk.record()
    expected = _numbers(desk.report())
    desk.world.clock.advance(timedelta(minutes=10))
    with pytest.raises(TimeoutError):
        desk.rollup(DiesAfter(desk.store, 2)).run()
    assert len(desk.store.rollup_items) == 2 and desk.store.progress() == ({}, None)
    assert _numbers(desk.report()) == expected  # half folded: the report skips what those two rollups have
    desk.rollup().run()
    assert _numbers(desk.report()) == expected
    assert desk.report()["facts"]["pending"] == 0


def test_a_backlog_is_folded_over_several_runs_without_cutting_a_window(desk: Desk, monkeypatch) -> None:
    monkeypatch.setattr(report_rollup, "FACTS_PER_SHARD", 2)
    desk.record(every=timedelta(seconds=5))
    expected = _numbers(desk.report())
    desk.world.clock.advance(timedelta(minutes=10))
    runs = []
    while not runs or runs[-1].behind:
        runs.append(desk.rollup().run())
        assert _numbers(desk.report()) == expected
    assert len(runs) > 1
    assert desk.rollup().run().facts_read == 0
