"""SLA on tickets, the sweep and escalation, and the admin routes' bad input, with the dev clock (FixedClock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.routing_helpers import (
    ADMIN,
    LEAD,
    assignment_pump,
    drain,
    inbox,
    put_rules,
    route_all_to,
    sweep,
)

CUSTOMER = "sla.customer@example.com"
AGENT = "wangfang@demo.local"


def _open(api: Any, subject: str = "无法登录", **fields: Any) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))  # created 10:00:01 Monday 2026-11-23, Shanghai
    response = api.call(
        "POST", "/api/tickets", fields.pop("who", CUSTOMER), {"subject": subject, "description": "d", **fields}
    )
    assert response.status_code == 201, response.body
    return response.json_body


def _get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body


def _types(api: Any, ticket: dict[str, Any]) -> list[str]:
    return [e["type"] for e in api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]]


def test_ack_timeout_warning_breach_and_escalation_each_notify_once(api, env):
    put_rules(api, route_all_to("tech"))
    policies = api.call("GET", "/api/admin/sla-policies", LEAD).json_body
    assert policies["escalation"] == {
        "ack_timeout_minutes": 10,
        "raise_priority_on_breach": False,
        "reassign_on_breach": False,
        "second_level_after_minutes": 60,
    }
    policies["escalation"]["raise_priority_on_breach"] = True
    saved = api.call("PUT", "/api/admin/sla-policies", ADMIN, {k: v for k, v in policies.items() if k != "version"})
    assert saved.status_code == 200, saved.body
    # The supervisor takes no tickets today: who is alerted for what stays distinct.
    assert api.call("PUT", f"/api/agents/{LEAD}/availability", LEAD, {"availability": "offline"}).status_code == 200
    pump = assignment_pump(env)
    ticket = _open(api)
    drain(pump)
    first = _get(api, ticket)["assignee"]
    assert first != LEAD
    assert first and _get(api, ticket)["acknowledge_due_at"] == "2026-11-23T10:10:01+08:00"

    # 确认接单 missed: at 10:11 the supervisor is alerted once and another agent gets the ticket.
    env.clock.advance(timedelta(minutes=11))
    sweep()
    assert sweep()["acted"] == 0  # the schedule fired twice: the second run finds nothing new
    drain(pump)
    drain(assignment_pump(env))  # and the whole stream delivered again
    assert [n for n in inbox(env, LEAD) if n[0] == "ticket.ack_timeout"] == [("ticket.ack_timeout", ticket["number"])]
    second = _get(api, ticket)["assignee"]
    assert second and second != first
    assert api.call("POST", f"/api/tickets/{ticket['id']}/acknowledge", second).status_code == 200

    # 75% of the 8 business hours for a first response: the assignee is warned, once.
    env.clock.advance(timedelta(hours=6) - timedelta(minutes=11) + timedelta(minutes=1))  # 16:01
    assert sweep()["acted"] == 1
    assert sweep()["acted"] == 0
    drain(pump)
    assert inbox(env, second).count(("sla.warning", ticket["number"])) == 1
    assert ("sla.warning", ticket["number"]) not in inbox(env, LEAD)
    assert _get(api, ticket)["sla"]["warned"] is True
    at_risk = api.call("GET", "/api/tickets?view=at_risk", LEAD).json_body["items"]
    assert [t["id"] for t in at_risk] == [ticket["id"]]

    # The 8 business hours end Tuesday 09:00:01 (Monday 10:00:01-18:00 is 7 h 59 min 59 s): a breach; the supervisor
    # is alerted once and (as configured) the priority goes up a step.
    env.clock.advance(timedelta(hours=17))
    sweep()
    sweep()
    drain(pump)
    drain(assignment_pump(env))
    assert [n for n in inbox(env, LEAD) if n[0] == "sla.breach"] == [("sla.breach", ticket["number"])]
    after = _get(api, ticket)
    assert after["priority"] == "P2" and after["sla"]["breached"] is True
    assert ("sla.breach", ticket["number"]) not in inbox(env, second)
    assert not [n for n in inbox(env, first) if n[0] in ("ticket.ack_timeout", "sla.warning", "sla.breach")]
    breached = api.call("GET", "/api/tickets?view=breached", LEAD).json_body["items"]
    assert [t["id"] for t in breached] == [ticket["id"]]
    assert api.call("GET", "/api/tickets?view=at_risk", LEAD).json_body["items"] == []
    assert api.call("GET", "/api/tickets?view=breached", AGENT).status_code == 403
    assert _types(api, ticket).count("sla.breach") == 1 and _types(api, ticket).count("sla.warning") == 1
    # A late sweep an hour on: nothing is due twice.
    env.clock.advance(timedelta(hours=1))
    sweep()
    drain(pump)
    assert [n for n in inbox(env, LEAD) if n[0] == "sla.breach"] == [("sla.breach", ticket["number"])]

    # Resolved: 达标 recorded per target, a reason for the breach, and the ticket leaves the breached view.
    path = f"/api/tickets/{ticket['id']}"
    resolved = api.call("PATCH", path, second, {"status": "resolved", "breach_reason": "complex_process"}).json_body
    assert resolved["sla"]["state"] == "stopped"
    assert resolved["sla"]["first_response_met"] is False and resolved["sla"]["breach_reason"] == "complex_process"
    assert api.call("GET", "/api/tickets?view=breached", LEAD).json_body["items"] == []
    assert api.call("PATCH", path, second, {"breach_reason": "lazy"}).status_code == 400


def test_pausing_and_resuming_give_the_right_due_times(api, env):
    ticket = _open(api)
    # P3: 8 business hours (Monday 10:00:01-18:00, then Tuesday from 09:00), 3 working days of 9 h.
    assert ticket["sla"]["first_response_due_at"] == "2026-11-24T09:00:01+08:00"
    assert ticket["sla"]["resolution_due_at"] == "2026-11-26T10:00:01+08:00"
    assert ticket["sla"]["state"] == "running" and ticket["sla"]["warned"] is False
    path = f"/api/tickets/{ticket['id']}"
    api.call("PATCH", path, AGENT, {"assignee": AGENT})
    env.clock.advance(timedelta(hours=2))  # 12:00:01: 2 business hours used
    waiting = api.call("PATCH", path, AGENT, {"status": "waiting_customer"}).json_body
    assert waiting["sla"]["state"] == "paused" and waiting["sla"]["paused"] is True
    assert waiting["sla"]["first_response_due_at"] is None and waiting["sla"]["resolution_due_at"] is None
    env.clock.advance(timedelta(hours=22))  # Tuesday 10:00:01: the customer answers
    api.call("POST", f"{path}/messages", CUSTOMER, {"body": "补充信息"})
    back = _get(api, ticket)
    assert back["status"] == "in_progress" and back["sla"]["state"] == "running"
    assert back["sla"]["first_response_due_at"] == "2026-11-24T16:00:01+08:00"  # 6 h left, counted on
    # 25 h left: Tue 10:00-18:00, Wed 09:00-18:00, Thu 09:00-17:00:01.
    assert back["sla"]["resolution_due_at"] == "2026-11-26T17:00:01+08:00"
    # Raised to P1 (24x7, 10 min online): recounted at once from creation, less the pause: already breached.
    raised = api.call("PATCH", path, AGENT, {"priority": "P1"}).json_body
    assert raised["sla"]["first_response_due_at"] == "2026-11-23T10:10:01+08:00"
    assert raised["sla"]["breached"] is True


def test_business_time_across_the_night_and_the_weekend(api, env):
    env.clock.advance(timedelta(days=4, hours=7))  # Friday 2026-11-27 17:00 in Shanghai
    ticket = _open(api, "周五傍晚的工单")
    # 8 business hours: Friday 17:00:01-18:00, then Monday 09:00 + 7 h.
    assert ticket["sla"]["first_response_due_at"] == "2026-11-30T16:00:01+08:00"


def test_met_targets_are_recorded_at_resolution(api, env):
    ticket = _open(api)
    path = f"/api/tickets/{ticket['id']}"
    env.clock.advance(timedelta(minutes=30))
    api.call("POST", f"{path}/messages", AGENT, {"body": "您好，正在处理"})
    env.clock.advance(timedelta(hours=1))
    resolved = api.call("PATCH", path, AGENT, {"status": "resolved"}).json_body
    assert (resolved["sla"]["first_response_met"], resolved["sla"]["resolution_met"]) == (True, True)
    events = api.call("GET", f"{path}/events", LEAD).json_body["items"]
    assert {"field": "sla.resolution_met", "old": None, "new": True} in events[-1]["changes"]


def test_bad_rules_and_policies_get_400_with_reasons(api, env):
    def put(path: str, body: Any, who: str = ADMIN) -> Any:
        return api.call("PUT", path, who, body)

    unknown = put(
        "/api/admin/rules",
        {
            "rules": [
                {
                    "name": "r",
                    "position": 1,
                    "conditions": [{"field": "colour", "operator": "equals", "value": "red"}],
                    "actions": [{"type": "set_team", "value": "tech"}],
                }
            ]
        },
    )
    assert unknown.status_code == 400 and unknown.json_body["error"]["code"] == "invalid_rules"
    assert any("unknown field 'colour'" in r for r in unknown.json_body["error"]["reasons"])
    operator = put(
        "/api/admin/rules",
        {
            "rules": [
                {
                    "name": "r",
                    "position": 1,
                    "conditions": [{"field": "subject", "operator": "sounds_like", "value": "x"}],
                    "actions": [{"type": "set_team", "value": "nowhere"}],
                }
            ]
        },
    )
    reasons = operator.json_body["error"]["reasons"]
    assert operator.status_code == 400 and any("unknown operator 'sounds_like'" in r for r in reasons)
    loop = put(
        "/api/admin/rules",
        {
            "rules": [
                {
                    "name": "a",
                    "position": 1,
                    "conditions": [{"field": "category", "operator": "equals", "value": "x"}],
                    "actions": [{"type": "set_category", "value": "y"}],
                },
                {
                    "name": "b",
                    "position": 2,
                    "conditions": [{"field": "category", "operator": "equals", "value": "y"}],
                    "actions": [{"type": "set_category", "value": "x"}],
                },
            ]
        },
    )
    assert loop.status_code == 400 and any("keep changing category" in r for r in loop.json_body["error"]["reasons"])
    team = put("/api/admin/rules", {"rules": route_all_to("no-such-team")})
    assert team.status_code == 400 and any("unknown team" in r for r in team.json_body["error"]["reasons"])
    assert put("/api/admin/rules", {"rules": route_all_to("tech")}, LEAD).status_code == 403  # admins only
    assert api.call("GET", "/api/admin/rules", AGENT).status_code == 403
    assert api.call("GET", "/api/admin/rules", LEAD).status_code == 200
    assert api.call("PUT", "/api/admin/rules", ADMIN, raw=b"{not json").status_code == 400

    policies = api.call("GET", "/api/admin/sla-policies", ADMIN).json_body
    body = {k: v for k, v in policies.items() if k != "version"}
    bad_calendar = {
        **body,
        "calendars": [
            {
                "name": "business",
                "time_zone": "Mars/Olympus",
                "hours": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "18:00"}]},
            }
        ],
    }
    refused = put("/api/admin/sla-policies", bad_calendar)
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_sla_policies"
    reasons = refused.json_body["error"]["reasons"]
    assert any("unknown time zone" in r for r in reasons) and any("overlap" in r for r in reasons)
    bad_escalation = put(
        "/api/admin/sla-policies", {**body, "escalation": {"ack_timeout_minutes": 0, "page_everyone": True}}
    )
    assert bad_escalation.status_code == 400 and len(bad_escalation.json_body["error"]["reasons"]) == 2
    bad_policy = put(
        "/api/admin/sla-policies",
        {
            **body,
            "policies": [{"name": "x", "priority": "P7", "first_response": {"weeks": 1}, "resolution": {"hours": 1}}],
        },
    )
    assert bad_policy.status_code == 400 and len(bad_policy.json_body["error"]["reasons"]) >= 2

    # Optimistic: saving from a stale read is refused.
    saved = api.call("PUT", "/api/admin/sla-policies", ADMIN, body)
    assert saved.status_code == 200 and saved.headers["ETag"] == '"1"'
    stale = api.call("PUT", "/api/admin/sla-policies", ADMIN, body, {"If-Match": '"0"'})
    assert stale.status_code == 412


def test_dry_run_explains_which_rules_fire(api, env):
    sample = {"ticket": {"subject": "银行卡被盗刷", "description": "发现异常交易", "channel": "web"}}
    outcome = api.call("POST", "/api/admin/rules/dry-run", LEAD, sample)
    assert outcome.status_code == 200, outcome.body
    body = outcome.json_body
    assert body["priority"] == "P1" and "资金或安全问题为紧急" in body["fired"] and body["team"] == "tech"
    assert any(t["rule"] == "紧急工单通知主管" and t["fired"] for t in body["trace"])
    unsaved = {**sample, "rules": {"rules": route_all_to("billing"), "version": 3}}  # as GET returned it, edited
    assert api.call("POST", "/api/admin/rules/dry-run", LEAD, unsaved).json_body["team"] == "billing"
    broken = {**sample, "rules": {"rules": [{"name": "x", "position": 1, "actions": []}]}}
    refused = api.call("POST", "/api/admin/rules/dry-run", LEAD, broken)
    assert refused.status_code == 400 and refused.json_body["error"]["reasons"]
    assert api.call("POST", "/api/admin/rules/dry-run", AGENT, sample).status_code == 403
    extra = api.call("POST", "/api/admin/rules/dry-run", LEAD, {"ticket": {"subject": "x", "colour": "red"}})
    assert extra.status_code == 400


def test_a_breach_can_hand_the_ticket_to_another_agent(api, env):
    put_rules(api, route_all_to("tech"))
    policies = {k: v for k, v in api.call("GET", "/api/admin/sla-policies", ADMIN).json_body.items() if k != "version"}
    policies["escalation"] = {"reassign_on_breach": True, "ack_timeout_minutes": 30}
    assert api.call("PUT", "/api/admin/sla-policies", ADMIN, policies).status_code == 200
    assert api.call("PUT", f"/api/agents/{LEAD}/availability", LEAD, {"availability": "offline"}).status_code == 200
    pump = assignment_pump(env)
    ticket = _open(api, "网络很慢")
    drain(pump)
    first = _get(api, ticket)["assignee"]
    assert _get(api, ticket)["acknowledge_due_at"] == "2026-11-23T10:30:01+08:00"  # the saved time-out
    assert api.call("POST", f"/api/tickets/{ticket['id']}/acknowledge", first).status_code == 200
    env.clock.advance(timedelta(hours=23, minutes=1))  # Tuesday 09:01:01, past the first-response target
    sweep()
    drain(pump)
    after = _get(api, ticket)
    assert after["assignee"] and after["assignee"] != first and after["sla"]["breached"] is True
    assert [n for n in inbox(env, LEAD) if n[0] == "sla.breach"] == [("sla.breach", ticket["number"])]
