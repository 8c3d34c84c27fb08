"""Benchmarks of routing and SLA; prints markdown tables for bench/README.md.

1. SLA sweep cost: open tickets seeded straight into moto's DynamoDB (batch writes through the adapter's item
   mapping, not the API), of which 50 have a checkpoint due. Counts the items the sweep reads (index items from its
   Queries, tickets it reads) and its wall time, at 2,000 and at 20,000 open tickets. Goal: index items read <= due +
   shards, and a sweep whose cost does not grow with the open tickets.
2. Assignment decision time per ticket with 200 agents in one team: `choose_agent` alone (pure), and the whole
   routing of a new ticket through the assignment service over moto (directory, loads, previous agent, cursor, the
   claim transaction), with its DynamoDB requests.

Usage: .venv/bin/python bench/routing.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
DUE = 50
SIZES = (2_000, 20_000)
RUNS = 5
AGENTS = 200


def _setup() -> tuple[Any, Any, Any, Counter[str]]:
    import botocore.handlers

    from infra.local.stack import REGION, provision, start_emulator
    from shared.clock import FixedClock
    from shared.container import Container, set_container

    calls: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        calls[model.name] += 1

    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", count))
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    os.environ.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"})
    server, endpoint = start_emulator()
    import requests

    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # the emulator's state is per process, not per server
    stack = provision(endpoint)
    settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret")
    container = Container(settings, FixedClock(NOW))
    set_container(container)
    return server, stack, container, calls


def _ticket(index: int, created: datetime, container: Any) -> Any:
    from shared.domain.sla.state import SlaState
    from shared.domain.tickets import Channel, Person, Priority, Status, StatusEntry, Ticket

    ticket = Ticket(
        id=f"{index:032x}",
        number=f"GD20261123{index:06d}",
        subject=f"工单 {index}",
        description="d",
        requester=Person(f"c{index}@example.com", ""),
        created_at=created,
        updated_at=created,
        priority=Priority.P3,
        channel=Channel.WEB,
        team="tech",
        status=Status.NEW,
        status_history=[StatusEntry(Status.NEW, created)],
        sla=SlaState(),
        version=0,
    )
    container.sla.refresh(ticket, NOW)  # due times and the next checkpoint, as every write computes them
    return ticket


def _seed(container: Any, start: int, count: int, created: datetime) -> None:
    from shared.adapters.items import TicketItem
    from shared.adapters.ticket_mapping import to_item

    with TicketItem.batch_write() as batch:
        for index in range(start, start + count):
            item = to_item(_ticket(index, created, container))
            item.version = 1
            batch.save(item)


def bench_sweep() -> list[dict[str, Any]]:
    server, _, container, calls = _setup()
    rows = []
    store = container.routing_store
    query_seconds: list[float] = []
    due = store.due

    def timed_due(now: datetime) -> tuple[list[str], int, int]:
        started = time.perf_counter()
        try:
            return due(now)
        finally:
            query_seconds.append(time.perf_counter() - started)

    store.due = timed_due  # type: ignore[method-assign]
    try:
        seeded = 0
        for size in SIZES:
            # Open tickets created just now: their next checkpoint (a warning, hours away) is not due.
            _seed(container, 10_000_000 + seeded, size - DUE - seeded, NOW)
            seeded = size - DUE
            samples = []
            for run in range(RUNS):
                # 50 tickets created 7 business hours ago (last Friday): their first-response warning is due.
                _seed(container, run * 1000 + size, DUE, NOW - timedelta(days=3, hours=2))
                calls.clear()
                query_seconds.clear()
                started = time.perf_counter()
                report = container.sla_sweep.sweep()
                samples.append((time.perf_counter() - started, report, dict(calls), sum(query_seconds)))
            elapsed, report, by_call, in_queries = sorted(samples, key=lambda s: s[0])[len(samples) // 2]
            rows.append(
                {
                    "open": size,
                    "due": report.due,
                    "shards": report.shards,
                    "index_items": report.index_items_read,
                    "tickets_read": report.tickets_read,
                    "acted": len(report.acted),
                    "ms": round(elapsed * 1000, 1),
                    "query_ms": round(in_queries * 1000, 1),
                    "rest_ms": round((elapsed - in_queries) * 1000, 1),
                    "calls": by_call,
                }
            )
    finally:
        server.stop()
    return rows


def bench_assignment() -> dict[str, Any]:
    from shared.domain.assignment import Candidate, TicketNeeds, choose_agent
    from shared.domain.directory import Agent, Team
    from shared.domain.tickets import Priority

    candidates = [
        Candidate(f"a{i:03d}@demo.local", frozenset({"big"}), frozenset({"s"}), capacity=8, open_tickets={"P3": i % 7})
        for i in range(AGENTS)
    ]
    needs = TicketNeeds("big", Priority.P3, frozenset({"s"}), None)
    loops = 2000
    started = time.perf_counter()
    cursor = None
    for _ in range(loops):
        cursor = choose_agent(needs, candidates, cursor).cursor
    pure_us = (time.perf_counter() - started) / loops * 1e6

    server, _, container, calls = _setup()
    try:
        from shared.domain.access import Principal
        from shared.domain.requests import TicketDraft
        from shared.services.routing import RULES

        container.directory_store.put_team(Team("big", "大组", supervisor="lead@demo.local"))
        for i in range(AGENTS):
            container.directory_store.put_agent(Agent(f"a{i:03d}@demo.local", f"客服{i}", "agent", teams=["big"]))
        catch_all = {"name": "all", "position": 1, "conditions": [], "actions": [{"type": "set_team", "value": "big"}]}
        container.routing_store.put_config(RULES, {"rules": [catch_all]}, None, "admin@demo.local", NOW)
        customer = Principal.of("bench@example.com", "b", "customer")

        store = container.ticket_store
        samples, requests = [], []
        for i in range(60):
            created = container.tickets.create(customer, TicketDraft(subject=f"t{i}", description="d")).ticket
            events = store.list_events(created.id, 10, None).items
            calls.clear()
            started = time.perf_counter()
            container.assignment.handle(events[0])
            samples.append(time.perf_counter() - started)
            requests.append(dict(calls))
        assigned = sum(1 for t in [store.get(e.ticket_id) for e in events] if t and t.assignee)
    finally:
        server.stop()
    steady = samples[10:]  # after the first few (connections, caches)
    return {
        "pure_us": round(pure_us, 1),
        "service_ms": round(statistics.median(steady) * 1000, 1),
        "service_p90_ms": round(sorted(steady)[int(len(steady) * 0.9)] * 1000, 1),
        "requests": requests[-1],
        "assigned_last": assigned,
    }


def main() -> None:
    print("### SLA sweep cost (50 due)\n")
    print(
        "| open tickets | due | shards | index items read | tickets read | events written | sweep ms (median of 5) "
        "| of which the due Queries (16 shards, in parallel) | the rest (reading and acting on the due) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in bench_sweep():
        print(
            f"| {row['open']:,} | {row['due']} | {row['shards']} | {row['index_items']} | {row['tickets_read']} | "
            f"{row['acted']} | {row['ms']} | {row['query_ms']} | {row['rest_ms']} |"
        )
        print(f"<!-- requests: {row['calls']} -->")
    result = bench_assignment()
    print(f"\n### Assignment decision, {AGENTS} agents in the team\n")
    print("| what | per ticket |")
    print("|---|---|")
    print(f"| `choose_agent` (pure) | {result['pure_us']} µs |")
    print(f"| whole routing over moto (median / p90) | {result['service_ms']} ms / {result['service_p90_ms']} ms |")
    print(f"| DynamoDB requests per routed ticket | {sum(result['requests'].values())}: {result['requests']} |")


if __name__ == "__main__":
    main()
