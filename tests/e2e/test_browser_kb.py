"""The knowledge base in a real browser against the local stack: a customer's question answered by a suggested
article (deflected, no ticket), an agent linking an article to a ticket and inserting it into the reply, and the
public help centre."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.test_browser import _sign_in

AGENT = "zhangwei@demo.local"


def _close(stack: LocalStackProcess, ticket: dict[str, Any]) -> None:
    """Done with: the session's other tests share the agents' capacity."""
    lead = stack.login("lead@demo.local")
    closed = lead.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": "closed"}, timeout=10)
    assert closed.status_code == 200, closed.text


def _indexed(stack: LocalStackProcess) -> None:
    """The seed's articles are indexed by the stream pump a few seconds after a fresh stack starts."""
    session = stack.login(AGENT)
    assert wait_for(lambda: stack.get(session, "/api/kb/search", params={"q": "打印机"}).json()["items"], timeout=30)


def test_a_suggested_article_solves_the_customers_problem_and_no_ticket_is_made(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    _indexed(stack)
    customer = f"deflect.{uuid.uuid4().hex[:6]}@example.com"
    staff = stack.login(AGENT)
    before = stack.get(staff, "/api/kb/articles/reset-password").json()["deflections"]
    _sign_in(page, customer)
    page.get_by_test_id("nav-portal-new").click()
    page.get_by_test_id("portal-subject").press_sequentially("我的密码怎么重置")
    suggestion = page.get_by_test_id("suggestion-reset-password")
    expect(suggestion).to_be_visible()
    page.screenshot(path=str(screenshots / "portal-suggestions.png"))
    suggestion.click()
    expect(page.frame_locator("[data-testid=article-html]").get_by_text("打开登录页，点击“忘记密码”。")).to_be_visible()
    page.get_by_test_id("suggestion-solved").click()
    expect(page.get_by_test_id("portal-deflected")).to_be_visible()
    page.screenshot(path=str(screenshots / "portal-deflected.png"))

    mine = stack.get(stack.login(customer), "/api/tickets", params={"view": "requested"}).json()["items"]
    assert mine == []  # nothing was submitted
    assert stack.get(staff, "/api/kb/articles/reset-password").json()["deflections"] == before + 1


def test_an_agent_links_an_article_and_inserts_it_into_the_reply(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], stack: LocalStackProcess, screenshots: Path
):
    _indexed(stack)
    requester = {"email": f"printer.{uuid.uuid4().hex[:6]}@example.com", "name": "孙女士"}
    body = {"subject": "打印机无法连接", "description": "点了打印没有反应", "requester": requester, "team": "tech"}
    ticket = stack.post(stack.login(AGENT), "/api/tickets", json=body).json()
    _sign_in(page, AGENT)
    page.goto(f"/console/tickets/{ticket['id']}")
    expect(page.get_by_test_id("kb-item-printer")).to_be_visible()
    page.get_by_test_id("kb-link-printer").click()
    expect(page.get_by_test_id("kb-linked")).to_have_attribute("data-count", "1")
    page.get_by_test_id("kb-insert-printer").click()
    reply = page.get_by_test_id("reply-input")
    expect(reply).to_have_value(
        f"参考文章：打印机无法连接或无法打印\n打印机连不上或者点击打印没反应时：\n{stack.url}/help/articles/printer"
    )
    page.screenshot(path=str(screenshots / "console-kb-panel.png"))
    page.get_by_test_id("send-button").click()
    expect(reply).to_have_value("")

    staff = stack.login(AGENT)
    current = stack.get(staff, f"/api/tickets/{ticket['id']}").json()
    assert current["articles"] == ["printer"]
    assert stack.get(staff, "/api/kb/articles/printer").json()["linked_tickets"] >= 1
    _close(stack, current)
    # The customer follows the link in the reply to the public help centre.
    reader = browser.new_context(**browser_context_args).new_page()
    reader.goto("/help/articles/printer")
    expect(reader.get_by_test_id("article-title")).to_have_text("打印机无法连接或无法打印")
    reader.get_by_test_id("article-helpful").click()
    expect(reader.get_by_test_id("article-feedback-thanks")).to_be_visible()


def test_the_help_centre_searches_and_lists_by_category(page: Page, stack: LocalStackProcess, screenshots: Path):
    _indexed(stack)
    page.goto("/help")
    expect(page.get_by_test_id("help-categories")).to_contain_text("账单与发票")
    page.get_by_test_id("help-category-账单与发票").click()
    expect(page.get_by_test_id("help-article-invoice-title")).to_be_visible()
    page.locator("[data-testid=help-search] input").fill("VPN 连不上")
    page.locator("[data-testid=help-search] input").press("Enter")
    expect(page.get_by_test_id("help-results").locator("li").first).to_have_attribute(
        "data-testid", "help-article-vpn-connect"
    )
    page.screenshot(path=str(screenshots / "help-centre.png"))


def test_agents_draft_and_a_supervisor_previews_and_publishes_on_the_kb_screen(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], stack: LocalStackProcess, screenshots: Path
):
    _indexed(stack)
    word = f"蓝牙{uuid.uuid4().hex[:4]}"
    _sign_in(page, AGENT)
    page.get_by_test_id("nav-kb").click()
    expect(page.get_by_test_id("kb-table")).to_be_visible()
    page.get_by_test_id("kb-new").click()
    page.get_by_test_id("kb-title").fill(f"{word} 耳机连不上电脑")
    page.locator("[data-testid=kb-category] input").fill("硬件与打印")
    page.get_by_test_id("kb-body").fill(f"## 步骤\n\n1. 在系统设置中删除 {word} 设备\n2. 重新配对")
    expect(page.get_by_test_id("kb-publish")).to_have_count(0)  # agents write drafts
    page.get_by_test_id("kb-save").click()
    expect(page.get_by_test_id("kb-editor")).to_have_attribute("data-status", "draft")
    article_id = page.get_by_test_id("kb-editor").get_attribute("data-article-id")
    assert article_id

    lead = browser.new_context(**browser_context_args).new_page()
    _sign_in(lead, "lead@demo.local")
    lead.goto(f"/console/kb/{article_id}")
    lead.get_by_test_id("kb-tab-preview").click()
    expect(lead.frame_locator("[data-testid=article-html]").locator("h2")).to_have_text("步骤")
    lead.screenshot(path=str(screenshots / "console-kb-editor.png"))
    lead.get_by_test_id("kb-publish").click()
    expect(lead.get_by_test_id("kb-editor")).to_have_attribute("data-status", "published")
    expect(lead.get_by_test_id("kb-history-2")).to_contain_text("发布")

    search = f"{stack.url}/api/kb/search"
    found = wait_for(lambda: requests.get(search, params={"q": word}, timeout=10).json()["items"], timeout=10)
    assert [hit["id"] for hit in found] == [article_id]
