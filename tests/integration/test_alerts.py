"""Alerts that reach people who are not looking: SLA mail batched into one digest per person per sweep, and a breach
left unhandled going up a level to the admins, each told once however often the stream or the schedule repeats."""

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

CUSTOMER = "digest.customer@example.com"


def _open(api: Any, subject: str) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))
    response = api.call("POST", "/api/tickets", CUSTOMER, {"subject": subject, "description": "d"})
    assert response.status_code == 201, response.body
    return response.json_body


def _digests_to(env: Any, address: str) -> list[email.message.EmailMessage]:
    mails = [
        email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
        for item in env.outbox.items()
        if address in item["to"]
    ]
    return [m for m in mails if str(m["Message-ID"]).startswith("<digest-")]


def _notices(api: Any, who: str, kind: str) -> list[str]:
    items = api.call("GET", "/api/notifications", who).json_body["items"]
    return sorted(n["ticket_number"] for n in items if n["type"] == kind)


def test_many_breaches_make_one_digest_per_person_and_an_unhandled_breach_goes_up_a_level(api, env):
    put_rules(api, route_all_to("tech"))
    assert api.call("PUT", f"/api/agents/{LEAD}/availability", LEAD, {"availability": "offline"}).status_code == 200
    tickets = [_open(api, f"无法登录 {n}") for n in range(4)]
    drain(assignment_pump(env))

    # Past every first-response target (8 business hours from Monday 10:00): four breaches in one sweep.
    env.clock.advance(timedelta(hours=24))
    sweep()
    drain(assignment_pump(env))  # the supervisor's breach alerts: in-app, and for the digest
    drain(assignment_pump(env))  # the whole stream again: nothing twice
    numbers = sorted(t["number"] for t in tickets)
    assert _notices(api, LEAD, "sla.breach") == numbers
    assert _digests_to(env, LEAD) == []  # nothing mailed per alert

    sweep()  # the next run sends what waits
    sweep()  # and a repeated run sends nothing more
    (digest,) = _digests_to(env, LEAD)
    text = digest.get_body(("plain",)).get_content()
    assert all(number in text for number in numbers) and "SLA 已超时" in text

    # An hour on, the breaches nobody handled go up a level: the admins hear once, in-app and in their digest.
    env.clock.advance(timedelta(minutes=61))
    sweep()
    sweep()
    drain(notification_pump(env))
    drain(notification_pump(env))
    assert _notices(api, ADMIN, "sla.escalated_second_level") == numbers
    sweep()
    (admin_digest,) = _digests_to(env, ADMIN)
    assert all(number in admin_digest.get_body(("plain",)).get_content() for number in numbers)
    events = api.call("GET", f"/api/tickets/{tickets[0]['id']}/events", LEAD).json_body["items"]
    assert [e["type"] for e in events].count("sla.escalated_second_level") == 1


def test_someone_who_chose_in_app_only_gets_no_digest(api, env):
    put_rules(api, route_all_to("tech"))
    api.call("PUT", f"/api/agents/{LEAD}/availability", LEAD, {"availability": "offline"})
    assert api.call("PUT", "/api/me/notification-settings", LEAD, {"sla.breach": "in_app"}).status_code == 200
    ticket = _open(api, "打印机坏了")
    drain(assignment_pump(env))
    env.clock.advance(timedelta(hours=24))
    sweep()
    drain(assignment_pump(env))
    sweep()
    assert _notices(api, LEAD, "sla.breach") == [ticket["number"]]
    assert _digests_to(env, LEAD) == []
