"""Business calendars: working time across nights, weekends, statutory holidays and 调休, pure domain."""

from __future__ import annotations

import time as wallclock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import (
    STATUTORY_YEARS,
    BusinessCalendar,
    InvalidCalendar,
    Weekday,
    WorkingPeriod,
)
from shared.errors import InvalidInput

SH = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)


def at(day: str, hhmm: str = "00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SH)


@pytest.fixture
def office() -> BusinessCalendar:
    return BusinessCalendar.office()  # Mon-Fri 09:00-18:00, Asia/Shanghai, statutory days


def test_statutory_data_covers_2004_to_2026():
    assert (STATUTORY_YEARS.start, STATUTORY_YEARS.stop) == (2004, 2027)


def test_working_time_inside_and_outside_hours(office):
    assert office.is_working_time(at("2025-09-30", "09:00"))
    assert office.is_working_time(at("2025-09-30", "17:59"))
    assert not office.is_working_time(at("2025-09-30", "18:00"))  # periods are [start, end)
    assert not office.is_working_time(at("2025-09-30", "08:59"))
    assert not office.is_working_time(at("2025-09-27", "10:00"))  # Saturday
    # The same instant in UTC: 02:00Z is 10:00 in Shanghai.
    assert office.is_working_time(datetime(2025, 9, 30, 2, 0, tzinfo=UTC))


def test_national_day_2025_holiday_and_make_up_days(office):
    assert office.is_working_day(date(2025, 9, 28))  # Sunday, worked (调休)
    assert office.is_working_day(date(2025, 10, 11))  # Saturday, worked (调休)
    for day in range(1, 9):
        assert not office.is_working_day(date(2025, 10, day)), f"10-{day} is a holiday"
    assert office.is_working_day(date(2025, 10, 9))
    assert not office.is_working_day(date(2025, 9, 27))  # an ordinary Saturday
    assert office.hours_on(date(2025, 9, 28)) == (WorkingPeriod.parse("09:00", "18:00"),)


def test_counting_across_the_national_day_holiday(office):
    # 1 h on 30 September, then nothing until 9 October 09:00: 7 h more is 16:00.
    due = office.add_business_time(at("2025-09-30", "17:00"), 8 * H)
    assert due == at("2025-10-09", "16:00")
    assert due.tzinfo is not None and due.utcoffset() == timedelta(hours=8)
    assert office.business_time_between(at("2025-09-30", "17:00"), due) == 8 * H


def test_a_saturday_start_counts_from_the_sunday_make_up_day(office):
    assert office.next_working_moment(at("2025-09-27", "10:00")) == at("2025-09-28", "09:00")
    assert office.add_business_time(at("2025-09-27", "10:00"), 8 * H) == at("2025-09-28", "17:00")


def test_nights_and_weekends(office):
    # Friday 17:00 + 2 h: 1 h on Friday, 1 h on Monday.
    assert office.add_business_time(at("2025-11-14", "17:00"), 2 * H) == at("2025-11-17", "10:00")
    # A night start begins at the next morning.
    assert office.add_business_time(at("2025-11-18", "22:30"), 30 * timedelta(minutes=1)) == at("2025-11-19", "09:30")
    # Ending exactly at the end of a day stays on that day.
    assert office.add_business_time(at("2025-11-18", "09:00"), 9 * H) == at("2025-11-18", "18:00")
    assert office.business_time_between(at("2025-11-14", "12:00"), at("2025-11-17", "12:00")) == 9 * H
    assert office.business_time_between(at("2025-11-17", "12:00"), at("2025-11-14", "12:00")) == -9 * H


def test_lunch_break_is_two_periods():
    calendar = BusinessCalendar.office(lunch=("12:00", "13:30"))
    assert not calendar.is_working_time(at("2025-11-18", "12:30"))
    assert calendar.working_day == timedelta(hours=7, minutes=30)
    assert calendar.add_business_time(at("2025-11-18", "11:00"), 2 * H) == at("2025-11-18", "14:30")


def test_weeks_skip_whole_days_and_agree_both_ways(office):
    start = at("2025-09-01", "10:00")
    due = office.add_business_time(start, 200 * H)
    assert office.business_time_between(start, due) == 200 * H
    began = wallclock.perf_counter()
    for _ in range(200):
        office.add_business_time(start, 500 * H)  # ~11 weeks
    assert wallclock.perf_counter() - began < 2.0


def test_custom_holidays_and_extra_working_days():
    calendar = BusinessCalendar(
        hours=dict.fromkeys(
            [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI], (WorkingPeriod.parse("09:00", "18:00"),)
        ),
        holidays=frozenset({date(2025, 11, 18)}),  # a company day off on a Tuesday
        extra_workdays=frozenset({date(2025, 11, 22)}),  # a Saturday worked
    )
    assert calendar.add_business_time(at("2025-11-17", "17:00"), 2 * H) == at("2025-11-19", "10:00")
    assert calendar.is_working_time(at("2025-11-22", "10:00"))


def test_without_statutory_days_a_holiday_is_a_weekday():
    calendar = BusinessCalendar.office(statutory=False)
    assert calendar.is_working_day(date(2025, 10, 1))
    assert not calendar.is_working_day(date(2025, 9, 28))


def test_years_beyond_the_data_follow_the_weekday_schedule(office):
    assert not office.statutory_covers(date(2030, 10, 1))
    assert office.is_working_day(date(2030, 10, 1))  # a Tuesday: no data, so an ordinary weekday
    assert not office.is_working_day(date(2030, 10, 5))  # Saturday


def test_24x7_counts_every_minute():
    calendar = BusinessCalendar.always()
    start = at("2025-10-01", "23:50")  # a holiday night
    assert calendar.is_working_time(start)
    assert calendar.add_business_time(start, 4 * H) == at("2025-10-02", "03:50")
    assert calendar.business_time_between(start, at("2025-10-08", "23:50")) == timedelta(days=7)
    assert calendar.working_day == timedelta(days=1)


def test_daylight_saving_counts_real_hours():
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar.office(
        start="00:00", end="24:00", days=list(Weekday), time_zone="Europe/Berlin", statutory=False
    )
    # 30 March 2025 has 23 hours in Berlin, 26 October 25.
    spring = datetime(2025, 3, 30, 0, 0, tzinfo=berlin)
    assert calendar.business_time_between(spring, datetime(2025, 3, 31, 0, 0, tzinfo=berlin)) == 23 * H
    autumn = datetime(2025, 10, 26, 0, 0, tzinfo=berlin)
    assert calendar.business_time_between(autumn, datetime(2025, 10, 27, 0, 0, tzinfo=berlin)) == 25 * H
    assert calendar.add_business_time(spring, 23 * H) == datetime(2025, 3, 31, 0, 0, tzinfo=berlin)


def test_naive_datetimes_are_refused(office):
    with pytest.raises(ValueError, match="naive"):
        office.is_working_time(datetime(2025, 9, 30, 10, 0))


def test_round_trip_through_json():
    calendar = BusinessCalendar.office("support", "08:30", "17:30", lunch=("12:00", "13:00"), days=list(Weekday)[:6])
    data = calendar.to_dict()
    assert data["hours"]["sat"] == [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]
    assert data["hours"]["sun"] == []
    assert BusinessCalendar.from_dict(data) == calendar
    assert BusinessCalendar.from_dict(BusinessCalendar.always().to_dict()).always_open


def test_invalid_calendars_list_every_reason():
    with pytest.raises(InvalidCalendar) as refused:
        BusinessCalendar.from_dict(
            {
                "time_zone": "Mars/Olympus",
                "hours": {
                    "mon": [{"start": "18:00", "end": "09:00"}],
                    "tue": [{"start": "09:00", "end": "12:30"}, {"start": "12:00", "end": "18:00"}],
                    "funday": [{"start": "09:00", "end": "18:00"}],
                    "wed": [{"start": "25:00", "end": "26:00"}],
                },
                "holidays": ["2025-10-32", "2025-12-25"],
                "extra_workdays": ["2025-12-25"],
            }
        )
    reasons = refused.value.reasons
    assert "unknown time zone 'Mars/Olympus'" in reasons
    assert "mon: 18:00-09:00 ends before it starts" in reasons
    assert "tue: 09:00-12:30 and 12:00-18:00 overlap" in reasons
    assert any("unknown weekday 'funday'" in r for r in reasons)
    assert any("'25:00'" in r for r in reasons)
    assert any("'2025-10-32' is not a date" in r for r in reasons)
    assert "dates both holiday and extra working day: 2025-12-25" in reasons
    assert isinstance(refused.value, ValueError) and isinstance(refused.value, InvalidInput)


def test_a_calendar_needs_some_working_time():
    with pytest.raises(InvalidCalendar) as refused:
        BusinessCalendar(hours={})
    assert refused.value.reasons == [
        "no working hours on any weekday (use a 24x7 calendar for round-the-clock service)"
    ]
    BusinessCalendar.always()  # 24x7 needs none


def test_a_year_of_custom_holidays_does_not_loop_forever():
    calendar = BusinessCalendar.office(
        statutory=False,
    )
    blocked = BusinessCalendar(
        hours=calendar.hours,
        statutory=False,
        holidays=frozenset(date(2025, 1, 1) + timedelta(days=i) for i in range(1200)),
    )
    with pytest.raises(ValueError, match="no working time"):
        blocked.add_business_time(at("2025-01-01"), H)
