"""The console's chat API (docs/chat.md, "Agents"; docs/api.md): the chat lists and accepting a chat, over moto."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from tests.integration.test_chat_socket import AGENT, REPLIER, Visitor, start, ticket_of

OTHER = "zhangwei@demo.local"


def _visitor(env: Any, n: int) -> Visitor:
    visitor = Visitor(env, f"conn-console-{n}")
    assert visitor.connect() == 200
    return visitor


def chats(api: Any, state: str, who: str = AGENT, **query: Any) -> dict[str, Any]:
    response = api.call("GET", "/api/chats?" + urlencode({"state": state, **query}), who=who)
    assert response.status_code == 200, response.json_body
    return response.json_body


def test_waiting_chats_are_listed_oldest_first_with_the_contracts_fields(env, api):
    first, second = _visitor(env, 1), _visitor(env, 2)
    one = start(first, text="第一位\n更多细节")
    env.clock.advance(timedelta(seconds=30))
    two = start(second, email=None, name="访客", text="第二位")
    second.disconnect()
    waiting = chats(api, "waiting")
    assert [c["ticket_number"] for c in waiting["items"]] == [one["ticket_number"], two["ticket_number"]]
    item = waiting["items"][0]
    assert item["visitor_name"] == "王小明" and item["visitor_email"] == "wang@example.com"
    assert item["text"] == "第一位" and item["status"] == "new" and item["ended"] is False
    assert item["connected"] is True and item["assignee_id"] is None
    assert item["waiting_since"] == item["started_at"] and item["last_line_at"]
    anonymous = waiting["items"][1]
    assert "visitor_email" not in anonymous or anonymous["visitor_email"] is None
    assert anonymous["connected"] is False  # the visitor closed the tab
    assert chats(api, "mine")["items"] == []
    assert {c["ticket_number"] for c in chats(api, "all")["items"]} == {one["ticket_number"], two["ticket_number"]}


def test_a_page_at_a_time_with_a_signed_cursor(env, api):
    numbers = []
    for n in range(5):
        numbers.append(start(_visitor(env, 10 + n), text=f"问题 {n}")["ticket_number"])
        env.clock.advance(timedelta(seconds=5))
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = chats(api, "waiting", limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [c["ticket_number"] for c in page["items"]]
        cursor = page.get("next")
        if not cursor:
            break
    assert seen == numbers
    forged = api.call("GET", "/api/chats?" + urlencode({"state": "mine", "cursor": cursor or "x.y"}), who=AGENT)
    assert forged.status_code == 400


def test_accept_takes_a_waiting_chat_and_the_visitor_hears_who(env, api):
    visitor = _visitor(env, 20)
    number = start(visitor)["ticket_number"]
    accepted = api.call("POST", f"/api/tickets/{number}/chat/accept", who=REPLIER)
    assert accepted.status_code == 200, accepted.json_body
    assert accepted.json_body["assignee"] == REPLIER and accepted.json_body["channel"] == "chat"
    env.pump().drain()
    assert {"type": "assigned", "name": "王芳"} in visitor.frames
    assert chats(api, "waiting")["items"] == []
    (mine,) = chats(api, "mine", who=REPLIER)["items"]
    assert (mine["ticket_number"], mine["assignee_id"], mine["assignee_name"]) == (number, REPLIER, "王芳")
    assert mine["waiting_since"] is None
    # Accepting again is harmless; someone else is told it was taken.
    assert api.call("POST", f"/api/tickets/{number}/chat/accept", who=REPLIER).status_code == 200
    taken = api.call("POST", f"/api/tickets/{number}/chat/accept", who=OTHER)
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "conflict"


def test_accept_refuses_what_is_not_a_chat_and_customers(env, api):
    web = api.call("POST", "/api/tickets", who="web@example.com", json={"subject": "s", "description": "d"})
    refused = api.call("POST", f"/api/tickets/{web.json_body['number']}/chat/accept", who=AGENT)
    assert refused.status_code == 400
    assert api.call("POST", "/api/tickets/GD20991231-0001/chat/accept", who=AGENT).status_code == 404
    number = start(_visitor(env, 30))["ticket_number"]
    assert api.call("POST", f"/api/tickets/{number}/chat/accept", who="someone@example.com").status_code in (403, 404)
    assert api.call("GET", "/api/chats", who="someone@example.com").status_code == 403
    bad = api.call("GET", "/api/chats?state=nobody", who=AGENT)
    assert bad.status_code == 400


def test_an_ended_chat_leaves_the_waiting_list_and_shows_ended_where_held(env, api):
    waiting_visitor, held_visitor = _visitor(env, 40), _visitor(env, 41)
    left = start(waiting_visitor)["ticket_number"]
    held = start(held_visitor, text="需要帮助")["ticket_number"]
    assert api.call("POST", f"/api/tickets/{held}/chat/accept", who=REPLIER).status_code == 200
    waiting_visitor.send({"action": "end"})
    held_visitor.send({"action": "end"})
    assert chats(api, "waiting")["items"] == []
    (mine,) = chats(api, "mine", who=REPLIER)["items"]
    assert mine["ticket_number"] == held and mine["ended"] is True
    ended = api.call("POST", f"/api/tickets/{left}/chat/accept", who=REPLIER)
    assert ended.status_code == 409 and ended.json_body["error"]["code"] == "conflict"
    assert ticket_of(api, left)["status"] == "new"  # the ticket stays open, answered by mail


def test_on_aws_a_cognito_id_token_on_connect_is_verified_by_the_handler(env, api, tmp_path):
    """`?token=` on AWS is the Cognito ID token: the $connect handler verifies it against the pool's keys (served
    here on loopback, as Cognito publishes them); a token it cannot verify is refused at the handshake."""
    import json
    import threading
    import time
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from shared.adapters.cognito import CognitoIdTokens
    from shared.services.auth import Authenticator

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        verifier = CognitoIdTokens("ap-southeast-1", "pool", "client", jwks_url=url)
        container = env.container
        container.__dict__["authenticator"] = Authenticator(
            "cognito", container.directory_store, container.clock, verify_id_token=verifier
        )
        issuer = "https://cognito-idp.ap-southeast-1.amazonaws.com/pool"

        def token(**claims: object) -> str:
            body = {"iss": issuer, "aud": "client", "token_use": "id", "exp": time.time() + 60}
            return jwt.encode({**body, **claims}, key, algorithm="RS256", headers={"kid": "k1"})

        staff = Visitor(env, "conn-cognito-staff")
        good = token(email=REPLIER, name="王芳", **{"cognito:groups": ["agent"]})
        assert staff.connect(good) == 200
        assert container.chat_store.connection("conn-cognito-staff").role == "staff"
        customer = Visitor(env, "conn-cognito-customer")
        assert customer.connect(token(email="wang@example.com", name="王小明")) == 200
        assert container.chat_store.connection("conn-cognito-customer").email == "wang@example.com"
        forged = Visitor(env, "conn-cognito-forged")
        assert forged.connect(token(email=REPLIER, aud="another-client")) == 403
        assert forged.connect("not-a-token") == 403
    finally:
        server.shutdown()
