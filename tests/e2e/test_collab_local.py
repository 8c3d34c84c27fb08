"""Working together on the local stack as `make run` starts it, over HTTP: the routes the browser test does not drive
(unfollowing, the work lists, read marks for everything, notification settings) and the mention's mail through the
stream pump and the local outbox."""

from __future__ import annotations

import email
import email.policy
import uuid

from infra.local.process import LocalStackProcess, wait_for

AGENT = "chenjing@demo.local"  # tech
BILLING = "zhaomin@demo.local"
LEAD = "lead@demo.local"


def test_follow_work_lists_read_marks_settings_and_the_mention_mail(stack: LocalStackProcess):
    customer = stack.login(f"local.{uuid.uuid4().hex[:8]}@example.com")
    agent, billing, lead = stack.login(AGENT), stack.login(BILLING), stack.login(LEAD)
    ticket = stack.post(customer, "/api/tickets", json={"subject": "对账单有误", "description": "十月对账单"}).json()
    base = f"/api/tickets/{ticket['id']}"

    # Followers: added, refused for a stranger, removed; a customer may not touch them.
    assert stack.post(agent, f"{base}/followers", json={"email": LEAD}).json()["followers"] == [LEAD]
    assert stack.post(agent, f"{base}/followers", json={"email": "x@example.com"}).status_code == 400
    assert stack.post(customer, f"{base}/followers", json={"email": LEAD}).status_code == 403
    assert agent.delete(f"{stack.url}{base}/followers/{LEAD}", timeout=10).json()["followers"] == []

    # A sub-task and a collaboration request put the ticket in the billing agent's and team's lists.
    made = stack.post(agent, f"{base}/subtasks", json={"title": "核对对账单", "assignee": BILLING})
    assert made.status_code == 201
    assert stack.post(agent, f"{base}/collaborations", json={"team": "billing", "request": "请核对"}).status_code == 201
    mine = stack.get(billing, "/api/tickets?view=subtasks").json()["items"]
    team = stack.get(billing, "/api/tickets?view=collaborating").json()["items"]
    assert ticket["id"] in {t["id"] for t in mine} and ticket["id"] in {t["id"] for t in team}
    assert stack.get(customer, f"{base}/subtasks").status_code == 404

    # The billing agent is told of both (in-app, through the stream pump); everything is marked read at once.
    def told() -> set[str]:
        items = stack.get(billing, "/api/notifications?unread=true&limit=200").json()["items"]
        return {n["type"] for n in items if n["ticket_id"] == ticket["id"]}

    assert wait_for(lambda: {"subtask.assigned", "collaboration.requested"} <= told() or None, timeout=20)
    assert stack.post(billing, "/api/notifications/read", json={"all": True}).json()["marked"] >= 2
    assert stack.get(billing, "/api/notifications?unread=true").json()["items"] == []

    # Settings: the default, a choice kept.
    settings = stack.get(billing, "/api/me/notification-settings").json()["channels"]
    assert settings["sla.breach"] == "both" and settings["mention"] == "both"
    put = billing.put(f"{stack.url}/api/me/notification-settings", json={"mention": "in_app"}, timeout=10)
    assert put.status_code == 200 and put.json()["channels"]["mention"] == "in_app"

    # A mention of the lead is mailed to them (their default): the local outbox has it.
    note = {"body": f"@{LEAD} 请审批重开对账单", "internal": True}
    assert stack.post(agent, f"{base}/messages", json=note).status_code == 201

    def mailed() -> bool:
        for item in stack.get(lead, "/api/dev/outbox").json()["items"]:
            mail = email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[arg-type]
            if LEAD in item["to"] and ticket["number"] in str(mail["Subject"]):
                return "请审批重开对账单" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        return False

    assert wait_for(lambda: mailed() or None, timeout=20)
