"""The reports table (docs/data-model.md, "Reports and satisfaction"): each event's report facts as one immutable
record, their per-day rollups with the progress of folding, where each ticket's creation was counted, and the latest
survey answers.

A fact record's key is the event (`FACT#<event id>`), put only if it does not exist: a redelivered stream record
writes nothing. The `by_window` index files it under the shard of its event id and the one-minute window of its
write time (`FACTS#<UTC day>#<shard>`, `<UTC time>#<event id>`), which is what the rollup and reports read; no
partition takes more than its shard's share of the events (docs/scale.md).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.attributes import BinaryAttribute, JSONAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from shared.adapters.items import ReportsItem
from shared.adapters.partitions import FACT_SHARDS, ROLLUP_PARTITIONS, shard_number
from shared.adapters.ticket_writer import Part, delete, put
from shared.domain.reports.facts import CreationRecord, RowKey
from shared.domain.reports.report import Span
from shared.domain.reports.rollup import (
    FACT_DAYS,
    FactsRead,
    Rollup,
    RollupKey,
    StoredFacts,
    every_key,
    next_window,
    rows_from_json,
    rows_to_json,
)
from shared.errors import AlreadyClaimed, VersionConflict

RECORD_SK = "REPORT_FACTS"
PROGRESS = ("ROLLUP", "PROGRESS")
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """One pool per process for the parallel Queries of a report (a thread started per Query costs more than it)."""
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=FACT_SHARDS, thread_name_prefix="reports"))
    return _POOL[0]


class ReportFactItem(ReportsItem, discriminator="report_fact"):
    """`FACT#<event id>` / `FACT`: what one event adds to the reports (JSON rows), filed in `by_window`."""

    rows = UnicodeAttribute()


class ReportTicketItem(ReportsItem, discriminator="report_ticket"):
    """`TICKET#<id>` / `REPORT_FACTS`: where the ticket's creation was counted."""

    record = JSONAttribute()


class RatingItem(ReportsItem, discriminator="report_rating"):
    """`ANSWERS#<month>` / `<dd>#<ticket id>`: a ticket's latest survey answer, for the report's list of answers."""

    answer = JSONAttribute()


class RollupItem(ReportsItem, discriminator="report_rollup"):
    """`ROLLUP#<month>#<n>` / `<dd>#<dimension>#<part>`: a day's counters of one dimension, value -> counters, and
    per shard the last window folded into them, as one zlib-compressed JSON (`data`). The month's rollups are spread
    over a few partitions, at most two agent parts in each: a run writes each rollup it touches once, and a partition
    takes at most a fraction of what a busy day's run writes (docs/scale.md)."""

    data = BinaryAttribute(legacy_encoding=False)
    version = VersionAttribute()


class ProgressItem(ReportsItem, discriminator="report_progress"):
    """`ROLLUP` / `PROGRESS`: per shard, the last window folded into every rollup it touches."""

    folded = JSONAttribute(default=dict)
    version = VersionAttribute()


MODELS = (ReportsItem, ReportFactItem, ReportTicketItem, RatingItem, RollupItem, ProgressItem)


def bind_models() -> None:
    for model in MODELS:
        model._connection = None


def fact_key(event_id: str) -> tuple[str, str]:
    return f"FACT#{event_id}", "FACT"


def fact_shard(event_id: str) -> str:
    return str(shard_number(event_id, FACT_SHARDS))


def window_keys(event_id: str, written_at: datetime) -> tuple[str, str]:
    """Where a fact record is filed in `by_window`: its shard and UTC day, then its write time and event."""
    at = written_at.astimezone(UTC)
    return f"FACTS#{at:%Y-%m-%d}#{fact_shard(event_id)}", f"{at:%Y-%m-%dT%H:%M:%S.%f}#{event_id}"


# Which partition of the month each dimension and part goes to: in turn, so that the agent parts (the big ones) are
# spread evenly, two to a partition.
_PARTITION = {(k.group, k.part): n % ROLLUP_PARTITIONS for n, k in enumerate(every_key(date(2000, 1, 1)))}


def rollup_keys(key: RollupKey) -> tuple[str, str]:
    return f"ROLLUP#{key.day:%Y-%m}#{_PARTITION[(key.group, key.part)]}", f"{key.day:%d}#{key.group}#{key.part}"


def answer_keys(day: date, ticket_id: str) -> tuple[str, str]:
    return f"ANSWERS#{day:%Y-%m}", f"{day:%d}#{ticket_id}"


def _already_counted() -> Exception:
    return AlreadyClaimed("this event's facts were counted already")


def _record_changed() -> Exception:
    return VersionConflict("the ticket's report record changed")


def fact_item(event_id: str, rows: Mapping[tuple[date, RowKey], Mapping[str, int]], now: datetime) -> ReportFactItem:
    window_key, window_sort = window_keys(event_id, now)
    body = rows_to_json((day, row, dict(counters)) for (day, row), counters in rows.items())
    return ReportFactItem(
        *fact_key(event_id),
        rows=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        window_key=window_key,
        window_sort=window_sort,
        expires_at=now + timedelta(days=FACT_DAYS),
    )


class ReportStore:
    # -- facts -----------------------------------------------------------------------------------------------------
    def fact_shards(self) -> list[str]:
        return [str(n) for n in range(FACT_SHARDS)]

    def creation_record(self, ticket_id: str) -> CreationRecord | None:
        try:
            item = ReportTicketItem.get(f"TICKET#{ticket_id}", RECORD_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return CreationRecord.from_dict(item.record)

    def keep_creation_record(self, ticket_id: str, record: CreationRecord) -> None:
        item = ReportTicketItem(f"TICKET#{ticket_id}", RECORD_SK, record=record.to_dict())
        try:
            item.save(ReportTicketItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def put_facts(self, event_id: str, rows: Mapping[tuple[date, RowKey], Mapping[str, int]], now: datetime) -> bool:
        try:
            fact_item(event_id, rows, now).save(ReportFactItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def fact_parts(
        self,
        event_id: str,
        rows: Mapping[tuple[date, RowKey], Mapping[str, int]],
        now: datetime,
        ticket_id: str,
        record: CreationRecord | None = None,
        record_before: CreationRecord | None = None,
        answer: tuple[date, dict[str, Any]] | None = None,
        answer_before: date | None = None,
    ) -> list[Part]:
        """The event's facts first (a redelivery fails on them: `AlreadyClaimed`), then the ticket's own items."""
        parts = [put(fact_item(event_id, rows, now), ReportFactItem.pk.does_not_exist(), _already_counted)]
        if record is not None:
            item = ReportTicketItem(f"TICKET#{ticket_id}", RECORD_SK, record=record.to_dict())
            if record_before is None:
                parts.append(put(item, ReportTicketItem.pk.does_not_exist(), _record_changed))
            else:
                parts.append(put(item, ReportTicketItem.record == record_before.to_dict(), _record_changed))
        if answer_before is not None and (answer is None or answer[0] != answer_before):
            parts.append(delete(RatingItem(*answer_keys(answer_before, ticket_id))))
        if answer is not None:
            day, data = answer
            parts.append(put(RatingItem(*answer_keys(day, ticket_id), answer=data)))
        return parts

    def facts_after(self, after: Mapping[str, str], through: str, limit: int | None = None) -> FactsRead:
        """Every shard asked in parallel: per UTC day from the first window wanted, one Query of `by_window`."""
        shards = sorted(after)
        results = list(_pool().map(lambda s: _shard_facts(s, after[s], through, limit), shards))
        facts = [fact for found, _, _ in results for fact in found]
        through_by_shard = {shard: last for shard, (_, last, _) in zip(shards, results, strict=True)}
        return FactsRead(facts, through_by_shard, any(cut for _, _, cut in results))

    def answers(self, span: Span, limit: int = 100) -> list[dict[str, Any]]:
        """The latest survey answers given in the span (newest first, at most `limit`)."""
        found: list[dict[str, Any]] = []
        for month in reversed(span.months):
            first = max(span.start, date.fromisoformat(f"{month}-01"))
            last = min(span.end, _month_end(first))
            query = RatingItem.query(
                f"ANSWERS#{month}",
                RatingItem.sk.between(f"{first:%d}#", f"{last:%d}#~"),
                scan_index_forward=False,
                limit=limit,
            )
            found += [dict(item.answer) for item in query]
            if len(found) >= limit:
                break
        return found[:limit]

    # -- rollups ---------------------------------------------------------------------------------------------------
    def progress(self) -> tuple[dict[str, str], int | None]:
        try:
            item = ProgressItem.get(*PROGRESS, consistent_read=True)
        except DoesNotExist:
            return {}, None
        return dict(item.folded or {}), item.version

    def save_progress(self, folded: Mapping[str, str], version: int | None) -> bool:
        item = ProgressItem(*PROGRESS, folded=dict(folded))
        if version is not None:
            item.version = version  # PynamoDB conditions the save on it (unset: on the item not existing)
        return _saved(item)

    def rollup(self, key: RollupKey) -> Rollup | None:
        try:
            item = RollupItem.get(*rollup_keys(key), consistent_read=True)
        except DoesNotExist:
            return None
        return _rollup(key, item.data, item.version)

    def save_rollup(self, rollup: Rollup) -> bool:
        item = RollupItem(*rollup_keys(rollup.key), data=pack_rollup(rollup.rows, rollup.folded))
        if rollup.version is not None:
            item.version = rollup.version
        return _saved(item)

    def rollups(self, span: Span, totals_only: bool = False) -> list[Rollup]:
        """A span's rollups, strongly consistent, for reading (without their version): per month, one Query of each
        of its partitions for the span's days (in parallel); for the totals alone, one `BatchGetItem` of the days'
        totals per 100 days."""
        if totals_only:
            keys = [key for day in span.days for key in every_key(day, totals_only=True)]
            found: list[Rollup] = []
            for start in range(0, len(keys), 100):
                wanted = {rollup_keys(key): key for key in keys[start : start + 100]}
                for item in RollupItem.batch_get(list(wanted), consistent_read=True):
                    key = wanted[(item.pk, item.sk)]
                    found.append(_rollup(key, item.data, None))
            return found
        wanted = [(month, n) for month in span.months for n in range(ROLLUP_PARTITIONS)]
        return [r for found in _pool().map(lambda w: _month_rollups(span, *w), wanted) for r in found]


def _month_rollups(span: Span, month: str, partition: int) -> list[Rollup]:
    first = max(span.start, date.fromisoformat(f"{month}-01"))
    last = min(span.end, _month_end(first))
    condition = RollupItem.sk.between(f"{first:%d}#", f"{last:%d}#~")
    found = []
    pk, connection = f"ROLLUP#{month}#{partition}", ReportsItem._get_connection()
    for raw in _pages(connection, pk, condition, consistent_read=True, attributes=("sk", "data")):
        dd, group, part = raw["sk"]["S"].split("#")
        key = RollupKey(date.fromisoformat(f"{month}-{dd}"), group, int(part))
        found.append(_rollup(key, raw["data"]["B"], None))
    return found


def _shard_facts(shard: str, after: str, through: str, limit: int | None) -> tuple[list[StoredFacts], str, bool]:
    """One shard's facts of the windows after `after` up to `through`: (facts, last window read whole, cut)."""
    first = next_window(after)
    if first > through:
        return [], after, False
    day = date.fromisoformat(first[:10])
    connection = ReportsItem._get_connection()
    condition = ReportsItem.window_sort.between(first, f"{through}:~")
    found: list[StoredFacts] = []
    while day <= date.fromisoformat(through[:10]):
        pk = f"FACTS#{day:%Y-%m-%d}#{shard}"
        for raw in _pages(connection, pk, condition, index="by_window", attributes=("window_sort", "rows")):
            window = raw["window_sort"]["S"][:16]
            if limit is not None and len(found) >= limit and window != found[-1].window:
                return found, found[-1].window, True  # a window is read whole; the rest is read next time
            rows = rows_from_json(json.loads(raw["rows"]["S"]))
            found.append(StoredFacts(raw["window_sort"]["S"].split("#", 1)[1], shard, window, rows))
        day += timedelta(days=1)
    return found, through, False


def _pages(
    connection: Any,
    pk: str,
    condition: Any,
    index: str | None = None,
    consistent_read: bool = False,
    attributes: Sequence[str] = (),
) -> Any:
    """Raw items of one key range, page after page (the table connection: no model instances to build), with only
    the attributes asked for."""
    start = None
    while True:
        page = connection.query(
            pk,
            range_key_condition=condition,
            index_name=index,
            exclusive_start_key=start,
            consistent_read=consistent_read,
            attributes_to_get=list(attributes) or None,
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def _saved(item: ReportsItem) -> bool:
    try:
        item.save()
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def pack_rollup(rows: Mapping[str, Mapping[str, int]], folded: Mapping[str, str]) -> bytes:
    body = {"rows": rows, "folded": folded}
    return zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(), 6)


def _rollup(key: RollupKey, data: bytes | None, version: int | None) -> Rollup:
    body = json.loads(zlib.decompress(data)) if data else {}
    return Rollup(key, body.get("rows", {}), body.get("folded", {}), version)


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
