"""Automations run by the sweep over moto, with the dev clock: closing resolved tickets, reminding and resolving
waiting ones, each exactly once; the admin route's versions and bad input."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from typing import Any

from tests.integration.routing_helpers import (
    ADMIN,
    LEAD,
    assignment_pump,
    drain,
    notification_pump,
    put_rules,
    route_all_to,
    sweep,
)

CUSTOMER = "auto.customer@example.com"
AGENT = "wangfang@demo.local"


def _open(api: Any, subject: str = "打印机无法连接", **fields: Any) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))
    body = {"subject": subject, "description": "d", **fields}
    response = api.call("POST", "/api/tickets", CUSTOMER, body)
    assert response.status_code == 201, response.body
    return response.json_body


def _get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body


def _patch(api: Any, ticket: dict[str, Any], who: str = AGENT, **changes: Any) -> dict[str, Any]:
    response = api.call("PATCH", f"/api/tickets/{ticket['id']}", who, changes)
    assert response.status_code == 200, response.body
    return response.json_body


def _events(api: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]


def _mails(env: Any, number: str) -> list[str]:
    subjects = []
    for item in env.outbox.items():
        mail = email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
        if number in str(mail["Subject"]):
            subjects.append(str(mail["Subject"]))
    return subjects


def test_the_seeded_automations_and_their_versions(api, env):
    response = api.call("GET", "/api/admin/automations", LEAD)
    assert response.status_code == 200 and response.headers["ETag"] == '"0"'
    items = response.json_body
    assert [a["id"] for a in items] == ["close-resolved", "remind-waiting", "resolve-waiting"]
    close = items[0]
    assert close["when"] == {"status": "resolved", "hours_since": "resolved_at", "hours": 72, "business_hours": False}
    assert close["actions"] == [
        {"type": "set_status", "value": "closed"},
        {"type": "send_mail", "value": "closing_notice"},
    ]
    assert api.call("GET", "/api/admin/automations", AGENT).status_code == 403
    assert api.call("PUT", "/api/admin/automations", LEAD, items).status_code == 403

    # Edited and saved: a new item gets an id; a stale If-Match is 412; bad items are every reason at once.
    items[1]["when"]["hours"] = 24
    new = {
        "name": "P1 工单待响应 4 个工作小时提醒",
        "when": {
            "status": "waiting_customer",
            "hours_since": "waiting_since",
            "hours": 4,
            "business_hours": True,
            "conditions": [{"field": "priority", "operator": "equals", "value": "P1"}],
        },
        "actions": [{"type": "escalate", "value": "客户迟迟未回复"}],
    }
    saved = api.call("PUT", "/api/admin/automations", ADMIN, [*items, new], headers={"If-Match": '"0"'})
    assert saved.status_code == 200, saved.body
    assert saved.headers["ETag"] == '"1"'
    assert saved.json_body[1]["when"]["hours"] == 24 and saved.json_body[3]["id"]
    stale = api.call("PUT", "/api/admin/automations", ADMIN, items, headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    bad = [
        {"name": "x", "when": {"status": "closed", "hours_since": "soon", "hours": 0}, "actions": []},
        {
            "name": "y",
            "when": {"status": "resolved", "hours_since": "waiting_since", "hours": 1},
            "actions": [{"type": "set_status", "value": "in_progress"}, {"type": "send_mail", "value": "spam"}],
        },
    ]
    refused = api.call("PUT", "/api/admin/automations", ADMIN, bad)
    assert refused.status_code == 400
    assert refused.json_body["error"]["code"] == "invalid_automations"
    reasons = " | ".join(refused.json_body["error"]["reasons"])
    for part in (
        "when.hours_since must be one of",
        "when.hours must be",
        "actions must be a non-empty list",
        "waiting_since counts only",
        "send_mail takes one of",
    ):
        assert part in reasons, part
    assert api.call("PUT", "/api/admin/automations", ADMIN, {"not": "a list"}).status_code == 400


def test_a_resolved_ticket_closes_after_72_hours_exactly_once(api, env):
    put_rules(api, route_all_to("tech"))
    pumps = (assignment_pump(env), notification_pump(env))
    ticket = _open(api)
    drain(*pumps)
    resolved = _patch(api, ticket, status="resolved")
    assert resolved["next_automation"]["id"] == "close-resolved"
    assert (
        resolved["next_automation"]["at"]
        == (env.clock.now() + timedelta(hours=72))
        .astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
        .isoformat()
    )
    drain(*pumps)

    env.clock.advance(timedelta(hours=71, minutes=59))
    sweep()
    assert _get(api, ticket)["status"] == "resolved"
    env.clock.advance(timedelta(minutes=2))
    first = sweep()
    second = sweep()  # the schedule fired twice
    assert first["acted"] == 1 and second["acted"] == 0
    drain(*pumps)
    drain(notification_pump(env))  # and the stream delivered again
    closed = _get(api, ticket)
    assert closed["status"] == "closed" and closed["next_automation"] is None
    by_automation = [e for e in _events(api, ticket) if e["actor"]["email"] == "automation@system"]
    assert len(by_automation) == 1
    assert by_automation[0]["actor"]["name"] == "已解决 72 小时后结案"
    assert {"field": "status", "old": "resolved", "new": "closed"} in by_automation[0]["changes"]
    assert _mails(env, ticket["number"]).count(f"[{ticket['number']}] 您的工单已结案：打印机无法连接") == 1

    # Late, days later: nothing more happens.
    env.clock.advance(timedelta(days=3))
    assert sweep()["acted"] == 0


def test_a_waiting_ticket_is_reminded_then_resolved_and_a_reply_stops_both(api, env):
    put_rules(api, route_all_to("tech"))
    pumps = (assignment_pump(env), notification_pump(env))
    quiet, answered = _open(api, "等待客户一"), _open(api, "等待客户二")
    drain(*pumps)
    for ticket in (quiet, answered):
        waiting = _patch(api, ticket, status="waiting_customer")
        assert waiting["next_automation"]["id"] == "remind-waiting"
    drain(*pumps)

    env.clock.advance(timedelta(hours=48, minutes=1))
    assert sweep()["acted"] >= 2  # the two reminders (and the assignee's missed acknowledgments)
    assert sweep()["acted"] == 0
    drain(*pumps)
    reminder = "我们在等待您的回复"
    assert sum(reminder in s for s in _mails(env, quiet["number"])) == 1
    assert sum(reminder in s for s in _mails(env, answered["number"])) == 1
    assert _get(api, quiet)["next_automation"]["id"] == "resolve-waiting"

    # One customer answers: the ticket is back in front of the team, and neither automation acts on it any more.
    reply = api.call("POST", f"/api/tickets/{answered['id']}/messages", CUSTOMER, {"body": "已补充截图"})
    assert reply.status_code == 201
    assert _get(api, answered)["status"] == "in_progress" and _get(api, answered)["next_automation"] is None

    env.clock.advance(timedelta(days=5))  # 7 days and a minute after waiting began
    sweep()
    drain(*pumps)
    assert _get(api, quiet)["status"] == "resolved"
    assert _get(api, answered)["status"] == "in_progress"
    quiet_mails = _mails(env, quiet["number"])
    assert sum("已自动标记为已解决" in s for s in quiet_mails) == 1
    assert not any("您的工单已解决" in s for s in quiet_mails)  # the automation's notice replaces the usual one
    assert sum(reminder in s for s in _mails(env, answered["number"])) == 1
    # The resolved ticket's own timer starts: it closes 72 hours later.
    assert _get(api, quiet)["next_automation"]["id"] == "close-resolved"


def test_business_hours_count_in_the_calendar(api, env):
    put_rules(api, route_all_to("tech"))
    items = api.call("GET", "/api/admin/automations", LEAD).json_body
    items[1]["when"] = {
        "status": "waiting_customer",
        "hours_since": "waiting_since",
        "hours": 9,
        "business_hours": True,
    }
    assert api.call("PUT", "/api/admin/automations", ADMIN, items).status_code == 200
    ticket = _open(api)  # Monday 10:00 in Shanghai
    waiting = _patch(api, ticket, status="waiting_customer")
    # 9 working hours from Monday 10:00 in 09:00-18:00: Tuesday 10:00.
    assert waiting["next_automation"]["at"].startswith("2026-11-24T10:00:0")
