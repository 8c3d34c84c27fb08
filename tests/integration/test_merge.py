"""Merging a duplicate over moto: one write of both tickets; mail and portal replies to the source land on the
target; every refusal is 409 (or 403/404 for who may not)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.mail_support import Mailroom, mail
from tests.integration.test_collaboration import _inbox, _notify_twice

ALICE = "alice@example.com"
BOB = "bob@example.com"
WANG = "wangfang@demo.local"
LEAD = "lead@demo.local"


@pytest.fixture
def room(env: Any) -> Mailroom:
    return Mailroom(env)


def _web_ticket(api: Any, subject: str = "发票开错了") -> dict[str, Any]:
    return api.call("POST", "/api/tickets", ALICE, {"subject": subject, "description": "网页提交"}).json_body


def _mail_ticket(api: Any, room: Mailroom) -> dict[str, Any]:
    result = room.deliver(mail(ALICE, "发票开错了", "邮件提交", cc=BOB, message_id="<first@example.com>"))
    assert result["outcome"] == "ticket"
    return api.call("GET", f"/api/tickets/{result['ticket_id']}", LEAD).json_body


def _merge(api: Any, source: dict[str, Any], into: str, who: str = WANG) -> Any:
    return api.call("POST", f"/api/tickets/{source['id']}/merge", who, {"into": into})


def _messages(api: Any, ticket: dict[str, Any], who: str = LEAD) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket['id']}/messages", who).json_body["items"]


def test_merge_closes_the_source_and_brings_its_conversation_and_parties_to_the_target(api, env, room):
    source = _mail_ticket(api, room)
    api.call("POST", f"/api/tickets/{source['id']}/messages", WANG, {"body": "内部记录", "internal": True})
    target = _web_ticket(api)
    api.call("PATCH", f"/api/tickets/{target['id']}", LEAD, {"assignee": LEAD})

    merged = _merge(api, source, target["number"])
    assert merged.status_code == 200
    got_source = api.call("GET", f"/api/tickets/{source['id']}", LEAD).json_body
    got_target = api.call("GET", f"/api/tickets/{target['id']}", LEAD).json_body
    assert got_source["status"] == "closed"
    assert got_source["merged_into"] == {"id": target["id"], "number": target["number"]}
    assert got_target["merged_from"] == [{"id": source["id"], "number": source["number"]}]
    assert merged.json_body["target"]["version"] == got_target["version"]
    assert BOB in got_target["cc"] and ALICE not in got_target["cc"]  # ALICE is its requester already

    copied = [m for m in _messages(api, target) if m.get("merged_from") == source["number"]]
    assert [m["body"] for m in copied] == ["邮件提交", "内部记录"]
    assert [m["body"] for m in _messages(api, target, ALICE) if m.get("merged_from")] == ["邮件提交"]
    note = _messages(api, source, ALICE)[-1]
    assert target["number"] in note["body"] and not note["internal"]  # what the customer sees on the source

    for ticket in (source, target):
        events = api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]
        assert [e["type"] for e in events].count("ticket.merged") == 1

    _notify_twice(env)
    assert [n["type"] for n in _inbox(api, LEAD)].count("ticket.merged") == 1


def test_the_customers_next_mail_and_portal_reply_to_the_source_land_on_the_target(api, room):
    source = _mail_ticket(api, room)
    target = _web_ticket(api)
    assert _merge(api, source, target["id"]).status_code == 200

    by_number = room.deliver(mail(ALICE, f"Re: [{source['number']}] 发票开错了", "补充：金额不对"))
    assert (by_number["outcome"], by_number["ticket_id"]) == ("message", target["id"])
    by_thread = room.deliver(mail(BOB, "Re: 发票开错了", "我也收到了", in_reply_to="<first@example.com>"))
    assert (by_thread["outcome"], by_thread["ticket_id"]) == ("message", target["id"])
    portal = api.call("POST", f"/api/tickets/{source['id']}/messages", ALICE, {"body": "网页上的回复"})
    assert portal.status_code == 201 and portal.json_body["ticket_id"] == target["id"]
    bodies = [m["body"] for m in _messages(api, target)]
    assert {"补充：金额不对", "我也收到了", "网页上的回复"} <= set(bodies)


def test_merge_refusals(api, room):
    first, second, third = _web_ticket(api, "一"), _web_ticket(api, "二"), _web_ticket(api, "三")
    itself = _merge(api, first, first["number"])
    assert itself.status_code == 409 and itself.json_body["error"]["code"] == "merge_refused"
    api.call("PATCH", f"/api/tickets/{third['id']}", LEAD, {"status": "closed"})
    assert _merge(api, first, third["id"]).status_code == 409  # into a closed ticket
    assert _merge(api, second, first["id"]).status_code == 200
    assert _merge(api, second, third["id"]).status_code == 409  # merged away already
    assert _merge(api, first, second["id"]).status_code == 409  # into a ticket merged away
    assert _merge(api, first, second["id"], who=ALICE).status_code == 403
    assert _merge(api, first, "GD20990101001").status_code == 404
    assert api.call("POST", "/api/tickets/GD20990101001/merge", WANG, {"into": first["id"]}).status_code == 404
    assert api.call("POST", f"/api/tickets/{first['id']}/merge", WANG, {}).status_code == 400
