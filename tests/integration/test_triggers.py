"""Triggers on the ticket stream over moto: an `updated` trigger acts once and does not loop, chains stop at their
depth with an audit note, replies and notes fire their own triggers, canned replies are mailed; the dry run takes an
event; saving refuses what cannot work."""

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
    inbox,
    notification_pump,
    put_rules,
    route_all_to,
)

CUSTOMER = "trigger.customer@example.com"
AGENT = "wangfang@demo.local"
URGENT = {
    "name": "升为紧急时加急并通知主管",
    "position": 1,
    "event": "updated",
    "conditions": [{"field": "priority", "operator": "changed_to", "value": "P1"}],
    "actions": [
        {"type": "add_tags", "value": ["加急"]},
        {"type": "escalate", "value": "工单升为紧急"},
        {"type": "notify", "value": LEAD},
    ],
}


def _open(api: Any, subject: str = "无法登录", **fields: Any) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))
    response = api.call("POST", "/api/tickets", CUSTOMER, {"subject": subject, "description": "d", **fields})
    assert response.status_code == 201, response.body
    return response.json_body


def _get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body


def _events(api: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket['id']}/events?limit=200", LEAD).json_body["items"]


def _by_triggers(api: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in _events(api, ticket) if e["actor"]["email"] == "trigger@system"]


def test_an_updated_trigger_acts_once_and_does_not_loop(api, env):
    put_rules(api, [URGENT, *route_all_to("tech")])
    pump = assignment_pump(env)
    ticket = _open(api)
    drain(pump)
    patched = api.call("PATCH", f"/api/tickets/{ticket['id']}", AGENT, {"priority": "P1"})
    assert patched.status_code == 200
    drain(pump)
    drain(assignment_pump(env))  # the whole stream delivered again: nothing new
    current = _get(api, ticket)
    assert current["priority"] == "P1" and current["tags"] == ["加急"]
    fired = _by_triggers(api, ticket)
    assert len(fired) == 1
    event = fired[0]
    assert event["actor"]["name"] == URGENT["name"]
    changes = {c["field"]: c["new"] for c in event["changes"]}
    assert changes["tags"] == ["加急"] and changes["triggers"] == [URGENT["name"]] and changes["triggers.depth"] == 1
    assert changes["escalated"] == "工单升为紧急"
    assert inbox(env, LEAD).count(("ticket.escalated", ticket["number"])) == 1
    assert inbox(env, LEAD).count(("rule.notify", ticket["number"])) == 1

    # P1 again (no change) and a tag edit: the trigger answers changes to P1 only.
    api.call("PATCH", f"/api/tickets/{ticket['id']}", AGENT, {"tags": ["加急", "vip"]})
    drain(pump)
    assert len(_by_triggers(api, ticket)) == 1


def test_a_chain_of_triggers_stops_at_its_depth_with_an_audit_note(api, env):
    def step(name: str, position: int, seen: str, add: str) -> dict[str, Any]:
        return {
            "name": name,
            "position": position,
            "event": "updated",
            "conditions": [{"field": "tags", "operator": "changed_to", "value": seen}],
            "actions": [{"type": "add_tags", "value": [add]}],
        }

    chain = [step("一", 1, "a", "b"), step("二", 2, "b", "c"), step("三", 3, "c", "d"), step("四", 4, "d", "e")]
    put_rules(api, [*chain, *route_all_to("tech")])
    pump = assignment_pump(env)
    ticket = _open(api)
    drain(pump)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", AGENT, {"tags": ["a"]})
    drain(pump, rounds=20)
    assert _get(api, ticket)["tags"] == ["a", "b", "c", "d"]
    fired = _by_triggers(api, ticket)
    assert [e["actor"]["name"] for e in fired] == ["一", "二", "三", "四"]
    stopped = {c["field"]: c["new"] for c in fired[-1]["changes"]}
    assert stopped["triggers.stopped"] == ["四"] and "tags" not in stopped
    drain(assignment_pump(env), rounds=20)
    assert len(_by_triggers(api, ticket)) == 4


def test_reply_and_note_triggers_and_a_canned_reply_mailed_once(api, env):
    on_reply = {
        "name": "客户回复后请补充信息",
        "position": 1,
        "event": "customer_replied",
        "conditions": [{"field": "text", "operator": "contains", "value": "打印机"}],
        "actions": [{"type": "send_canned_reply", "value": "need-info"}, {"type": "add_follower", "value": LEAD}],
    }
    on_note = {
        "name": "内部备注提到退款",
        "position": 1,
        "event": "internal_note",
        "conditions": [],
        "actions": [{"type": "add_tags", "value": ["有备注"]}],
    }
    put_rules(api, [on_reply, on_note, *route_all_to("tech")])
    pumps = (assignment_pump(env), notification_pump(env))
    ticket = _open(api, "打印机无法连接")
    drain(*pumps)
    assert not _by_triggers(api, ticket)  # created: only the created rules ran
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", CUSTOMER, {"body": "还是连不上"})
    drain(*pumps)
    drain(*pumps)
    messages = api.call("GET", f"/api/tickets/{ticket['id']}/messages", CUSTOMER).json_body["items"]
    auto = [m for m in messages if m["author"]["role"] == "system"]
    assert len(auto) == 1 and auto[0]["body"].startswith("您好 ") and "{customer_name}" not in auto[0]["body"]
    assert not auto[0]["internal"]
    assert LEAD in _get(api, ticket)["followers"]  # add_follower writes followers now
    replies = [i for i in env.outbox.items() if f"Re: [{ticket['number']}]" in i["subject"]]
    assert len(replies) == 1
    mail = email.message_from_string(replies[0]["raw"], policy=email.policy.default)  # type: ignore[misc]
    text = mail.get_body(("plain",)).get_content()
    assert "为了尽快定位问题" in text and "客服团队" in text and on_reply["name"] not in text
    assert mail["Auto-Submitted"] == "auto-generated"
    # The automated reply is not a first response, and fires no agent_replied trigger.
    assert _get(api, ticket)["sla"]["first_responded_at"] is None

    api.call("POST", f"/api/tickets/{ticket['id']}/messages", AGENT, {"body": "已联系客户", "internal": True})
    drain(*pumps)
    assert "有备注" in _get(api, ticket)["tags"]
    # The reply's write (its change and the reply itself) and the note's; one write's events share their time, so
    # their order in the trail is not part of the contract.
    assert sorted(e["type"] for e in _by_triggers(api, ticket)) == ["message.added", "ticket.updated", "ticket.updated"]


def test_the_dry_run_takes_an_event_and_saving_refuses_what_cannot_work(api, env):
    put_rules(api, [URGENT, *route_all_to("tech")])
    body = {
        "ticket": {"subject": "系统崩溃", "priority": "P1", "status": "in_progress", "tags": []},
        "event": "updated",
        "changes": [{"field": "priority", "old": "P3", "new": "P1"}],
    }
    outcome = api.call("POST", "/api/admin/rules/dry-run", LEAD, body).json_body
    assert outcome["event"] == "updated" and outcome["fired"] == [URGENT["name"]]
    assert outcome["tags"] == ["加急"] and outcome["escalate"] == ["工单升为紧急"]
    unchanged = api.call("POST", "/api/admin/rules/dry-run", LEAD, {**body, "changes": []}).json_body
    assert unchanged["fired"] == []
    created = api.call("POST", "/api/admin/rules/dry-run", LEAD, {"ticket": {"subject": "系统崩溃"}}).json_body
    assert URGENT["name"] not in created["fired"] and created["event"] == "created"

    bad = [
        {**URGENT, "event": "created"},  # what changed is only known to updated triggers
        {
            "name": "坏回复",
            "position": 2,
            "event": "customer_replied",
            "conditions": [],
            "actions": [{"type": "send_canned_reply", "value": "no-such-reply"}, {"type": "set_status", "value": "x"}],
        },
    ]
    refused = api.call("PUT", "/api/admin/rules", ADMIN, {"rules": bad})
    assert refused.status_code == 400
    reasons = " | ".join(refused.json_body["error"]["reasons"])
    assert "'changed_to' is for updated triggers" in reasons
    assert "unknown canned reply 'no-such-reply'" in reasons and "unknown status 'x'" in reasons
    wrong_event = api.call("POST", "/api/admin/rules/dry-run", LEAD, {**body, "event": "exploded"})
    assert wrong_event.status_code == 400
