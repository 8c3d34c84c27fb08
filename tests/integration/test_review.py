"""Closing review (结案审核) over moto: the policy route, tickets held instead of closed (by an agent, by the closing
automation), the supervisors' list, approving and sending back."""

from __future__ import annotations

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
    sweep,
)

CUSTOMER = "review.customer@example.com"
AGENT = "wangfang@demo.local"


def _open(api: Any, subject: str = "退款未到账", **fields: Any) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))
    response = api.call("POST", "/api/tickets", LEAD, {"subject": subject, "description": "d", **fields})
    assert response.status_code == 201, response.body
    return response.json_body


def _get(api: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body


def _review_list(api: Any, who: str = LEAD) -> Any:
    return api.call("GET", "/api/tickets?view=review", who)


def _policy(api: Any, categories: list[str], version: str | None = None) -> Any:
    headers = {"If-Match": version} if version else None
    return api.call("PUT", "/api/admin/review-policy", ADMIN, {"categories": categories, "priorities": ["P1"]}, headers)


def test_the_policy_route(api, env):
    empty = api.call("GET", "/api/admin/review-policy", LEAD)
    assert empty.json_body == {"categories": [], "priorities": [], "version": 0} and empty.headers["ETag"] == '"0"'
    saved = _policy(api, ["refund"], '"0"')
    assert saved.status_code == 200 and saved.json_body == {
        "categories": ["refund"],
        "priorities": ["P1"],
        "version": 1,
    }
    assert _policy(api, ["x"], '"0"').status_code == 412
    assert api.call("PUT", "/api/admin/review-policy", LEAD, {"categories": []}).status_code == 403
    bad = api.call("PUT", "/api/admin/review-policy", ADMIN, {"categories": [""], "priorities": ["P9"]})
    # The body's model states what a category and a priority are (the OpenAPI document tells clients the same).
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_error"
    assert bad.json_body["error"]["field"].split(".")[0] in {"categories", "priorities"}
    assert api.call("GET", "/api/admin/review-policy", AGENT).status_code == 403


def test_an_agent_closing_holds_the_ticket_and_the_supervisor_decides(api, env):
    put_rules(api, route_all_to("tech"))
    assert _policy(api, ["refund"]).status_code == 200
    pumps = (assignment_pump(env), notification_pump(env))
    customer = {"requester": {"email": CUSTOMER}}
    needs, plain = _open(api, category="refund", **customer), _open(api, "打印机", **customer)
    drain(*pumps)
    owner = _get(api, needs)["assignee"]
    assert owner

    held = api.call("PATCH", f"/api/tickets/{needs['id']}", owner, {"status": "closed"}).json_body
    assert held["status"] == "resolved" and held["review"]["state"] == "pending"
    assert held["review"]["requested_by"] == owner
    closed = api.call("PATCH", f"/api/tickets/{plain['id']}", owner, {"status": "closed"}).json_body
    assert closed["status"] == "closed" and closed["review"] is None
    drain(*pumps)
    assert ("review.requested", needs["number"]) in inbox(env, LEAD)
    assert [t["id"] for t in _review_list(api).json_body["items"]] == [needs["id"]]
    assert _review_list(api, AGENT).status_code == 403

    # Sent back: in progress again with its assignee, the comment left as an internal note and told to them.
    comment = "请先确认退款到账截图"
    back = api.call("POST", f"/api/tickets/{needs['id']}/review", LEAD, {"approve": False, "comment": comment})
    assert back.status_code == 200
    assert back.json_body["status"] == "in_progress" and back.json_body["review"]["state"] == "rejected"
    assert back.json_body["assignee"] == owner
    notes = api.call("GET", f"/api/tickets/{needs['id']}/messages", LEAD).json_body["items"]
    assert any(m["internal"] and m["body"] == comment for m in notes)
    drain(*pumps)
    assert ("review.rejected", needs["number"]) in inbox(env, owner)
    assert _review_list(api).json_body["items"] == []
    again = api.call("POST", f"/api/tickets/{needs['id']}/review", LEAD, {"approve": True})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "not_in_review"

    # Asked again and approved: closed, with the reviewer in the audit trail.
    api.call("PATCH", f"/api/tickets/{needs['id']}", owner, {"status": "closed"})
    assert api.call("POST", f"/api/tickets/{needs['id']}/review", owner, {"approve": True}).status_code == 403
    approved = api.call("POST", f"/api/tickets/{needs['id']}/review", LEAD, {"approve": True, "comment": "同意"})
    assert approved.json_body["status"] == "closed" and approved.json_body["review"]["reviewer"] == LEAD
    events = api.call("GET", f"/api/tickets/{needs['id']}/events", LEAD).json_body["items"]
    assert events[-1]["type"] == "ticket.reviewed" and events[-1]["actor"]["email"] == LEAD

    # A supervisor closes such a ticket directly: the approval is recorded.
    direct = _open(api, category="refund", **customer)
    closed = api.call("PATCH", f"/api/tickets/{direct['id']}", LEAD, {"status": "closed"}).json_body
    assert closed["status"] == "closed" and closed["review"]["state"] == "approved"


def test_the_closing_automation_holds_a_ticket_that_needs_review(api, env):
    put_rules(api, route_all_to("tech"))
    assert _policy(api, ["refund"]).status_code == 200
    pumps = (assignment_pump(env), notification_pump(env))
    ticket = _open(api, category="refund", requester={"email": CUSTOMER})
    drain(*pumps)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "resolved"})
    env.clock.advance(timedelta(hours=72, minutes=1))
    sweep()
    assert sweep()["acted"] == 0
    drain(*pumps)
    held = _get(api, ticket)
    assert held["status"] == "resolved" and held["review"]["state"] == "pending"
    assert held["review"]["requested_by"] == "已解决 72 小时后结案" and held["next_automation"] is None
    assert not [i for i in env.outbox.items() if "已结案" in i["subject"]]  # not closed: no closing notice
    assert [t["id"] for t in _review_list(api).json_body["items"]] == [ticket["id"]]
    env.clock.advance(timedelta(days=3))
    sweep()
    assert _get(api, ticket)["status"] == "resolved"  # automations never close it

    approved = api.call("POST", f"/api/tickets/{ticket['id']}/review", LEAD, {"approve": True})
    assert approved.status_code == 200 and approved.json_body["status"] == "closed"
    assert _review_list(api).json_body["items"] == []

    # A customer's answer to a held ticket reopens it, and it leaves the list.
    other = _open(api, category="refund", requester={"email": CUSTOMER})
    api.call("PATCH", f"/api/tickets/{other['id']}", AGENT, {"status": "closed"})
    assert [t["id"] for t in _review_list(api).json_body["items"]] == [other["id"]]
    api.call("POST", f"/api/tickets/{other['id']}/messages", CUSTOMER, {"body": "还没到账"})
    assert _get(api, other)["review"] is None and _get(api, other)["status"] in ("new", "in_progress")
    assert _review_list(api).json_body["items"] == []
