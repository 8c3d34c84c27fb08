"""Counters of the first report layout (`REPORT#<month>` in the tickets table) moved into the rollups once: the
report of those days reads them, a second run adds nothing, and facts counted since add to them."""

from __future__ import annotations

import json
from datetime import timedelta

from infra.deploy.migrate_report_counters import copy_answers, migrate, old_items, read_month
from tests.integration.routing_helpers import LEAD
from tests.integration.test_report_rollup import _rollup
from tests.integration.test_reports import _deliver_stream, _ticket


def _old_layout(env) -> None:
    """A day of counters as the first layout kept them: totals, one agent's row, a channel's row and an answer."""
    client, table = env.stack.client("dynamodb"), env.stack.names["TicketsTable"]
    items = [
        {"sk": "T#22", "kind": "report_fact", "created": 5, "res_count": 2, "res_met": 1, "res_minutes": 90},
        {"sk": "D#22#agent#old@demo.local", "kind": "report_fact", "created": 3, "res_count": 2},
        {"sk": "D#22#channel#email", "kind": "report_fact", "created": 5},
    ]
    for item in items:
        attributes = {k: {"S": v} if isinstance(v, str) else {"N": str(v)} for k, v in item.items()}
        client.put_item(TableName=table, Item={"pk": {"S": "REPORT#2026-11"}, **attributes})
    answer = {"number": "GD20261122001", "customer_email": "a@e.com", "score": 4, "comment": "", "rated_at": "x"}
    client.put_item(
        TableName=table,
        Item={
            "pk": {"S": "REPORT#2026-11"},
            "sk": {"S": "R#22#t1"},
            "kind": {"S": "report_rating"},
            "answer": {"S": json.dumps(answer)},
        },
    )


def test_old_counters_move_into_the_rollups_once(api, env):
    _old_layout(env)
    dynamodb, table = env.stack.client("dynamodb"), env.stack.names["TicketsTable"]
    gains, answers = read_month(old_items(dynamodb, table, "2026-11"), "2026-11")
    assert len(answers) == 1
    store = env.container.report_store
    assert migrate(store, gains) == len(gains) == 3
    copy_answers(answers)
    assert migrate(store, read_month(old_items(dynamodb, table, "2026-11"), "2026-11")[0]) == 0  # once
    week = api.call("GET", "/api/reports/week?date=2026-11-22", LEAD).json_body
    assert week["totals"]["created"] == 5 and week["totals"]["resolution"]["count"] == 2
    assert {r["key"]: r["created"] for r in week["by_agent"]} == {"old@demo.local": 3}
    assert [a["score"] for a in week["answers"]] == [4]
    # Facts counted since add to them: the month holds both.
    _ticket(api, "new@example.com", "升级之后")
    _deliver_stream(env)
    env.clock.advance(timedelta(minutes=10))
    _rollup()
    month = api.call("GET", "/api/reports/month?date=2026-11-22", LEAD).json_body
    assert month["totals"]["created"] == 6 and month["facts"]["pending"] == 0
