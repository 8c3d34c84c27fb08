"""A staff reply on a live chat reaches the visitor from the request that wrote it, without waiting for the ticket
stream, and the stream's own push then skips it (docs/decisions.md, "Live chat: a staff reply pushed from the
request"). Over moto, with API Gateway's event shapes."""

from __future__ import annotations

import json
from typing import Any

from tests.integration.test_chat_socket import AGENT, Visitor, _mail_to, start


def _reply(api: Any, number: str, body: str, **extra: Any) -> Any:
    response = api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json={"body": body, **extra})
    assert response.status_code == 201, response.json_body
    return response.json_body


def _lines(visitor: Visitor) -> list[dict[str, Any]]:
    return [f for f in visitor.frames if f["type"] == "message"]


def test_the_reply_is_on_the_socket_before_the_stream_runs_and_the_stream_does_not_push_it_again(env, api):
    visitor = Visitor(env, "conn-direct-1")
    assert visitor.connect() == 200
    number = start(visitor)["ticket_number"]
    posted = _reply(api, number, "您好，马上为您查询")
    # Nothing has read the ticket stream yet: the request itself pushed it.
    (line,) = _lines(visitor)
    assert (line["from"], line["text"], line["id"]) == ("agent", "您好，马上为您查询", posted["id"])
    assert env.container.chat_store.was_pushed(_ticket_id(api, number), posted["id"])
    env.pump().drain()
    env.pump().drain()  # every record delivered again
    assert [f["id"] for f in _lines(visitor)] == [posted["id"]]
    assert _mail_to(env, "wang@example.com") == []


def test_an_internal_note_is_never_pushed(env, api):
    visitor = Visitor(env, "conn-direct-2")
    assert visitor.connect() == 200
    number = start(visitor)["ticket_number"]
    _reply(api, number, "内部备注：查一下仓库", internal=True)
    env.pump().drain()
    assert _lines(visitor) == []


def test_a_push_that_fails_in_the_request_is_made_by_the_stream_and_the_reply_is_still_saved(env, api):
    visitor = Visitor(env, "conn-direct-3")
    assert visitor.connect() == 200
    number = start(visitor)["ticket_number"]
    faults = [RuntimeError("the management API timed out")]

    def flaky(data: str) -> None:
        if faults:
            raise faults.pop()
        visitor.frames.append(json.loads(data))

    env.container.local_sockets.register(visitor.connection_id, flaky)
    posted = _reply(api, number, "稍等，我核对一下")
    assert _lines(visitor) == []
    assert not env.container.chat_store.was_pushed(_ticket_id(api, number), posted["id"])
    env.pump().drain()
    assert [f["id"] for f in _lines(visitor)] == [posted["id"]]


def test_a_visitor_who_is_gone_still_gets_the_reply_by_mail(env, api):
    visitor = Visitor(env, "conn-direct-4")
    assert visitor.connect() == 200
    number = start(visitor)["ticket_number"]
    visitor.close_socket()
    _reply(api, number, "已为您补发")
    env.pump().drain()
    (mailed,) = _mail_to(env, "wang@example.com")
    assert "已为您补发" in mailed


def _ticket_id(api: Any, number: str) -> str:
    return api.call("GET", f"/api/tickets/{number}", who=AGENT).json_body["id"]
