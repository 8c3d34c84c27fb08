"""Reports for supervisors and admins: a day, week or month from the stored counters (never from the tickets), its
CSV and XLSX downloads, and the volume forecast with staffing (docs/reports.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.lifecycle import Channel, Priority
from shared.domain.reports.forecast import agents_needed, forecast, hourly_shares
from shared.domain.reports.render import to_csv, to_xlsx
from shared.domain.reports.report import Period, Span, build_report, masked_customers, span_of
from shared.domain.reports.rollup import WINDOW, window_start
from shared.errors import Forbidden, InvalidInput
from shared.services.ports import ReportData
from shared.services.report_rollup import span_rows
from shared.services.sla import SlaService

HISTORY_DAYS = 84  # 12 weeks of daily totals feed the forecast
DEFAULT_HANDLE_MINUTES = 10.0  # staffing's handling time until the history has some
SERVICE_LEVEL = 0.8
MAX_FORECAST_DAYS = 60


class ReportService:
    def __init__(
        self,
        store: ReportData,
        sla: SlaService,
        clock: Clock,
        timezone: str,
        kb_section: Callable[[date, date], dict[str, Any]] | None = None,
    ) -> None:
        self._store = store
        self._kb_section = kb_section
        self._sla = sla
        self._clock = clock
        self._timezone = timezone
        self._tz = ZoneInfo(timezone)

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    @staticmethod
    def _check(principal: Principal) -> None:
        if not principal.can(Permission.REPORTS_READ):
            raise Forbidden("reports are for supervisors and admins")

    # -- reports ---------------------------------------------------------------------------------------------------
    def report(self, principal: Principal, period: str, day: date | None) -> dict[str, Any]:
        self._check(principal)
        return self.build(span_of(period, day or self.today()))

    def build(self, span: Span) -> dict[str, Any]:
        """The span's report with its latest survey answers, customers masked."""
        now = self._clock.now()
        counted = span_rows(self._store, span, now)
        report = build_report(span, counted.rows, self._timezone, now.astimezone(self._tz))
        rolled_up_to = None
        if counted.folded_through is not None:
            rolled_up_to = (window_start(counted.folded_through) + WINDOW).astimezone(self._tz).isoformat()
        # Where the numbers come from: the rollups up to `rolled_up_to`, and the facts written since (`pending`);
        # `complete` is false only when the rollup is so far behind that a report would not read all of those.
        report["facts"] = {"rolled_up_to": rolled_up_to, "pending": counted.pending, "complete": counted.complete}
        answers = self._store.answers(span)
        labels = masked_customers(a.get("customer_email", "") for a in reversed(answers))
        report["answers"] = [
            {
                "number": a.get("number"),
                "customer": labels[a.get("customer_email", "")],
                "score": a.get("score"),
                "comment": a.get("comment", ""),
                "team": a.get("team"),
                "agent": a.get("agent"),
                "rated_at": a.get("rated_at"),
            }
            for a in answers
        ]
        if self._kb_section is not None:
            # The knowledge base's views, votes and deflections (自助解决) over the same days.
            report["kb"] = self._kb_section(span.start, span.end)
        return report

    def export(self, principal: Principal, period: str, day: date | None, fmt: str) -> tuple[bytes, str, str]:
        """The report as a file: (bytes, content type, file name)."""
        report = self.report(principal, period, day)
        name = f"report-{report['period']}-{report['start']}"
        if fmt == "csv":
            return to_csv(report), "text/csv; charset=utf-8", f"{name}.csv"
        if fmt == "xlsx":
            xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return to_xlsx(report), xlsx, f"{name}.xlsx"
        raise InvalidInput("format must be json, csv or xlsx", field="format")

    # -- forecast --------------------------------------------------------------------------------------------------
    def forecast(self, principal: Principal, days: int) -> dict[str, Any]:
        self._check(principal)
        if not 1 <= days <= MAX_FORECAST_DAYS:
            raise InvalidInput(f"days must be from 1 to {MAX_FORECAST_DAYS}", field="days")
        last = self.today() - timedelta(days=1)
        span = Span(Period.DAY, last - timedelta(days=HISTORY_DAYS - 1), last)
        created: Counter[date] = Counter()
        hours = [0.0] * 24
        handle_count = handle_minutes = 0
        first: date | None = None
        for day, _, counters in span_rows(self._store, span, self._clock.now(), totals_only=True).rows:
            if any(counters.values()):
                first = day if first is None else min(first, day)
            created[day] += counters.get("created", 0)
            for hour in range(24):
                hours[hour] += counters.get(f"c{hour:02d}", 0)
            handle_count += counters.get("handle_count", 0)
            handle_minutes += counters.get("handle_minutes", 0)
        history = []
        if first is not None:
            history = [
                (first + timedelta(days=i), float(created[first + timedelta(days=i)]))
                for i in range((last - first).days + 1)
            ]
        method, points = forecast(history, days, last)
        handle = handle_minutes / handle_count if handle_count else DEFAULT_HANDLE_MINUTES
        target = self._first_response_target()
        shares = hourly_shares(hours)
        staffing = [
            {
                "date": p.day.isoformat(),
                "hour": hour,
                "expected": round(p.expected * shares[hour], 2),
                "agents_needed": agents_needed(p.expected * shares[hour], handle, target, SERVICE_LEVEL),
            }
            for p in points
            for hour in range(24)
        ]
        return {
            "method": method,
            "history_days": len(history),
            "days": [
                {
                    "date": p.day.isoformat(),
                    "expected": round(p.expected, 1),
                    "low": round(p.low, 1),
                    "high": round(p.high, 1),
                }
                for p in points
            ],
            "staffing": staffing,
            "assumptions": {
                "handle_minutes": round(handle, 1),
                "handle_measured": bool(handle_count),
                "first_response_target_minutes": round(target, 1),
                "service_level": SERVICE_LEVEL,
            },
        }

    def _first_response_target(self) -> float:
        """The first-response target staffing plans for: the desk's general (P3, web) policy."""
        targets = self._sla.config().policies.targets_for(Priority.P3, Channel.WEB)
        return targets.first_response.total_seconds() / 60


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("date must be YYYY-MM-DD", field="date") from None
