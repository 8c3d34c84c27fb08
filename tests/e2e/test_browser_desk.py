"""The desk in a real browser against the local stack: a customer submits a ticket in the portal from a template,
fills its required field and pastes a screenshot; the agent sees the field and the image; a supervisor selects 20
tickets and moves them to another team in one action; an agent saves a view "VIP 未解决" and it lists exactly those
tickets."""

from __future__ import annotations

import base64
import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.test_browser import _sign_in
from tests.integration.test_uploads import png

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"

PASTE = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], 'image.png', { type: 'image/png' });
  const dt = new DataTransfer();
  dt.items.add(file);
  const target = document.querySelector(selector);
  target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
}"""


def _forms(stack: LocalStackProcess, admin: Any, suffix: str) -> tuple[Any, Any]:
    """A required field and a customer template (what was there is returned, to be put back)."""
    fields = stack.get(admin, "/api/fields")
    templates = stack.get(admin, "/api/ticket-templates")
    mine = {
        "key": f"order_{suffix}",
        "label": {"zh-CN": "订单号", "en": "Order number"},
        "type": "text",
        "required_for_categories": [f"refund-{suffix}"],
        "visible_to_customer": True,
    }
    put = admin.put(
        f"{stack.url}/api/admin/fields",
        json=[*fields.json(), mine],
        headers={"If-Match": fields.headers["ETag"]},
        timeout=10,
    )
    assert put.status_code == 200, put.text
    template = {
        "id": f"refund-{suffix}",
        "name": f"退款申请 {suffix}",
        "category": f"refund-{suffix}",
        "subject": "申请退款",
        "description": "请说明退款原因",
        "fields": [mine["key"]],
        "visible_to_customer": True,
    }
    put = admin.put(
        f"{stack.url}/api/admin/ticket-templates",
        json=[*templates.json(), template],
        headers={"If-Match": templates.headers["ETag"]},
        timeout=10,
    )
    assert put.status_code == 200, put.text
    return fields.json(), templates.json()


def _restore(stack: LocalStackProcess, admin: Any, fields: Any, templates: Any) -> None:
    for read, write, body in (
        ("/api/ticket-templates", "/api/admin/ticket-templates", templates),
        ("/api/fields", "/api/admin/fields", fields),
    ):
        current = stack.get(admin, read)
        admin.put(f"{stack.url}{write}", json=body, headers={"If-Match": current.headers["ETag"]}, timeout=10)


def test_template_screenshot_bulk_move_and_a_saved_view(
    page: Page, browser: Browser, browser_context_args: dict, stack: LocalStackProcess, screenshots: Path
):
    suffix = uuid.uuid4().hex[:6]
    admin, lead = stack.login(ADMIN), stack.login(LEAD)
    saved_fields, saved_templates = _forms(stack, admin, suffix)
    try:
        # -- the customer: a template, its required field, a pasted screenshot ---------------------------------
        customer = f"desk.{suffix}@example.com"
        _sign_in(page, customer)
        page.goto("/portal/new")
        page.get_by_test_id("portal-template").click()
        page.get_by_test_id(f"portal-template-refund-{suffix}").click()
        expect(page.get_by_test_id("portal-subject")).to_have_value("申请退款")
        page.get_by_test_id("portal-submit").click()  # the required field is empty: nothing is sent
        expect(page.locator(".ant-form-item-explain-error")).to_have_count(1)
        page.get_by_test_id(f"field-order_{suffix}").fill("A20261206")
        page.evaluate(PASTE, ['[data-testid="portal-attachments"]', base64.b64encode(png(40, 30)).decode()])
        expect(page.locator('[data-testid="pending-upload"][data-state="done"]')).to_have_count(1, timeout=15_000)
        page.get_by_test_id("portal-submit").click()
        expect(page.get_by_test_id("portal-ticket-page")).to_be_visible()
        number = page.get_by_test_id("ticket-number").inner_text().strip()
        page.screenshot(path=str(screenshots / "desk-portal-submitted.png"))

        # -- the agent sees the field and the image -----------------------------------------------------------
        agent_context = browser.new_context(**browser_context_args)
        agent_page = agent_context.new_page()
        _sign_in(agent_page, AGENT)
        agent_page.goto(f"/console/tickets/{number}")
        expect(agent_page.get_by_test_id(f"custom-field-order_{suffix}")).to_contain_text("订单号")
        expect(agent_page.get_by_test_id(f"custom-field-order_{suffix}")).to_contain_text("A20261206")
        thumb = agent_page.get_by_test_id("attachment-thumb-w1")
        expect(thumb).to_be_visible()
        wait_for(lambda: thumb.evaluate("img => img.complete && img.naturalWidth === 40"), timeout=10)
        agent_page.screenshot(path=str(screenshots / "desk-agent-ticket.png"))

        # -- the supervisor moves 20 tickets to another team in one action ------------------------------------
        batch = f"batch{suffix}"
        made = [
            stack.post(
                lead,
                "/api/tickets",
                json={
                    "subject": f"批量 {i}",
                    "description": "d",
                    "team": "tech",
                    "tags": [batch],
                    "requester": {"email": f"bulk{i}.{suffix}@example.com"},
                },
            ).json()
            for i in range(20)
        ]
        lead_context = browser.new_context(**browser_context_args)
        page = lead_context.new_page()
        _sign_in(page, LEAD)
        page.goto(f"/console/queue/all?tag={batch}")
        expect(page.locator('[data-testid^="ticket-row-"]')).to_have_count(20, timeout=15_000)
        page.get_by_test_id("select-all").check()
        expect(page.get_by_test_id("bulk-count")).to_contain_text("20")
        page.get_by_test_id("bulk-team").click()
        page.get_by_test_id("bulk-team-billing").click()
        page.get_by_test_id("bulk-apply").click()
        expect(page.get_by_test_id("bulk-bar")).to_have_count(0, timeout=20_000)
        for ticket in made:
            assert stack.get(lead, f"/api/tickets/{ticket['id']}").json()["team"] == "billing"
        page.screenshot(path=str(screenshots / "desk-bulk-moved.png"))

        # -- an agent saves "VIP 未解决" and it lists exactly those tickets -------------------------------------
        vip = f"VIP{suffix}"
        agent = stack.login(AGENT)
        wanted = []
        for i, status in enumerate(["new", "in_progress", "waiting_customer", "resolved"]):
            body = {"subject": f"VIP {i}", "description": "d", "tags": [vip], "requester": {"email": customer}}
            ticket = stack.post(agent, "/api/tickets", json=body).json()
            if status != "new":
                # No If-Match: the assignment function may have taken the ticket meanwhile (new -> in_progress).
                answer = agent.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": status}, timeout=10)
                assert answer.status_code == 200, answer.text
            if status != "resolved":
                wanted.append(ticket["number"])
        stack.post(
            agent, "/api/tickets", json={"subject": "普通", "description": "d", "requester": {"email": customer}}
        )

        lead_context.close()
        agent_page.goto("/console/queue/all")
        agent_page.get_by_test_id("filter-tag").fill(vip)
        agent_page.get_by_test_id("filter-tag").press("Enter")
        for status in ("new", "in_progress", "waiting_customer"):
            agent_page.get_by_test_id(f"filter-status-{status}").click()
        expect(agent_page.locator('[data-testid^="ticket-row-"]')).to_have_count(3, timeout=15_000)
        agent_page.get_by_test_id("save-view").click()
        agent_page.get_by_test_id("save-view-name").fill("VIP 未解决")
        agent_page.get_by_test_id("save-view-ok").click()
        tab = agent_page.locator('[data-testid^="saved-view-tab-"][data-view-name="VIP 未解决"]')
        expect(tab).to_have_count(1)
        expect(tab).to_have_attribute("aria-selected", "true")
        # The count reads one bounded page: "3", or "3+" when the desk has more tickets than it read.
        expect(tab.locator('[data-testid^="saved-view-count-"]')).to_have_text(re.compile(r"^3\+?$"), timeout=15_000)
        # A fresh visit through the tab lists exactly those tickets.
        agent_page.goto("/console/queue/mine")
        tab.click()
        rows = agent_page.locator('[data-testid^="ticket-row-"]')
        expect(rows).to_have_count(3, timeout=15_000)
        listed = sorted(r.get_attribute("data-testid").removeprefix("ticket-row-") for r in rows.all())
        assert listed == sorted(wanted)
        agent_page.screenshot(path=str(screenshots / "desk-saved-view.png"))
        agent_context.close()
    finally:
        _restore(stack, admin, saved_fields, saved_templates)
