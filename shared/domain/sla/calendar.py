"""Business calendars: when a support team works, so SLA targets count only working time.

A calendar is a time zone, working periods per weekday (a lunch break is two periods), China's statutory holidays and
make-up working days (调休, from the `chinese_calendar` package), the tenant's own holidays and extra working days, or
simply 24x7. All arithmetic is done in UTC on the real instants of each local working period, so daylight saving in
other time zones counts the hours actually worked.

Which periods a local date has, first rule that applies:
1. a custom holiday: none;
2. a custom extra working day: the standard day's periods;
3. following statutory days and the date's year is covered: a make-up working day (调休) gets the standard day's
   periods, a statutory holiday none;
4. the weekday's periods.
The standard day is `makeup_hours` when set, else the periods of the first weekday (Monday first) that has any.
Years the package does not cover fall back to the weekday schedule: see `STATUTORY_YEARS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from shared.errors import InvalidInput

DEFAULT_TIME_ZONE = "Asia/Shanghai"

_CN_HOLIDAYS: frozenset[date] = frozenset(chinese_calendar.holidays)
_CN_WORKDAYS: frozenset[date] = frozenset(chinese_calendar.workdays)
# The years whose statutory holidays and 调休 days the installed package knows (2004-2026 for 1.11.0). The State
# Council publishes a year's arrangement around November of the year before; upgrade the package to get it.
STATUTORY_YEARS = range(min(_CN_HOLIDAYS).year, max(_CN_HOLIDAYS).year + 1)

_DAY_MINUTES = 24 * 60
# A search for working time gives up after this many consecutive days without any (all of them custom holidays).
_MAX_IDLE_DAYS = 3 * 366
_HHMM = re.compile(r"^(\d{2}):(\d{2})$")


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)  # indexed by date.weekday()
WORKWEEK: tuple[Weekday, ...] = WEEKDAYS[:5]


class InvalidCalendar(InvalidInput, ValueError):
    """A calendar that cannot be used; `reasons` lists every problem found, for the admin to fix at once."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("invalid business calendar: " + "; ".join(reasons), field="calendar")
        self.reasons = list(reasons)


@dataclass(frozen=True, order=True)
class WorkingPeriod:
    """One stretch of working time within a local day, in minutes after midnight: [start, end). End may be 24:00."""

    start: int
    end: int

    @classmethod
    def parse(cls, start: str, end: str) -> WorkingPeriod:
        return cls(_minutes(start), _minutes(end))

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.end - self.start)

    def to_dict(self) -> dict[str, str]:
        return {"start": _hhmm(self.start), "end": _hhmm(self.end)}

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True)
class BusinessCalendar:
    name: str = "business"
    time_zone: str = DEFAULT_TIME_ZONE
    hours: Mapping[Weekday, tuple[WorkingPeriod, ...]] = field(default_factory=dict)
    statutory: bool = True  # follow China's statutory holidays and make-up working days
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    makeup_hours: tuple[WorkingPeriod, ...] | None = None
    always_open: bool = False  # 24x7: every instant is working time
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hours, reasons = _normalized_hours(self.hours)
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if self.makeup_hours is not None:
            object.__setattr__(self, "makeup_hours", tuple(self.makeup_hours))
        reasons += _reasons(self)
        if reasons:
            raise InvalidCalendar(reasons)
        object.__setattr__(self, "_tz", ZoneInfo(self.time_zone))

    # -- construction ---------------------------------------------------------------------------------------------
    @classmethod
    def always(cls, name: str = "24x7", time_zone: str = DEFAULT_TIME_ZONE) -> BusinessCalendar:
        return cls(name=name, time_zone=time_zone, statutory=False, always_open=True)

    @classmethod
    def office(
        cls,
        name: str = "business",
        start: str = "09:00",
        end: str = "18:00",
        *,
        lunch: tuple[str, str] | None = None,
        days: Iterable[Weekday] = WORKWEEK,
        time_zone: str = DEFAULT_TIME_ZONE,
        statutory: bool = True,
    ) -> BusinessCalendar:
        """The same hours on each of `days`, optionally less a lunch break: `office(lunch=("12:00", "13:30"))`."""
        if lunch is None:
            periods = (WorkingPeriod.parse(start, end),)
        else:
            periods = (WorkingPeriod.parse(start, lunch[0]), WorkingPeriod.parse(lunch[1], end))
        return cls(name=name, time_zone=time_zone, hours=dict.fromkeys(days, periods), statutory=statutory)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """A calendar from its JSON form (see `to_dict`); every problem is reported together in `InvalidCalendar`."""
        reasons: list[str] = []
        if not isinstance(data, Mapping):
            raise InvalidCalendar(["a calendar must be an object"])
        known = {
            "name",
            "time_zone",
            "hours",
            "statutory",
            "holidays",
            "extra_workdays",
            "makeup_hours",
            "always_open",
        }
        reasons += [f"unknown setting '{key}'" for key in data if key not in known]
        name = data.get("name", "business")
        if not isinstance(name, str) or not name.strip():
            reasons.append("name must be a non-empty string")
            name = "?"
        time_zone = data.get("time_zone", DEFAULT_TIME_ZONE)
        hours: dict[str, tuple[WorkingPeriod, ...]] = {}
        raw_hours = data.get("hours", {})
        if not isinstance(raw_hours, Mapping):
            reasons.append("hours must map weekdays (mon..sun) to lists of periods")
        else:
            for day, periods in raw_hours.items():
                hours[str(day)] = _parse_periods(periods, f"hours.{day}", reasons)
        makeup = data.get("makeup_hours")
        makeup_hours = None if makeup is None else _parse_periods(makeup, "makeup_hours", reasons)
        holidays = _parse_dates(data.get("holidays", []), "holidays", reasons)
        extra = _parse_dates(data.get("extra_workdays", []), "extra_workdays", reasons)
        flags = {}
        for flag, default in (("statutory", True), ("always_open", False)):
            value = data.get(flag, default)
            if not isinstance(value, bool):
                reasons.append(f"{flag} must be true or false")
                value = default
            flags[flag] = value
        try:
            calendar = cls(
                name=name,
                time_zone=time_zone if isinstance(time_zone, str) else repr(time_zone),
                hours=hours,  # type: ignore[arg-type]  # weekday names are checked by the constructor
                holidays=holidays,
                extra_workdays=extra,
                makeup_hours=makeup_hours,
                **flags,
            )
        except InvalidCalendar as invalid:
            raise InvalidCalendar(reasons + invalid.reasons) from None
        if reasons:
            raise InvalidCalendar(reasons)
        return calendar

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "time_zone": self.time_zone,
            "always_open": self.always_open,
            "statutory": self.statutory,
            "hours": {day.value: [p.to_dict() for p in self.hours[day]] for day in WEEKDAYS},
            "makeup_hours": None if self.makeup_hours is None else [p.to_dict() for p in self.makeup_hours],
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "extra_workdays": sorted(d.isoformat() for d in self.extra_workdays),
        }

    # -- days -----------------------------------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def standard_hours(self) -> tuple[WorkingPeriod, ...]:
        """The periods of a standard working day (make-up and extra working days are worked like this)."""
        if self.makeup_hours is not None:
            return self.makeup_hours
        return next((self.hours[day] for day in WEEKDAYS if self.hours[day]), ())

    @property
    def working_day(self) -> timedelta:
        """One working day as an amount of business time: the length of the standard day (24 h when 24x7).

        SLA targets in working days count N times this, so with 09:00-18:00 "3 working days" is 27 business hours:
        created Monday 10:00, due Thursday 10:00.
        """
        if self.always_open:
            return timedelta(days=1)
        return sum((p.length for p in self.standard_hours), timedelta())

    def hours_on(self, day: date) -> tuple[WorkingPeriod, ...]:
        """The local working periods of a date (see the module's docstring for the order of the rules)."""
        if self.always_open:
            return (WorkingPeriod(0, _DAY_MINUTES),)
        if day in self.holidays:
            return ()
        if day in self.extra_workdays:
            return self.standard_hours
        if self.statutory and day.year in STATUTORY_YEARS:
            if day in _CN_WORKDAYS:
                return self.standard_hours
            if day in _CN_HOLIDAYS:
                return ()
        return self.hours[WEEKDAYS[day.weekday()]]

    def is_working_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    def statutory_covers(self, day: date) -> bool:
        """Whether the statutory data knows this date's year (else the weekday schedule applies)."""
        return day.year in STATUTORY_YEARS

    # -- instants -------------------------------------------------------------------------------------------------
    def is_working_time(self, at: datetime) -> bool:
        instant = _utc(at)
        if self.always_open:
            return True
        return any(start <= instant < end for start, end in self._spans(self._local_day(instant)))

    def next_working_moment(self, at: datetime) -> datetime:
        """`at` itself when it is working time, else the start of the next working period."""
        return self.add_business_time(at, timedelta())

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of working time has passed since `start`, in the calendar's time zone.

        Counting begins at the first working moment at or after `start`; a duration that ends exactly at the end of
        a period ends there (18:00, not the next morning). Whole days are taken at once, so weeks cost a few dozen
        steps.
        """
        if duration < timedelta():
            raise ValueError("duration must not be negative")
        instant = _utc(start)
        if self.always_open:
            return (instant + duration).astimezone(self._tz)
        remaining = duration
        for spans in self._days_from(self._local_day(instant)):
            for span_start, span_end in spans:
                if span_end <= instant:
                    continue
                begin = max(span_start, instant)
                available = span_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(self._tz)
                remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover - _days_from raises first

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b); negative when b is before a."""
        start, end = _utc(a), _utc(b)
        if end < start:
            return -self.business_time_between(b, a)
        if self.always_open:
            return end - start
        total = timedelta()
        day, last = self._local_day(start), self._local_day(end)
        while day <= last:
            for span_start, span_end in self._spans(day):
                overlap = min(span_end, end) - max(span_start, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total

    # -- internals ------------------------------------------------------------------------------------------------
    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self._tz).date()

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The real (UTC) instants of a date's working periods."""
        midnight = datetime.combine(day, time())
        return [
            (_instant(midnight, p.start, self._tz), _instant(midnight, p.end, self._tz)) for p in self.hours_on(day)
        ]

    def _days_from(self, day: date) -> Iterator[list[tuple[datetime, datetime]]]:
        idle = 0
        while True:
            spans = self._spans(day)
            idle = 0 if spans else idle + 1
            if idle > _MAX_IDLE_DAYS:
                raise ValueError(f"calendar '{self.name}' has no working time for {_MAX_IDLE_DAYS} days after {day}")
            yield spans
            day += timedelta(days=1)


def _instant(local_midnight: datetime, minutes: int, tz: ZoneInfo) -> datetime:
    # Wall-clock time of the local date, then its real instant (a period ending at 24:00 ends at the next midnight).
    return (local_midnight + timedelta(minutes=minutes)).replace(tzinfo=tz).astimezone(UTC)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a time zone is required: {at.isoformat()} is naive")
    return at.astimezone(UTC)


def _minutes(text: str) -> int:
    match = _HHMM.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"'{text}' is not a time of day as HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"'{text}' is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _normalized_hours(hours: Mapping[Any, Iterable[WorkingPeriod]]) -> tuple[dict[Weekday, tuple], list[str]]:
    reasons: list[str] = []
    normalized: dict[Weekday, tuple[WorkingPeriod, ...]] = dict.fromkeys(WEEKDAYS, ())
    for key, periods in hours.items():
        try:
            day = Weekday(str(key).lower())
        except ValueError:
            reasons.append(f"unknown weekday '{key}' (use mon, tue, wed, thu, fri, sat, sun)")
            continue
        normalized[day] = tuple(sorted(periods))
    return normalized, reasons


def _period_reasons(where: str, periods: Sequence[WorkingPeriod]) -> list[str]:
    reasons = []
    for period in periods:
        if not (0 <= period.start <= _DAY_MINUTES and 0 <= period.end <= _DAY_MINUTES):
            reasons.append(f"{where}: {period} is outside 00:00-24:00")
        elif period.end <= period.start:
            # Night shifts are two periods: 22:00-24:00 on one day and 00:00-06:00 on the next.
            reasons.append(f"{where}: {period} ends before it starts")
    ordered = sorted(periods)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            reasons.append(f"{where}: {earlier} and {later} overlap")
    return reasons


def _reasons(calendar: BusinessCalendar) -> list[str]:
    reasons: list[str] = []
    if not isinstance(calendar.name, str) or not calendar.name.strip():
        reasons.append("name must be a non-empty string")
    try:
        ZoneInfo(calendar.time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        reasons.append(f"unknown time zone '{calendar.time_zone}'")
    if calendar.always_open:
        # Hours are ignored (an admin may toggle 24x7 and back); days off would silently mean nothing.
        if calendar.holidays or calendar.extra_workdays:
            reasons.append("a 24x7 calendar has no holidays or extra working days")
        return reasons
    for day, periods in calendar.hours.items():
        reasons += _period_reasons(day.value, periods)
    if calendar.makeup_hours is not None:
        if not calendar.makeup_hours:
            reasons.append("makeup_hours must have at least one period (or be left out)")
        reasons += _period_reasons("makeup_hours", calendar.makeup_hours)
    if not any(calendar.hours.values()):
        reasons.append("no working hours on any weekday (use a 24x7 calendar for round-the-clock service)")
    both = calendar.holidays & calendar.extra_workdays
    if both:
        reasons.append("dates both holiday and extra working day: " + ", ".join(sorted(d.isoformat() for d in both)))
    return reasons


def _parse_periods(raw: Any, where: str, reasons: list[str]) -> tuple[WorkingPeriod, ...]:
    if not isinstance(raw, list):
        reasons.append(f"{where} must be a list of {{start, end}} periods")
        return ()
    periods = []
    for item in raw:
        if not isinstance(item, Mapping) or set(item) != {"start", "end"}:
            reasons.append(f'{where}: each period is {{"start": "HH:MM", "end": "HH:MM"}}')
            continue
        try:
            periods.append(WorkingPeriod.parse(item["start"], item["end"]))
        except ValueError as bad:
            reasons.append(f"{where}: {bad}")
    return tuple(periods)


def _parse_dates(raw: Any, where: str, reasons: list[str]) -> frozenset[date]:
    if not isinstance(raw, list):
        reasons.append(f"{where} must be a list of dates (YYYY-MM-DD)")
        return frozenset()
    days = set()
    for item in raw:
        try:
            days.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            reasons.append(f"{where}: '{item}' is not a date (YYYY-MM-DD)")
    return frozenset(days)
