"""After the chat (docs/chat.md): an idle chat ends itself through the SLA sweep's due list, the visitor is told,
and the transcript goes out with the satisfaction question. Over moto."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.routing_helpers import drain, notification_pump, sweep
from tests.integration.test_chat_socket import AGENT, REPLIER, Visitor, _mail_to, start, ticket_of


@pytest.fixture
def visitor(env: Any) -> Visitor:
    v = Visitor(env, "conn-idle-1")
    assert v.connect() == 200
    return v


def events_of(api: Any, number: str, kind: str) -> list[dict[str, Any]]:
    items = api.call("GET", f"/api/tickets/{number}/events", who=AGENT).json_body["items"]
    return [e for e in items if e["type"] == kind]


def test_an_idle_chat_ends_itself_and_the_transcript_asks_how_it_went(env, api, visitor):
    number = start(visitor)["ticket_number"]
    visitor.send({"action": "message", "text": "还在吗？", "id": "l-1"})
    env.clock.advance(timedelta(minutes=20))
    # A staff reply is a line too: the idle clock starts again from it.
    reply = api.call("POST", f"/api/tickets/{number}/messages", who=REPLIER, json={"body": "在的，正在查"})
    assert reply.status_code == 201
    env.clock.advance(timedelta(minutes=29))
    sweep()
    assert events_of(api, number, "chat.ended") == []
    env.clock.advance(timedelta(minutes=2))
    sweep()
    (ended,) = events_of(api, number, "chat.ended")
    assert ended["actor"]["email"] == "sla@system"
    sweep()  # a second run finds nothing more to do
    assert len(events_of(api, number, "chat.ended")) == 1
    pump = notification_pump(env)
    drain(pump)
    assert {"type": "ended"} in visitor.frames
    ticket = ticket_of(api, number)
    assert ticket["status"] != "closed"  # the ticket stays; only the conversation ended
    (transcript,) = [m for m in _mail_to(env, "wang@example.com") if "在的，正在查" in m]
    assert "还在吗？" in transcript and "/survey/" in transcript and "score=5" in transcript
    drain(notification_pump(env))  # every record delivered again: no second mail, no second frame sent twice
    assert len([m for m in _mail_to(env, "wang@example.com") if "在的，正在查" in m]) == 1
    # Ended chats leave the waiting list and free nobody twice.
    waiting = api.call("GET", "/api/chats?state=waiting", who=AGENT).json_body["items"]
    assert number not in [c["ticket_number"] for c in waiting]


def test_the_ended_frame_of_a_visitors_own_end_is_not_pushed_again_by_the_stream(env, api, visitor):
    start(visitor)
    visitor.send({"action": "end"})
    assert visitor.frames.count({"type": "ended"}) == 1
    drain(notification_pump(env))
    assert visitor.frames.count({"type": "ended"}) == 1
