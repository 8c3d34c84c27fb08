"""What 1,000 live chats cost on AWS, at list prices (docs/cost.md; run by bench/cost.py).

Measured, not assumed, like bench/cost.py's tickets: 20 chats live their life on the real code over moto's server,
through the chat function with API Gateway's WebSocket event shapes (connect, start, five lines each way with a
typing frame, end, disconnect), the agent answering through the API with the console's reads, the stream consumers
(assignment by chat capacity, the pushes, the transcript mail, report facts) fed by their pumps, and an agent's
console connection watching each chat. Every AWS request is recorded with its units; the WebSocket API is priced
per message (in and out) and per connection minute (each chat held 10 minutes, the console's connection shared).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CHATS = 20
SCALE = 1_000 / CHATS
LINES = 5
MINUTES_PER_CHAT = 10
WS_PRICES = {"message": 1.00 / 1e6, "connection_minute": 0.25 / 1e6}  # API Gateway WebSocket, per 32 KB message
SAMPLES = Path(__file__).resolve().parent.parent / "events" / "chat_socket"


def _event(route: str, connection_id: str, body: Any = None, message_id: str = "") -> dict[str, Any]:
    name = {"$connect": "connect", "$disconnect": "disconnect"}.get(route, "default")
    event = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    event["requestContext"]["connectionId"] = connection_id
    if body is not None:
        event["body"] = json.dumps(body, ensure_ascii=False)
        event["requestContext"]["messageId"] = message_id or f"{connection_id}-{hash(event['body'])}"
    if route == "$connect":
        event["headers"] = {k: v for k, v in event["headers"].items() if k.lower() != "origin"}
    return event


def run_chat_scenario() -> dict[str, Any]:
    import botocore.handlers
    from chalice.test import Client

    from bench.cost import Functions, Recorder, _Api, _handler
    from infra.local.pump import LambdaContext, StreamPump
    from infra.local.stack import REGION as LOCAL_REGION
    from infra.local.stack import provision, start_emulator
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import FixedClock
    from shared.container import Container, set_container
    from shared.services.routing import RULES

    recorder, functions = Recorder(), Functions()
    botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build", recorder.before))
    botocore.handlers.BUILTIN_HANDLERS.append(("after-call", recorder.after))
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": LOCAL_REGION}
    )
    os.environ.update(
        {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    )
    server, endpoint = start_emulator()
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    try:
        stack = provision(endpoint)
        container = Container(stack.settings(token_secret="cost-bench-secret-cost-bench-secret"), clock)
        set_container(container)
        for team in TEAMS:
            container.directory_store.put_team(team)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        rules = {
            "rules": [
                {"name": "all", "position": 1, "conditions": [], "actions": [{"type": "set_team", "value": "tech"}]}
            ]
        }
        container.routing_store.put_config(RULES, rules, None, "admin@demo.local", clock.now())
        from app import app
        from functions.chat_socket.handler import lambda_handler as chat_handler

        pumps = [
            StreamPump(
                stack,
                s,
                handler=functions.timed(s.function, _handler(s.handler)),
                starting_position="TRIM_HORIZON",
                retry_delay=0,
            )
            for s in stack.streams
        ]
        chat = functions.timed("ChatSocketFunction", chat_handler)
        api = _Api(Client(app), container, functions)
        sent = {"in": 0, "out": 0}

        def frame(route: str, connection_id: str, body: Any = None, message_id: str = "") -> dict[str, Any]:
            sent["in"] += body is not None
            return chat(_event(route, connection_id, body, message_id), LambdaContext("ChatSocketFunction"))

        def drain() -> None:
            for _ in range(10):
                if not sum(p.drain() for p in pumps):
                    break

        def received(_: str) -> None:
            sent["out"] += 1

        for n in range(CHATS):
            clock.advance(timedelta(minutes=2))
            visitor = f"cost-visitor-{n}"
            frame("$connect", visitor)
            container.local_sockets.register(visitor, received)
            frame(
                "$default",
                visitor,
                {"action": "start", "name": "访客", "email": f"v{n}@example.com", "text": "网络掉线"},
            )
            drain()
            ticket_id = container.chat_store.connection(visitor).conversation  # type: ignore[union-attr]
            agent = api.call("GET", f"/api/tickets/{ticket_id}", "lead@demo.local")["assignee"]
            console = f"cost-console-{n}"
            token = container.authenticator.sign_in_local(agent)[0]
            event = _event("$connect", console)
            event["queryStringParameters"] = {"token": token}
            chat(event, LambdaContext("ChatSocketFunction"))
            container.local_sockets.register(console, received)
            frame("$default", console, {"action": "watch", "ticket": ticket_id})
            api.call("GET", "/api/chats?state=mine", agent)
            for line in range(LINES):
                clock.advance(timedelta(seconds=30))
                frame("$default", visitor, {"action": "typing"})
                frame("$default", visitor, {"action": "message", "text": f"第 {line} 句", "id": f"l{line}"})
                api.call("POST", f"/api/tickets/{ticket_id}/messages", agent, {"body": f"回复 {line}"})
                drain()
            frame("$default", visitor, {"action": "end"})
            drain()
            frame("$disconnect", visitor)
            frame("$disconnect", console)
            container.local_sockets.unregister(visitor)
            container.local_sockets.unregister(console)
        return {
            "calls": dict(recorder.calls),
            "wru": recorder.wru,
            "rru": recorder.rru,
            "invocations": dict(functions.invocations),
            "seconds": dict(functions.seconds),
            "api_requests": api.requests,
            "messages": sent["in"] + sent["out"],
            "sent": sum(v for k, v in recorder.calls.items() if k in ("sesv2.SendEmail", "ses.SendRawEmail")),
        }
    finally:
        server.stop()
        set_container(None)


def price_chats(usage: dict[str, Any]) -> tuple[list[tuple[str, str, float]], float]:
    from bench.cost import LOG_BYTES_PER_INVOCATION, PRICES, memory_of

    memory = memory_of()
    gb_seconds = sum(s * memory.get(fn, 512) / 1024 for fn, s in usage["seconds"].items()) * SCALE
    invocations = sum(usage["invocations"].values()) * SCALE
    messages = usage["messages"] * SCALE
    minutes = 1_000 * MINUTES_PER_CHAT
    wru, rru = usage["wru"] * SCALE, usage["rru"] * SCALE
    api = usage["api_requests"] * SCALE
    sent = usage["sent"] * SCALE
    logs_gb = invocations * LOG_BYTES_PER_INVOCATION / 1e9
    rows = [
        (
            "Lambda",
            f"{invocations:,.0f} invocations, {gb_seconds:,.0f} GB-s",
            invocations * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        ),
        (
            "API Gateway WebSocket",
            f"{messages:,.0f} messages, {minutes:,.0f} connection minutes",
            messages * WS_PRICES["message"] + minutes * WS_PRICES["connection_minute"],
        ),
        ("API Gateway REST (the console)", f"{api:,.0f} requests", api * PRICES["api_request"]),
        (
            "DynamoDB requests",
            f"{wru:,.0f} write units, {rru:,.0f} read units",
            wru * PRICES["dynamodb_wru"] + rru * PRICES["dynamodb_rru"],
        ),
        ("SES (transcripts)", f"{sent:,.0f} sent", sent * PRICES["ses_sent"]),
        ("CloudWatch Logs", f"{logs_gb * 1000:,.1f} MB", logs_gb * PRICES["logs_gb"]),
    ]
    return rows, sum(cost for _, _, cost in rows)
