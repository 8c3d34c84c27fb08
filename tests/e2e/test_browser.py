"""The SPA in a real browser (Debian's Chromium) against the local stack: portal and console together."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from infra.local.process import LocalStackProcess

AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"


@contextmanager
def _nobody_free_in(stack: LocalStackProcess, team: str) -> Iterator[None]:
    """The team's agents step away, so routing leaves a new ticket waiting in the unassigned queue."""
    lead = stack.login(LEAD)
    agents = stack.get(lead, "/api/agents").json()["items"]
    members = {a["email"]: a["availability"] for a in agents if team in a["teams"]}

    def set_availability(email: str, availability: str) -> None:
        url = f"{stack.url}/api/agents/{email}/availability"
        lead.put(url, json={"availability": availability}, timeout=10).raise_for_status()

    for email in members:
        set_availability(email, "away")
    try:
        yield
    finally:
        for email, availability in members.items():
            set_availability(email, availability)


def _sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    staff_button = page.get_by_test_id(f"signin-account-{email}")
    if email.endswith("@demo.local"):
        staff_button.click()
    else:
        page.get_by_test_id("signin-email").fill(email)
        page.get_by_test_id("signin-submit").click()
    expect(page).to_have_url(re.compile(r"/(console|portal)"))


def _new_context(browser: Browser, browser_context_args: dict) -> BrowserContext:
    return browser.new_context(**browser_context_args)


def _submit_in_portal(page: Page, subject: str, description: str) -> str:
    page.get_by_test_id("nav-portal-new").click()
    page.get_by_test_id("portal-subject").fill(subject)
    page.get_by_test_id("portal-description").fill(description)
    page.get_by_test_id("portal-submit").click()
    expect(page.get_by_test_id("portal-ticket-page")).to_be_visible()
    number = page.get_by_test_id("ticket-number").inner_text().strip()
    assert re.fullmatch(r"GD\d{11,}", number), number
    return number


def test_customer_and_agent_work_a_ticket_together(
    page: Page, browser: Browser, browser_context_args: dict, stack: LocalStackProcess, screenshots: Path
):
    customer = f"portal.{uuid.uuid4().hex[:8]}@example.com"
    _sign_in(page, customer)
    agent_context = _new_context(browser, browser_context_args)
    console = agent_context.new_page()
    _sign_in(console, AGENT)
    with _nobody_free_in(stack, "tech"):  # the rules send this ticket to the tech team
        number = _submit_in_portal(page, "电脑无法开机", "按下电源键后没有任何反应，指示灯也不亮。")
        expect(page.get_by_test_id("portal-progress")).to_contain_text("我们已收到您的工单")

        console.get_by_test_id("view-tab-unassigned").click()
        row = console.get_by_test_id(f"ticket-row-{number}")
        expect(row).to_be_visible()
        row.click()
        expect(console.get_by_test_id("ticket-page")).to_be_visible()
        expect(console.get_by_test_id("ticket-number")).to_have_text(number)

        # Take it: assign to oneself.
        console.get_by_test_id("assignee-select").click()
        console.get_by_test_id(f"assignee-option-{AGENT}").click()
        expect(console.get_by_test_id("status-select")).to_contain_text("处理中")

    # An internal note, sent with ctrl+Enter, then a public reply.
    console.get_by_test_id("internal-toggle").click()
    console.get_by_test_id("reply-input").fill("内部备注：客户是重要客户，优先处理")
    console.get_by_test_id("reply-input").press("Control+Enter")
    note = console.locator('[data-internal="true"][data-testid^="message-"]')
    expect(note).to_contain_text("内部备注：客户是重要客户")
    expect(note.get_by_test_id("internal-label")).to_be_visible()
    console.get_by_test_id("internal-toggle").click()
    console.get_by_test_id("reply-input").fill("您好，请检查电源线是否插好，并长按电源键 10 秒。")
    console.get_by_test_id("send-button").click()
    expect(console.locator('[data-internal="false"][data-testid^="message-"]').last).to_contain_text("长按电源键")
    expect(console.get_by_test_id("audit-trail")).to_contain_text("处理中")
    console.screenshot(path=str(screenshots / "console-ticket.png"), full_page=True)
    console.get_by_test_id("nav-queue").click()
    console.get_by_test_id("view-tab-mine").click()
    expect(console.get_by_test_id(f"ticket-row-{number}")).to_be_visible()
    console.screenshot(path=str(screenshots / "console-queue.png"), full_page=True)

    # The customer sees the reply, never the note.
    page.reload()
    conversation = page.get_by_test_id("conversation")
    expect(conversation).to_contain_text("长按电源键 10 秒")
    expect(conversation).not_to_contain_text("内部备注")
    assert page.locator('[data-internal="true"]').count() == 0
    page.screenshot(path=str(screenshots / "portal-ticket.png"), full_page=True)
    page.get_by_test_id("nav-my-tickets").click()
    expect(page.get_by_test_id("my-tickets")).to_contain_text(number)
    page.screenshot(path=str(screenshots / "portal-my-tickets.png"), full_page=True)
    agent_context.close()


def test_two_agents_editing_one_ticket_see_the_conflict(
    page: Page, browser: Browser, browser_context_args: dict, stack: LocalStackProcess, screenshots: Path
):
    customer = stack.login(f"conflict.{uuid.uuid4().hex[:8]}@example.com")
    ticket = stack.post(
        customer, "/api/tickets", json={"subject": "发票金额有误", "description": "金额多了 100 元"}
    ).json()

    first = page
    _sign_in(first, "zhangwei@demo.local")
    first.goto(f"/console/tickets/{ticket['number']}")
    expect(first.get_by_test_id("ticket-page")).to_be_visible()

    second_context = _new_context(browser, browser_context_args)
    second = second_context.new_page()
    _sign_in(second, "lead@demo.local")
    second.goto(f"/console/tickets/{ticket['number']}")
    expect(second.get_by_test_id("ticket-page")).to_be_visible()

    first.get_by_test_id("priority-select").click()
    first.get_by_test_id("priority-option-P1").click()
    expect(first.get_by_test_id("priority-select")).to_contain_text("紧急")

    second.get_by_test_id("priority-select").click()
    second.get_by_test_id("priority-option-P4").click()
    expect(second.get_by_test_id("conflict-alert")).to_be_visible()
    expect(second.get_by_test_id("conflict-alert")).to_contain_text("已被他人修改")
    second.keyboard.press("Escape")
    second.screenshot(path=str(screenshots / "console-conflict.png"), full_page=True)

    lead = stack.login("lead@demo.local")
    assert stack.get(lead, f"/api/tickets/{ticket['id']}").json()["priority"] == "P1"  # nothing overwritten
    second.get_by_test_id("conflict-reload").click()
    expect(second.get_by_test_id("priority-select")).to_contain_text("紧急")
    second_context.close()
