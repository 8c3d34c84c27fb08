"""Live chat on the local stack as `make run` starts it, with a real WebSocket client (the `websockets` library)
against the local chat server and the API over HTTP (docs/chat.md; issue "Must show")."""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from infra.local.process import LocalStackProcess, wait_for

LEAD = "lead@demo.local"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """A stack of its own: the suite's shared one carries the routing rules, teams and availability earlier tests
    changed, and these tests need the seeded desk (the tech team online, its chat seats free)."""
    process = LocalStackProcess(tmp_path_factory.mktemp("chat-local") / "state")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def open_socket(stack: LocalStackProcess) -> Iterator[Any]:
    with contextlib.ExitStack() as opened:

        def open_one() -> ClientConnection:
            socket = connect(stack.chat_url, origin=stack.url, open_timeout=30)  # type: ignore[arg-type]
            return opened.enter_context(socket)

        yield open_one


def send(socket: ClientConnection, frame: dict[str, Any]) -> None:
    socket.send(json.dumps(frame, ensure_ascii=False))


def receive(socket: ClientConnection, kind: str, timeout: float = 10) -> dict[str, Any]:
    """The next frame of this type (others, such as `queue`, are passed over)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(socket.recv(timeout=max(0.01, deadline - time.monotonic())))
        if frame["type"] == kind:
            return frame


def test_a_chat_from_start_to_transcript_with_automatic_assignment(stack: LocalStackProcess, open_socket: Any):
    lead = stack.login(LEAD)
    email = f"visitor-{secrets.token_hex(4)}@example.com"
    socket = open_socket()
    send(socket, {"action": "start", "name": "王小明", "email": email, "text": "网络一直掉线，怎么办"})
    started = receive(socket, "started")
    number = started["ticket_number"]

    # An agent of the routed team is assigned automatically, and the visitor hears who.
    assigned = receive(socket, "assigned", timeout=15)
    ticket = stack.get(lead, f"/api/tickets/{number}").json()
    assert ticket["channel"] == "chat" and ticket["team"] == "tech" and ticket["assignee"]
    agents = {a["email"]: a["name"] for a in stack.get(lead, "/api/agents").json()["items"]}
    assert assigned == {"type": "assigned", "name": agents[ticket["assignee"]]}
    agent = stack.login(ticket["assignee"])
    mine = stack.get(agent, "/api/chats?state=mine").json()["items"]
    assert number in [c["ticket_number"] for c in mine]

    # The agent's reply reaches the visitor in under 2 s.
    began = time.monotonic()
    posted = stack.post(agent, f"/api/tickets/{ticket['id']}/messages", json={"body": "您好，请问是有线还是无线？"})
    assert posted.status_code == 201, posted.text
    line = receive(socket, "message", timeout=5)
    took = time.monotonic() - began
    assert (line["from"], line["text"], line["id"]) == ("agent", "您好，请问是有线还是无线？", posted.json()["id"])
    assert took < 2.0, f"the reply took {took:.2f} s"

    # The visitor's line appears on the ticket.
    send(socket, {"action": "message", "text": "无线，路由器是新的", "id": "e2e-line-1"})

    def bodies() -> list[str]:
        return [m["body"] for m in stack.get(agent, f"/api/tickets/{ticket['id']}/messages").json()["items"]]

    assert wait_for(lambda: "无线，路由器是新的" in bodies(), timeout=5), bodies()

    # Reconnect and resume: the conversation comes back; the same line resent is still one message.
    socket.close()
    again = open_socket()
    send(again, {"action": "resume", "conversation": started["conversation"]})
    resumed = receive(again, "resumed")
    assert [m["text"] for m in resumed["messages"]] == [
        "网络一直掉线，怎么办",
        "您好，请问是有线还是无线？",
        "无线，路由器是新的",
    ]
    send(again, {"action": "message", "text": "无线，路由器是新的", "id": "e2e-line-1"})
    time.sleep(0.5)
    assert bodies().count("无线，路由器是新的") == 1

    # Ending mails the transcript to the visitor's address.
    send(again, {"action": "end"})
    receive(again, "ended")

    def transcript() -> list[dict[str, Any]]:
        items = stack.get(lead, "/api/dev/outbox").json()["items"]
        return [i for i in items if number in i["subject"] and "咨询记录" in i["subject"] and email in str(i["to"])]

    assert wait_for(transcript, timeout=15, step=0.2), "no transcript in the outbox"
    (listed,) = [c for c in stack.get(agent, "/api/chats?state=mine").json()["items"] if c["ticket_number"] == number]
    assert listed["ended"] is True


def test_with_every_agent_offline_the_visitor_hears_so_and_the_ticket_is_created(
    stack: LocalStackProcess, open_socket: Any
):
    lead = stack.login(LEAD)
    agents = stack.get(lead, "/api/agents").json()["items"]
    online = [a["email"] for a in agents if a["availability"] == "online"]
    for email in online:
        answer = lead.put(f"{stack.url}/api/agents/{email}/availability", json={"availability": "offline"}, timeout=10)
        assert answer.status_code == 200, answer.text
    try:
        socket = open_socket()
        send(socket, {"action": "start", "name": "夜猫子", "text": "深夜有人在吗"})
        started = receive(socket, "started")
        assert json.loads(socket.recv(timeout=10)) == {"type": "offline"}
        ticket = stack.get(lead, f"/api/tickets/{started['ticket_number']}").json()
        assert (ticket["channel"], ticket["status"], ticket["assignee"]) == ("chat", "new", None)
        waiting = stack.get(lead, "/api/chats?state=waiting").json()["items"]
        assert started["ticket_number"] in [c["ticket_number"] for c in waiting]
    finally:
        for email in online:
            lead.put(f"{stack.url}/api/agents/{email}/availability", json={"availability": "online"}, timeout=10)
