"""A WeChat ticket in a real browser against the local stack: a follower writes and sends a photo through the
emulator; the agent sees the channel, the conversation as chat bubbles with the photo inline and the 48-hour
window counting down, and answers from the reply box; the answer reaches the follower on WeChat."""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess, wait_for
from shared.domain.wechat.followers import requester_address
from tests.e2e.test_browser import _sign_in

LEAD = "lead@demo.local"
_wait_for = partial(wait_for, timeout=20.0)


def _send(stack: LocalStackProcess, openid: str, **body: str) -> None:
    response = requests.post(f"{stack.url}/api/dev/wechat/send", json={"openid": openid, **body}, timeout=10)
    assert response.status_code == 200, response.text


def test_a_wechat_ticket_in_the_console(page: Page, stack: LocalStackProcess, screenshots: Path):
    openid = f"oBrowser{secrets.token_hex(6)}"
    _send(stack, openid, content="扫码支付一直失败\n提示“交易异常”")
    lead = stack.login(LEAD)
    query = f"/api/tickets?view=requested&requester={requester_address(openid)}"
    ticket = _wait_for(lambda: (items := stack.get(lead, query).json()["items"]) and items[0])
    assert ticket, "the WeChat message made no ticket"

    def messages() -> list[dict]:
        return stack.get(lead, f"/api/tickets/{ticket['id']}/messages").json()["items"]

    _send(stack, openid, msg_type="image")
    assert _wait_for(lambda: len(messages()) == 2), "the photo did not join the ticket"

    _sign_in(page, LEAD)
    page.goto(f"/console/tickets/{ticket['number']}")
    expect(page.get_by_test_id("ticket-subject")).to_have_text("扫码支付一直失败")
    expect(page.get_by_test_id("wechat-channel")).to_have_text("微信")
    expect(page.get_by_test_id("conversation")).to_have_attribute("data-style", "chat")
    first, photo = messages()
    expect(page.get_by_test_id(f"message-{first['id']}")).to_have_attribute("data-bubble", "left")
    image = page.get_by_test_id(f"message-{photo['id']}").get_by_test_id("wechat-image")
    expect(image).to_be_visible()
    assert _wait_for(lambda: image.evaluate("img => img.complete && img.naturalWidth > 0")), "the photo did not load"
    window = page.get_by_test_id("wechat-window")
    expect(window).to_have_attribute("data-open", "true")
    expect(window).to_contain_text("微信回复窗口还剩 47h")
    expect(window).to_contain_text(openid)

    page.get_by_test_id("reply-input").fill("您好，请把付款截图发给我们，我们马上核查。")
    page.get_by_test_id("send-button").click()
    replies = page.locator('[data-bubble="right"]')
    expect(replies).to_have_count(1)
    expect(replies.first).to_contain_text("请把付款截图发给我们")
    page.screenshot(path=str(screenshots / "wechat-ticket.png"), full_page=True)

    def outbox() -> list[str]:
        items = stack.get(lead, "/api/dev/wechat/outbox").json()["items"]
        return [i["text"]["content"] for i in items if i["touser"] == openid]

    assert _wait_for(lambda: "您好，请把付款截图发给我们，我们马上核查。" in outbox()), outbox()
    expect(replies.first.get_by_test_id("undelivered")).to_have_count(0)
