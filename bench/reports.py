"""Benchmarks of the reports (bench/README.md, "Reports"):

1. A month report over the facts of 30,000 and 300,000 tickets: DynamoDB items read and requests to answer
   `GET /api/reports/month` through the Chalice app over moto's server, and the answer time (median of 5).
   The facts are made by the product's own `facts_of` from synthetic events (created, first response, resolution,
   some reopens, breach reasons and answers, spread over 30 days, 4 channels, 4 priorities, 6 teams, 30 agents,
   12 categories), as they stand a minute into December. Those older than the rollup's last closed window are added
   up per rollup (`rollup_key`) and saved through the store, as the rollup leaves them; the last minutes' facts are
   written as fact records (`ReportStore.put_facts`), as the stream consumer leaves them before the next run folds
   them.
2. Forecast accuracy on a synthetic 16-week history (weekly pattern, trend, noise; the last 2 weeks held out):
   MAPE of the method against seasonal-naive, over 20 seeds.
3. The console's first-queue JavaScript (gzip) from the build (`node web/scripts/bundle-size.mjs`).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TZ = ZoneInfo("Asia/Shanghai")


def synthetic_events(tickets: int, seed: int = 1) -> list[Any]:
    from shared.domain.events import AuditEvent, EventType
    from shared.domain.tickets import FieldChange, Person

    rng = random.Random(seed)
    channels, priorities = ["email", "web", "phone", "chat"], ["P1", "P2", "P3", "P4"]
    teams = [f"team{i}" for i in range(6)]
    agents = [f"agent{i}@demo.local" for i in range(30)]
    categories = [f"cat{i}" for i in range(12)]
    staff = Person("x@demo.local", "x", "agent")
    events = []
    start = datetime(2026, 11, 1, tzinfo=TZ)
    for n in range(tickets):
        created = start + timedelta(minutes=rng.uniform(0, 30 * 24 * 60))
        agent = rng.choice(agents)
        snap = {
            "number": f"GD{n}",
            "subject": "s",
            "channel": rng.choice(channels),
            "priority": rng.choice(priorities),
            "team": rng.choice(teams),
            "assignee": agent,
            "category": rng.choice(categories),
            "created_at": created.isoformat(),
            "assigned_at": created.isoformat(),
            "requester": {"email": f"c{n}@example.com", "name": ""},
        }
        tid = f"{n:032x}"

        def event(
            kind: EventType, at: datetime, changes: list[FieldChange], tid: str = tid, snap: dict = snap
        ) -> AuditEvent:
            return AuditEvent(f"e{len(events)}", tid, kind, staff, at, tuple(changes), snapshot=snap)

        events.append(event(EventType.TICKET_CREATED, created, []))
        replied = created + timedelta(minutes=rng.expovariate(1 / 60))
        met = rng.random() < 0.8
        events.append(
            event(
                EventType.MESSAGE_ADDED,
                replied,
                [
                    FieldChange("sla.first_responded_at", None, replied.isoformat()),
                    FieldChange("sla.first_response_met", None, met),
                ],
            )
        )
        resolved = replied + timedelta(minutes=rng.expovariate(1 / 300))
        events.append(
            event(
                EventType.TICKET_UPDATED,
                resolved,
                [
                    FieldChange("status", "in_progress", "resolved"),
                    FieldChange("sla.resolution_met", None, rng.random() < 0.85),
                ],
            )
        )
        if rng.random() < 0.05:
            events.append(
                event(EventType.TICKET_UPDATED, resolved, [FieldChange("sla.breach_reason", None, "complex_process")])
            )
        if rng.random() < 0.3:
            answer = {"score": rng.randint(1, 5), "comment": "", "rated_at": resolved.isoformat()}
            events.append(event(EventType.SATISFACTION_RATED, resolved, [FieldChange("satisfaction", None, answer)]))
    return events


def stored_state(events: list[Any], store: Any, now: datetime) -> tuple[int, int]:
    """The reports table as the rollup leaves it at `now`: the facts of closed windows in rollups, the rest as fact
    records. Returns (rollup items, fact records)."""
    from shared.adapters.report_store import fact_shard
    from shared.domain.reports.facts import facts_of, merged
    from shared.domain.reports.rollup import Rollup, last_closed_window, rollup_key, window_of

    closed = last_closed_window(now)
    through = {shard: closed for shard in store.fact_shards()}
    rollups: dict[Any, dict[str, Counter[str]]] = {}
    pending = 0
    for event in events:
        rows = merged(facts_of(event, TZ))
        written = event.at  # recorded as it happened
        if window_of(written) <= closed:
            for (day, row), counters in rows.items():
                rollups.setdefault(rollup_key(day, row), {}).setdefault(row[1], Counter()).update(counters)
        else:
            store.put_facts(event.id, rows, written)
            pending += 1
    for key, values in rollups.items():
        assert store.save_rollup(Rollup(key, {v: dict(c) for v, c in values.items()}, dict(through), None))
    assert fact_shard  # the records above were filed under the real shard of their event
    store.save_progress(through, None)
    return len(rollups), pending


def bench_month(sizes: list[int]) -> list[dict[str, Any]]:
    import botocore.handlers
    import requests
    from chalice.test import Client

    from infra.local.stack import REGION, provision, start_emulator
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import FixedClock
    from shared.container import Container, set_container

    calls: Counter[str] = Counter()
    items = [0]

    def before(model: Any = None, **_: Any) -> None:
        calls[model.name] += 1

    def after(model: Any = None, parsed: Any = None, **_: Any) -> None:
        if model is None or not isinstance(parsed, dict):
            return
        if model.name == "Query":
            items[0] += int(parsed.get("Count", 0))
        elif model.name == "GetItem":
            items[0] += int("Item" in parsed)
        elif model.name == "BatchGetItem":
            items[0] += sum(len(found) for found in (parsed.get("Responses") or {}).values())

    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", before))
    botocore.handlers.BUILTIN_HANDLERS.append(("after-call.dynamodb", after))
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    server, endpoint = start_emulator()
    results = []
    try:
        for size in sizes:
            requests.post(f"{endpoint}/moto-api/reset", timeout=10)
            stack = provision(endpoint)
            settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret")
            # The report is asked for a minute into December: what happened after that has not happened yet, and
            # the facts of the last few minutes are not folded yet.
            now = datetime(2026, 12, 1, 0, 1, tzinfo=TZ)
            events = [e for e in synthetic_events(size) if e.at <= now]
            container = Container(settings, FixedClock(now.astimezone(UTC)))
            set_container(container)
            for team in TEAMS:
                container.directory_store.put_team(team)
            for agent in STAFF:
                container.directory_store.put_agent(agent)
            rollups, pending = stored_state(events, container.report_store, now)
            from app import app

            token = container.authenticator.sign_in_local("lead@demo.local")[0]
            headers = {"Authorization": f"Bearer {token}"}
            times = []
            with Client(app) as client:
                client.http.get("/api/reports/month?date=2026-11-15", headers=headers)  # warm
                for _ in range(5):
                    calls.clear()
                    items[0] = 0
                    started = time.perf_counter()
                    response = client.http.get("/api/reports/month?date=2026-11-15", headers=headers)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200
            body = json.loads(response.body)
            assert body["totals"]["created"] == size, body["totals"]["created"]
            assert body["facts"]["complete"] and body["facts"]["pending"] >= 1, body["facts"]
            results.append(
                {
                    "tickets": size,
                    "rollups": rollups,
                    "pending": pending,
                    "items_read": items[0],
                    "requests": dict(sorted(calls.items())),
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "max_ms": round(max(times) * 1000, 1),
                }
            )
            set_container(None)
    finally:
        server.stop()
    return results


def bench_forecast(seeds: int = 20) -> dict[str, Any]:
    from shared.domain.reports.forecast import forecast, mape, seasonal_naive

    ours, naive, covered = [], [], 0
    weekly = [1.25, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5]
    for seed in range(seeds):
        rng = random.Random(seed)
        start = date(2026, 1, 5)
        history = [
            (start + timedelta(days=i), max(0.0, (80 + 0.4 * i) * weekly[i % 7] * (1 + rng.gauss(0, 0.1))))
            for i in range(16 * 7)
        ]
        train, held = history[:-14], history[-14:]
        actual = [v for _, v in held]
        method, points = forecast(train, 14, train[-1][0])
        ours.append(mape(actual, [p.expected for p in points]))
        naive.append(mape(actual, [p.expected for p in seasonal_naive(train, 14)]))
        covered += sum(p.low <= a <= p.high for p, a in zip(points, actual, strict=True))
    return {
        "method": method,
        "seeds": seeds,
        "mape_method": round(statistics.fmean(ours), 2),
        "mape_seasonal_naive": round(statistics.fmean(naive), 2),
        "method_better_in": sum(o < n for o, n in zip(ours, naive, strict=True)),
        "interval_coverage": round(covered / (14 * seeds), 3),
    }


def bench_bundle() -> dict[str, Any]:
    out = subprocess.run(["node", "web/scripts/bundle-size.mjs"], cwd=ROOT, capture_output=True, text=True, check=True)
    sizes = json.loads(out.stdout)
    return {area: sizes[area]["gzip_kb"] for area in ("console", "portal")}


def main() -> None:
    month = bench_month([30_000, 300_000])
    head = ["tickets in the month", "rollups stored", "facts not folded", "items read", "DynamoDB requests"]
    print("| " + " | ".join([*head, "median", "max"]) + " |")
    print("|---|---|---|---|---|---|---|")
    for r in month:
        reqs = ", ".join(f"{k} {v}" for k, v in r["requests"].items())
        figures = f"{r['items_read']:,} | {reqs} | {r['median_ms']} ms | {r['max_ms']} ms"
        print(f"| {r['tickets']:,} | {r['rollups']:,} | {r['pending']:,} | {figures} |")
    f = bench_forecast()
    print()
    print("| history | held out | method MAPE | seasonal-naive MAPE | method better in | 95 % interval coverage |")
    print("|---|---|---|---|---|---|")
    print(
        f"| 14 weeks ({f['seeds']} seeds) | 2 weeks | {f['mape_method']} % | {f['mape_seasonal_naive']} % | "
        f"{f['method_better_in']} of {f['seeds']} | {f['interval_coverage']:.1%} |"
    )
    b = bench_bundle()
    print()
    print(f"First-load JS (gzip): console {b['console']} KB, portal {b['portal']} KB (budget 350 KB)")


if __name__ == "__main__":
    main()
