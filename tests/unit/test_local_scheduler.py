"""Local mode's scheduler: template.yaml's schedules, run by the (dev) clock, once per elapsed interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.scheduler import Scheduler, next_run
from infra.local.stack import Schedule
from infra.template import load_template, resources_of_type

START = datetime(2026, 11, 23, 2, 0, 30, tzinfo=UTC)


def test_rates_and_crons():
    assert next_run("rate(1 minute)", START) == START + timedelta(minutes=1)
    assert next_run("rate(5 minutes)", START) == START + timedelta(minutes=5)
    assert next_run("rate(2 hours)", START) == START + timedelta(hours=2)
    assert next_run("cron(0 18 * * ? *)", START) == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert next_run("cron(15,45 * * * ? *)", START) == datetime(2026, 11, 23, 2, 15, tzinfo=UTC)
    for bad in ("rate(1 fortnight)", "cron(0 18 1 * ? *)", "every minute"):
        with pytest.raises(ValueError):
            next_run(bad, START)


def test_a_long_jump_runs_a_schedule_once_not_once_per_minute():
    calls: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        calls.append(event)

    scheduler = Scheduler([Schedule("SlaSweepFunction", "h", "rate(1 minute)")], START, loader=lambda _: handler)
    assert scheduler.run_due(START + timedelta(seconds=59)) == 0
    assert scheduler.run_due(START + timedelta(minutes=600)) == 1  # one sweep reads all that is due
    assert scheduler.run_due(START + timedelta(minutes=600, seconds=30)) == 0
    assert scheduler.run_due(START + timedelta(minutes=601)) == 1
    assert len(calls) == 2 and calls[0]["detail-type"] == "Scheduled Event" and calls[0]["source"] == "aws.events"
    assert calls[0]["time"] == "2026-11-23T12:00:30Z"


def test_a_failing_function_does_not_stop_the_others():
    ran: list[str] = []

    def failing(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("boom")

    def fine(event: dict[str, Any], context: Any) -> None:
        ran.append(context.function_name)

    handlers = {"bad": failing, "good": fine}
    schedules = [Schedule("Bad", "bad", "rate(1 minute)"), Schedule("Good", "good", "rate(1 minute)")]
    scheduler = Scheduler(schedules, START, loader=handlers.__getitem__)
    assert scheduler.run_due(START + timedelta(minutes=2)) == 2 and ran == ["Good"]


def test_the_sweep_is_scheduled_every_minute_in_the_template():
    functions = resources_of_type(load_template(), "AWS::Serverless::Function")
    events = functions["SlaSweepFunction"]["Properties"]["Events"]
    assert [e["Properties"]["Schedule"] for e in events.values() if e["Type"] == "Schedule"] == ["rate(1 minute)"]


def test_a_cron_in_the_tenants_time_zone_fires_at_its_local_hour():
    after = datetime(2026, 12, 5, 16, 30, tzinfo=UTC)  # 00:30 on the 6th in Shanghai
    assert next_run("cron(0 1 * * ? *)", after, "Asia/Shanghai") == datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    assert next_run("cron(0 1 * * ? *)", after) == datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
