"""The desk's routes over moto: bulk edits, custom fields, ticket templates, customer records with routing by region,
list filters and saved views (uploads: test_uploads.py). Every 400 the issue names is asserted with its field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.mail_support import Mailroom, mail
from tests.integration.routing_helpers import ADMIN, LEAD, assignment_pump, drain, put_rules, route_all_to

ALICE = "alice@example.com"
BOB = "bob@example.com"
AGENT = "wangfang@demo.local"

FIELDS = [
    {
        "key": "order_no",
        "label": {"zh-CN": "订单号", "en": "Order number"},
        "type": "text",
        "required_for_categories": ["refund"],
        "visible_to_customer": True,
    },
    {"key": "amount", "label": {"zh-CN": "金额", "en": "Amount"}, "type": "number", "visible_to_customer": True},
    {
        "key": "store",
        "label": {"zh-CN": "门店", "en": "Store"},
        "type": "select",
        "options": ["上海", "北京"],
        "visible_to_customer": True,
    },
    {"key": "risk", "label": {"zh-CN": "风险", "en": "Risk"}, "type": "multiselect", "options": ["a", "b"]},
    {"key": "due", "label": {"zh-CN": "期限", "en": "Due"}, "type": "date"},
    {"key": "vip", "label": {"zh-CN": "贵宾", "en": "VIP"}, "type": "checkbox"},
]
TEMPLATES = [
    {
        "id": "refund",
        "name": "退款申请",
        "category": "refund",
        "priority": "P2",
        "subject": "退款申请",
        "description": "请填写订单号",
        "fields": ["order_no", "amount"],
        "visible_to_customer": True,
    },
    {"id": "internal", "name": "内部", "category": "ops", "fields": ["risk"], "visible_to_customer": False},
]


def _error(response: Any, status: int, field: str | None = None, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.body
    error = response.json_body["error"]
    if field is not None:
        assert error.get("field") == field, error
    if code is not None:
        assert error["code"] == code, error
    return error


def _open(api: Any, who: str, body: dict[str, Any]) -> dict[str, Any]:
    api.clock.advance(timedelta(seconds=1))
    response = api.call("POST", "/api/tickets", who, body)
    assert response.status_code == 201, response.body
    return response.json_body


def _forms(api: Any) -> None:
    assert api.call("PUT", "/api/admin/fields", ADMIN, FIELDS).status_code == 200
    assert api.call("PUT", "/api/admin/ticket-templates", ADMIN, TEMPLATES).status_code == 200


# -- bulk edits --------------------------------------------------------------------------------------------------
def test_bulk_edit_each_ticket_on_its_own(api, env):
    tickets = [_open(api, ALICE, {"subject": f"s{i}", "description": "d", "tags": ["old"]}) for i in range(4)]
    closed = tickets[3]
    for status in ("in_progress", "resolved", "closed"):
        assert api.call("PATCH", f"/api/tickets/{closed['id']}", LEAD, {"status": status}).status_code == 200
    ids = [t["id"] for t in tickets] + ["0" * 32]
    body = {"ids": ids, "changes": {"team": "billing", "priority": "P2", "add_tags": ["VIP"], "remove_tags": ["old"]}}
    response = api.call("POST", "/api/tickets/bulk", LEAD, body)
    assert response.status_code == 200, response.body
    results = {r["id"]: r for r in response.json_body["results"]}
    assert [results[t["id"]]["status"] for t in tickets[:3]] == [200, 200, 200]
    assert results["0" * 32]["status"] == 404 and results["0" * 32]["error"]["code"] == "not_found"
    for ticket in tickets[:3]:
        got = api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body
        assert got["team"] == "billing" and got["priority"] == "P2" and got["tags"] == ["VIP"]
        assert got["version"] == 2  # one write, one transaction
        events = api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]
        assert events[-1]["actor"]["email"] == LEAD and {c["field"] for c in events[-1]["changes"]} >= {"team", "tags"}

    # A transition a ticket cannot take is refused for it alone: the others go on.
    ids = [closed["id"], tickets[0]["id"]]
    moved = api.call("POST", "/api/tickets/bulk", LEAD, {"ids": ids, "changes": {"status": "in_progress"}})
    assert [r["status"] for r in moved.json_body["results"]] == [409, 200]
    assert moved.json_body["results"][0]["error"]["code"] == "invalid_transition"
    # A team that does not exist is the ticket's 400.
    wrong = api.call("POST", "/api/tickets/bulk", LEAD, {"ids": [tickets[0]["id"]], "changes": {"team": "nope"}})
    assert wrong.json_body["results"][0]["status"] == 400 and wrong.json_body["results"][0]["error"]["field"] == "team"

    _error(
        api.call("POST", "/api/tickets/bulk", LEAD, {"ids": ["a" * 32] * 101, "changes": {"priority": "P1"}}),
        400,
        "ids",
    )
    _error(api.call("POST", "/api/tickets/bulk", LEAD, {"ids": [tickets[0]["id"]], "changes": {}}), 400, "changes")
    _error(api.call("POST", "/api/tickets/bulk", LEAD, {"ids": ["x"], "changes": {"priority": "P1"}}), 400, "ids.0")
    _error(
        api.call("POST", "/api/tickets/bulk", ALICE, {"ids": [tickets[0]["id"]], "changes": {"priority": "P1"}}), 403
    )


def test_bulk_assign_goes_through_the_assignment_rules(api, env):
    """An assignee set in bulk holds the tickets in their load, as a PATCH does (the assignment function counts it)."""
    tickets = [_open(api, ALICE, {"subject": f"s{i}", "description": "d", "team": "tech"}) for i in range(3)]
    pump = assignment_pump(env)
    drain(pump)
    ids = [t["id"] for t in tickets]
    response = api.call("POST", "/api/tickets/bulk", LEAD, {"ids": ids, "changes": {"assignee": "zhangwei@demo.local"}})
    assert {r["status"] for r in response.json_body["results"]} == {200}
    drain(pump)
    for ticket in tickets:
        got = api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body
        assert got["assignee"] == "zhangwei@demo.local" and got["status"] == "in_progress"


# -- custom fields and templates -----------------------------------------------------------------------------
def test_custom_fields_are_checked_on_create_and_patch(api, env):
    put = api.call("PUT", "/api/admin/fields", ADMIN, FIELDS)
    assert put.status_code == 200 and put.headers["ETag"] == '"1"'
    _error(api.call("PUT", "/api/admin/fields", ADMIN, FIELDS, headers={"If-Match": '"0"'}), 412)
    _error(api.call("PUT", "/api/admin/fields", LEAD, FIELDS), 403)
    _error(api.call("PUT", "/api/admin/fields", ADMIN, [{**FIELDS[2], "options": []}]), 400, "0.options")
    _error(api.call("PUT", "/api/admin/fields", ADMIN, [FIELDS[0], FIELDS[0]]), 400, "1.key")
    _error(api.call("PUT", "/api/admin/fields", ADMIN, [{**FIELDS[0], "type": "colour"}]), 400, "fields.0.type")
    assert [f["key"] for f in api.call("GET", "/api/fields", ALICE).json_body] == ["order_no", "amount", "store"]
    assert len(api.call("GET", "/api/fields", AGENT).json_body) == 6

    base = {"subject": "s", "description": "d"}
    cases = [
        ({"nope": "x"}, "custom_fields.nope"),  # unknown key
        ({"amount": "12"}, "custom_fields.amount"),  # wrong type
        ({"store": "广州"}, "custom_fields.store"),  # an option not in the list
        ({"risk": ["a"]}, "custom_fields.risk"),  # not shown to customers: unknown to them
    ]
    for values, field in cases:
        _error(api.call("POST", "/api/tickets", ALICE, {**base, "custom_fields": values}), 400, field)
    # A missing required field: the refund category needs the order number.
    _error(api.call("POST", "/api/tickets", ALICE, {**base, "category": "refund"}), 400, "custom_fields.order_no")
    staff = {**base, "requester": {"email": BOB}}
    _error(
        api.call("POST", "/api/tickets", AGENT, {**staff, "custom_fields": {"due": "2026-13-01"}}),
        400,
        "custom_fields.due",
    )
    _error(
        api.call("POST", "/api/tickets", AGENT, {**staff, "custom_fields": {"vip": "yes"}}), 400, "custom_fields.vip"
    )
    _error(
        api.call("POST", "/api/tickets", AGENT, {**staff, "custom_fields": {"risk": ["a", "z"]}}),
        400,
        "custom_fields.risk",
    )

    good = {"order_no": "A1", "amount": 12.5, "store": "上海"}
    ticket = _open(api, ALICE, {**base, "category": "refund", "custom_fields": good})
    assert ticket["custom_fields"] == good
    path = f"/api/tickets/{ticket['id']}"
    _error(api.call("PATCH", path, AGENT, {"custom_fields": {**good, "store": "火星"}}), 400, "custom_fields.store")
    _error(api.call("PATCH", path, AGENT, {"custom_fields": {"amount": 1}}), 400, "custom_fields.order_no")
    patched = api.call("PATCH", path, AGENT, {"custom_fields": {**good, "risk": ["b", "a"], "due": "2026-12-01"}})
    assert patched.status_code == 200, patched.body
    assert patched.json_body["custom_fields"]["risk"] == ["b", "a"]


def test_templates_fill_a_new_ticket_and_the_request_wins(api, env):
    _forms(api)
    _error(
        api.call("PUT", "/api/admin/ticket-templates", ADMIN, [{**TEMPLATES[0], "fields": ["ghost"]}]), 400, "0.fields"
    )
    assert [t["id"] for t in api.call("GET", "/api/ticket-templates", ALICE).json_body] == ["refund"]
    assert len(api.call("GET", "/api/ticket-templates", AGENT).json_body) == 2

    ticket = _open(api, ALICE, {"template": "refund", "custom_fields": {"order_no": "A9"}})
    assert (ticket["subject"], ticket["category"], ticket["priority"]) == ("退款申请", "refund", "P2")
    own = _open(
        api, ALICE, {"template": "refund", "subject": "我的退款", "priority": "P1", "custom_fields": {"order_no": "B"}}
    )
    assert (own["subject"], own["priority"], own["description"]) == ("我的退款", "P1", "请填写订单号")
    _error(api.call("POST", "/api/tickets", ALICE, {"template": "refund"}), 400, "custom_fields.order_no")
    _error(api.call("POST", "/api/tickets", ALICE, {"template": "internal"}), 400, "template")
    _error(api.call("POST", "/api/tickets", ALICE, {"template": "ghost"}), 400, "template")
    _error(api.call("POST", "/api/tickets", ALICE, {"description": "d"}), 400, "subject")


# -- customer records ------------------------------------------------------------------------------------------
REGION_RULE = {
    "name": "华东客户转上海门店",
    "position": 5,
    "conditions": [{"field": "region", "operator": "equals", "value": "华东"}],
    "actions": [{"type": "set_team", "value": "billing"}],
    "stop": True,
}


def test_customer_records_and_routing_by_region_on_web_and_email(api, env):
    record = {"name": "陈静", "phone": "138-0013-8000", "tier": "VIP", "region": "华东", "address": "上海市浦东新区"}
    put = api.call("PUT", f"/api/customers/{ALICE}", AGENT, record)
    assert put.status_code == 200 and put.json_body["region"] == "华东"
    got = api.call("GET", f"/api/customers/{ALICE}", LEAD).json_body
    assert got["name"] == "陈静" and got["tier"] == "VIP" and got["saved"] is True
    assert [c["email"] for c in api.call("GET", "/api/customers?q=ali", AGENT).json_body["items"]] == [ALICE]
    assert [c["email"] for c in api.call("GET", "/api/customers?q=陈", AGENT).json_body["items"]] == [ALICE]
    assert [c["email"] for c in api.call("GET", "/api/customers?q=1380013", AGENT).json_body["items"]] == [ALICE]
    assert api.call("GET", "/api/customers?q=zzz", AGENT).json_body["items"] == []
    # A changed phone number is found by the new digits only.
    api.call("PUT", f"/api/customers/{ALICE}", AGENT, {**record, "phone": "021-5555-1234"})
    assert api.call("GET", "/api/customers?q=1380013", AGENT).json_body["items"] == []
    assert len(api.call("GET", "/api/customers?q=0215555", AGENT).json_body["items"]) == 1

    _error(api.call("GET", f"/api/customers/{ALICE}", ALICE), 403)
    _error(api.call("PUT", f"/api/customers/{BOB}", ALICE, record), 403)
    _error(api.call("GET", "/api/customers/nobody@example.com", AGENT), 404)
    _error(api.call("GET", "/api/customers/not-an-address", AGENT), 400, "email")
    _error(api.call("PUT", f"/api/customers/{BOB}", AGENT, {"name": ""}), 400, "name")
    _error(api.call("PUT", f"/api/customers/{BOB}", AGENT, {"name": "x", "phone": "call me"}), 400, "phone")
    _error(api.call("GET", "/api/customers", AGENT), 400, "q")

    put_rules(api, route_all_to("tech", [REGION_RULE]))
    pump = assignment_pump(env)
    web = _open(api, ALICE, {"subject": "发票问题", "description": "请开发票"})
    assert web["customer"] == {"tier": "VIP", "region": "华东"}
    Mailroom(env).deliver(mail(ALICE, "邮件里的问题", "请处理"))
    other = _open(api, BOB, {"subject": "发票问题", "description": "请开发票"})
    drain(pump)
    listed = api.call("GET", f"/api/tickets?view=requested&requester={ALICE}", LEAD).json_body["items"]
    assert {t["channel"] for t in listed} == {"web", "email"}
    assert {t["team"] for t in listed} == {"billing"}  # the region's team, by the rule, on both channels
    assert all(t["customer"]["region"] == "华东" for t in listed)
    assert api.call("GET", f"/api/tickets/{other['id']}", LEAD).json_body["team"] == "tech"
    # Bob has tickets but no record: shown by the name his tickets carry, not saved.
    assert api.call("GET", f"/api/customers/{BOB}", AGENT).json_body["saved"] is False


# -- filters and saved views ------------------------------------------------------------------------------------
def _seed_for_filters(api: Any) -> list[dict[str, Any]]:
    made = [
        _open(api, ALICE, {"subject": "a", "description": "d", "tags": ["VIP"], "category": "billing"}),
        _open(api, ALICE, {"subject": "b", "description": "d", "category": "refund"}),
        _open(
            api,
            AGENT,
            {"subject": "c", "description": "d", "requester": {"email": BOB}, "channel": "phone", "tags": ["VIP"]},
        ),
    ]
    api.call("PATCH", f"/api/tickets/{made[1]['id']}", LEAD, {"assignee": AGENT})
    return made


def test_list_filters(api, env):
    a, b, c = _seed_for_filters(api)

    def ids(query: str, who: str = LEAD) -> set[str]:
        response = api.call("GET", f"/api/tickets?{query}", who)
        assert response.status_code == 200, response.body
        return {t["id"] for t in response.json_body["items"]}

    assert ids("view=all&tag=VIP") == {a["id"], c["id"]}
    assert ids("view=all&category=refund") == {b["id"]}
    assert ids("view=all&channel=phone") == {c["id"]}
    assert ids(f"view=all&assignee={AGENT}") == {b["id"]}
    assert ids(f"view=requested&requester={ALICE}&tag=VIP") == {a["id"]}
    assert ids("view=requested&category=billing", ALICE) == {a["id"]}
    created = b["created_at"]
    from urllib.parse import quote

    assert ids(f"view=all&created_from={quote(created)}&created_to={quote(created)}") == {b["id"]}
    assert ids(f"view=all&created_from={quote(created)}") == {b["id"], c["id"]}
    assert ids(f"view=unassigned&created_to={quote(created)}") == {a["id"]}
    # A cursor belongs to its filter set.
    page = api.call("GET", "/api/tickets?view=all&limit=1", LEAD).json_body
    _error(
        api.call("GET", f"/api/tickets?view=all&limit=1&tag=VIP&cursor={page['next_cursor']}", LEAD),
        400,
        None,
        "invalid_cursor",
    )
    _error(api.call("GET", "/api/tickets?view=all&channel=fax", LEAD), 400, "channel")
    _error(api.call("GET", "/api/tickets?view=all&created_from=2026-11-23T00:00:00", LEAD), 400, "created_from")
    _error(api.call("GET", "/api/tickets?view=all&tag=a,b", LEAD), 400, "tag")
    _error(api.call("GET", f"/api/tickets?view=unassigned&assignee={AGENT}", LEAD), 400, "assignee")


def test_saved_views_personal_and_shared(api, env):
    _seed_for_filters(api)
    vip = {"name": "VIP 未解决", "filters": {"view": "all", "tag": "VIP", "status": "new,in_progress,waiting_customer"}}
    put = api.call("PUT", "/api/views/vip-open", AGENT, vip)
    assert put.status_code == 201 and put.json_body["shared"] is False
    assert api.call("PUT", "/api/views/vip-open", AGENT, vip).status_code == 200
    listed = api.call("GET", "/api/views?counts=true", AGENT).json_body["items"]
    assert [(v["id"], v["count"], v["more"]) for v in listed] == [("vip-open", 2, False)]
    assert api.call("GET", "/api/views", LEAD).json_body["items"] == []  # personal: only its owner sees it

    # The supervisor of a team shares a view with it; its agents see it; an agent cannot share.
    team = env.container.directory_store.get_agent(AGENT).teams[0]
    _error(api.call("PUT", "/api/views/team-refunds", AGENT, {**vip, "team": team}), 403)
    env.container.directory_store.put_team(
        type(env.container.directory_store.get_team(team))(team, team, supervisor=LEAD)
    )
    shared = {"name": "退款", "filters": {"view": "all", "category": "refund"}, "team": team}
    assert api.call("PUT", "/api/views/team-refunds", LEAD, shared).status_code == 201
    mine = {v["id"]: v for v in api.call("GET", "/api/views?counts=1", AGENT).json_body["items"]}
    assert mine["team-refunds"]["shared"] and mine["team-refunds"]["count"] == 1
    _error(api.call("DELETE", "/api/views/team-refunds", AGENT), 403)
    assert api.call("DELETE", "/api/views/vip-open", AGENT).status_code == 204
    _error(api.call("DELETE", "/api/views/vip-open", AGENT), 404)

    _error(api.call("PUT", "/api/views/x", AGENT, {"name": "x", "filters": {"channel": "fax"}}), 400, "filters.channel")
    _error(api.call("PUT", "/api/views/x", AGENT, {"name": "x", "filters": {"status": "done"}}), 400, "filters.status")
    _error(api.call("PUT", "/api/views/x", AGENT, {"name": "", "filters": {}}), 400, "name")
    _error(api.call("PUT", "/api/views/bad%20id", AGENT, {"name": "x", "filters": {}}), 400, "id")
    _error(api.call("GET", "/api/views", ALICE), 403)


def test_rules_test_custom_fields(api, env):
    """A routing rule on a custom field: the store a customer picked sends the ticket to that store's team."""
    _forms(api)
    rule = {
        "name": "北京门店",
        "position": 1,
        "conditions": [{"field": "custom_fields.store", "operator": "equals", "value": "北京"}],
        "actions": [{"type": "set_team", "value": "billing"}],
        "stop": True,
    }
    put_rules(api, route_all_to("tech", [rule]))
    pump = assignment_pump(env)
    beijing = _open(api, ALICE, {"subject": "s", "description": "d", "custom_fields": {"store": "北京"}})
    shanghai = _open(api, ALICE, {"subject": "s", "description": "d", "custom_fields": {"store": "上海"}})
    drain(pump)
    assert api.call("GET", f"/api/tickets/{beijing['id']}", LEAD).json_body["team"] == "billing"
    assert api.call("GET", f"/api/tickets/{shanghai['id']}", LEAD).json_body["team"] == "tech"
