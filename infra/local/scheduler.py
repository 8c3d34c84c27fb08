"""The scheduler of local mode: EventBridge schedules from template.yaml, run by the product's clock.

Each `Schedule` event of a function (`stack.schedules`) becomes a timer. `run_due(now)` invokes a function whose
next run time has passed, once, with the event EventBridge delivers, and sets its next run after `now`: a dev-clock
jump of 600 minutes runs a `rate(1 minute)` sweep once, not 600 times (a sweep reads everything due anyway).
Supported expressions: `rate(N minute|minutes|hour|hours|day|days)` and `cron(min hour dom month dow year)` with
numbers, `*`, `?`, lists and ranges in the minute and hour fields (others `*` or `?`), in UTC as on AWS, or in a
ScheduleV2's `ScheduleExpressionTimezone` (the nightly report's 01:00 tenant time). The event's `time` is the run's
scheduled time, as EventBridge sends it: a late run still reports the days it was meant for.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from infra.local.pump import Handler, LambdaContext, load_handler
from infra.local.stack import ACCOUNT, REGION, Schedule

log = logging.getLogger("helpdesk.local.scheduler")
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def _field(text: str, top: int) -> set[int] | None:
    """A cron field's values (None: any)."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-", 1)
            values.update(range(int(low), int(high) + 1))
        else:
            values.add(int(part))
    if not all(0 <= v <= top for v in values):
        raise ValueError(f"cron field {text!r} out of range")
    return values


def next_run(expression: str, after: datetime, timezone: str | None = None) -> datetime:
    """The first run time strictly after `after` (a cron's fields read in `timezone`, UTC by default)."""
    rate = _RATE.match(expression)
    if rate:
        return after + timedelta(seconds=int(rate[1]) * _UNITS[rate[2].rstrip("s")])
    cron = _CRON.match(expression)
    if not cron:
        raise ValueError(f"unsupported schedule expression {expression!r}")
    fields = cron[1].split()
    if len(fields) != 6 or any(f not in ("*", "?") for f in fields[2:]):
        raise ValueError(f"only minute and hour may be set in {expression!r} locally")
    minutes, hours = _field(fields[0], 59), _field(fields[1], 23)
    zone = ZoneInfo(timezone) if timezone else UTC
    at = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    for _ in range(2 * 24 * 60):
        local = at.astimezone(zone)
        if (minutes is None or local.minute in minutes) and (hours is None or local.hour in hours):
            return at
        at += timedelta(minutes=1)
    raise ValueError(f"{expression!r} never fires")  # pragma: no cover


@dataclass
class Timer:
    schedule: Schedule
    handler: Handler
    next_at: datetime
    runs: int = 0


class Scheduler:
    def __init__(
        self,
        schedules: list[Schedule],
        now: datetime,
        loader: Callable[[str], Handler] = load_handler,
    ) -> None:
        self.timers: list[Timer] = []
        for schedule in schedules:
            try:
                first = next_run(schedule.expression, now, schedule.timezone)
            except ValueError:
                log.warning("%s: schedule %s is not run locally", schedule.function, schedule.expression)
                continue
            self.timers.append(Timer(schedule, loader(schedule.handler), first))

    def run_due(self, now: datetime) -> int:
        """Invoke every function whose run time has come (once each); returns how many ran."""
        ran = 0
        for timer in self.timers:
            if timer.next_at > now:
                continue
            event = _scheduled_event(timer.schedule, now)
            try:
                timer.handler(event, LambdaContext(timer.schedule.function))
            except Exception:
                log.exception("%s failed on its schedule", timer.schedule.function)
            timer.runs += 1
            ran += 1
            timer.next_at = next_run(timer.schedule.expression, now, timer.schedule.timezone)
        return ran


def _scheduled_event(schedule: Schedule, now: datetime) -> dict[str, Any]:
    """What EventBridge hands a function on a schedule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{schedule.function}-schedule"],
        "detail": {},
    }
