"""Routing rules, smart assignment, capacity and queues, over moto with the real handlers and the stream pump."""

from __future__ import annotations

import threading
from typing import Any

from functions.assignment.handler import lambda_handler as assignment_handler
from infra.local.pump import LambdaContext
from shared.domain.access import Principal
from shared.domain.directory import Agent, Availability
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Priority
from tests.integration.routing_helpers import (
    ADMIN,
    LEAD,
    add_team,
    assignment_pump,
    drain,
    inbox,
    loads,
    notification_pump,
    put_rules,
    route_all_to,
    stream_records,
)

REFUND_RULE = {
    "name": "退款转账务组",
    "position": 10,
    "match": "any",
    "conditions": [{"field": "text", "operator": "contains", "value": ["退款", "退钱"]}],
    "actions": [{"type": "set_team", "value": "billing"}, {"type": "add_tags", "value": ["skill:refund"]}],
    "stop": True,
}


def _open(api: Any, who: str, subject: str, description: str = "请尽快处理") -> dict[str, Any]:
    from datetime import timedelta

    api.clock.advance(timedelta(seconds=1))
    response = api.call("POST", "/api/tickets", who, {"subject": subject, "description": description})
    assert response.status_code == 201, response.body
    return response.json_body


def _get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body


def _events(api: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]


def test_rule_routing_skills_lowest_load_and_the_previous_agent(api, env):
    put_rules(api, route_all_to("tech", [REFUND_RULE]))
    pump = assignment_pump(env)
    first = _open(api, "alice@example.com", "退款还没到账")
    drain(pump)
    first = _get(api, first)
    # Routed by the rule to billing, needing the refund skill: liqiang and zhaomin have it (liuyang and the
    # supervisor do not); both are idle, so round-robin takes the first by address.
    assert first["team"] == "billing" and "skill:refund" in first["tags"]
    assert first["assignee"] == "liqiang@demo.local" and first["status"] == "in_progress"
    routed = _events(api, first)[-1]
    assert routed["actor"]["email"] == "routing@system"
    assert {"field": "routing.rules", "old": None, "new": ["退款转账务组"]} in routed["changes"]
    assert first["assigned_at"] and first["acknowledge_due_at"] and first["acknowledged_at"] is None

    second = _open(api, "bob@example.com", "申请退款")
    drain(pump)
    assert _get(api, second)["assignee"] == "zhaomin@demo.local"  # the lowest load now
    third = _open(api, "carol@example.com", "退款进度")
    drain(pump)
    assert _get(api, third)["assignee"] == "liqiang@demo.local"  # tied again: round-robin moves on
    assert loads(env) == {"liqiang@demo.local": 2, "zhaomin@demo.local": 1}

    # Alice's previous agent is liqiang: preferred although zhaomin holds fewer tickets.
    again = _open(api, "alice@example.com", "又要退款")
    drain(pump)
    again = _get(api, again)
    assert again["assignee"] == "liqiang@demo.local"
    reason = next(c for c in _events(api, again)[-1]["changes"] if c["field"] == "routing")
    assert reason["new"].startswith("previous_agent")

    # Anything else goes to tech by the catch-all rule.
    other = _open(api, "dave@example.com", "打印机坏了")
    drain(pump)
    assert _get(api, other)["team"] == "tech" and _get(api, other)["assignee"]


def test_fifty_tickets_for_five_agents_of_capacity_eight(api, env):
    """No agent ever holds more than 8; 10 wait and are assigned as tickets are resolved."""
    agents = [Agent(f"ops{i}@demo.local", f"运维{i}", "agent", teams=["ops"], capacity=8) for i in range(5)]
    add_team(env, "ops", agents)
    put_rules(api, route_all_to("ops"))
    customer = Principal.of("many@example.com", "多", "customer")
    for i in range(50):
        env.container.tickets.create(customer, TicketDraft(subject=f"工单 {i}", description="d"))
    # Deliver the 50 creations to two concurrent invocations (as two shards would): both race for the same slots.
    created = [r for r in stream_records(env) if r["dynamodb"]["NewImage"].get("type", {}).get("S") == "ticket.created"]
    halves = [created[0::2], created[1::2]]
    results: list[Any] = []

    def invoke(records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), 25):
            batch = {"Records": records[start : start + 25]}
            results.append(assignment_handler(batch, LambdaContext("AssignmentFunction")))

    threads = [threading.Thread(target=invoke, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == {"batchItemFailures": []} for r in results)

    def held() -> dict[str, int]:
        counts: dict[str, int] = {}
        for agent in agents:
            page = env.container.ticket_store.list_tickets(
                "mine", agent.email, 100, None, ["new", "in_progress", "waiting_customer"], []
            )
            counts[agent.email] = len(page.items)
        return counts

    assert held() == dict.fromkeys((a.email for a in agents), 8)
    assert loads(env) == dict.fromkeys((a.email for a in agents), 8)
    assert len(env.container.routing_store.waiting("ops", 100)) == 10

    pump = assignment_pump(env)
    drain(pump)  # the routing events themselves change nothing
    lead = Principal.of(LEAD, "李娜", "supervisor")
    for round_ in range(10):
        agent = agents[round_ % 5].email
        mine = env.container.ticket_store.list_tickets("mine", agent, 100, None, ["in_progress"], [])
        env.container.tickets.update(lead, mine.items[0].id, {"status": "resolved"}, None)
        drain(pump)
        assert max(held().values()) <= 8 and max(loads(env).values()) <= 8
        assert len(env.container.routing_store.waiting("ops", 100)) == 9 - round_
    assert held() == dict.fromkeys((a.email for a in agents), 8)


def test_the_same_batch_twice_assigns_once_and_notifies_once(api, env):
    put_rules(
        api,
        route_all_to(
            "tech", [{**REFUND_RULE, "actions": [*REFUND_RULE["actions"], {"type": "notify", "value": LEAD}]}]
        ),
    )
    ticket = _open(api, "eve@example.com", "退款")
    batch = {"Records": stream_records(env)}
    first = assignment_handler(batch, LambdaContext("AssignmentFunction"))
    second = assignment_handler(batch, LambdaContext("AssignmentFunction"))
    assert first == second == {"batchItemFailures": []}
    events = _events(api, ticket)
    assert [e["type"] for e in events] == ["ticket.created", "ticket.updated"]  # routed once
    assert loads(env) == {_get(api, ticket)["assignee"]: 1}
    # The whole stream, twice, routing events included: still one assignment, and the rule's notice once.
    for _ in range(2):
        assignment_handler({"Records": stream_records(env)}, LambdaContext("AssignmentFunction"))
    assert len(_events(api, ticket)) == 2 and loads(env) == {_get(api, ticket)["assignee"]: 1}
    assert inbox(env, LEAD) == [("rule.notify", ticket["number"])]
    drain(notification_pump(env))
    drain(notification_pump(env))
    assert inbox(env, _get(api, ticket)["assignee"]) == [("ticket.assigned", ticket["number"])]


def test_a_rule_that_fails_on_one_ticket_does_not_stop_the_others(api, env):
    # Saved before validation existed (or by hand): a rule whose action cannot run. Stored as is.
    broken = {
        "name": "坏规则",
        "position": 5,
        "conditions": [{"field": "text", "operator": "contains", "value": "崩溃"}],
        "actions": [{"type": "set_priority", "value": "P9"}],
    }
    urgent = {
        "name": "宕机为紧急",
        "position": 6,
        "conditions": [{"field": "text", "operator": "contains", "value": "宕机"}],
        "actions": [{"type": "set_priority", "value": "P1"}],
    }
    data = {"rules": [broken, urgent, *route_all_to("tech")]}
    env.container.routing_store.put_config("RULES", data, None, ADMIN, env.clock.now())
    pump = assignment_pump(env)
    failing = _open(api, "f@example.com", "系统崩溃并且宕机")
    fine = _open(api, "g@example.com", "打印机")
    drain(pump)
    failing, fine = _get(api, failing), _get(api, fine)
    assert failing["team"] == fine["team"] == "tech" and failing["assignee"] and fine["assignee"]
    assert failing["priority"] == "P1"  # the next rule still ran on the same ticket
    errors = next(c for c in _events(api, failing)[-1]["changes"] if c["field"] == "routing.errors")
    assert "坏规则" in errors["new"][0] and "P9" in errors["new"][0]
    assert all(c["field"] != "routing.errors" for c in _events(api, fine)[-1]["changes"])


def test_nobody_online_waits_then_the_availability_switch_assigns(api, env):
    put_rules(api, route_all_to("billing"))
    for email in ("liqiang@demo.local", "liuyang@demo.local", "zhaomin@demo.local", LEAD):
        response = api.call("PUT", f"/api/agents/{email}/availability", LEAD, {"availability": "offline"})
        assert response.status_code == 200 and response.json_body["availability"] == "offline"
    pump = assignment_pump(env)
    ticket = _open(api, "h@example.com", "发票")
    drain(pump)
    assert _get(api, ticket)["assignee"] is None
    assert [w.ticket_id for w in env.container.routing_store.waiting("billing")] == [ticket["id"]]
    # An agent switches themself online: the queue is served.
    online = api.call(
        "PUT", "/api/agents/liuyang@demo.local/availability", "liuyang@demo.local", {"availability": "online"}
    )
    assert online.status_code == 200
    drain(pump)
    assert _get(api, ticket)["assignee"] == "liuyang@demo.local"
    assert env.container.routing_store.waiting("billing") == []
    # Another agent may not switch someone else; customers never.
    assert (
        api.call("PUT", f"/api/agents/{LEAD}/availability", "liuyang@demo.local", {"availability": "away"}).status_code
        == 403
    )
    assert (
        api.call("PUT", "/api/agents/nobody@demo.local/availability", LEAD, {"availability": "away"}).status_code == 404
    )
    bad = api.call("PUT", f"/api/agents/{LEAD}/availability", LEAD, {"availability": "busy"})
    assert bad.status_code == 400


def test_transfer_urge_and_acknowledge(api, env):
    put_rules(api, route_all_to("tech"))
    pump = assignment_pump(env)
    ticket = _open(api, "i@example.com", "网络断了")
    drain(pump)
    owner = _get(api, ticket)["assignee"]
    path = f"/api/tickets/{ticket['id']}"
    assert api.call("POST", f"{path}/acknowledge", LEAD).status_code == 403  # only the assignee
    acknowledged = api.call("POST", f"{path}/acknowledge", owner)
    assert acknowledged.status_code == 200 and acknowledged.json_body["acknowledged_at"]
    urged = api.call("POST", f"{path}/urge", LEAD, {"note": "客户很着急"})
    assert urged.status_code == 200
    assert api.call("POST", f"{path}/urge", owner, {}).status_code == 403  # supervisors and admins only
    moved = api.call("POST", f"{path}/transfer", owner, {"team": "billing", "reason": "属于账务问题"})
    assert moved.status_code == 200 and moved.json_body["team"] == "billing" and moved.json_body["assignee"] is None
    assert api.call("POST", f"{path}/transfer", owner, {"reason": "x"}).status_code == 400
    assert api.call("POST", f"{path}/transfer", owner, {"team": "billing"}).status_code == 400  # a reason is required
    drain(pump)
    after = _get(api, ticket)
    assert after["team"] == "billing" and after["assignee"] in {
        "liqiang@demo.local",
        "liuyang@demo.local",
        "zhaomin@demo.local",
        LEAD,
    }
    assert loads(env).get(owner, 0) == 0  # the transfer released the first agent's capacity
    transfer = next(e for e in _events(api, ticket) if e["type"] == "ticket.transferred")
    assert {"field": "transfer_reason", "old": None, "new": "属于账务问题"} in transfer["changes"]
    assert ("ticket.urged", ticket["number"]) in inbox(env, owner)


def test_manual_assignment_and_resolution_keep_the_loads(api, env):
    put_rules(
        api,
        [
            {
                "name": "none",
                "position": 1,
                "conditions": [{"field": "text", "operator": "contains", "value": "永不匹配的词"}],
                "actions": [{"type": "add_tags", "value": ["x"]}],
            }
        ],
    )
    pump = assignment_pump(env)
    ticket = _open(api, "j@example.com", "无团队")
    drain(pump)
    assert _get(api, ticket)["assignee"] is None  # no team: nobody to choose from
    path = f"/api/tickets/{ticket['id']}"
    api.call("PATCH", path, LEAD, {"assignee": "chenjing@demo.local"})
    drain(pump)
    assert loads(env) == {"chenjing@demo.local": 1}
    api.call("PATCH", path, LEAD, {"status": "resolved"})
    drain(pump)
    assert loads(env) == {"chenjing@demo.local": 0}
    api.call("POST", f"{path}/messages", "j@example.com", {"body": "还是不行"})  # reopens it
    drain(pump)
    assert loads(env) == {"chenjing@demo.local": 1}
    # Raised to P1 while held: it weighs as a P1 in her load from now on (the open count stays 1).
    before = env.container.routing_store.loads(["chenjing@demo.local"])["chenjing@demo.local"]
    assert api.call("PATCH", path, LEAD, {"priority": "P1"}).status_code == 200
    drain(pump)
    raised = [
        record
        for record in stream_records(env)
        if (image := record["dynamodb"].get("NewImage", {})).get("type", {}).get("S") == "ticket.updated"
        and "P1" in str(image.get("changes"))
    ]
    assert len(raised) == 1
    # The same record delivered again: nothing moves twice.
    again = assignment_handler({"Records": raised[-1:]}, LambdaContext("AssignmentFunction"))
    assert again == {"batchItemFailures": []}
    after = env.container.routing_store.loads(["chenjing@demo.local"])["chenjing@demo.local"]
    assert (after[Priority.P1], sum(after.values())) == (before[Priority.P1] + 1, 1)
    claim = env.container.routing_store.claim_of(ticket["id"])
    assert claim is not None and claim.priority is Priority.P1
    assert Availability.ONLINE.value == "online"


def test_a_team_named_by_staff_is_kept(api, env):
    put_rules(api, route_all_to("tech"))
    pump = assignment_pump(env)
    body = {"subject": "打印机", "description": "d", "team": "billing", "requester": {"email": "k@example.com"}}
    ticket = api.call("POST", "/api/tickets", LEAD, body).json_body
    drain(pump)
    after = _get(api, ticket)
    assert after["team"] == "billing" and after["assignee"] in {
        "liqiang@demo.local",
        "liuyang@demo.local",
        "zhaomin@demo.local",
        LEAD,
    }
