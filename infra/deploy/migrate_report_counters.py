"""Move the report counters of the first report layout into the reports table's rollups, once per rollup.

The first layout kept per-day counters in the tickets table, one partition per month: `REPORT#<yyyy-mm>` with the
day's totals (`T#<dd>`), one item per dimension value (`D#<dd>#<dimension>#<value>`) and the latest survey answers
(`R#<dd>#<ticket id>`). Reports now read the rollups of the reports table (docs/reports.md), so a stack upgraded from
that layout would show nothing for the days before. This script reads each month's partition (one Query, no Scan),
adds its counters to the matching rollups and copies the answers. Each rollup is saved on the version read with a
`migrated` mark among its folded windows: a second run, or a run next to the rollup function, adds nothing twice.

    .venv/bin/python -m infra.deploy.migrate_report_counters --stack-name helpdesk --from 2026-11 --to 2026-12
    (a dry run: what it would add; --apply writes)

Not moved: where each ticket's creation was counted (`TICKET#<id>` / `REPORT_FACTS`), which needs no report but lets
a later first assignment move the creation; tickets created before the upgrade keep their creation where it was.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

from shared.adapters.report_store import RatingItem, ReportStore, answer_keys
from shared.domain.reports.facts import TOTAL, RowKey
from shared.domain.reports.rollup import Rollup, RollupKey, rollup_key

MARK = "migrated"
ATTEMPTS = 8


def months(first: str, last: str) -> Iterator[str]:
    year, month = (int(x) for x in first.split("-"))
    while f"{year:04d}-{month:02d}" <= last:
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def old_items(dynamodb: Any, table: str, month: str) -> Iterator[dict[str, Any]]:
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"REPORT#{month}"}},
        ConsistentRead=True,
    )
    for page in pages:
        yield from page["Items"]


def read_month(
    items: Iterator[dict[str, Any]], month: str
) -> tuple[dict[RollupKey, dict[str, Counter[str]]], list[tuple[date, str, dict[str, Any]]]]:
    """A month's old items as the rollups' gains (key -> value -> counters) and its survey answers."""
    gains: dict[RollupKey, dict[str, Counter[str]]] = {}
    answers = []
    for item in items:
        sk = item["sk"]["S"]
        day = date.fromisoformat(f"{month}-{sk.split('#')[1]}")
        if sk.startswith("R#"):
            answers.append((day, sk.split("#", 2)[2], json.loads(item["answer"]["S"])))
            continue
        parts = sk.split("#", 3)
        row: RowKey = TOTAL if sk.startswith("T#") else (parts[2], parts[3])
        counters = {name: int(value["N"]) for name, value in item.items() if "N" in value}
        gains.setdefault(rollup_key(day, row), {}).setdefault(row[1], Counter()).update(counters)
    return gains, answers


def migrate(store: ReportStore, gains: dict[RollupKey, dict[str, Counter[str]]]) -> int:
    """Adds each rollup's gains unless it was migrated already; returns how many rollups it changed."""
    changed = 0
    for key, values in gains.items():
        for _ in range(ATTEMPTS):
            current = store.rollup(key) or Rollup(key)
            if MARK in current.folded:
                break
            rows = {value: Counter(counters) for value, counters in current.rows.items()}
            for value, counters in values.items():
                rows.setdefault(value, Counter()).update(counters)
            merged = Rollup(key, {v: dict(c) for v, c in rows.items()}, {**current.folded, MARK: MARK}, current.version)
            if store.save_rollup(merged):
                changed += 1
                break
        else:
            raise RuntimeError(f"rollup {key} kept changing; run again")
    return changed


def copy_answers(answers: list[tuple[date, str, dict[str, Any]]]) -> None:
    """The answers, at the same keys as the rollups' days (a second copy writes the same items)."""
    for day, ticket_id, answer in answers:
        RatingItem(*answer_keys(day, ticket_id), answer=answer).save()


def main(argv: list[str] | None = None) -> int:
    import boto3

    from shared.adapters.items import bind_tables
    from shared.adapters.report_store import bind_models
    from shared.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", default="helpdesk")
    parser.add_argument("--region")
    parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: the first)")
    parser.add_argument("--apply", action="store_true")
    args = parser.parse_args(argv)
    session = boto3.session.Session(region_name=args.region)
    if not session.region_name:
        parser.error("no region: pass --region or configure one")
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in session.client("cloudformation").describe_stacks(StackName=args.stack_name)["Stacks"][0]["Outputs"]
    }
    settings = Settings(
        tickets_table=outputs["TicketsTableName"],
        reports_table=outputs["ReportsTableName"],
        aws_region=session.region_name,
    )
    bind_tables(settings)
    bind_models()
    store, dynamodb = ReportStore(), session.client("dynamodb")
    for month in months(args.first, args.last or args.first):
        gains, answers = read_month(old_items(dynamodb, settings.tickets_table, month), month)
        print(f"{month}: {len(gains)} rollups to add to, {len(answers)} survey answers")
        if args.apply:
            print(f"{month}: {migrate(store, gains)} rollups changed")
            copy_answers(answers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
