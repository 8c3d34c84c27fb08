"""A period's report from the stored counters: totals, one table per dimension, breach reasons and the daily trend.

Definitions (docs/reports.md): `created` counts tickets created in the period; `first_response` the first public
staff replies made in it; `resolution` the resolutions made in it (a ticket resolved, reopened and resolved again
counts twice); `met_rate` = met / count (null when count is 0); `satisfied_rate` = the share of 4 and 5 among the
answers given in the period (a later answer replaces the earlier one). Minutes are wall-clock minutes from the
ticket's creation; `p90_minutes` is read from a log-bucket histogram (within 11.8 %).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.domain.reports.facts import BUCKETS, DIMENSIONS, NONE, TOTAL, RowKey, bucket_middle
from shared.domain.sla.policy import BreachReason
from shared.errors import InvalidInput


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday first
    MONTH = "month"


LABELS_ZH = {Period.DAY: "客服日报", Period.WEEK: "客服周报", Period.MONTH: "客服月报"}
LABELS_EN = {Period.DAY: "Daily report", Period.WEEK: "Weekly report", Period.MONTH: "Monthly report"}


@dataclass(frozen=True)
class Span:
    period: Period
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def months(self) -> list[str]:
        return sorted({f"{d:%Y-%m}" for d in (self.start, self.end)})

    @property
    def title(self) -> str:
        """What the nightly mail's subject says after the kind: the day, the week's Monday, the month."""
        if self.period is Period.MONTH:
            return f"{self.start:%Y-%m}"
        if self.period is Period.WEEK:
            return f"{self.start.isoformat()} ~ {self.end.isoformat()}"
        return self.start.isoformat()


def span_of(period: str, day: date) -> Span:
    """The period of this kind that contains `day`."""
    try:
        kind = Period(period)
    except ValueError:
        raise InvalidInput("period must be day, week or month", field="period") from None
    if kind is Period.DAY:
        return Span(kind, day, day)
    if kind is Period.WEEK:
        start = day - timedelta(days=day.weekday())
        return Span(kind, start, start + timedelta(days=6))
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Span(kind, start, following - timedelta(days=1))


Row = tuple[date, RowKey, Mapping[str, int]]


def _rate(part: int, whole: int, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


def _p90(counters: Mapping[str, int], prefix: str, count: int) -> float | None:
    if count <= 0:
        return None
    rank = 0.9 * count
    seen = 0
    for index in range(BUCKETS):
        seen += counters.get(f"{prefix}_h{index}", 0)
        if seen >= rank:
            return round(bucket_middle(index), 1)
    return round(bucket_middle(BUCKETS - 1), 1)


def _target(counters: Mapping[str, int], prefix: str) -> dict[str, Any]:
    count = counters.get(f"{prefix}_count", 0)
    met = counters.get(f"{prefix}_met", 0)
    minutes = counters.get(f"{prefix}_minutes", 0)
    return {
        "count": count,
        "met": met,
        "met_rate": _rate(met, count),
        "mean_minutes": round(minutes / count, 1) if count else None,
        "p90_minutes": _p90(counters, prefix, count),
    }


def measures(counters: Mapping[str, int]) -> dict[str, Any]:
    """M of the report: what one row (the totals, or one dimension value) says."""
    answers = counters.get("sat_count", 0)
    return {
        "created": counters.get("created", 0),
        "resolved": counters.get("res_count", 0),
        "reopened": counters.get("reopened", 0),
        "first_response": _target(counters, "fr"),
        "resolution": _target(counters, "res"),
        "satisfaction": {
            "responses": answers,
            "mean": round(counters.get("sat_sum", 0) / answers, 2) if answers else None,
            "satisfied_rate": _rate(counters.get("sat_happy", 0), answers),
        },
    }


def _busy(m: Mapping[str, Any]) -> bool:
    return bool(
        m["created"] or m["resolved"] or m["reopened"] or m["first_response"]["count"] or m["satisfaction"]["responses"]
    )


def build_report(span: Span, rows: Iterable[Row], timezone: str, generated_at: datetime) -> dict[str, Any]:
    """The report of `span` from the stored rows (rows outside the span are ignored)."""
    totals: Counter[str] = Counter()
    by_dim: dict[str, dict[str, Counter[str]]] = {name: {} for name in DIMENSIONS}
    daily: dict[date, Counter[str]] = {day: Counter() for day in span.days}
    for day, row, counters in rows:
        if not span.start <= day <= span.end:
            continue
        if row == TOTAL:
            totals.update(counters)
            daily[day].update(counters)
        elif row[0] in by_dim:
            by_dim[row[0]].setdefault(row[1], Counter()).update(counters)
    report: dict[str, Any] = {
        "period": span.period.value,
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "timezone": timezone,
        "generated_at": generated_at.isoformat(),
        "totals": measures(totals),
    }
    for name in DIMENSIONS:
        entries = []
        for key, counters in by_dim[name].items():
            m = measures(counters)
            if _busy(m):
                entries.append({"key": None if key == NONE else key, **m})
        entries.sort(key=lambda e: (-e["created"], -e["resolved"], e["key"] or "\uffff"))
        report[f"by_{name}"] = entries
    reasons = [
        {"reason": r.value, "label": r.label_zh, "count": totals.get(f"reason_{r.value}", 0)} for r in BreachReason
    ]
    report["breach_reasons"] = sorted(reasons, key=lambda r: -r["count"])
    report["daily"] = [
        {"date": day.isoformat(), "created": c.get("created", 0), "resolved": c.get("res_count", 0)}
        for day, c in sorted(daily.items())
    ]
    return report


# -- exports: customers' names masked ----------------------------------------------------------------------------
def masked_customers(emails: Iterable[str]) -> dict[str, str]:
    """客户A, 客户B ... per distinct customer in the order they appear, with a short stable tag of the address
    (客户A-3f2c), so an export can be discussed without naming anyone, and one customer stays one label."""
    import hashlib

    labels: dict[str, str] = {}
    for email in emails:
        if email in labels:
            continue
        index, letters = len(labels), ""
        while True:
            letters = chr(ord("A") + index % 26) + letters
            index = index // 26 - 1
            if index < 0:
                break
        labels[email] = f"客户{letters}-{hashlib.sha256(email.encode()).hexdigest()[:4]}"
    return labels
