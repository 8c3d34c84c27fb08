"""Canned replies (快捷回复) through the API over moto: agents read the desk's set, supervisors and admins save it."""

from __future__ import annotations

from typing import Any

AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"
ADMIN = "admin@demo.local"


def _put(api: Any, who: str, items: list[dict[str, Any]], version: int | None = None) -> Any:
    headers = {"If-Match": f'"{version}"'} if version is not None else None
    return api.call("PUT", "/api/admin/canned-replies", who, {"items": items}, headers=headers)


def test_agents_read_the_defaults_and_a_supervisor_saves_the_desks_own(api):
    first = api.call("GET", "/api/canned-replies", AGENT)
    assert first.status_code == 200 and first.headers["ETag"] == '"0"'
    defaults = first.json_body
    assert defaults["version"] == 0 and len(defaults["items"]) >= 3
    assert any("{customer_name}" in r["body"] for r in defaults["items"])  # placeholders the console fills in

    items = [*defaults["items"], {"title": "发票开具", "body": "您好 {customer_name}，发票将在 3 个工作日内开具。"}]
    saved = _put(api, LEAD, items, version=0)
    assert saved.status_code == 200, saved.body
    assert saved.json_body["version"] == 1 and saved.headers["ETag"] == '"1"'
    added = saved.json_body["items"][-1]
    assert added["id"] and added["title"] == "发票开具"  # a new reply is given an id
    assert api.call("GET", "/api/canned-replies", AGENT).json_body == saved.json_body

    # Reordered and one removed: the list is saved as given, ids kept.
    reordered = [saved.json_body["items"][-1], *saved.json_body["items"][1:-1]]
    again = _put(api, ADMIN, reordered, version=1)
    assert [r["id"] for r in again.json_body["items"]] == [r["id"] for r in reordered]

    stale = _put(api, LEAD, items, version=1)
    assert stale.status_code == 412 and stale.json_body["error"]["code"] == "version_conflict"


def test_only_supervisors_and_admins_save_and_customers_read_nothing(api):
    assert _put(api, AGENT, [{"title": "t", "body": "b"}]).status_code == 403
    assert api.call("GET", "/api/canned-replies", "customer@example.com").status_code == 403
    assert api.call("GET", "/api/canned-replies").status_code == 401


def test_a_bad_set_gets_400_with_every_reason_and_saves_nothing(api):
    items = [
        {"title": "", "body": "x"},
        {"title": "重复", "body": ""},
        {"title": "重复", "body": "y"},
        {"title": "长" * 61, "body": "z"},
        {"title": "很长的正文", "body": "字" * 10_001},
    ]
    response = _put(api, LEAD, items)
    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "invalid_canned_replies"
    assert error["reasons"] == [
        "reply 1: the title is empty",
        "reply 2 (重复): the text is empty",
        "reply 3 (重复): another reply has this title",
        f"reply 4 ({'长' * 61}): the title is over 60 characters",
        "reply 5 (很长的正文): the text is over 10000 characters",
    ]
    assert api.call("GET", "/api/canned-replies", AGENT).json_body["version"] == 0
    wrong_type = api.call("PUT", "/api/admin/canned-replies", LEAD, {"items": [{"title": 1, "body": "b"}]})
    assert wrong_type.status_code == 400
    bad_id = _put(api, LEAD, [{"id": "has space", "title": "t", "body": "b"}])
    assert bad_id.status_code == 400 and bad_id.json_body["error"]["field"].startswith("items")
