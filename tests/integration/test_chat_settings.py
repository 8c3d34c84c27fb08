"""Live chat's admin setting (docs/chat.md, "Safety"): the sites allowed to open a chat and the idle time, saved
through `/api/admin/chat/settings` and read by the WebSocket's `$connect`. Over moto, with API Gateway's event
shapes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.routing_helpers import sweep
from tests.integration.test_chat_socket import ORIGIN, Visitor, start

ADMIN = "admin@demo.local"
SUPERVISOR = "lead@demo.local"
AGENT = "wangfang@demo.local"
SHOP = "https://shop.example.com"
PATH = "/api/admin/chat/settings"


def _save(api: Any, body: dict[str, Any], version: int, who: str = ADMIN) -> Any:
    return api.call("PUT", PATH, who=who, json=body, headers={"If-Match": f'"{version}"'})


def test_a_site_opens_a_chat_only_once_an_admin_allows_it(env, api):
    before = api.call("GET", PATH, who=SUPERVISOR)
    assert before.status_code == 200
    assert before.json_body["version"] == 0  # never saved: the deployment's defaults
    assert before.json_body["own_origin"] == ORIGIN

    assert Visitor(env, "conn-shop-1", origin=SHOP).connect() == 403

    saved = _save(
        api, {"allowed_origins": ["https://Shop.Example.com", "http://localhost:3000"], "idle_minutes": 30}, 0
    )
    assert saved.status_code == 200, saved.json_body
    assert saved.json_body["allowed_origins"] == [SHOP, "http://localhost:3000"]
    assert saved.headers["ETag"] == '"1"'
    assert api.call("GET", PATH, who=SUPERVISOR).json_body["allowed_origins"] == [SHOP, "http://localhost:3000"]

    assert Visitor(env, "conn-shop-2", origin=SHOP).connect() == 200
    assert Visitor(env, "conn-dev-1", origin="http://localhost:3000").connect() == 200
    # The product's own URL is never part of the list and always allowed.
    assert Visitor(env, "conn-own-1", origin=ORIGIN).connect() == 200
    assert Visitor(env, "conn-other-1", origin="https://evil.example").connect() == 403

    # Taken off the list again: new sockets from the site are refused.
    assert _save(api, {"allowed_origins": [], "idle_minutes": 30}, 1).status_code == 200
    assert Visitor(env, "conn-shop-3", origin=SHOP).connect() == 403
    assert Visitor(env, "conn-own-2", origin=ORIGIN).connect() == 200


def test_only_admins_save_and_only_well_formed_sites(env, api):
    body = {"allowed_origins": [SHOP], "idle_minutes": 30}
    assert _save(api, body, 0, who=AGENT).status_code == 403
    assert _save(api, body, 0, who=SUPERVISOR).status_code == 403
    assert api.call("GET", PATH, who=AGENT).status_code == 403
    for bad in (
        "shop.example.com",  # no scheme
        "http://shop.example.com",  # plain http only for the machine itself
        "https://shop.example.com/chat",  # a path never matches a browser's Origin
        "https://user@shop.example.com",
        "https://shop.example.com:70000",
        "javascript:alert(1)",
        "",
    ):
        response = _save(api, {"allowed_origins": [bad], "idle_minutes": 30}, 0)
        assert response.status_code == 400, bad
        assert response.json_body["error"]["code"] == "validation_error"
    for bad_idle in (-1, 100000, "30", True):
        assert _save(api, {"allowed_origins": [], "idle_minutes": bad_idle}, 0).status_code == 400
    assert _save(api, {"allowed_origins": [], "idle_minutes": 30, "extra": 1}, 0).status_code == 400
    assert _save(api, body, 0).status_code == 200
    assert _save(api, body, 0).status_code in (409, 412)  # the version read is stale


def test_the_saved_idle_time_applies_to_chats_started_after_it(env, api):
    assert _save(api, {"allowed_origins": [], "idle_minutes": 5}, 0).status_code == 200
    visitor = Visitor(env, "conn-idle-5")
    assert visitor.connect() == 200
    number = start(visitor)["ticket_number"]
    env.clock.advance(timedelta(minutes=6))
    sweep()
    events = api.call("GET", f"/api/tickets/{number}/events", who=SUPERVISOR).json_body["items"]
    assert [e["type"] for e in events if e["type"] == "chat.ended"] == ["chat.ended"]


def test_the_openapi_document_states_the_origin_pattern(api):
    schema = api.call("GET", "/api/openapi.json").json_body["components"]["schemas"]["ChatSettingsBody"]
    item = schema["properties"]["allowed_origins"]["items"]
    assert item["pattern"].startswith("^(?:https://") and "localhost" in item["pattern"]
    assert schema["additionalProperties"] is False
