"""Local mode runs the report rollup like the other schedules, by the dev clock: once the clock has moved past the
grace period, a day's facts are read from the rollups, and the numbers stay exactly what they were."""

from __future__ import annotations

import uuid
from datetime import datetime

from infra.local.process import LocalStackProcess, wait_for

LEAD = "lead@demo.local"


def test_the_dev_clock_folds_the_facts_into_rollups_and_the_numbers_stay(stack: LocalStackProcess):
    lead = stack.login(LEAD)
    category = f"汇总-{uuid.uuid4().hex[:6]}"
    created = []
    for n in range(3):
        body = {"subject": "汇总测试", "description": "d", "category": category, "requester": {"email": f"u{n}@e.com"}}
        created.append(stack.post(lead, "/api/tickets", json=body).json())
    day = created[0]["created_at"][:10]

    def counted() -> dict | None:
        report = stack.get(lead, f"/api/reports/day?date={day}").json()
        rows = [r for r in report["by_category"] if r["key"] == category]
        return report if rows and rows[0]["created"] == 3 else None

    before = wait_for(counted, timeout=20)
    assert before
    stack.advance_clock(lead, 5)  # past the grace period: the scheduler's rollup run folds those windows
    lead = stack.login(LEAD)
    after = stack.get(lead, f"/api/reports/day?date={day}").json()
    assert after["facts"]["rolled_up_to"] is not None
    assert datetime.fromisoformat(after["facts"]["rolled_up_to"]) > datetime.fromisoformat(created[-1]["created_at"])
    assert next(r for r in after["by_category"] if r["key"] == category)["created"] == 3
    assert after["totals"]["created"] >= before["totals"]["created"]
