"""Reports, surveys and the forecast without DynamoDB: the facts an event adds, counting an event once, the report
arithmetic, the histogram's error, the survey token, masking, the forecast against seasonal-naive, Erlang C."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

from shared.domain.access import Principal
from shared.domain.reports.facts import BUCKETS, RATIO, bucket_middle, bucket_of
from shared.domain.reports.forecast import (
    agents_needed,
    erlang_c,
    forecast,
    mape,
    seasonal_naive,
    service_level,
)
from shared.domain.reports.report import build_report, masked_customers, span_of
from shared.domain.reports.surveys import make_survey_token, ticket_id_from_survey_token
from shared.errors import InvalidInput
from shared.services.report_facts import ReportFactsService
from shared.services.reports import ReportService
from shared.services.surveys import SurveyService
from tests.unit.test_services import AGENT, CUSTOMER, MONDAY, World

LEAD_P = Principal.of("lead@demo.local", "陈主管", "supervisor")


@pytest.fixture
def world() -> World:
    return World()


def _facts(world: World) -> ReportFactsService:
    return ReportFactsService(world.desk.reports, world.desk.writer, world.clock, "Asia/Shanghai")


def _count_all(world: World, facts: ReportFactsService, times: int = 1) -> None:
    for _ in range(times):
        for events in world.desk.store.events.values():
            for event in events:
                facts.record(event)


def test_every_event_counts_once_even_when_delivered_twice(world: World) -> None:
    facts = _facts(world)
    ticket_id = world.open()
    world.tickets.update(AGENT, ticket_id, {"assignee": AGENT.email}, None)
    world.clock.advance(timedelta(minutes=30))
    world.tickets.post_message(AGENT, ticket_id, "您好", internal=False)
    world.tickets.update(AGENT, ticket_id, {"status": "resolved"}, None)
    _count_all(world, facts, times=2)
    reports = ReportService(world.desk.reports, world.sla, world.clock, "Asia/Shanghai")
    day = reports.report(LEAD_P, "day", MONDAY.date())
    assert day["totals"]["created"] == 1 and day["totals"]["resolved"] == 1
    assert day["totals"]["first_response"]["count"] == 1 and day["totals"]["first_response"]["mean_minutes"] == 30.0
    # created before it had an agent: counted under the first agent it got, not under "none"
    assert [(r["key"], r["created"]) for r in day["by_agent"]] == [(AGENT.email, 1)]


def test_a_replaced_answer_is_taken_back_on_its_own_day(world: World) -> None:
    facts = _facts(world)
    ticket_id = world.open()
    world.tickets.update(AGENT, ticket_id, {"status": "resolved"}, None)
    surveys = SurveyService(world.desk.tickets, world.desk.writer, world.sla, world.clock, "s3cret", world.tickets)
    surveys.rate(CUSTOMER, ticket_id, 2, "慢")
    world.clock.advance(timedelta(days=1))
    surveys.rate(CUSTOMER, ticket_id, 5, None)  # the comment stays
    assert world.desk.tickets.get(ticket_id).satisfaction.comment == "慢"  # type: ignore[union-attr]
    _count_all(world, facts)
    reports = ReportService(world.desk.reports, world.sla, world.clock, "Asia/Shanghai")
    week = reports.report(LEAD_P, "week", MONDAY.date())
    assert week["totals"]["satisfaction"] == {"responses": 1, "mean": 5.0, "satisfied_rate": 1.0}
    assert [a["score"] for a in week["answers"]] == [5]


def test_only_staff_with_reports_read_them(world: World) -> None:
    reports = ReportService(world.desk.reports, world.sla, world.clock, "Asia/Shanghai")
    for who in (AGENT, CUSTOMER):
        with pytest.raises(Exception) as denied:
            reports.report(who, "day", None)
        assert getattr(denied.value, "code", "") == "forbidden"


def test_periods_are_the_day_the_iso_week_and_the_month():
    assert (span_of("week", date(2026, 12, 6)).start, span_of("week", date(2026, 12, 6)).end) == (
        date(2026, 11, 30),
        date(2026, 12, 6),
    )
    assert span_of("month", date(2024, 2, 10)).end == date(2024, 2, 29)
    with pytest.raises(InvalidInput):
        span_of("year", date(2026, 1, 1))


def test_met_rate_is_null_without_a_count():
    report = build_report(span_of("day", date(2026, 1, 1)), [], "Asia/Shanghai", MONDAY)
    assert report["totals"]["first_response"]["met_rate"] is None
    assert report["totals"]["satisfaction"]["satisfied_rate"] is None


@pytest.mark.parametrize("minutes", [0.2, 1, 3, 17, 60, 479, 2880, 40000])
def test_a_bucket_stands_for_its_values_within_the_stated_error(minutes: float) -> None:
    middle = bucket_middle(bucket_of(minutes))
    if minutes > 1:
        assert abs(middle - minutes) / minutes <= math.sqrt(RATIO) - 1 + 1e-9
    assert bucket_of(minutes) < BUCKETS


def test_survey_tokens_name_one_ticket_and_cannot_be_forged():
    ticket = "0123456789abcdef0123456789abcdef"
    token = make_survey_token(ticket, "secret")
    assert ticket_id_from_survey_token(token, "secret") == ticket
    assert ticket_id_from_survey_token(token, "other") is None
    assert ticket_id_from_survey_token(token[:-1] + ("A" if token[-1] != "A" else "B"), "secret") is None
    assert ticket_id_from_survey_token("../../etc", "secret") is None


def test_customers_are_masked_stably():
    labels = masked_customers(["a@x.com", "b@x.com", "a@x.com"])
    first, second = labels.values()
    assert first.startswith("客户A-") and second.startswith("客户B-")
    assert "x.com" not in "".join(labels.values())


def _synthetic(weeks: int, seed: int = 7) -> list[tuple[date, float]]:
    rng = random.Random(seed)
    weekly = [1.25, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5]
    start = date(2026, 1, 5)
    return [
        (start + timedelta(days=i), max(0.0, (80 + 0.4 * i) * weekly[i % 7] * (1 + rng.gauss(0, 0.08))))
        for i in range(weeks * 7)
    ]


def test_the_forecast_beats_seasonal_naive_on_a_weekly_pattern_with_trend():
    history = _synthetic(16)
    train, held = history[:-14], history[-14:]
    method, points = forecast(train, 14, train[-1][0])
    assert method == "weekly_trend"
    actual = [v for _, v in held]
    ours = mape(actual, [p.expected for p in points])
    naive = mape(actual, [p.expected for p in seasonal_naive(train, 14)])
    assert ours < naive
    inside = sum(p.low <= a <= p.high for p, a in zip(points, actual, strict=True))
    assert inside >= 11  # an approximate 95 % interval holds most of the held-out days


def test_little_history_falls_back_and_says_so():
    assert forecast(_synthetic(3)[:20], 7, date(2026, 1, 24))[0].startswith("seasonal_naive (fallback")
    assert forecast(_synthetic(1)[:5], 7, date(2026, 1, 9))[0].startswith("mean (fallback")
    assert forecast([], 3, date(2026, 1, 1))[0].startswith("none")


def test_erlang_c_matches_the_textbook_example():
    # 2 Erlangs offered to 3 agents: P(wait) = 4/9 (the classic worked example).
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-9)
    # 100 calls/h, 3 min each (5 Erlangs), 20 s target: 8 agents reach 80 %, 7 do not.
    assert service_level(8, 5.0, 3.0, 20 / 60) >= 0.8 > service_level(7, 5.0, 3.0, 20 / 60)
    assert agents_needed(100, 3.0, 20 / 60) == 8
    assert agents_needed(0, 3.0, 20 / 60) == 0
