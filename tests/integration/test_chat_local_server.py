"""Local mode's WebSocket server (infra/local/chat.py) with a real WebSocket client, over moto: the same handler as
on AWS, fed API Gateway's event shapes (docs/chat.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from infra.local.chat import LocalChatServer, lambda_handler_for_local
from infra.local.process import wait_for

ORIGIN = "http://127.0.0.1:8000"
LEAD = "lead@demo.local"


@pytest.fixture
def chat(env: Any) -> Iterator[LocalChatServer]:
    server = LocalChatServer(lambda_handler_for_local(), env.container.local_sockets, "127.0.0.1", 0)
    server.start()
    yield server
    server.stop()


def receive(socket: ClientConnection) -> dict[str, Any]:
    return json.loads(socket.recv(timeout=5))


def send(socket: ClientConnection, frame: dict[str, Any]) -> None:
    socket.send(json.dumps(frame, ensure_ascii=False))


def test_a_real_client_starts_writes_and_resumes(env, api, chat):
    with connect(chat.url, origin=ORIGIN) as socket:  # type: ignore[arg-type]
        send(socket, {"action": "start", "name": "王小明", "email": "wang@example.com", "text": "打印机连不上"})
        started = receive(socket)
        assert started["type"] == "started"
        send(socket, {"action": "message", "text": "型号 HP M404", "id": "l-1"})
        send(socket, {"action": "dance"})
        assert receive(socket)["code"] == "unknown_action"  # frames are taken in order: the line is written
        send(socket, {"action": "message", "text": "x" * 9000})
        assert receive(socket)["code"] == "frame_too_large"
    number = started["ticket_number"]
    bodies = [m["body"] for m in api.call("GET", f"/api/tickets/{number}/messages", who=LEAD).json_body["items"]]
    assert bodies == ["打印机连不上", "型号 HP M404"]
    ticket_id = api.call("GET", f"/api/tickets/{number}", who=LEAD).json_body["id"]
    # The close became a $disconnect: the connection is gone from the table.
    assert wait_for(lambda: env.container.chat_store.targets(ticket_id) == [], timeout=5)

    with connect(chat.url, origin=ORIGIN) as again:  # type: ignore[arg-type]
        send(again, {"action": "resume", "conversation": started["conversation"]})
        resumed = receive(again)
        assert [m["text"] for m in resumed["messages"]] == ["打印机连不上", "型号 HP M404"]
        # A push from the product (a staff reply, an end) reaches the open socket.
        assert env.container.chat.push_to_conversation(ticket_id, {"type": "typing"}) == 1
        assert receive(again) == {"type": "typing"}


def test_a_site_that_is_not_allowed_is_refused_at_the_handshake(chat):
    with pytest.raises(InvalidStatus) as refused:
        connect(chat.url, origin="https://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403


def test_a_signed_in_customer_connects_with_their_token(api, chat):
    with connect(f"{chat.url}/?token={api.token('li.lei@example.com')}", origin=ORIGIN) as socket:  # type: ignore[arg-type]
        send(socket, {"action": "start", "text": "退款什么时候到账"})
        started = receive(socket)
    ticket = api.call("GET", f"/api/tickets/{started['ticket_number']}", who=LEAD).json_body
    assert ticket["requester"]["email"] == "li.lei@example.com" and ticket["channel"] == "chat"
