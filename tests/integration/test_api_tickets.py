"""API v1 over the Chalice app and moto: the ticket contract."""

from __future__ import annotations

import re
from datetime import timedelta

ALICE = "alice@example.com"
BOB = "bob@example.com"
AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"


def _ticket(api, who=ALICE, **fields):
    api.clock.advance(timedelta(seconds=1))  # distinct creation times, as in life
    body = {"subject": "打印机无法连接", "description": "办公室打印机连不上网络", **fields}
    response = api.call("POST", "/api/tickets", who, body)
    assert response.status_code == 201, response.body
    return response.json_body


def test_customer_opens_a_ticket_as_its_requester_on_the_web(api):
    ticket = _ticket(api, channel="phone", priority="P2")
    assert re.fullmatch(r"GD20261123\d{3}", ticket["number"])
    assert ticket["requester"]["email"] == ALICE
    assert ticket["channel"] == "web"  # a customer's ticket always comes through the web
    assert ticket["status"] == "new" and ticket["priority"] == "P2" and ticket["version"] == 1
    assert ticket["created_at"].endswith("+08:00")
    assert ticket["sla"]["first_response_due_at"] == "2026-11-23T12:00:01+08:00"  # P2: 2 h
    assert ticket["next_statuses"] == ["in_progress", "waiting_customer", "resolved", "closed"]


def test_numbers_follow_the_daily_sequence(api):
    numbers = [_ticket(api)["number"] for _ in range(3)]
    assert numbers == ["GD20261123001", "GD20261123002", "GD20261123003"]


def test_staff_open_a_ticket_for_a_phone_caller(api):
    ticket = _ticket(api, LEAD, channel="phone", requester={"email": "Caller@Example.com", "name": "来电客户"})
    assert ticket["channel"] == "phone"
    assert ticket["requester"] == {"email": "caller@example.com", "name": "来电客户"}
    missing = api.call("POST", "/api/tickets", LEAD, {"subject": "s", "description": "d"})
    assert missing.status_code == 400 and missing.json_body["error"]["field"] == "requester"


def test_get_by_id_and_by_number(api):
    ticket = _ticket(api)
    by_id = api.call("GET", f"/api/tickets/{ticket['id']}", ALICE)
    by_number = api.call("GET", f"/api/tickets/{ticket['number']}", ALICE)
    assert by_id.json_body == by_number.json_body == ticket
    assert by_id.headers["ETag"] == '"1"'


def test_another_customer_sees_nothing_of_it(api):
    ticket = _ticket(api)
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": "补充：型号 HP 1020"})
    for path in (
        f"/api/tickets/{ticket['id']}",
        f"/api/tickets/{ticket['number']}",
        f"/api/tickets/{ticket['id']}/messages",
        f"/api/tickets/{ticket['id']}/events",
    ):
        response = api.call("GET", path, BOB)
        assert response.status_code == 404, path
        assert response.json_body["error"]["code"] == "not_found"
    reply = api.call("POST", f"/api/tickets/{ticket['id']}/messages", BOB, {"body": "hi"})
    assert reply.status_code == 404
    assert api.call("GET", "/api/tickets", BOB).json_body["items"] == []
    assert [t["id"] for t in api.call("GET", "/api/tickets", ALICE).json_body["items"]] == [ticket["id"]]
    assert api.call("GET", "/api/tickets?view=all", BOB).status_code == 403
    assert api.call("GET", "/api/tickets/00000000000000000000000000000000", BOB).status_code == 404


def test_views_and_cursor_pages(api, env):
    created = [_ticket(api, subject=f"工单 {i}") for i in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/tickets?view=all&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path, AGENT).json_body
        seen += [t["id"] for t in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [t["id"] for t in reversed(created)]  # newest first, no gaps, no repeats
    assert pages == 3

    first = created[0]
    assert first["id"] in [t["id"] for t in api.call("GET", "/api/tickets?view=unassigned", AGENT).json_body["items"]]
    assigned = api.call("PATCH", f"/api/tickets/{first['id']}", LEAD, {"assignee": AGENT, "team": "tech"}).json_body
    assert assigned["status"] == "in_progress"  # taking a new ticket starts work on it
    mine = api.call("GET", "/api/tickets?view=mine", AGENT).json_body["items"]
    assert [t["id"] for t in mine] == [first["id"]]
    unassigned = api.call("GET", "/api/tickets?view=unassigned", AGENT).json_body["items"]
    assert first["id"] not in [t["id"] for t in unassigned]
    team = api.call("GET", "/api/tickets?view=team", AGENT).json_body["items"]  # wangfang is in tech
    assert [t["id"] for t in team] == [first["id"]]
    filtered = api.call("GET", "/api/tickets?view=all&status=in_progress,resolved", AGENT).json_body["items"]
    assert [t["id"] for t in filtered] == [first["id"]]


def test_staff_find_a_customers_tickets(api):
    alices = [_ticket(api, subject=f"Alice {i}") for i in range(3)]
    _ticket(api, who=BOB)
    first = api.call("GET", "/api/tickets?view=requested&requester=Alice@Example.com&limit=2", AGENT).json_body
    rest = api.call("GET", f"/api/tickets?requester={ALICE}&cursor={first['next_cursor']}", AGENT).json_body
    assert [t["id"] for t in first["items"] + rest["items"]] == [t["id"] for t in reversed(alices)]
    assert rest["next_cursor"] is None
    # Alice's cursor does not page through Bob's tickets.
    moved = api.call("GET", f"/api/tickets?requester={BOB}&limit=2&cursor={first['next_cursor']}", AGENT)
    assert moved.status_code == 400 and moved.json_body["error"]["code"] == "invalid_cursor"
    # A customer names only themselves.
    own = api.call("GET", f"/api/tickets?requester={ALICE}", ALICE).json_body["items"]
    assert len(own) == 3
    assert api.call("GET", f"/api/tickets?requester={ALICE}", BOB).status_code == 403
    wrong_view = api.call("GET", f"/api/tickets?view=all&requester={ALICE}", AGENT)
    assert wrong_view.status_code == 400 and wrong_view.json_body["error"]["field"] == "requester"
    bad = api.call("GET", "/api/tickets?view=requested&requester=not-an-address", AGENT)
    assert bad.status_code == 400 and bad.json_body["error"]["field"] == "requester"
    assert api.call("GET", "/api/tickets?view=requested&requester=nobody@example.com", AGENT).json_body == {
        "items": [],
        "next_cursor": None,
    }


def test_cursors_cannot_be_forged_or_moved_to_another_query(api):
    for _ in range(3):
        _ticket(api)
    cursor = api.call("GET", "/api/tickets?view=all&limit=1", AGENT).json_body["next_cursor"]
    assert api.call("GET", f"/api/tickets?view=all&limit=1&cursor={cursor}", AGENT).status_code == 200
    elsewhere = api.call("GET", f"/api/tickets?view=unassigned&limit=1&cursor={cursor}", AGENT)
    assert elsewhere.status_code == 400 and elsewhere.json_body["error"]["code"] == "invalid_cursor"
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert api.call("GET", f"/api/tickets?view=all&limit=1&cursor={tampered}", AGENT).status_code == 400
    # Alice's cursor over her own tickets does not open Bob's.
    alice = api.call("GET", "/api/tickets?limit=1", ALICE).json_body["next_cursor"]
    assert api.call("GET", f"/api/tickets?limit=1&cursor={alice}", BOB).status_code == 400


def test_patch_with_if_match_and_the_audit_trail(api):
    ticket = _ticket(api)
    path = f"/api/tickets/{ticket['id']}"
    updated = api.call("PATCH", path, AGENT, {"priority": "P1", "tags": ["打印机"]}, {"If-Match": '"1"'})
    assert updated.status_code == 200, updated.body
    assert updated.json_body["version"] == 2 and updated.headers["ETag"] == '"2"'
    assert updated.json_body["sla"]["first_response_due_at"] == "2026-11-23T10:10:01+08:00"  # P1 online: 10 min
    stale = api.call("PATCH", path, LEAD, {"priority": "P4"}, {"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json_body["error"]["code"] == "version_conflict"
    assert api.call("GET", path, AGENT).json_body["priority"] == "P1"  # nothing overwritten
    events = api.call("GET", f"{path}/events", AGENT).json_body["items"]
    assert [e["type"] for e in events] == ["ticket.created", "ticket.updated"]
    assert {"field": "priority", "old": "P3", "new": "P1"} in events[1]["changes"]
    assert events[1]["actor"]["email"] == AGENT
    assert api.call("PATCH", path, ALICE, {"priority": "P1"}).status_code == 403  # customers cannot edit


def test_status_moves_follow_the_process(api):
    ticket = _ticket(api)
    path = f"/api/tickets/{ticket['id']}"
    assert api.call("PATCH", path, AGENT, {"status": "closed"}).json_body["status"] == "closed"
    illegal = api.call("PATCH", path, AGENT, {"status": "in_progress"})
    assert illegal.status_code == 409 and illegal.json_body["error"]["code"] == "invalid_transition"
    assert api.call("GET", path, AGENT).json_body["next_statuses"] == []
    closed_reply = api.call("POST", f"{path}/messages", ALICE, {"body": "还在吗"})
    assert closed_reply.status_code == 409


def test_conversation_keeps_internal_notes_from_customers(api, env):
    ticket = _ticket(api)
    path = f"/api/tickets/{ticket['id']}/messages"
    assert api.call("POST", path, ALICE, {"body": "想偷看", "internal": True}).status_code == 403
    note = api.call("POST", path, AGENT, {"body": "客户是 VIP，优先处理", "internal": True})
    reply = api.call("POST", path, AGENT, {"body": "您好，请重启打印机后再试。"})
    assert note.status_code == reply.status_code == 201
    staff_view = api.call("GET", path, AGENT).json_body["items"]
    customer_view = api.call("GET", path, ALICE).json_body["items"]
    assert [m["internal"] for m in staff_view] == [True, False]
    assert [m["body"] for m in customer_view] == ["您好，请重启打印机后再试。"]
    current = api.call("GET", f"/api/tickets/{ticket['id']}", AGENT).json_body
    assert current["sla"]["first_responded_at"] is not None  # the public reply, not the note


def test_customer_answer_brings_a_waiting_ticket_back(api):
    ticket = _ticket(api)
    path = f"/api/tickets/{ticket['id']}"
    api.call("PATCH", path, AGENT, {"assignee": AGENT})
    waiting = api.call("PATCH", path, AGENT, {"status": "waiting_customer"}).json_body
    assert waiting["sla"]["paused"] is True
    api.call("POST", f"{path}/messages", ALICE, {"body": "已重启，还是不行"})
    back = api.call("GET", path, AGENT).json_body
    assert back["status"] == "in_progress" and back["sla"]["paused"] is False
    assert [h["status"] for h in back["status_history"]] == [
        "new",
        "in_progress",
        "waiting_customer",
        "in_progress",
    ]


def test_one_idempotency_key_makes_one_ticket(api):
    body = {"subject": "重复提交", "description": "网络抖动时客户端重试"}
    first = api.call("POST", "/api/tickets", ALICE, body, {"Idempotency-Key": "k-1"})
    second = api.call("POST", "/api/tickets", ALICE, body, {"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json_body["id"] == second.json_body["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(api.call("GET", "/api/tickets", ALICE).json_body["items"]) == 1
    other = api.call("POST", "/api/tickets", ALICE, {**body, "subject": "另一个"}, {"Idempotency-Key": "k-1"})
    assert other.status_code == 409 and other.json_body["error"]["code"] == "idempotency_key_reused"
    # Keys belong to their caller: Bob's k-1 is his own.
    assert (
        api.call("POST", "/api/tickets", BOB, body, {"Idempotency-Key": "k-1"}).json_body["id"] != first.json_body["id"]
    )


def test_directory(api):
    agents = api.call("GET", "/api/agents", AGENT).json_body["items"]
    assert {a["email"] for a in agents} >= {"zhangwei@demo.local", "liqiang@demo.local"}
    assert next(a for a in agents if a["email"] == "zhangwei@demo.local")["skills"] == ["network", "hardware"]
    teams = {t["id"]: t for t in api.call("GET", "/api/teams", AGENT).json_body["items"]}
    assert teams["tech"]["supervisor"] == LEAD and "wangfang@demo.local" in teams["tech"]["members"]
    assert api.call("GET", "/api/agents", ALICE).status_code == 403


def test_me(api):
    me = api.call("GET", "/api/me", LEAD).json_body
    assert me["role"] == "supervisor" and me["teams"] == ["tech", "billing"]
    assert api.call("GET", "/api/me", ALICE).json_body["role"] == "customer"
