"""The console's search box in a real browser against the local stack: a caller reads out a ticket number, or gives
their email, and the agent is there at once; from the customer's tickets, a new one is opened for them."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in

AGENT = "wangfang@demo.local"


def test_an_agent_finds_a_ticket_by_number_and_a_customer_by_email(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    caller = f"caller.{uuid.uuid4().hex[:6]}@example.com"
    customer = stack.login(caller)
    opened = [
        stack.post(customer, "/api/tickets", json={"subject": subject, "description": "电话里说的"}).json()
        for subject in ("发票开错了", "退款还没到账")
    ]
    _sign_in(page, AGENT)
    expect(page.get_by_test_id("queue-page")).to_be_visible()

    page.keyboard.press("/")  # the shortcut puts the cursor in the box
    expect(page.get_by_test_id("console-search")).to_be_focused()
    page.keyboard.type(opened[0]["number"].lower())
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{stack.url}/console/tickets/{opened[0]['number']}")
    expect(page.get_by_test_id("ticket-subject")).to_have_text("发票开错了")

    search = page.get_by_test_id("console-search")
    search.fill(f"  {caller.upper()} ")
    search.press("Enter")
    expect(page.get_by_test_id("customer-title")).to_contain_text(caller)
    for ticket in opened:
        expect(page.get_by_test_id(f"customer-ticket-row-{ticket['number']}")).to_be_visible()
    expect(page.get_by_test_id("customer-count")).to_contain_text("2")
    page.screenshot(path=str(screenshots / "console-customer-tickets.png"), full_page=True)

    page.get_by_test_id("customer-new-ticket").click()
    expect(page.get_by_test_id("new-requester-email")).to_have_value(caller)
