"""Benchmark of the automations' sweep; prints a markdown table for bench/README.md ("Automations").

Resolved tickets are seeded straight into moto's DynamoDB (batch writes through the adapter's item mapping, not the
API), each kept in step as every write keeps it (`TicketKeeper.refresh`: the SLA, and the next automation, which
puts it in the sweep's sparse due list): most were resolved an hour ago (their closing is 71 hours away), 50 were
resolved 73 hours ago (their closing is due). One sweep runs; its DynamoDB requests are counted with a botocore
`before-call` hook, the items its Queries read come from the Queries' own counts. A second sweep at once shows the
schedule firing twice. Median of 3 runs (50 due re-seeded before each), at 2,000 and at 20,000 resolved tickets.

Goal: index items read = the due tickets, one Query per shard (due + shards), whatever the number of tickets.

Usage: .venv/bin/python bench/automations.py
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routing import NOW, _setup  # noqa: E402

DUE = 50
SIZES = (2_000, 20_000)
RUNS = 3


def _resolved(index: int, resolved_at: datetime, container: Any) -> Any:
    from shared.domain.tickets import Channel, Person, Priority, Status, StatusEntry, Ticket

    created = resolved_at - timedelta(hours=5)
    ticket = Ticket(
        id=f"{index:032x}",
        number=f"GD20261120{index:06d}",
        subject=f"工单 {index}",
        description="d",
        requester=Person(f"c{index}@example.com", ""),
        created_at=created,
        updated_at=resolved_at,
        priority=Priority.P3,
        channel=Channel.WEB,
        team="tech",
        status=Status.RESOLVED,
        status_history=[StatusEntry(Status.NEW, created), StatusEntry(Status.RESOLVED, resolved_at)],
    )
    container.keeper.refresh(ticket, resolved_at)  # the SLA's outcome and the next automation, as a write does
    return ticket


def _seed(container: Any, start: int, count: int, resolved_at: datetime) -> None:
    from shared.adapters.items import TicketItem
    from shared.adapters.ticket_mapping import to_item

    with TicketItem.batch_write() as batch:
        for index in range(start, start + count):
            item = to_item(_resolved(index, resolved_at, container))
            item.version = 1
            batch.save(item)


def bench() -> list[dict[str, Any]]:
    server, _, container, calls = _setup()
    rows = []
    try:
        seeded = 0
        for size in SIZES:
            _seed(container, 10_000_000 + seeded, size - DUE - seeded, NOW - timedelta(hours=1))
            seeded = size - DUE
            samples = []
            for run in range(RUNS):
                _seed(container, run * 1000 + size, DUE, NOW - timedelta(hours=73))
                calls.clear()
                started = time.perf_counter()
                report = container.sla_sweep.sweep()
                elapsed = time.perf_counter() - started
                first_calls = dict(calls)
                calls.clear()
                again = container.sla_sweep.sweep()
                samples.append((elapsed, report, first_calls, again, dict(calls)))
            elapsed, report, by_call, again, again_calls = sorted(samples, key=lambda s: s[0])[len(samples) // 2]
            closed = sum(1 for line in report.acted if line.endswith("已解决 72 小时后结案"))
            rows.append(
                {
                    "resolved": size,
                    "due": report.due,
                    "shards": report.shards,
                    "index_items": report.index_items_read,
                    "tickets_read": report.tickets_read,
                    "closed": closed,
                    "ms": round(elapsed * 1000, 1),
                    "calls": by_call,
                    "again_index_items": again.index_items_read,
                    "again_acted": len(again.acted),
                    "again_calls": again_calls,
                }
            )
    finally:
        server.stop()
    return rows


def _calls(by_call: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(by_call.items()))


def main() -> None:
    rows = bench()
    print("### One sweep over resolved tickets, 50 due to close (16 shards)\n")
    print(
        "| resolved tickets | due | index items read | goal: due + shards | Queries (one per shard) | tickets read "
        "| closed | sweep ms | DynamoDB requests | the same sweep again at once |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['resolved']:,} | {row['due']} | {row['index_items']} | {row['due'] + row['shards']} | "
            f"{row['calls'].get('Query', 0)} | {row['tickets_read']} | {row['closed']} | {row['ms']} | "
            f"{_calls(row['calls'])} | {row['again_index_items']} index items, {row['again_acted']} acted "
            f"({_calls(row['again_calls'])}) |"
        )
    ok = all(r["index_items"] <= r["due"] + r["shards"] and r["closed"] == r["due"] == 50 for r in rows)
    print(f"\nGoal met (index items read <= due + shards, every due ticket closed once): {ok}")


if __name__ == "__main__":
    main()
