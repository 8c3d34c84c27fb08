"""The report rollup over moto: the stream's records delivered twice and the rollup function run twice, side by side
and after dying between two rollups give exactly the numbers the day's tickets made; nothing is read back from the
tickets table, and the facts and rollups live in the reports table."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from functions.report_rollup.handler import lambda_handler as rollup_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext
from shared.adapters.report_store import ReportStore
from shared.services.report_rollup import ReportRollupService
from tests.integration.routing_helpers import LEAD
from tests.integration.test_reports import _deliver_stream, _one_day

EVENT = json.loads((ROOT / "events" / "report_rollup" / "scheduled.json").read_text())


def _rollup() -> dict[str, Any]:
    return rollup_handler(EVENT, LambdaContext("ReportRollupFunction"))


def _day(api) -> dict[str, Any]:
    body = api.call("GET", "/api/reports/day?date=2026-11-23", LEAD).json_body
    return {k: v for k, v in body.items() if k not in ("generated_at", "facts", "answers")}


def _items(env, kind: str) -> list[dict[str, Any]]:
    """Items of one kind in the reports table, read out of the emulator (a test may look; the product never scans)."""
    from moto.dynamodb.models import dynamodb_backends

    from infra.local.stack import ACCOUNT, REGION

    table = dynamodb_backends[ACCOUNT][REGION].tables[env.stack.names["ReportsTable"]]
    found = []
    for value in list(table.items.values()):
        for item in value.values():
            attributes = item.to_json()["Attributes"]
            if attributes["kind"]["S"] == kind:
                found.append(attributes)
    return found


@pytest.fixture
def day(api, env) -> dict[str, Any]:
    """A day of tickets with known outcomes, every record delivered twice, and the report they give unfolded."""
    _one_day(api, env)
    _deliver_stream(env, times=2)
    expected = _day(api)
    assert expected["totals"]["created"] == 4 and expected["totals"]["resolved"] == 3
    body = api.call("GET", "/api/reports/day?date=2026-11-23", LEAD).json_body
    assert body["facts"]["rolled_up_to"] is None and body["facts"]["pending"] > 0
    return expected


def test_the_rollup_run_twice_counts_each_fact_once(api, env, day):
    facts = _items(env, "report_fact")
    env.clock.advance(timedelta(minutes=10))
    first, second = _rollup(), _rollup()
    assert first["facts_read"] == len(facts) and first["rollups_saved"] > 0
    assert second == {"facts_read": 0, "rollups_saved": 0, "behind": False}
    assert _day(api) == day
    body = api.call("GET", "/api/reports/day?date=2026-11-23", LEAD).json_body
    assert body["facts"]["pending"] == 0 and body["facts"]["complete"] is True
    # What the report read: the rollups of the day, a few compressed items (one per dimension and part).
    assert 6 <= len(_items(env, "report_rollup")) <= 10
    _deliver_stream(env)  # the stream delivers everything once more, after the folding: nothing changes
    env.clock.advance(timedelta(minutes=10))
    assert _rollup()["facts_read"] == 0
    assert _day(api) == day


class _DiesAfter:
    def __init__(self, store: ReportStore, saves: int) -> None:
        self._store, self._left = store, saves

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_rollup(self, rollup: Any) -> bool:
        if self._left == 0:
            raise TimeoutError("the run died")
        self._left -= 1
        return self._store.save_rollup(rollup)


def test_a_run_that_dies_between_rollups_is_finished_by_the_next_exactly(api, env, day):
    env.clock.advance(timedelta(minutes=10))
    with pytest.raises(TimeoutError):
        ReportRollupService(_DiesAfter(env.container.report_store, 3), env.clock).run()
    assert len(_items(env, "report_rollup")) == 3 and not _items(env, "report_progress")
    assert _day(api) == day  # half folded, still exact: the report skips what those three rollups hold
    assert _rollup()["rollups_saved"] > 0
    assert _day(api) == day


class _Interleaved:
    """The store as one run sees it while another run folds the same windows during its first save."""

    def __init__(self, store: ReportStore, other: Any) -> None:
        self._store, self._other, self.lost = store, other, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_rollup(self, rollup: Any) -> bool:
        if self._other is not None:
            other, self._other = self._other, None
            other()
        saved = self._store.save_rollup(rollup)
        self.lost += not saved
        return saved


def test_runs_side_by_side_count_each_fact_once(api, env, day):
    env.clock.advance(timedelta(minutes=10))
    racing = _Interleaved(env.container.report_store, _rollup)
    ReportRollupService(racing, env.clock).run()
    assert racing.lost >= 1  # its first save met the other run's: the version condition held on DynamoDB
    assert _day(api) == day
    # And truly at once, on threads, after more tickets:
    api.call("POST", "/api/tickets", LEAD, {"subject": "又一个", "description": "d", "requester": {"email": "x@e.com"}})
    _deliver_stream(env)
    env.clock.advance(timedelta(minutes=10))
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(_rollup())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    after = _day(api)
    assert after["totals"]["created"] == day["totals"]["created"] + 1
    assert after["totals"]["resolution"] == day["totals"]["resolution"]


def test_local_modes_snapshot_keeps_the_rollups(api, env, day, tmp_path):
    from infra.local import snapshot

    env.clock.advance(timedelta(minutes=10))
    _rollup()
    path = tmp_path / "state.json"
    snapshot.save(path, env.stack, timedelta(0))
    rollups = {(i["pk"]["S"], i["sk"]["S"]): i["data"]["B"] for i in _items(env, "report_rollup")}
    for item in _items(env, "report_rollup"):
        env.stack.client("dynamodb").delete_item(
            TableName=env.stack.names["ReportsTable"], Key={"pk": item["pk"], "sk": item["sk"]}
        )
    assert not _items(env, "report_rollup")
    snapshot.restore(path, env.stack)
    assert {(i["pk"]["S"], i["sk"]["S"]): i["data"]["B"] for i in _items(env, "report_rollup")} == rollups
    assert _day(api) == day
