"""DynamoDB requests of working together on a ticket; prints a markdown table for bench/README.md ("Working together").

Each operation goes through the real Chalice app over moto's server (provisioned from template.yaml), and its
DynamoDB requests are counted with a botocore `before-call` hook: mention (an internal note naming a colleague),
follow, add and complete a sub-task, request and answer a collaboration, merge a ticket with 50 messages, the work
lists and the notification read marks. Then one stream effect per kind, through the notification function's service.

Goal: at most 3 requests for each single-item operation; the merge bounded (and stated).

Usage: .venv/bin/python bench/collab.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routing import _setup  # noqa: E402

AGENT = "wangfang@demo.local"
BILLING = "liuyang@demo.local"
ZHANG = "zhangwei@demo.local"
CUSTOMER = "alice@example.com"


def bench() -> list[dict[str, Any]]:
    from chalice.test import Client

    from infra.seed.demo import STAFF, TEAMS

    server, _, container, calls = _setup()
    rows: list[dict[str, Any]] = []
    try:
        for team in TEAMS:
            container.directory_store.put_team(team)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        from app import app

        tokens = {who: container.authenticator.sign_in_local(who)[0] for who in (AGENT, BILLING, ZHANG, CUSTOMER)}
        with Client(app) as client:

            def call(name: str | None, method: str, path: str, who: str, body: Any = None) -> Any:
                calls.clear()
                headers = {"Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json"}
                payload = json.dumps(body).encode() if body is not None else b""
                response = client.http.request(method, path, headers=headers, body=payload)
                assert response.status_code < 300, response.body
                if name is not None:
                    rows.append({"operation": name, "requests": sum(calls.values()), "calls": dict(calls)})
                return response.json_body

            opened = {"subject": "发票开错了", "description": "请重开"}
            ticket = call(None, "POST", "/api/tickets", CUSTOMER, opened)
            tid = ticket["id"]
            note = {"body": f"@{ZHANG} 请看一下", "internal": True}
            call("mention (an internal note naming one colleague)", "POST", f"/api/tickets/{tid}/messages", AGENT, note)
            call("follow", "POST", f"/api/tickets/{tid}/followers", AGENT, {"email": BILLING})
            call("unfollow", "DELETE", f"/api/tickets/{tid}/followers/{BILLING}", AGENT)
            subtask = call(
                "add a sub-task", "POST", f"/api/tickets/{tid}/subtasks", AGENT, {"title": "核对", "assignee": BILLING}
            )
            call("list sub-tasks", "GET", f"/api/tickets/{tid}/subtasks", AGENT)
            call("list view=subtasks", "GET", "/api/tickets?view=subtasks", BILLING)
            call(
                "complete a sub-task",
                "PATCH",
                f"/api/tickets/{tid}/subtasks/{subtask['id']}",
                BILLING,
                {"status": "done"},
            )
            asked = call(
                "request a collaboration",
                "POST",
                f"/api/tickets/{tid}/collaborations",
                AGENT,
                {"team": "billing", "request": "请核实"},
            )
            call("list view=collaborating", "GET", "/api/tickets?view=collaborating", BILLING)
            call(
                "answer a collaboration (with its note)",
                "PATCH",
                f"/api/tickets/{tid}/collaborations/{asked['id']}",
                BILLING,
                {"status": "done", "response": "已核实"},
            )
            duplicate = call(None, "POST", "/api/tickets", CUSTOMER, opened)
            for n in range(49):  # a web ticket starts with no message: 49 customer messages and one note make 50
                call(None, "POST", f"/api/tickets/{duplicate['id']}/messages", CUSTOMER, {"body": f"补充 {n}"})
            call(None, "POST", f"/api/tickets/{duplicate['id']}/messages", AGENT, {"body": "记录", "internal": True})
            call(
                "merge a ticket with 50 messages (by id)",
                "POST",
                f"/api/tickets/{duplicate['id']}/merge",
                AGENT,
                {"into": tid},
            )
            other = call(None, "POST", "/api/tickets", CUSTOMER, opened)
            call(
                "merge a ticket with 0 messages (by number)",
                "POST",
                f"/api/tickets/{other['number']}/merge",
                AGENT,
                {"into": ticket["number"]},
            )

            # The stream effects (the notification function's service, as its handler calls it), then the bell.
            from shared.adapters.items import EventItem
            from shared.adapters.ticket_mapping import ticket_pk, to_event

            service = container.notifications(deliver=lambda job: {"message_id": "bench"})
            for item in EventItem.query(ticket_pk(tid), EventItem.sk.startswith("EVENT#")):
                event = to_event(item)
                calls.clear()
                done = service.handle(event)
                kinds = sorted({line.split("(")[-1].rstrip(")") for line in done if line.startswith("notified")})
                if kinds and event.type.value != "ticket.created":
                    rows.append(
                        {
                            "operation": f"stream: {event.type.value} ({', '.join(kinds)}; {len(done)} effects)",
                            "requests": sum(calls.values()),
                            "calls": dict(calls),
                        }
                    )
            unread = call("notifications ?unread=true", "GET", "/api/notifications?unread=true", BILLING)
            call("mark one read", "POST", "/api/notifications/read", BILLING, {"ids": [unread["items"][0]["id"]]})
            left = len(unread["items"]) - 1
            call(f"mark all read ({left} unread)", "POST", "/api/notifications/read", BILLING, {"all": True})
    finally:
        server.stop()
    return rows


def main() -> None:
    rows = bench()
    print("### DynamoDB requests per operation (through the app, over moto)\n")
    print("| operation | requests | by call |")
    print("|---|---|---|")
    for row in rows:
        by_call = ", ".join(f"{name} {count}" for name, count in sorted(row["calls"].items()))
        print(f"| {row['operation']} | {row['requests']} | {by_call} |")


if __name__ == "__main__":
    main()
