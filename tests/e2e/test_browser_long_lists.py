"""A 100-ticket queue and a 200-message conversation stay usable: paging, keyboard, virtualized rendering."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in


def test_a_hundred_ticket_queue_and_a_two_hundred_message_conversation(page: Page, stack: LocalStackProcess):
    lead = stack.login("lead@demo.local")
    requester = {"email": f"bulk.{uuid.uuid4().hex[:8]}@example.com", "name": "批量客户"}
    created = [
        stack.post(
            lead, "/api/tickets", json={"subject": f"批量工单 {i:03d}", "description": "d", "requester": requester}
        )
        for i in range(100)
    ]
    assert all(r.status_code == 201 for r in created)
    long_one = created[0].json()
    customer = stack.login(requester["email"])
    for i in range(200):
        author = lead if i % 2 == 0 else customer
        response = stack.post(author, f"/api/tickets/{long_one['id']}/messages", json={"body": f"第 {i:03d} 条消息"})
        assert response.status_code == 201

    _sign_in(page, "zhangwei@demo.local")
    page.get_by_test_id("view-tab-all").click()
    rows = page.locator('[data-testid^="ticket-row-"]')
    # The whole desk's list on the suite's shared stack, after every earlier test's tickets: give it time.
    expect(rows.first).to_be_visible(timeout=20_000)
    while rows.count() < 100:
        page.get_by_test_id("load-more").click()
        expect(rows).not_to_have_count(rows.count())
    # The keyboard walks the whole queue: the first j selects the first row, 99 more reach the hundredth.
    page.evaluate("document.activeElement && document.activeElement.blur()")  # keys go to the queue, not a button
    for _ in range(100):
        page.keyboard.press("j")
    expect(rows.nth(99)).to_have_attribute("data-selected", "true")
    expect(rows.nth(99)).to_be_in_viewport()
    page.keyboard.press("k")
    expect(rows.nth(98)).to_have_attribute("data-selected", "true")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ticket-page")).to_be_visible()

    page.goto(f"/console/tickets/{long_one['number']}")
    messages = page.locator('[data-testid="message-list"] [data-testid^="message-"]')
    # The 200 messages' stream records may still be in delivery on a busy machine: the first page can take longer.
    expect(messages.first).to_be_visible(timeout=20_000)
    assert 0 < messages.count() < 100, "a 200-message conversation should render only a window of it"
    page.get_by_test_id("message-list").evaluate("list => list.scrollTo(0, list.scrollHeight)")
    expect(page.get_by_test_id("message-list")).to_contain_text("第 199 条消息")
    page.get_by_test_id("reply-input").fill("还在处理中，请稍候。")
    expect(page.get_by_test_id("reply-input")).to_have_value("还在处理中，请稍候。")
