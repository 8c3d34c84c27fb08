"""Canned replies (快捷回复) in a real browser against the local stack: a supervisor adds one on the settings page;
an agent finds it by a word of its text, inserts it with the customer's name and the ticket number filled in, and
sends it; the customer reads it in the portal."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in

LEAD = "lead@demo.local"


def test_a_supervisor_adds_a_canned_reply_and_an_agent_sends_it(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], stack: LocalStackProcess, screenshots: Path
):
    title = f"网络排查 {uuid.uuid4().hex[:4]}"
    _sign_in(page, LEAD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("nav-canned").click()
    count = int(page.get_by_test_id("canned-list").get_attribute("data-count") or "0")
    page.get_by_test_id("canned-add").click()
    page.get_by_test_id(f"canned-title-{count}").fill(title)
    template = "您好 {customer_name}，请先重启路由器再试（工单 {ticket_number}）。"
    page.get_by_test_id(f"canned-body-{count}").fill(template)
    page.get_by_test_id("canned-save").click()
    expect(page.get_by_test_id("canned-page")).to_have_attribute("data-dirty", "false")
    saved = stack.get(stack.login(LEAD), "/api/canned-replies").json()["items"]
    assert saved[-1]["title"] == title

    requester = {"email": f"canned.{uuid.uuid4().hex[:6]}@example.com", "name": "周先生"}
    body = {"subject": "家里网络很慢", "description": "晚上经常断线", "requester": requester, "team": "tech"}
    ticket = stack.post(stack.login(LEAD), "/api/tickets", json=body).json()
    page.goto(f"/console/tickets/{ticket['id']}")
    page.get_by_test_id("canned-picker").click()
    page.keyboard.type("路由器")  # found by a word of its text
    page.get_by_test_id(f"canned-option-{saved[-1]['id']}").click()
    filled = f"您好 周先生，请先重启路由器再试（工单 {ticket['number']}）。"
    expect(page.get_by_test_id("reply-input")).to_have_value(filled)
    expect(page.get_by_test_id("reply-input")).to_be_focused()  # back in the reply, ready to edit
    expect(page.get_by_test_id("send-button")).to_be_enabled()
    expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)  # the picker closed again
    page.screenshot(path=str(screenshots / "console-canned-reply.png"))
    page.get_by_test_id("send-button").click()
    expect(page.get_by_test_id("reply-input")).to_have_value("")

    portal = browser.new_context(**browser_context_args).new_page()
    _sign_in(portal, requester["email"])
    portal.goto(f"/portal/tickets/{ticket['id']}")
    expect(portal.get_by_text(filled)).to_be_visible()
