"""Custom roles (自定义角色) and masking (脱敏): a role holding only "view tickets" and "reply" does exactly that, and
sees customers' contact details masked everywhere while its replies still reach the customer."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"
VIEWER = "viewer@demo.local"
CUSTOMER = "wangxiaoming@example.com"
PHONE = "13812345678"
VIEW_AND_REPLY = ["message.reply", "ticket.read.all"]


def _role(api: Any, role_id: str = "viewer", permissions: list[str] | None = None, who: str = ADMIN) -> Any:
    body = {"name": "只看和回复", "permissions": VIEW_AND_REPLY if permissions is None else permissions}
    return api.call("PUT", f"/api/admin/roles/{role_id}", who, body)


def _staff(api: Any, email_: str = VIEWER, role: str = "viewer") -> Any:
    return api.call("PUT", f"/api/admin/agents/{email_}", ADMIN, {"name": "只读客服", "role": role, "teams": ["tech"]})


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.body
    assert response.json_body["error"]["code"] == code


def test_admins_define_custom_roles_beside_the_fixed_built_in_ones(api, env):
    created = _role(api)
    assert created.status_code == 201
    assert created.json_body == {"id": "viewer", "name": "只看和回复", "permissions": VIEW_AND_REPLY, "builtin": False}
    assert _role(api, permissions=["ticket.read.all"]).status_code == 200  # changed
    listed = api.call("GET", "/api/admin/roles", ADMIN).json_body
    assert [(r["id"], r["builtin"]) for r in listed["items"]] == [
        ("agent", True),
        ("supervisor", True),
        ("admin", True),
        ("viewer", False),
    ]
    assert "customers.contact" in listed["permissions"] and "roles.manage" in listed["permissions"]
    # Built-in roles are neither changed nor deleted; unknown permissions and bad ids are refused.
    _error(_role(api, "agent"), 409, "builtin_role")
    _error(api.call("DELETE", "/api/admin/roles/admin", ADMIN), 409, "builtin_role")
    _error(_role(api, permissions=["tickets.everything"]), 400, "validation_error")
    _error(_role(api, "Not An Id"), 400, "validation_error")
    _error(api.call("DELETE", "/api/admin/roles/nobody", ADMIN), 404, "not_found")
    # Only admins: a supervisor may not even list them.
    _error(_role(api, "mine", who=LEAD), 403, "forbidden")
    _error(api.call("GET", "/api/admin/roles", LEAD), 403, "forbidden")
    # A role someone holds stays until nobody does.
    assert _staff(api).status_code == 201
    _error(api.call("DELETE", "/api/admin/roles/viewer", ADMIN), 409, "role_in_use")
    assert _staff(api, role="agent").status_code == 200
    assert api.call("DELETE", "/api/admin/roles/viewer", ADMIN).status_code == 204
    # Staff get only a role that exists.
    _error(_staff(api, "ghost@demo.local", role="viewer"), 400, "validation_error")


def test_a_role_with_only_view_and_reply_does_exactly_that(api, env):
    _role(api)
    _staff(api)
    me = api.call("GET", "/api/me", VIEWER).json_body
    assert (me["role"], me["permissions"]) == ("viewer", VIEW_AND_REPLY)
    ticket = api.call("POST", "/api/tickets", CUSTOMER, {"subject": "发票", "description": "请开发票"}).json_body
    path = f"/api/tickets/{ticket['id']}"

    # Allowed: view the queue, the ticket and its conversation, and reply.
    assert api.call("GET", "/api/tickets?view=all", VIEWER).status_code == 200
    assert api.call("GET", path, VIEWER).status_code == 200
    assert api.call("GET", f"{path}/messages", VIEWER).status_code == 200
    assert api.call("GET", "/api/search/tickets?q=发票", VIEWER).status_code == 200
    reply = api.call("POST", f"{path}/messages", VIEWER, {"body": "您好，发票已开具。"})
    assert reply.status_code == 201, reply.body

    # Refused: everything else a built-in agent may do.
    refused = [
        ("POST", f"{path}/messages", {"body": "内部备注", "internal": True}),
        ("PATCH", path, {"status": "resolved"}),
        ("POST", "/api/tickets", {"subject": "s", "description": "d", "requester": {"email": "x@example.com"}}),
        ("POST", f"{path}/transfer", {"team": "billing", "reason": "r"}),
        ("GET", f"{path}/events", None),
        ("POST", f"{path}/followers", {"email": VIEWER}),
        ("POST", "/api/kb/articles", {"title": "t", "body": "b"}),
        ("GET", "/api/agents", None),
        ("GET", "/api/reports/day?date=2026-11-23", None),
        ("PUT", f"/api/customers/{CUSTOMER}", {"name": "王小明"}),
        ("GET", "/api/admin/roles", None),
    ]
    for method, where, body in refused:
        response = api.call(method, where, VIEWER, body)
        assert response.status_code == 403, (method, where, response.body)
    # The same requests from a built-in agent get past the check (the control).
    assert api.call("GET", f"{path}/events", AGENT).status_code == 200
    assert api.call("GET", "/api/agents", AGENT).status_code == 200

    # The role's edit applies at its holder's next request.
    _role(api, permissions=[*VIEW_AND_REPLY, "events.read"])
    assert api.call("GET", f"{path}/events", VIEWER).status_code == 200


def _mails(env) -> list[email.message.EmailMessage]:
    return [
        email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
        for item in env.outbox.items()
    ]


def test_without_customers_contact_every_answer_shows_contacts_masked(api, env):
    _role(api)
    _staff(api)
    api.call("PUT", f"/api/customers/{CUSTOMER}", AGENT, {"name": "王小明", "phone": PHONE, "tier": "VIP"})
    body = {"subject": f"回电 {PHONE}", "description": f"我的邮箱 {CUSTOMER}，电话 {PHONE}"}
    ticket = api.call("POST", "/api/tickets", CUSTOMER, body).json_body
    path = f"/api/tickets/{ticket['id']}"
    api.call("PATCH", path, LEAD, {"assignee": AGENT})

    answers = [
        api.call("GET", path, VIEWER),
        api.call("GET", "/api/tickets?view=all", VIEWER),
        api.call("GET", f"{path}/messages", VIEWER),
        api.call("GET", "/api/search/tickets?q=回电", VIEWER),
        api.call("GET", "/api/customers?q=王小明", VIEWER),
        api.call("GET", f"/api/customers/{CUSTOMER}", VIEWER),
        api.call("POST", f"{path}/messages", VIEWER, {"body": f"已收到，将致电 {PHONE}"}),
    ]
    for response in answers:
        assert response.status_code in (200, 201), response.body
        text = response.body.decode() if isinstance(response.body, bytes) else str(response.body)
        assert CUSTOMER not in text and PHONE not in text, text[:300]
    shown = answers[0].json_body
    assert shown["requester"]["email"] == "wa***@example.com"
    assert shown["subject"] == "回电 138****5678"
    assert AGENT in json.dumps(shown, ensure_ascii=False)
    record = answers[5].json_body
    assert (record["email"], record["phone"]) == ("wa***@example.com", "138****5678")

    # Staff with the permission (every built-in role) see them in full.
    full = api.call("GET", path, AGENT).json_body
    assert full["requester"]["email"] == CUSTOMER and PHONE in full["subject"]

    # The reply still reaches the customer at the real address, with what was written.
    env.pump().drain()
    replies = [m for m in _mails(env) if m["Subject"].startswith("Re:")]
    assert [str(m["To"]) for m in replies] == [CUSTOMER]
    assert PHONE in replies[0].get_body(("plain",)).get_content()


def test_staff_notices_mailed_to_a_role_without_contacts_are_masked(api, env):
    _role(api)
    _staff(api)
    ticket = api.call("POST", "/api/tickets", CUSTOMER, {"subject": "回电", "description": "d"}).json_body
    note = f"@{VIEWER} 请联系 {CUSTOMER}，电话 {PHONE}"
    posted = api.call("POST", f"/api/tickets/{ticket['id']}/messages", LEAD, {"body": note, "internal": True})
    assert posted.status_code == 201, posted.body
    env.pump().drain()
    to_viewer = [m for m in _mails(env) if str(m["To"]) == VIEWER]
    assert to_viewer, [str(m["To"]) for m in _mails(env)]
    text = to_viewer[0].as_string()
    plain = to_viewer[0].get_body(("plain",)).get_content()
    assert CUSTOMER not in text and PHONE not in plain
    assert "138****5678" in plain
