"""The nightly report (functions/nightly_report): at 01:00 tenant time, yesterday's day report, on Mondays also last
week's and on the 1st last month's, written to the reports bucket as JSON, CSV and an HTML page with charts, and a
summary mailed to supervisors and admins.

Idempotent when the schedule fires twice: the files are overwritten with the same content under the same keys, and
the mail goes through an idempotent `deliver` keyed on the report's kind and start date.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.reports.render import to_csv, to_html
from shared.domain.reports.report import LABELS_ZH, Period, Span, span_of
from shared.services.mail import MailComposer
from shared.services.ports import DirectoryReader, ReportFiles
from shared.services.reports import ReportService

Deliver = Callable[[dict[str, Any]], dict[str, Any]]
RECIPIENT_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class NightlyRun:
    spans: list[Span]
    keys: list[str]
    mailed: list[str]


def due_spans(local_day: date) -> list[Span]:
    """What a run on `local_day` reports: yesterday, and last week on Mondays, last month on the 1st."""
    yesterday = local_day - timedelta(days=1)
    spans = [span_of(Period.DAY, yesterday)]
    if local_day.weekday() == 0:
        spans.append(span_of(Period.WEEK, yesterday))
    if local_day.day == 1:
        spans.append(span_of(Period.MONTH, yesterday))
    return spans


class NightlyReportService:
    def __init__(
        self,
        reports: ReportService,
        directory: DirectoryReader,
        files: ReportFiles,
        composer: MailComposer,
        deliver: Deliver,
        clock: Clock,
        timezone: str,
        public_url: str,
    ) -> None:
        self._reports = reports
        self._directory = directory
        self._files = files
        self._composer = composer
        self._deliver = deliver
        self._clock = clock
        self._tz = ZoneInfo(timezone)
        self._public_url = public_url.rstrip("/")

    def run(self, scheduled_at: datetime | None = None) -> NightlyRun:
        """The reports due at `scheduled_at` (EventBridge's event time; now when absent)."""
        local_day = (scheduled_at or self._clock.now()).astimezone(self._tz).date()
        spans = due_spans(local_day)
        keys: list[str] = []
        mailed: list[str] = []
        recipients = sorted(a.email for a in self._directory.list_all()[0] if a.role in RECIPIENT_ROLES)
        for span in spans:
            report = self._reports.build(span)
            title = f"{LABELS_ZH[span.period]} {span.title}"
            link = f"{self._public_url}/console/reports?period={span.period.value}&date={span.start.isoformat()}"
            prefix = f"reports/{span.period.value}/{span.start.isoformat()}"
            body = json.dumps(report, ensure_ascii=False, indent=1).encode()
            for key, data, kind in (
                (f"{prefix}/report.json", body, "application/json; charset=utf-8"),
                (f"{prefix}/report.csv", to_csv(report), "text/csv; charset=utf-8"),
                (f"{prefix}/report.html", to_html(report, title, link).encode(), "text/html; charset=utf-8"),
            ):
                self._files.put(key, data, kind)
                keys.append(key)
            if recipients:
                mailed.append(self._mail(span, report, title, link, recipients))
        return NightlyRun(spans, keys, mailed)

    def _mail(self, span: Span, report: dict[str, Any], title: str, link: str, recipients: list[str]) -> str:
        now = self._clock.now()
        key = f"{span.period.value}#{span.start.isoformat()}"
        mail = self._composer.compose(
            "nightly_report",
            "zh-CN",
            ", ".join(recipients),
            {"now": now, "title": title, "report": report, "dashboard_url": link},
            f"<report-{span.period.value}-{span.start.isoformat()}@{self._composer.domain}>",
            automatic=True,
            auto_submitted="auto-generated",
        )
        result = self._deliver(
            {
                "idempotency_key": f"nightly#{key}",
                "from": self._composer.sender,
                "to": recipients,
                "raw": base64.b64encode(mail.as_bytes()).decode(),
            }
        )
        return f"{title} to {len(recipients)}: {result.get('message_id')}"
