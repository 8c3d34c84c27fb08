"""Live chat on the local stack with real WebSocket clients (docs/chat.md).

Walks the issue's scenario and measures it, against `python -m infra.local` in a subprocess:

1. a visitor starts a chat; an agent of the routed team is assigned automatically (the visitor is told `assigned`);
2. line latency agent -> visitor (the staff reply's POST until the frame arrives on the socket) and visitor -> agent's
   console (the frame sent until the agent's console connection, watching the chat, receives it; and until the line
   is listed by `GET /api/tickets/{id}/messages`, polled every 20 ms);
3. reconnect-and-resume; ending mails the transcript (`/api/dev/outbox`);
4. every agent offline: the visitor gets `offline` and the ticket is still created;
5. N concurrent chats held by the local WebSocket server: each starts, then one line each; the server process's
   memory (RSS) before and after, and the start's latency.

    .venv/bin/python bench/chat.py [--chats 200] [--lines 30]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from websockets.sync.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infra.local.process import LocalStackProcess, wait_for

LEAD = "lead@demo.local"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Bench:
    def __init__(self, stack: LocalStackProcess) -> None:
        self.stack = stack
        self.tokens: dict[str, str] = {}
        self.sockets = contextlib.ExitStack()
        self.lock = threading.Lock()

    def token(self, email: str) -> str:
        if email not in self.tokens:
            answer = requests.post(f"{self.stack.url}/api/dev/login", json={"email": email}, timeout=10)
            self.tokens[email] = answer.json()["token"]
        return self.tokens[email]

    def call(self, method: str, path: str, who: str, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(who)}"}
        return requests.request(method, f"{self.stack.url}{path}", json=body, headers=headers, timeout=30)

    def socket(self, who: str | None = None) -> ClientConnection:
        """An open socket (a staff member's console with `who`), entered as the library wants; closed with the run's
        exit stack at the end."""
        url = f"{self.stack.chat_url}?token={self.token(who)}" if who else self.stack.chat_url
        socket = connect(url, origin=self.stack.url, open_timeout=30)  # type: ignore[arg-type]
        with self.lock:
            return self.sockets.enter_context(socket)

    @staticmethod
    def recv(socket: ClientConnection, kind: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            if frame["type"] == kind:
                return frame

    def start(self, socket: ClientConnection, text: str, email: str | None = "visitor@example.com") -> dict[str, Any]:
        socket.send(json.dumps({"action": "start", "name": "访客", "email": email, "text": text}, ensure_ascii=False))
        return self.recv(socket, "started")

    def messages(self, number: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/tickets/{number}/messages?limit=100", LEAD).json()["items"]


def scenario(bench: Bench, lines: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    socket = bench.socket()
    started = bench.start(socket, "网络一直掉线，怎么办")
    number = started["ticket_number"]
    began = time.monotonic()
    out["assigned"] = bench.recv(socket, "assigned", timeout=15)
    out["assigned_in"] = time.monotonic() - began
    ticket = bench.call("GET", f"/api/tickets/{number}", LEAD).json()
    assert ticket["channel"] == "chat" and ticket["assignee"], ticket
    agent = ticket["assignee"]
    console = bench.socket(agent)
    console.send(json.dumps({"action": "watch", "ticket": number}))
    bench.recv(console, "watching")
    to_visitor: list[float] = []
    to_console: list[float] = []
    to_api: list[float] = []
    for n in range(lines):
        began = time.monotonic()
        posted = bench.call("POST", f"/api/tickets/{number}/messages", agent, {"body": f"客服回复 {n}"})
        assert posted.status_code == 201, posted.text
        frame = bench.recv(socket, "message")
        assert frame["text"] == f"客服回复 {n}", frame
        to_visitor.append(time.monotonic() - began)
        began = time.monotonic()
        text = f"访客消息 {n}"
        socket.send(json.dumps({"action": "message", "text": text, "id": f"b-{n}"}, ensure_ascii=False))
        seen = bench.recv(console, "message")
        assert seen["text"] == text and seen["from"] == "visitor", seen
        to_console.append(time.monotonic() - began)
        assert wait_for(lambda t=text: any(m["body"] == t for m in bench.messages(number)), timeout=10, step=0.02)
        to_api.append(time.monotonic() - began)
    out["agent_to_visitor"] = to_visitor
    out["visitor_to_console"] = to_console
    out["visitor_to_api"] = to_api
    console.close()
    socket.close()
    again = bench.socket()
    again.send(json.dumps({"action": "resume", "conversation": started["conversation"]}))
    resumed = bench.recv(again, "resumed")
    out["resumed_lines"] = len(resumed["messages"])
    again.send(json.dumps({"action": "end"}))
    bench.recv(again, "ended")
    again.close()

    def transcript() -> bool:
        items = bench.call("GET", "/api/dev/outbox", LEAD).json()["items"]
        return any(number in item["subject"] and "咨询记录" in item["subject"] for item in items)

    out["transcript_mailed"] = bool(wait_for(transcript, timeout=15, step=0.2))
    return out


def offline(bench: Bench) -> dict[str, Any]:
    agents = bench.call("GET", "/api/agents", LEAD).json()["items"]
    for agent in agents:
        bench.call("PUT", f"/api/agents/{agent['email']}/availability", LEAD, {"availability": "offline"})
    try:
        socket = bench.socket()
        started = bench.start(socket, "深夜有人在吗")
        frame = json.loads(socket.recv(timeout=10))
        socket.close()
        ticket = bench.call("GET", f"/api/tickets/{started['ticket_number']}", LEAD).json()
        return {"frame": frame, "ticket": (ticket["number"], ticket["channel"], ticket["status"])}
    finally:
        for agent in agents:
            bench.call("PUT", f"/api/agents/{agent['email']}/availability", LEAD, {"availability": "online"})


def concurrent(bench: Bench, chats: int) -> dict[str, Any]:
    pid = bench.stack.process.pid if bench.stack.process else 0
    before = rss_kb(pid)
    sockets: list[ClientConnection] = []
    started_in: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        try:
            socket = bench.socket()
            began = time.monotonic()
            bench.start(socket, f"并发咨询 {n}", email=None)
            with lock:
                started_in.append(time.monotonic() - began)
                sockets.append(socket)
        except Exception as error:  # counted and reported, the run goes on
            with lock:
                failures.append(repr(error)[:200])

    threads = [threading.Thread(target=one, args=(n,)) for n in range(chats)]
    began = time.monotonic()
    for batch in range(0, chats, 20):  # 20 at a time: the server's 2 cores, not the clients, set the pace
        for thread in threads[batch : batch + 20]:
            thread.start()
        for thread in threads[batch : batch + 20]:
            thread.join()
    wall = time.monotonic() - began
    held = rss_kb(pid)
    for socket in sockets:
        socket.close()
    return {
        "chats": chats,
        "open": len(sockets),
        "failures": failures[:3],
        "failed": len(failures),
        "rss_before_mb": before / 1024,
        "rss_held_mb": held / 1024,
        "per_chat_kb": (held - before) / max(1, len(sockets)),
        "start_p50": pct(started_in, 0.5) if started_in else None,
        "start_p95": pct(started_in, 0.95) if started_in else None,
        "wall_s": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    stack = LocalStackProcess(Path(tempfile.mkdtemp()) / "state")
    stack.start(timeout=180)
    try:
        bench = Bench(stack)
        result = scenario(bench, args.lines)
        a2v, v2c, v2a = result["agent_to_visitor"], result["visitor_to_console"], result["visitor_to_api"]
        print(f"assigned frame: {result['assigned']} after {result['assigned_in'] * 1000:.0f} ms")
        print(f"agent -> visitor  n={len(a2v)} p50 {pct(a2v, 0.5) * 1000:.0f} ms  p95 {pct(a2v, 0.95) * 1000:.0f} ms")
        print(f"visitor -> console n={len(v2c)} p50 {pct(v2c, 0.5) * 1000:.0f} ms  p95 {pct(v2c, 0.95) * 1000:.0f} ms")
        print(f"visitor -> API list n={len(v2a)} p50 {pct(v2a, 0.5) * 1000:.0f} ms  p95 {pct(v2a, 0.95) * 1000:.0f} ms")
        print(f"resume gave {result['resumed_lines']} lines; transcript mailed: {result['transcript_mailed']}")
        print(f"all agents offline: {offline(bench)}")
        load = concurrent(bench, args.chats)
        print(
            f"{load['chats']} concurrent chats: {load['open']} held, {load['failed']} failed {load['failures']}; "
            f"RSS {load['rss_before_mb']:.0f} -> {load['rss_held_mb']:.0f} MB ({load['per_chat_kb']:.0f} KB/chat); "
            f"start p50 {load['start_p50'] * 1000:.0f} ms p95 {load['start_p95'] * 1000:.0f} ms; "
            f"wall {load['wall_s']:.1f} s"
        )
        bench.sockets.close()
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
