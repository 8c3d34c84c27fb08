"""Report facts in the tickets table: per-day counters (one month per partition), the claims that count each event
once, where each ticket's creation was counted, and the latest survey answers (docs/data-model.md).

Counters change only by atomic `ADD`, inside one transaction with the event's claim (`REPORTED#<event id>`, put
with `attribute_not_exists`): a redelivered stream record fails the claim and adds nothing.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute
from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import HelpdeskItem
from shared.adapters.ticket_writer import Part, delete, put, update
from shared.domain.reports.facts import TOTAL, CreationRecord, RowKey, counter_names
from shared.domain.reports.report import Row, Span
from shared.errors import AlreadyClaimed, VersionConflict

COUNTERS = counter_names()
CLAIM_DAYS = 7  # longer than a stream keeps a record (24 h): a redelivery always finds its claim


def _fact_body(namespace: dict[str, Any]) -> None:
    for name in COUNTERS:
        namespace[name] = NumberAttribute(null=True)


# One number attribute per counter (histogram buckets, hours, reasons): declared from the domain's list.
ReportFactItem: type[HelpdeskItem] = types.new_class(
    "ReportFactItem", (HelpdeskItem,), {"discriminator": "report_fact"}, _fact_body
)


class ReportClaimItem(HelpdeskItem, discriminator="report_claim"):
    """`REPORTED#<event id>`: this event's facts were counted."""


class ReportTicketItem(HelpdeskItem, discriminator="report_ticket"):
    """`TICKET#<id>` / `REPORT_FACTS`: where the ticket's creation was counted."""

    record = JSONAttribute()


class RatingItem(HelpdeskItem, discriminator="report_rating"):
    """`REPORT#<month>` / `R#<dd>#<ticket id>`: a ticket's latest survey answer, for the report's list of answers."""

    answer = JSONAttribute()


MODELS = (ReportFactItem, ReportClaimItem, ReportTicketItem, RatingItem)
RECORD_SK = "REPORT_FACTS"


def bind_models() -> None:
    for model in MODELS:
        model._connection = None


def month_pk(day: date) -> str:
    return f"REPORT#{day:%Y-%m}"


def row_sk(day: date, row: RowKey) -> str:
    if row == TOTAL:
        return f"T#{day:%d}"
    return f"D#{day:%d}#{row[0]}#{row[1]}"


def _row_of(month: str, sk: str) -> tuple[date, RowKey]:
    year, mon = (int(x) for x in month.removeprefix("REPORT#").split("-"))
    if sk.startswith("T#"):
        return date(year, mon, int(sk[2:4])), TOTAL
    _, dd, dimension, value = sk.split("#", 3)
    return date(year, mon, int(dd)), (dimension, value)


def _already_counted() -> Exception:
    return AlreadyClaimed("this event's facts were counted already")


def _record_changed() -> Exception:
    return VersionConflict("the ticket's report record changed")


class ReportStore:
    # -- writing ---------------------------------------------------------------------------------------------------
    def creation_record(self, ticket_id: str) -> CreationRecord | None:
        try:
            item = ReportTicketItem.get(f"TICKET#{ticket_id}", RECORD_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return CreationRecord.from_dict(item.record)

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
        """The event's claim, its counters, and the ticket's creation record / survey answer rows when they change."""
        claim = ReportClaimItem(f"REPORTED#{event_id}", "EVENT", expires_at=now + timedelta(days=CLAIM_DAYS))
        parts = [put(claim, ReportClaimItem.pk.does_not_exist(), _already_counted)]
        for (day, row), counters in rows.items():
            item = ReportFactItem(month_pk(day), row_sk(day, row))
            actions = [getattr(ReportFactItem, name).add(value) for name, value in sorted(counters.items())]
            parts.append(update(item, [*actions, ReportFactItem.kind.set(ReportFactItem)]))
        if record is not None:
            item = ReportTicketItem(f"TICKET#{ticket_id}", RECORD_SK, record=record.to_dict())
            if record_before is None:
                parts.append(put(item, ReportTicketItem.pk.does_not_exist(), _record_changed))
            else:
                parts.append(put(item, ReportTicketItem.record == record_before.to_dict(), _record_changed))
        if answer_before is not None and (answer is None or answer[0] != answer_before):
            parts.append(delete(RatingItem(month_pk(answer_before), f"R#{answer_before:%d}#{ticket_id}")))
        if answer is not None:
            day, data = answer
            parts.append(put(RatingItem(month_pk(day), f"R#{day:%d}#{ticket_id}", answer=data)))
        return parts

    # -- reading ---------------------------------------------------------------------------------------------------
    def rows(self, span: Span, totals_only: bool = False) -> list[Row]:
        """The stored rows of the span's days: per month, one Query of the totals and one of the dimension rows."""
        found: list[Row] = []
        for month in span.months:
            pk = f"REPORT#{month}"
            first = max(span.start, date.fromisoformat(f"{month}-01"))
            last = min(span.end, _month_end(first))
            ranges = [(f"T#{first:%d}", f"T#{last:%d}")]
            if not totals_only:
                ranges.append((f"D#{first:%d}#", f"D#{last:%d}#~"))
            for low, high in ranges:
                for raw in _query(pk, low, high):
                    day, row = _row_of(pk, raw["sk"]["S"])
                    counters = {name: int(value["N"]) for name, value in raw.items() if "N" in value}
                    found.append((day, row, counters))
        return found

    def answers(self, span: Span, limit: int = 100) -> list[dict[str, Any]]:
        """The latest survey answers given in the span (newest first, at most `limit`)."""
        found: list[dict[str, Any]] = []
        for month in reversed(span.months):
            pk = f"REPORT#{month}"
            first = max(span.start, date.fromisoformat(f"{month}-01"))
            last = min(span.end, _month_end(first))
            query = RatingItem.query(
                pk, RatingItem.sk.between(f"R#{first:%d}#", f"R#{last:%d}#~"), scan_index_forward=False, limit=limit
            )
            found += [dict(item.answer) for item in query]
            if len(found) >= limit:
                break
        return found[:limit]


def _query(pk: str, low: str, high: str) -> list[dict[str, Any]]:
    """The raw items of one sort-key range, every page. The table connection rather than the model's query: the
    partition holds only report items (no `kind` filter needed), and a month's ~2,000 items of ~150 counters each
    read in milliseconds as plain numbers, where building model instances costs seconds."""
    connection = ReportFactItem._get_connection()
    items: list[dict[str, Any]] = []
    start = None
    while True:
        page = connection.query(pk, range_key_condition=ReportFactItem.sk.between(low, high), exclusive_start_key=start)
        items += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
