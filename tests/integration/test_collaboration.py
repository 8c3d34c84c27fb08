"""Working together on a ticket over moto: @mentions, followers, notification read marks and settings, sub-tasks,
collaboration requests, and the stream effects of each delivered twice."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from typing import Any

from functions.notification.handler import lambda_handler as notification_handler
from infra.local.pump import LambdaContext
from tests.integration.routing_helpers import stream_records, sweep

ALICE = "alice@example.com"
ZHANG = "zhangwei@demo.local"  # tech
WANG = "wangfang@demo.local"  # tech
LI = "liqiang@demo.local"  # billing
LIU = "liuyang@demo.local"  # billing
LEAD = "lead@demo.local"  # supervises tech and billing


def _open(api: Any, subject: str = "发票开错了", who: str = ALICE) -> dict[str, Any]:
    ticket = api.call("POST", "/api/tickets", who, {"subject": subject, "description": "请帮忙处理"})
    assert ticket.status_code == 201
    return ticket.json_body


def _take(api: Any, ticket: dict[str, Any], agent: str = WANG) -> None:
    assert api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"assignee": agent}).status_code == 200


def _notify_twice(env: Any) -> None:
    """The notification function given everything on the stream, twice (at-least-once delivery)."""
    event = {"Records": stream_records(env)}
    for _ in range(2):
        assert notification_handler(event, LambdaContext("NotificationFunction")) == {"batchItemFailures": []}


def _inbox(api: Any, who: str, unread: bool = False) -> list[dict[str, Any]]:
    path = "/api/notifications?unread=true" if unread else "/api/notifications"
    reply = api.call("GET", path, who)
    assert reply.status_code == 200
    return reply.json_body["items"]


def _mails_to(env: Any, address: str) -> list[email.message.EmailMessage]:
    found = []
    for item in env.outbox.items():
        if address in item["to"]:
            found.append(email.message_from_string(item["raw"], policy=email.policy.default))  # type: ignore[misc]
    return found


def _events(api: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]


# -- @mentions ------------------------------------------------------------------------------------------------------
def test_a_mention_notifies_in_app_and_by_mail_once_and_makes_a_follower(api, env):
    ticket = _open(api)
    _take(api, ticket)
    note = f"@{ZHANG} 请看一下网络日志；@nobody@example.com 不是同事"
    posted = api.call("POST", f"/api/tickets/{ticket['id']}/messages", WANG, {"body": note, "internal": True})
    assert posted.status_code == 201
    # A customer's message mentions nobody.
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": f"@{LI} 你好"})
    _notify_twice(env)

    # Once a follower, the customer's next message reaches them too.
    kinds = sorted((n["type"], n["ticket_number"]) for n in _inbox(api, ZHANG))
    assert kinds == [("follower.message", ticket["number"]), ("mention", ticket["number"])]
    (notice,) = [n for n in _inbox(api, ZHANG) if n["type"] == "mention"]
    assert notice["message_id"] == posted.json_body["id"] and "网络日志" in notice["note"]  # the ticket and the note
    assert _inbox(api, LI) == []
    (mail,) = [m for m in _mails_to(env, ZHANG)]
    assert ticket["number"] in mail["Subject"] and "网络日志" in mail.get_body(("plain",)).get_content()
    got = api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body
    assert got["followers"] == [ZHANG]
    mentioned = [e for e in _events(api, ticket) if any(c["field"] == "mentions" for c in e["changes"])]
    assert len(mentioned) == 1 and {"field": "mentions", "old": None, "new": [ZHANG]} in mentioned[0]["changes"]


# -- followers ------------------------------------------------------------------------------------------------------
def test_followers_are_added_removed_and_told_of_customer_messages_and_status_changes(api, env):
    ticket = _open(api)
    path = f"/api/tickets/{ticket['id']}/followers"
    added = api.call("POST", path, WANG, {"email": LI})
    assert added.status_code == 200 and added.json_body["followers"] == [LI]
    assert api.call("POST", path, WANG, {"email": LI}).json_body["followers"] == [LI]  # once
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": "还有一张发票也错了"})
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "waiting_customer"})
    _notify_twice(env)
    assert sorted(n["type"] for n in _inbox(api, LI)) == ["follower.message", "follower.status"]

    removed = api.call("DELETE", f"{path}/{LI}", WANG)
    assert removed.status_code == 200 and removed.json_body["followers"] == []


def test_follower_routes_refuse_customers_strangers_and_unknown_tickets(api):
    ticket = _open(api)
    path = f"/api/tickets/{ticket['id']}/followers"
    assert api.call("POST", path, ALICE, {"email": LI}).json_body["error"]["code"] == "forbidden"
    assert api.call("POST", path, ALICE, {"email": LI}).status_code == 403
    assert api.call("DELETE", f"{path}/{LI}", ALICE).status_code == 403
    assert api.call("POST", path, "bob@example.com", {"email": LI}).status_code == 404  # not theirs: not there
    assert api.call("POST", "/api/tickets/GD20990101001/followers", WANG, {"email": LI}).status_code == 404
    refused = api.call("POST", path, WANG, {"email": "friend@example.com"})
    assert refused.status_code == 400 and refused.json_body["error"]["field"] == "email"


# -- notifications read ---------------------------------------------------------------------------------------------
def test_notifications_are_marked_read_by_id_and_all_at_once(api, env):
    for subject in ("一", "二", "三"):
        ticket = _open(api, subject)
        api.call("POST", f"/api/tickets/{ticket['id']}/messages", LEAD, {"body": f"@{ZHANG} 看看", "internal": True})
    _notify_twice(env)
    unread = _inbox(api, ZHANG, unread=True)
    assert len(unread) == 3 and not any(n["read"] for n in unread)

    marked = api.call("POST", "/api/notifications/read", ZHANG, {"ids": [unread[0]["id"]]})
    assert marked.status_code == 200 and marked.json_body == {"marked": 1}
    assert [n["id"] for n in _inbox(api, ZHANG, unread=True)] == [unread[1]["id"], unread[2]["id"]]
    assert [n["read"] for n in _inbox(api, ZHANG)] == [True, False, False]
    # Someone else's id marks nothing of theirs.
    assert api.call("POST", "/api/notifications/read", WANG, {"ids": [unread[1]["id"]]}).json_body == {"marked": 0}

    assert api.call("POST", "/api/notifications/read", ZHANG, {"all": True}).json_body == {"marked": 2}
    assert _inbox(api, ZHANG, unread=True) == []
    assert api.call("POST", "/api/notifications/read", ZHANG, {}).status_code == 400
    assert api.call("POST", "/api/notifications/read", ALICE, {"all": True}).status_code == 403
    assert api.call("GET", "/api/notifications?unread=true", ALICE).status_code == 403


def test_notification_settings_default_breaches_to_both_and_keep_a_choice(api):
    got = api.call("GET", "/api/me/notification-settings", ZHANG)
    assert got.status_code == 200
    channels = got.json_body["channels"]
    assert channels["sla.breach"] == channels["ticket.escalated"] == channels["mention"] == "both"
    assert channels["subtask.assigned"] == "in_app"
    saved = api.call("PUT", "/api/me/notification-settings", ZHANG, {"channels": {"subtask.assigned": "email"}})
    assert saved.status_code == 200 and saved.json_body["channels"]["subtask.assigned"] == "email"
    flat = api.call("PUT", "/api/me/notification-settings", ZHANG, {"mention": "in_app"}).json_body["channels"]
    assert flat["mention"] == "in_app" and flat["subtask.assigned"] == "email"
    bad = api.call("PUT", "/api/me/notification-settings", ZHANG, {"channels": {"nonsense": "both"}})
    assert bad.status_code == 400
    assert api.call("PUT", "/api/me/notification-settings", ZHANG, {"mention": "loud"}).status_code == 400
    assert api.call("GET", "/api/me/notification-settings", ALICE).status_code == 403


# -- sub-tasks ------------------------------------------------------------------------------------------------------
def test_subtasks_are_added_listed_completed_and_hold_back_resolving(api, env):
    ticket = _open(api)
    _take(api, ticket)
    path = f"/api/tickets/{ticket['id']}/subtasks"
    due = (env.clock.now() + timedelta(hours=2)).isoformat()
    first = api.call("POST", path, WANG, {"title": "核对账单", "assignee": LI, "team": "billing", "due_at": due})
    assert first.status_code == 201
    body = first.json_body
    assert set(body) >= {"id", "title", "assignee", "team", "status", "due_at", "created_by", "created_at"}
    assert (body["title"], body["assignee"], body["team"], body["status"], body["created_by"]) == (
        "核对账单",
        LI,
        "billing",
        "open",
        WANG,
    )
    second = api.call("POST", path, WANG, {"title": "检查网络", "assignee": ZHANG}).json_body
    assert [s["id"] for s in api.call("GET", path, WANG).json_body["items"]] == [body["id"], second["id"]]

    refused = api.call("PATCH", f"/api/tickets/{ticket['id']}", WANG, {"status": "resolved"})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "open_subtasks"
    assert [t["id"] for t in api.call("GET", "/api/tickets?view=subtasks", LI).json_body["items"]] == [ticket["id"]]

    done = api.call("PATCH", f"{path}/{body['id']}", LI, {"status": "done"})
    assert done.status_code == 200 and done.json_body["status"] == "done"
    assert api.call("GET", "/api/tickets?view=subtasks", LI).json_body["items"] == []
    assert api.call("PATCH", f"/api/tickets/{ticket['id']}", WANG, {"status": "resolved"}).status_code == 409
    api.call("PATCH", f"{path}/{second['id']}", ZHANG, {"status": "done"})
    assert api.call("PATCH", f"/api/tickets/{ticket['id']}", WANG, {"status": "resolved"}).status_code == 200

    kinds = [e["type"] for e in _events(api, ticket)]
    assert kinds.count("subtask.added") == 2 and kinds.count("subtask.updated") == 2
    _notify_twice(env)
    assert [n["type"] for n in _inbox(api, LI)] == ["subtask.assigned"]
    assert [n["type"] for n in _inbox(api, ZHANG)] == ["subtask.assigned"]
    assert [n["type"] for n in _inbox(api, WANG)] == ["ticket.assigned"]  # who added them is not told of them


def test_subtask_routes_hide_from_customers_and_name_missing_ones(api):
    ticket = _open(api)
    path = f"/api/tickets/{ticket['id']}/subtasks"
    assert api.call("GET", path, ALICE).status_code == 404
    assert api.call("POST", path, ALICE, {"title": "x"}).status_code == 404
    made = api.call("POST", path, WANG, {"title": "核对"}).json_body
    # The ticket JSON tells staff how many are open, the customer nothing (nor who follows it).
    api.call("POST", f"/api/tickets/{ticket['id']}/followers", WANG, {"email": LI})
    assert api.call("GET", f"/api/tickets/{ticket['id']}", WANG).json_body["open_subtasks"] == 1
    as_customer = api.call("GET", f"/api/tickets/{ticket['id']}", ALICE).json_body
    assert as_customer["open_subtasks"] == 0 and as_customer["followers"] == []
    assert api.call("PATCH", f"{path}/{made['id']}", ALICE, {"status": "done"}).status_code == 404
    assert api.call("PATCH", f"{path}/nosuchsubtask", WANG, {"status": "done"}).status_code == 404
    assert api.call("POST", path, WANG, {"title": "x", "assignee": "ghost@demo.local"}).status_code == 400
    assert api.call("POST", path, WANG, {"title": ""}).status_code == 400
    assert api.call("PATCH", f"{path}/{made['id']}", WANG, {"status": "later"}).status_code == 400


def test_an_overdue_subtask_tells_its_assignee_and_the_tickets_assignee_once(api, env):
    ticket = _open(api)
    _take(api, ticket)
    assert api.call("POST", f"/api/tickets/{ticket['id']}/acknowledge", WANG).status_code == 200
    due = (env.clock.now() + timedelta(minutes=30)).isoformat()
    api.call("POST", f"/api/tickets/{ticket['id']}/subtasks", WANG, {"title": "退款", "assignee": LI, "due_at": due})
    env.clock.advance(timedelta(minutes=31))
    sweep()
    sweep()  # a schedule that fires twice
    overdue = [e for e in _events(api, ticket) if e["type"] == "subtask.overdue"]
    assert len(overdue) == 1
    _notify_twice(env)
    assert ("subtask.overdue", ticket["number"]) in [(n["type"], n["ticket_number"]) for n in _inbox(api, LI)]
    assert [n["type"] for n in _inbox(api, WANG)].count("subtask.overdue") == 1


# -- collaboration requests -----------------------------------------------------------------------------------------
def test_a_collaboration_request_is_answered_by_the_asked_team_as_an_internal_note(api, env):
    ticket = _open(api)
    _take(api, ticket)
    path = f"/api/tickets/{ticket['id']}/collaborations"
    asked = api.call("POST", path, WANG, {"team": "billing", "request": "请核实该客户的退款记录"})
    assert asked.status_code == 201
    body = asked.json_body
    assert {k: body[k] for k in ("team", "request", "status", "requested_by", "due_at", "response")} == {
        "team": "billing",
        "request": "请核实该客户的退款记录",
        "status": "open",
        "requested_by": WANG,
        "due_at": None,
        "response": None,
    }
    listed = api.call("GET", "/api/tickets?view=collaborating", LIU).json_body["items"]
    assert [t["id"] for t in listed] == [ticket["id"]]
    assert api.call("GET", "/api/tickets?view=collaborating", ZHANG).json_body["items"] == []

    other = api.call("PATCH", f"{path}/{body['id']}", ZHANG, {"status": "done", "response": "我来"})
    assert other.status_code == 403
    answered = api.call("PATCH", f"{path}/{body['id']}", LIU, {"status": "done", "response": "已核实，退款已到账"})
    assert answered.status_code == 200 and answered.json_body["status"] == "done"
    assert answered.json_body["response"] == "已核实，退款已到账"
    again = api.call("PATCH", f"{path}/{body['id']}", LIU, {"status": "declined"})
    assert again.status_code == 409
    assert api.call("GET", path, WANG).json_body["items"][0]["status"] == "done"
    assert api.call("GET", "/api/tickets?view=collaborating", LIU).json_body["items"] == []

    staff_view = api.call("GET", f"/api/tickets/{ticket['id']}/messages", WANG).json_body["items"]
    (note,) = [m for m in staff_view if "已核实" in m["body"]]
    assert note["internal"] and note["author"]["email"] == LIU
    customer_view = api.call("GET", f"/api/tickets/{ticket['id']}/messages", ALICE).json_body["items"]
    assert not any("已核实" in m["body"] for m in customer_view)
    assert api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body["assignee"] == WANG  # the owner stays

    _notify_twice(env)
    for member in (LI, LIU, LEAD):
        assert [n["type"] for n in _inbox(api, member)].count("collaboration.requested") == 1
    assert sorted(n["type"] for n in _inbox(api, WANG)) == ["collaboration.answered", "ticket.assigned"]


def test_collaboration_routes_refuse_customers_unknown_requests_and_teams(api):
    ticket = _open(api)
    path = f"/api/tickets/{ticket['id']}/collaborations"
    assert api.call("POST", path, ALICE, {"team": "billing", "request": "x"}).status_code == 404
    assert api.call("GET", path, ALICE).status_code == 404
    assert api.call("PATCH", f"{path}/nosuch", LIU, {"status": "done"}).status_code == 404
    assert api.call("POST", path, WANG, {"team": "nosuchteam", "request": "x"}).status_code == 400
    made = api.call("POST", path, WANG, {"team": "billing", "request": "x"}).json_body
    assert api.call("PATCH", f"{path}/{made['id']}", ALICE, {"status": "done"}).status_code == 404
    assert api.call("PATCH", f"{path}/{made['id']}", LIU, {"status": "open"}).status_code == 400


def test_open_subtasks_hold_back_the_automation_that_would_resolve_a_waiting_ticket(api, env):
    ticket = _open(api)
    _take(api, ticket)
    made = api.call("POST", f"/api/tickets/{ticket['id']}/subtasks", WANG, {"title": "等待供应商回复"}).json_body
    api.call("PATCH", f"/api/tickets/{ticket['id']}", WANG, {"status": "waiting_customer"})
    env.clock.advance(timedelta(days=8))
    sweep()
    got = api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body
    assert got["status"] == "waiting_customer" and got["open_subtasks"] == 1  # reminded, not resolved
    assert (
        api.call("PATCH", f"/api/tickets/{ticket['id']}/subtasks/{made['id']}", WANG, {"status": "done"}).status_code
        == 200
    )
    # The sub-task's write schedules the automation again; the next sweep resolves the ticket.
    assert api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body["next_automation"]["id"] == "resolve-waiting"
    sweep()
    assert api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body["status"] == "resolved"
