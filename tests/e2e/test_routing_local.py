"""Routing on the local stack as `make run` starts it: rules, assignment and the dev clock's SLA sweep, over HTTP."""

from __future__ import annotations

from typing import Any

from infra.local.process import LocalStackProcess, wait_for

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
REFUND_AGENTS = {"liqiang@demo.local", "zhaomin@demo.local"}  # billing agents with the refund skill
WEIGHTS = {"P1": 4, "P2": 3, "P3": 2, "P4": 1}
REFUND_RULE = {
    "name": "退款需要退款技能",
    "position": 1,
    "conditions": [{"field": "text", "operator": "contains", "value": "退款"}],
    "actions": [{"type": "set_team", "value": "billing"}, {"type": "add_tags", "value": ["skill:refund"]}],
    "stop": True,
}


def _load(stack: LocalStackProcess, agent: str) -> int:
    items = stack.get(stack.login(agent), "/api/tickets?view=mine&status=new,in_progress,waiting_customer&limit=100")
    return sum(WEIGHTS[t["priority"]] for t in items.json()["items"])


def test_a_matching_ticket_is_routed_and_assigned_within_seconds(stack: LocalStackProcess):
    admin = stack.login(ADMIN)
    saved = stack.get(admin, "/api/admin/rules").json()
    rules = {"rules": [REFUND_RULE, *[{**r, "position": r["position"] + 1} for r in saved["rules"]]]}
    assert admin.put(f"{stack.url}/api/admin/rules", json=rules, timeout=10).status_code == 200
    try:
        loads = {agent: _load(stack, agent) for agent in REFUND_AGENTS}
        customer = stack.login("e2e.refund@example.com")
        ticket = stack.post(customer, "/api/tickets", json={"subject": "退款还没到账", "description": "订单 A1"}).json()
        lead = stack.login(LEAD)

        def assigned(number: str) -> dict[str, Any] | None:
            current = stack.get(lead, f"/api/tickets/{number}").json()
            return current if current["assignee"] else None

        routed = wait_for(lambda: assigned(ticket["number"]), timeout=5)
        assert routed, "not assigned within 5 s"
        assert routed["team"] == "billing" and "skill:refund" in routed["tags"]
        assert routed["assignee"] in REFUND_AGENTS  # the skill, not just the team
        assert loads[routed["assignee"]] == min(loads.values())  # the lowest load among those with it

        # The same customer again: their previous agent keeps them (even with the higher load now).
        again = stack.post(customer, "/api/tickets", json={"subject": "退款进度", "description": "同一订单"}).json()
        second = wait_for(lambda: assigned(again["number"]), timeout=5)
        assert second and second["assignee"] == routed["assignee"]
        events = stack.get(lead, f"/api/tickets/{again['id']}/events").json()["items"]
        reason = next(c["new"] for e in events for c in e["changes"] if c["field"] == "routing")
        assert reason.startswith("previous_agent")
    finally:
        admin.put(f"{stack.url}/api/admin/rules", json={"rules": saved["rules"]}, timeout=10)


def test_the_dev_clock_runs_the_sla_sweep(stack: LocalStackProcess):
    lead = stack.login(LEAD)
    # Opened by staff for 账务组 (a team named at creation is kept): earlier tests may have filled 技术支持组.
    body = {
        "subject": "发票抬头错误",
        "description": "d",
        "team": "billing",
        "requester": {"email": "e2e.ack@example.com"},
    }
    ticket = stack.post(lead, "/api/tickets", json=body).json()
    first = wait_for(lambda: stack.get(lead, f"/api/tickets/{ticket['id']}").json()["assignee"], timeout=5)
    assert first
    # Nobody acknowledges: 11 minutes on, the sweep (run by the dev clock before it answers) alerts the supervisor
    # and the ticket goes to another agent (delivered with the clock's answer, or moments after when earlier tests
    # left many unacknowledged tickets for the same sweep).
    assert stack.advance_clock(lead, 11).status_code == 200

    def reassigned() -> dict[str, Any] | None:
        current = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
        return current if current["assignee"] and current["assignee"] != first else None

    def alerts() -> list[str]:
        notices = stack.get(lead, "/api/notifications?limit=100").json()["items"]
        return [n["type"] for n in notices if n["ticket_id"] == ticket["id"] and n["type"] == "ticket.ack_timeout"]

    assert wait_for(reassigned, timeout=30), "not reassigned"
    assert wait_for(alerts, timeout=30) == ["ticket.ack_timeout"]


def test_fifty_tickets_at_once_for_five_agents_of_capacity_eight(tmp_path: Any):
    """Set up as an admin would (a team, five agents, a rule), then 50 tickets at once: nobody holds more than 8,
    10 wait in the team queue and are assigned as tickets are resolved. A stack of its own: no other test's load."""
    from concurrent.futures import ThreadPoolExecutor

    stack = LocalStackProcess(tmp_path / "state")
    stack.start()
    try:
        admin = stack.login(ADMIN)
        team = admin.put(f"{stack.url}/api/admin/teams/ops", json={"name": "运维组", "supervisor": LEAD}, timeout=10)
        assert team.status_code == 201, team.text
        agents = [f"ops{i}@demo.local" for i in range(5)]
        for i, email in enumerate(agents):
            profile = {"name": f"运维{i}", "role": "agent", "teams": ["ops"], "capacity": 8, "availability": "online"}
            assert admin.put(f"{stack.url}/api/admin/agents/{email}", json=profile, timeout=10).status_code == 201
        accounts = [a["email"] for a in stack.get(admin, "/api/dev/accounts").json()["items"]]
        assert accounts[0] == ADMIN and accounts[-5:] == agents  # the dev sign-in lists them too
        saved = stack.get(admin, "/api/admin/rules").json()
        rule = {
            "name": "机房报障转运维组",
            "position": 0,
            "conditions": [{"field": "subject", "operator": "contains", "value": "机房"}],
            "actions": [{"type": "set_team", "value": "ops"}],
            "stop": True,
        }
        assert admin.put(f"{stack.url}/api/admin/rules", json={"rules": [rule, *saved["rules"]]}, timeout=10).ok

        # Five customers, ten tickets each: one customer's fiftieth ticket in an hour would meet the abuse limit.
        customers = [stack.login(f"e2e.many{n}@example.com") for n in range(5)]

        def open_one(i: int) -> Any:
            return stack.post(customers[i % 5], "/api/tickets", json={"subject": f"机房告警 {i}", "description": "d"})

        with ThreadPoolExecutor(max_workers=10) as pool:
            created = list(pool.map(open_one, range(50)))
        assert all(r.status_code == 201 for r in created)

        def held() -> dict[str, int]:
            loads = {a["email"]: a["load"] for a in stack.get(admin, "/api/agents").json()["items"]}
            return {email: loads[email] for email in agents}

        def waiting() -> list[dict[str, Any]]:
            page = stack.get(admin, "/api/tickets?view=unassigned&limit=100").json()["items"]
            return [t for t in page if t["team"] == "ops"]

        # Routed and assigned as the stream delivers them: 40 held, then the last routed ones wait.
        assert wait_for(lambda: sum(held().values()) == 40 and len(waiting()) == 10, timeout=60), held()
        assert held() == dict.fromkeys(agents, 8)
        for round_ in range(10):
            agent = stack.login(agents[round_ % 5])
            mine = stack.get(agent, "/api/tickets?view=mine&status=in_progress&limit=1").json()["items"]
            resolved = agent.patch(f"{stack.url}/api/tickets/{mine[0]['id']}", json={"status": "resolved"}, timeout=10)
            assert resolved.status_code == 200
            assert wait_for(lambda left=9 - round_: len(waiting()) == left, timeout=20), (round_, len(waiting()))
            assert max(held().values()) <= 8
        assert held() == dict.fromkeys(agents, 8)
    finally:
        stack.stop()
