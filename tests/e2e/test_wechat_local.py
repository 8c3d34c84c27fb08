"""The WeChat channel on the local stack as `make run` starts it: the emulator posts as WeChat would, the product
answers through the emulated API, all over HTTP."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

import requests

from infra.local.process import LocalStackProcess, wait_for
from shared.domain.wechat.followers import requester_address
from shared.domain.wechat.protocol import signature

LEAD = "lead@demo.local"


def _ticket_of(stack: LocalStackProcess, openid: str) -> dict[str, Any] | None:
    lead = stack.login(LEAD)
    items = stack.get(lead, f"/api/tickets?view=requested&requester={requester_address(openid)}").json()["items"]
    return items[0] if items else None


def _outbox(stack: LocalStackProcess, openid: str) -> list[str]:
    items = stack.get(stack.login(LEAD), "/api/dev/wechat/outbox").json()["items"]
    return [item["text"]["content"] for item in items if item["touser"] == openid]


def _send(stack: LocalStackProcess, openid: str, content: str) -> str:
    body = {"openid": openid, "content": content}
    response = requests.post(f"{stack.url}/api/dev/wechat/send", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["msg_id"]


def test_the_server_url_check_answers_with_the_local_token(stack: LocalStackProcess):
    # WeChat signs with its own clock; here that is the dev clock, which other tests may have moved on.
    now = stack.advance_clock(stack.login(LEAD), 0).json()["now"]
    timestamp, nonce = str(int(datetime.fromisoformat(now).timestamp())), "20261123"
    query = {"signature": signature("local-wechat-token", timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    answer = requests.get(f"{stack.url}/api/channels/wechat", params={**query, "echostr": "hello-wechat"}, timeout=10)
    assert answer.status_code == 200 and answer.text == "hello-wechat"
    forged = requests.get(
        f"{stack.url}/api/channels/wechat", params={**query, "signature": "0" * 40, "echostr": "x"}, timeout=10
    )
    assert forged.status_code == 403


def test_a_wechat_conversation_from_first_message_to_a_reply_after_48_hours(stack: LocalStackProcess):
    openid = f"oE2e{secrets.token_hex(8)}"
    msg_id = _send(stack, openid, "发票开错了\n抬头写成了个人")
    assert msg_id.isdigit()

    # Opened, routed and assigned like any other ticket, and acknowledged on WeChat.
    ticket = wait_for(lambda: (t := _ticket_of(stack, openid)) and t["assignee"] and t, timeout=10)
    assert ticket, "no assigned ticket within 10 s"
    assert ticket["channel"] == "wechat" and ticket["subject"] == "发票开错了" and ticket["team"]
    acknowledged = wait_for(lambda: _outbox(stack, openid), timeout=5)
    assert len(acknowledged) == 1 and ticket["number"] in acknowledged[0]

    # The agent's reply reaches the emulator's outbox once.
    agent = stack.login(ticket["assignee"])
    reply = stack.post(agent, f"/api/tickets/{ticket['id']}/messages", json={"body": "已为您重开发票，请查收。"})
    assert reply.status_code == 201
    assert wait_for(lambda: len(_outbox(stack, openid)) == 2, timeout=5)
    time.sleep(1.5)  # a second send would have arrived by now
    assert _outbox(stack, openid).count("已为您重开发票，请查收。") == 1

    # The customer's second message joins the same ticket.
    _send(stack, openid, "收到了，谢谢")

    def conversation() -> list[str]:
        return [m["body"] for m in stack.get(agent, f"/api/tickets/{ticket['id']}/messages").json()["items"]]

    assert wait_for(lambda: "收到了，谢谢" in conversation(), timeout=10), conversation()
    assert _ticket_of(stack, openid)["id"] == ticket["id"]

    # 48 hours of silence: WeChat would refuse, so the reply is kept and marked undelivered.
    assert stack.advance_clock(stack.login(LEAD), 48 * 60 + 5).status_code == 200
    agent = stack.login(ticket["assignee"])  # the old token expired with the jump
    late = stack.post(agent, f"/api/tickets/{ticket['id']}/messages", json={"body": "请问还有其他问题吗？"}).json()

    def delivery() -> dict[str, Any] | None:
        items = stack.get(agent, f"/api/tickets/{ticket['id']}/messages").json()["items"]
        return next((m["delivery"] for m in items if m["id"] == late["id"]), None)

    marked = wait_for(delivery, timeout=10)
    assert marked and marked["status"] == "undelivered" and marked["reason"] == "window_closed"
    assert "请问还有其他问题吗？" not in _outbox(stack, openid)
    window = stack.get(agent, f"/api/tickets/{ticket['id']}/wechat").json()
    assert window["window_open"] is False
