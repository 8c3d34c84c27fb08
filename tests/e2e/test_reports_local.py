"""Reports on the local stack with the dev clock: tickets created on one day with known outcomes give exactly those
numbers in that day's report (JSON, CSV, Excel); the nightly mail reaches the supervisor once as the clock passes
01:00; the survey link from the mail works without signing in; a low score tells the supervisor once."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, timedelta

from openpyxl import load_workbook

from infra.local.process import LocalStackProcess, wait_for

LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"


def _minutes_to_next(now: datetime, hour: int, minute: int = 0) -> int:
    """Minutes from `now` (tenant time) to the next hour:minute, at least one."""
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return max(1, int((target - now).total_seconds() // 60) + 1)


def test_a_day_on_the_local_stack(stack: LocalStackProcess):
    lead = stack.login(LEAD)
    now = datetime.fromisoformat(stack.advance_clock(lead, 0).json()["now"])
    now = datetime.fromisoformat(stack.advance_clock(lead, _minutes_to_next(now, 2)).json()["now"])  # a fresh day
    lead, agent = stack.login(LEAD), stack.login(AGENT)  # tokens expire by the dev clock: sign in again
    day = now.date().isoformat()
    category = f"报表-{uuid.uuid4().hex[:6]}"
    customers = [f"r{i}.{uuid.uuid4().hex[:6]}@example.com" for i in range(3)]
    tickets = []
    for customer in customers:
        body = {
            "subject": "报表测试",
            "description": "d",
            "priority": "P1",
            "channel": "phone",
            "team": "tech",
            "category": category,
            "requester": {"email": customer, "name": "客户"},
        }
        tickets.append(stack.post(lead, "/api/tickets", json=body).json())
    for t in tickets[:2]:
        assert lead.patch(f"{stack.url}/api/tickets/{t['id']}", json={"assignee": AGENT}, timeout=10).ok
    stack.advance_clock(lead, 5)
    assert stack.post(agent, f"/api/tickets/{tickets[0]['id']}/messages", json={"body": "马上处理"}).ok  # in target
    stack.advance_clock(lead, 20)
    assert stack.post(agent, f"/api/tickets/{tickets[1]['id']}/messages", json={"body": "抱歉久等"}).ok  # missed
    assert agent.patch(f"{stack.url}/api/tickets/{tickets[0]['id']}", json={"status": "resolved"}, timeout=10).ok
    stack.advance_clock(lead, 5 * 60)
    late = {"status": "resolved", "breach_reason": "complex_process"}
    assert agent.patch(f"{stack.url}/api/tickets/{tickets[1]['id']}", json=late, timeout=10).ok

    # The resolution notice's survey link, answered without signing in; the portal rating by the other requester.
    def survey_link() -> str | None:
        mails = stack.get(lead, "/api/dev/outbox").json()["items"]
        mine = [m for m in mails if customers[0] in " ".join(m["to"]) and "已解决" in m["subject"]]
        found = re.findall(r"/survey/([A-Za-z0-9_-]+)\?score=5", mail_text(mine[-1]["raw"])) if mine else []
        return found[0] if found else None

    token = wait_for(survey_link, timeout=20)
    assert token
    answered = stack.post(requests_session(), f"/api/surveys/{token}", json={"score": 5, "comment": "很好"})
    assert answered.status_code == 200
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert requests_session().get(f"{stack.url}/api/surveys/{forged}", timeout=10).status_code == 404
    customer = stack.login(customers[1])
    rated = stack.post(customer, f"/api/tickets/{tickets[1]['id']}/satisfaction", json={"score": 1, "comment": "太慢"})
    assert rated.status_code == 200 and rated.json()["satisfaction"]["score"] == 1

    def low_rating_notices() -> list:
        # Every page: the clock moves on below, and the sweep's alerts about earlier tests' tickets come after it.
        items, cursor = [], None
        while True:
            query = "?limit=100" + (f"&cursor={cursor}" if cursor else "")
            page = stack.get(lead, f"/api/notifications{query}").json()
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        return [n for n in items if n["type"] == "satisfaction.low" and n["ticket_id"] == tickets[1]["id"]]

    assert len(wait_for(low_rating_notices, timeout=20)) == 1

    # Past 01:00 the next day: the nightly report runs for `day` and mails the supervisor once.
    now = datetime.fromisoformat(stack.advance_clock(lead, 0).json()["now"])
    stack.advance_clock(lead, _minutes_to_next(now, 1, 5))
    lead = stack.login(LEAD)  # a new token: the old one expired with the jump
    subject = f"客服日报 {day}"

    def nightly() -> list:
        answer = stack.get(lead, "/api/dev/outbox")
        assert answer.status_code == 200, answer.text
        return [m for m in answer.json()["items"] if m["subject"] == subject]

    assert len(wait_for(nightly, timeout=20)) == 1
    assert any(LEAD in to for to in nightly()[0]["to"])
    stack.advance_clock(lead, 30)  # more schedule runs: still one mail
    assert len(nightly()) == 1
    assert low_rating_notices() and len(low_rating_notices()) == 1

    report = stack.get(lead, f"/api/reports/day?date={day}").json()
    row = next(r for r in report["by_category"] if r["key"] == category)
    assert (row["created"], row["resolved"], row["reopened"]) == (3, 2, 0)
    assert (row["first_response"]["count"], row["first_response"]["met"]) == (2, 1)
    assert (row["resolution"]["count"], row["resolution"]["met"]) == (2, 1)
    assert row["satisfaction"] == {"responses": 2, "mean": 3.0, "satisfied_rate": 0.5}
    assert report["totals"]["created"] >= 3
    assert next(r for r in report["breach_reasons"] if r["reason"] == "complex_process")["count"] >= 1
    text = stack.get(lead, f"/api/reports/day?date={day}&format=csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert [category, "3", "2", "0", "2", "1"] == next(r for r in lines if r and r[0] == category)[:6]
    book = load_workbook(io.BytesIO(stack.get(lead, f"/api/reports/day?date={day}&format=xlsx").content))
    sheet_rows = list(book["分类 Category"].iter_rows(values_only=True))
    assert next(r for r in sheet_rows if r[0] == category)[:6] == (category, 3, 2, 0, 2, 1)
    week = stack.get(lead, f"/api/reports/week?date={day}").json()
    month = stack.get(lead, f"/api/reports/month?date={day}").json()
    for period in (week, month):
        assert next(r for r in period["by_category"] if r["key"] == category)["created"] == 3
        assert sum(d["created"] for d in period["daily"]) == period["totals"]["created"]


def requests_session():
    import requests

    return requests.Session()


def mail_text(raw: str) -> str:
    """The decoded plain-text body of a raw message from the outbox."""
    import email
    import email.policy

    message = email.message_from_string(raw, policy=email.policy.default)
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
