"""Triggers, automations and the closing review on the local stack as `make run` starts it, with the dev clock.

The clock moves days here, so these tests run on a stack of their own: the shared one keeps the hours-long clock the
other end-to-end tests expect.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from infra.local.process import LocalStackProcess, wait_for

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"
HOUR = 60


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    process = LocalStackProcess(tmp_path_factory.mktemp("automations") / "state")
    process.start()
    yield process
    process.stop()


def _customer(stack: LocalStackProcess) -> tuple[str, requests.Session]:
    email = f"auto.{uuid.uuid4().hex[:8]}@example.com"
    return email, stack.login(email)


def _open(stack: LocalStackProcess, who: requests.Session, subject: str, **fields: Any) -> dict[str, Any]:
    response = stack.post(who, "/api/tickets", json={"subject": subject, "description": "d", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def _ticket(stack: LocalStackProcess, ticket: dict[str, Any]) -> dict[str, Any]:
    return stack.get(stack.login(LEAD), f"/api/tickets/{ticket['id']}").json()


def _patch(stack: LocalStackProcess, ticket: dict[str, Any], **changes: Any) -> dict[str, Any]:
    lead = stack.login(LEAD)
    response = lead.patch(f"{stack.url}/api/tickets/{ticket['id']}", json=changes, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _events(stack: LocalStackProcess, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return stack.get(stack.login(LEAD), f"/api/tickets/{ticket['id']}/events?limit=200").json()["items"]


def _mails(stack: LocalStackProcess, ticket: dict[str, Any], words: str) -> list[dict[str, Any]]:
    items = stack.get(stack.login(LEAD), "/api/dev/outbox").json()["items"]
    return [m for m in items if ticket["number"] in m["subject"] and words in m["subject"]]


def _advance(stack: LocalStackProcess, minutes: int) -> None:
    """The dev clock on (signed in afresh: a token from before a jump of days has expired by the product's clock)."""
    assert stack.advance_clock(stack.login(LEAD), minutes).status_code == 200


def _settled(stack: LocalStackProcess) -> None:
    """Let the stream deliver what the last write made (the pump runs every 0.2 s)."""
    _advance(stack, 0)
    time.sleep(1)


def test_a_resolved_ticket_closes_after_72_hours_exactly_once(days: LocalStackProcess):
    _, customer = _customer(days)
    ticket = _open(days, customer, "发票已开具，请查收")
    resolved = _patch(days, ticket, status="resolved")
    assert resolved["next_automation"]["id"] == "close-resolved"
    _advance(days, 71 * HOUR)
    assert _ticket(days, ticket)["status"] == "resolved"
    _advance(days, HOUR + 1)
    closed = wait_for(lambda: (t := _ticket(days, ticket))["status"] == "closed" and t, timeout=10)
    assert closed and closed["next_automation"] is None
    _advance(days, 10)  # the sweep runs again, and again later
    _advance(days, 3 * 24 * HOUR)
    _settled(days)
    by_automation = [e for e in _events(days, ticket) if e["actor"]["email"] == "automation@system"]
    assert len(by_automation) == 1
    assert by_automation[0]["actor"]["name"] == "已解决 72 小时后结案"
    assert {"field": "status", "old": "resolved", "new": "closed"} in by_automation[0]["changes"]
    assert len(wait_for(lambda: _mails(days, ticket, "已结案"), timeout=5)) == 1
    time.sleep(1)
    assert len(_mails(days, ticket, "已结案")) == 1


def test_a_waiting_ticket_is_reminded_at_48_hours_and_resolved_at_7_days_a_reply_stops_both(days: LocalStackProcess):
    _, quiet_customer = _customer(days)
    answering, answering_customer = _customer(days)
    quiet = _open(days, quiet_customer, "打印机驱动安装失败")
    answered = _open(days, answering_customer, "VPN 偶尔断开")
    for ticket in (quiet, answered):
        assert _patch(days, ticket, status="waiting_customer")["next_automation"]["id"] == "remind-waiting"

    _advance(days, 48 * HOUR + 1)
    reminder = "我们在等待您的回复"
    for ticket in (quiet, answered):
        assert len(wait_for(lambda t=ticket: _mails(days, t, reminder), timeout=10)) == 1
    # One customer answers in the portal: the ticket is back in front of the team, neither automation acts on it.
    answering_customer = days.login(answering)  # signed in again: two days passed
    reply = days.post(answering_customer, f"/api/tickets/{answered['id']}/messages", json={"body": "已重装，还是断"})
    assert reply.status_code == 201
    assert _ticket(days, answered)["next_automation"] is None

    _advance(days, 24 * HOUR)  # the sweep runs again: still one reminder each
    _advance(days, 4 * 24 * HOUR)  # 7 days and a minute after waiting began
    resolved = wait_for(lambda: (t := _ticket(days, quiet))["status"] == "resolved" and t, timeout=10)
    assert resolved and resolved["next_automation"]["id"] == "close-resolved"
    assert _ticket(days, answered)["status"] in ("new", "in_progress")
    _settled(days)
    assert len(_mails(days, quiet, reminder)) == 1 and len(_mails(days, answered, reminder)) == 1
    assert len(_mails(days, quiet, "已自动标记为已解决")) == 1
    assert _mails(days, answered, "已自动标记为已解决") == []
    actors = [e["actor"]["name"] for e in _events(days, quiet) if e["actor"]["email"] == "automation@system"]
    assert actors == ["待响应 48 小时提醒客户", "待响应 7 天自动解决"]


def test_an_updated_trigger_acts_within_seconds_once_and_does_not_loop(days: LocalStackProcess):
    admin = days.login(ADMIN)
    saved = days.get(admin, "/api/admin/rules").json()
    trigger = {
        "name": "升为紧急时加急并通知主管",
        "position": 10,
        "event": "updated",
        "conditions": [{"field": "priority", "operator": "changed_to", "value": "P1"}],
        "actions": [{"type": "add_tags", "value": ["加急"]}, {"type": "escalate", "value": "工单升为紧急"}],
    }
    put = admin.put(f"{days.url}/api/admin/rules", json={"rules": [*saved["rules"], trigger]}, timeout=10)
    assert put.status_code == 200, put.text
    try:
        _, customer = _customer(days)
        ticket = _open(days, customer, "报表导出很慢")
        assert wait_for(lambda: _ticket(days, ticket)["team"], timeout=5)  # routed: its team's supervisor hears
        started = time.monotonic()
        _patch(days, ticket, priority="P1")
        tagged = wait_for(lambda: "加急" in _ticket(days, ticket)["tags"], timeout=5)
        assert tagged, "the trigger did not act within 5 s"
        assert time.monotonic() - started < 5
        time.sleep(2)  # whatever a loop would write, it would have by now
        fired = [e for e in _events(days, ticket) if e["actor"]["email"] == "trigger@system"]
        assert len(fired) == 1 and fired[0]["actor"]["name"] == trigger["name"]
        assert _ticket(days, ticket)["tags"].count("加急") == 1
        lead = days.login(LEAD)
        alerts = [
            n
            for n in days.get(lead, "/api/notifications?limit=100").json()["items"]
            if n["ticket_number"] == ticket["number"] and n["type"] == "ticket.escalated"
        ]
        assert len(alerts) == 1
        # A later edit of the same ticket that is not a change to P1 fires nothing.
        _patch(days, ticket, tags=["加急", "vip"])
        time.sleep(1.5)
        assert len([e for e in _events(days, ticket) if e["actor"]["email"] == "trigger@system"]) == 1
    finally:
        admin.put(f"{days.url}/api/admin/rules", json={"rules": saved["rules"]}, timeout=10)


def test_a_ticket_needing_review_is_not_closed_by_the_automation_and_closes_on_approval(days: LocalStackProcess):
    admin = days.login(ADMIN)
    policy = admin.put(
        f"{days.url}/api/admin/review-policy", json={"categories": ["refund"], "priorities": []}, timeout=10
    )
    assert policy.status_code == 200, policy.text
    _, customer = _customer(days)
    ticket = _open(days, customer, "退款申请", category="refund")
    _patch(days, ticket, status="resolved")
    _advance(days, 72 * HOUR + 1)
    held = wait_for(lambda: (t := _ticket(days, ticket))["review"] and t, timeout=10)
    assert held and held["status"] == "resolved" and held["review"]["state"] == "pending"
    assert held["review"]["requested_by"] == "已解决 72 小时后结案"
    _advance(days, 5 * 24 * HOUR)  # automations never close it
    assert _ticket(days, ticket)["status"] == "resolved"
    lead = days.login(LEAD)
    listed = days.get(lead, "/api/tickets?view=review").json()["items"]
    assert ticket["id"] in [t["id"] for t in listed]
    assert _mails(days, ticket, "已结案") == []

    approved = days.post(lead, f"/api/tickets/{ticket['id']}/review", json={"approve": True, "comment": "核对无误"})
    assert approved.status_code == 200 and approved.json()["status"] == "closed"
    assert ticket["id"] not in [t["id"] for t in days.get(lead, "/api/tickets?view=review").json()["items"]]
