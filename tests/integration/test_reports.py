"""Reports over moto: tickets with known outcomes on one day give exactly those numbers in that day's report (JSON,
CSV, Excel), the week and month add the days up, the facts count once when the stream delivers twice, the forecast
answers, and the nightly report is written and mailed once when its schedule fires twice."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from openpyxl import load_workbook

from functions.nightly_report.handler import lambda_handler as nightly_handler
from functions.notification.handler import lambda_handler as notification_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext
from tests.integration.routing_helpers import LEAD, stream_records

AGENT = "wangfang@demo.local"
OTHER_AGENT = "zhangwei@demo.local"
ADMIN = "admin@demo.local"


def _deliver_stream(env, times: int = 1) -> None:
    """Every record on the stream to the notification function (the report facts' consumer), `times` over."""
    records = stream_records(env)
    for _ in range(times):
        for start in range(0, len(records), 25):
            result = notification_handler(
                {"Records": records[start : start + 25]}, LambdaContext("NotificationFunction")
            )
            assert result == {"batchItemFailures": []}


def _ticket(api, customer: str, subject: str, category: str | None = None) -> dict:
    body = {
        "subject": subject,
        "description": "详情",
        "priority": "P1",
        "channel": "phone",
        "team": "tech",
        "requester": {"email": customer, "name": "周先生"},
    }
    if category:
        body["category"] = category
    return api.call("POST", "/api/tickets", LEAD, body).json_body


def _patch(api, ticket: dict, changes: dict, who: str = LEAD) -> dict:
    response = api.call("PATCH", f"/api/tickets/{ticket['id']}", who, changes)
    assert response.status_code == 200, response.json_body
    return response.json_body


def _reply(api, ticket: dict, who: str = AGENT) -> None:
    assert api.call("POST", f"/api/tickets/{ticket['id']}/messages", who, {"body": "您好"}).status_code == 201


def _token(env, ticket: dict) -> str:
    return env.container.survey_links(ticket["id"])[0]["url"].split("/survey/")[1].split("?")[0]


def _one_day(api, env) -> dict[str, dict]:
    """Monday 2026-11-23 from 10:00 Shanghai: four P1 phone tickets (15 min first response, 4 h resolution)."""
    clock = env.clock
    t1 = _ticket(api, "c1@example.com", "打印机卡纸")
    t2 = _ticket(api, "c2@example.com", "账单有误", category="账单")
    t3 = _ticket(api, "c3@example.com", "还没处理")
    t4 = _ticket(api, "c4@example.com", "会重开")
    for t in (t1, t2, t4):
        _patch(api, t, {"assignee": AGENT})
    clock.advance(timedelta(minutes=5))
    _reply(api, t1)  # first response within 15 min
    clock.advance(timedelta(minutes=15))
    _reply(api, t2, OTHER_AGENT)  # at 20 min: missed
    clock.advance(timedelta(minutes=10))
    _patch(api, t1, {"status": "resolved"}, AGENT)  # 30 min: met
    _patch(api, t4, {"status": "resolved"}, AGENT)  # resolved with no reply: a resolution, no first response
    reopened = api.call("POST", f"/api/tickets/{t4['id']}/messages", "c4@example.com", {"body": "还是不行"})
    assert reopened.status_code == 201
    survey = api.call("POST", f"/api/surveys/{_token(env, t1)}", None, {"score": 5})
    assert survey.status_code == 200 and survey.json_body["score"] == 5
    clock.advance(timedelta(hours=5))
    _patch(api, t2, {"status": "resolved", "breach_reason": "incomplete_info"}, AGENT)  # 5 h 20 min: missed
    rated = api.call("POST", f"/api/tickets/{t2['id']}/satisfaction", "c2@example.com", {"score": 2, "comment": "太慢"})
    assert rated.status_code == 200 and rated.json_body["satisfaction"]["score"] == 2
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


def test_a_days_tickets_give_exactly_their_numbers_counted_once(api, env):
    _one_day(api, env)
    _deliver_stream(env, times=2)  # the stream delivers every record twice: each counts once
    day = api.call("GET", "/api/reports/day?date=2026-11-23", LEAD).json_body
    totals = day["totals"]
    assert (day["period"], day["start"], day["end"], day["timezone"]) == (
        "day",
        "2026-11-23",
        "2026-11-23",
        "Asia/Shanghai",
    )
    assert (totals["created"], totals["resolved"], totals["reopened"]) == (4, 3, 1)
    assert totals["first_response"] == {
        "count": 2,
        "met": 1,
        "met_rate": 0.5,
        "mean_minutes": 12.5,
        "p90_minutes": totals["first_response"]["p90_minutes"],
    }
    assert 17 <= totals["first_response"]["p90_minutes"] <= 23  # 20 min, read from a bucket (within 11.8 %)
    assert totals["resolution"]["count"] == 3 and totals["resolution"]["met"] == 2
    assert totals["satisfaction"] == {"responses": 2, "mean": 3.5, "satisfied_rate": 0.5}
    reasons = {r["reason"]: r["count"] for r in day["breach_reasons"]}
    assert reasons == {"incomplete_info": 1, "complex_process": 0, "insufficient_resources": 0, "other": 0}
    assert day["daily"] == [{"date": "2026-11-23", "created": 4, "resolved": 3}]
    by_agent = {row["key"]: row for row in day["by_agent"]}
    assert by_agent[AGENT]["first_response"]["count"] == 1 and by_agent[OTHER_AGENT]["first_response"]["met"] == 0
    assert by_agent[AGENT]["resolution"]["count"] == 3
    assert by_agent[AGENT]["created"] == 3  # created before assignment: moved from "none" to their first agent
    assert {row["key"]: row["created"] for row in day["by_category"]} == {None: 3, "账单": 1}
    assert [(row["key"], row["created"]) for row in day["by_channel"]] == [("phone", 4)]
    assert [(row["key"], row["created"]) for row in day["by_team"]] == [("tech", 4)]
    customers = {a["customer"] for a in day["answers"]}
    assert len(customers) == 2 and all(c.startswith("客户") for c in customers)
    assert not any("example.com" in json.dumps(a) for a in day["answers"])


def test_csv_and_excel_carry_the_same_numbers_with_customers_masked(api, env):
    _one_day(api, env)
    _deliver_stream(env)
    response = api.call("GET", "/api/reports/day?date=2026-11-23&format=csv", LEAD)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    body = response.body
    assert body.startswith("\ufeff".encode())  # a BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    total = next(r for r in rows if r and r[0] == "合计 Total")
    assert total[1:5] == ["4", "3", "1", "2"]
    assert "周先生" not in body.decode("utf-8-sig") and "example.com" not in body.decode("utf-8-sig")
    xlsx = api.call("GET", "/api/reports/day?date=2026-11-23&format=xlsx", LEAD, headers={"Accept": "*/*"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.body))
    assert {"汇总 Totals", "渠道 Channel", "优先级 Priority", "团队 Team", "坐席 Agent", "分类 Category"} <= set(
        book.sheetnames
    )
    sheet = book["汇总 Totals"]
    assert [c.value for c in sheet[2]][:5] == ["合计 Total", 4, 3, 1, 2]
    answers = [row for row in book["满意度评价 Answers"].iter_rows(min_row=2, values_only=True)]
    assert len(answers) == 2 and all(str(a[1]).startswith("客户") for a in answers)


def test_week_and_month_add_the_days_up(api, env):
    _one_day(api, env)
    env.clock.advance(timedelta(days=1))  # Tuesday
    _ticket(api, "c5@example.com", "第二天")
    env.clock.advance(timedelta(days=6))  # Monday the 30th: another week, the same month
    _ticket(api, "c6@example.com", "下周")
    _deliver_stream(env)
    week = api.call("GET", "/api/reports/week?date=2026-11-25", LEAD).json_body
    assert (week["start"], week["end"]) == ("2026-11-23", "2026-11-29")
    assert week["totals"]["created"] == 5 and week["totals"]["resolved"] == 3
    assert [d["created"] for d in week["daily"]] == [4, 1, 0, 0, 0, 0, 0]
    month = api.call("GET", "/api/reports/month?date=2026-11-02", LEAD).json_body
    assert (month["start"], month["end"]) == ("2026-11-01", "2026-11-30")
    assert month["totals"]["created"] == 6
    assert sum(d["created"] for d in month["daily"]) == 6 and len(month["daily"]) == 30


def test_only_supervisors_and_admins_read_reports(api, env):
    assert api.call("GET", "/api/reports/day", LEAD).status_code == 200
    assert api.call("GET", "/api/reports/month", ADMIN).status_code == 200
    assert api.call("GET", "/api/reports/day", AGENT).status_code == 403
    assert api.call("GET", "/api/reports/day", "someone@example.com").status_code == 403
    assert api.call("GET", "/api/reports/forecast", AGENT).status_code == 403
    assert api.call("GET", "/api/reports/year", LEAD).status_code == 400
    assert api.call("GET", "/api/reports/day?date=2026-13-45", LEAD).status_code == 400
    assert api.call("GET", "/api/reports/day?format=pdf", LEAD).status_code == 400


def test_forecast_falls_back_with_little_history(api, env):
    _one_day(api, env)
    _deliver_stream(env)
    env.clock.advance(timedelta(days=1))
    body = api.call("GET", "/api/reports/forecast?days=7", LEAD).json_body
    assert body["history_days"] == 1 and body["method"].startswith("mean (fallback")
    assert len(body["days"]) == 7 and body["days"][0]["date"] == "2026-11-24"  # today on
    assert all(d["low"] <= d["expected"] <= d["high"] for d in body["days"])
    assert len(body["staffing"]) == 7 * 24
    busy = [s for s in body["staffing"] if s["expected"] > 0]
    assert busy and all(s["agents_needed"] >= 1 for s in busy)
    assert api.call("GET", "/api/reports/forecast?days=0", LEAD).status_code == 400


def test_the_nightly_report_is_written_and_mailed_once_when_fired_twice(api, env):
    _one_day(api, env)
    _deliver_stream(env)
    event = json.loads((ROOT / "events" / "nightly_report" / "scheduled.json").read_text())
    event["time"] = "2026-11-23T17:00:00Z"  # 01:00 on Tuesday the 24th in Shanghai: Monday's day report
    first = nightly_handler(event, LambdaContext("NightlyReportFunction"))
    second = nightly_handler(event, LambdaContext("NightlyReportFunction"))
    assert first["reports"] == second["reports"] == ["day:2026-11-23"]
    s3 = env.stack.client("s3")
    bucket = env.stack.names["ReportsBucket"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {f"reports/day/2026-11-23/report.{ext}" for ext in ("json", "csv", "html")}
    stored = json.loads(s3.get_object(Bucket=bucket, Key="reports/day/2026-11-23/report.json")["Body"].read())
    assert stored["totals"]["created"] == 4
    page = s3.get_object(Bucket=bucket, Key="reports/day/2026-11-23/report.html")["Body"].read().decode()
    assert "<svg" in page and "客服日报 2026-11-23" in page
    mails = [m for m in env.outbox.items() if m["subject"] == "客服日报 2026-11-23"]
    assert len(mails) == 1
    assert set(mails[0]["to"][0].replace(" ", "").split(",")) >= {LEAD, ADMIN}
    assert "/console/reports?period=day&date=2026-11-23" in mails[0]["raw"]


def test_mondays_run_adds_last_weeks_report_and_the_first_last_months():
    from datetime import date

    from shared.services.nightly_report import due_spans

    assert [(s.period.value, s.start.isoformat()) for s in due_spans(date(2026, 12, 7))] == [
        ("day", "2026-12-06"),
        ("week", "2026-11-30"),
    ]
    assert [(s.period.value, s.start.isoformat()) for s in due_spans(date(2026, 12, 1))] == [
        ("day", "2026-11-30"),
        ("month", "2026-11-01"),
    ]
