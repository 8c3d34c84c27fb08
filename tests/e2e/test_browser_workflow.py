"""Triggers, automations and the closing review in a real browser against the local stack: the admin adds a trigger
and dry-runs it, edits an automation; a ticket says which automation acts next; a supervisor approves a ticket that
waits for its closing review (结案审核)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"


def test_admin_adds_a_trigger_and_dry_runs_an_update(page: Page, stack: LocalStackProcess, screenshots: Path):
    admin = stack.login(ADMIN)
    original = stack.get(admin, "/api/admin/rules").json()
    name = f"升为紧急加急 {uuid.uuid4().hex[:4]}"
    try:
        _sign_in(page, ADMIN)
        page.get_by_test_id("nav-admin").click()
        page.get_by_test_id("nav-triggers").click()
        count = int(page.get_by_test_id("triggers-list").get_attribute("data-count") or "0")
        page.get_by_test_id("add-trigger").click()
        trigger = f"trigger-{count}"
        page.get_by_test_id(f"{trigger}-name").fill(name)
        # The new trigger answers updates, on a change of priority to P1 (the default condition); it adds a tag.
        expect(page.get_by_test_id(f"{trigger}-event")).to_contain_text("工单被更新")
        page.get_by_test_id(f"{trigger}-action-0-value").click()
        page.keyboard.type("加急")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_test_id("triggers-save").click()
        expect(page.get_by_test_id("triggers-page")).to_have_attribute("data-dirty", "false")
        saved = stack.get(admin, "/api/admin/rules").json()["rules"]
        mine = next(r for r in saved if r["name"] == name)
        assert mine["event"] == "updated" and mine["actions"] == [{"type": "add_tags", "value": ["加急"]}]
        assert [r["name"] for r in saved if r.get("event") == "created"] == [
            r["name"] for r in original["rules"] if r.get("event", "created") == "created"
        ]

        # The dry run: an update that raised the priority from P3 to P1.
        page.get_by_test_id("trigger-dry-run-subject").fill("系统很慢")
        page.get_by_test_id("trigger-dry-run-submit").click()
        expect(page.get_by_test_id(f"fired-{name}")).to_be_visible()
        expect(page.get_by_test_id("dry-run-field-tags")).to_contain_text("加急")
        page.screenshot(path=str(screenshots / "console-triggers.png"))
    finally:
        current = stack.get(admin, "/api/admin/rules").json()
        admin.put(
            f"{stack.url}/api/admin/rules",
            json={"rules": original["rules"]},
            headers={"If-Match": f'"{current["version"]}"'},
            timeout=10,
        )


def test_admin_edits_an_automation_and_a_ticket_names_the_next_one(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    admin = stack.login(ADMIN)
    response = stack.get(admin, "/api/admin/automations")
    original, version = response.json(), response.headers["ETag"]
    try:
        _sign_in(page, ADMIN)
        page.goto("/console/admin/automations")
        expect(page.get_by_test_id("automations-list")).to_have_attribute("data-count", str(len(original)))
        reminder = next(i for i, a in enumerate(original) if a["id"] == "remind-waiting")
        hours = page.get_by_test_id(f"automation-{reminder}-hours")
        hours.fill("36")
        page.get_by_test_id("automations-save").click()
        expect(page.get_by_test_id("automations-page")).to_have_attribute("data-dirty", "false")
        saved = stack.get(admin, "/api/admin/automations").json()
        assert saved[reminder]["when"]["hours"] == 36 and saved[reminder]["id"] == "remind-waiting"
        expect(page.get_by_test_id("review-policy")).to_be_visible()
        page.screenshot(path=str(screenshots / "console-automations.png"))

        lead = stack.login(LEAD)
        body = {"subject": "等待客户确认", "description": "d", "requester": {"email": "wait.browser@example.com"}}
        ticket = stack.post(lead, "/api/tickets", json=body).json()
        waiting = lead.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": "waiting_customer"}, timeout=10)
        assert waiting.json()["next_automation"]["id"] == "remind-waiting"
        page.goto(f"/console/tickets/{ticket['id']}")
        expect(page.get_by_test_id("next-automation")).to_contain_text("待响应 48 小时提醒客户")
    finally:
        current = stack.get(admin, "/api/admin/automations").headers["ETag"]
        admin.put(f"{stack.url}/api/admin/automations", json=original, headers={"If-Match": current}, timeout=10)
        assert version  # the first save named the version read


def test_a_supervisor_approves_a_ticket_waiting_for_its_closing_review(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    admin = stack.login(ADMIN)
    category = f"review-{uuid.uuid4().hex[:6]}"
    before = stack.get(admin, "/api/admin/review-policy").json()
    policy = {"categories": [*before["categories"], category], "priorities": before["priorities"]}
    assert admin.put(f"{stack.url}/api/admin/review-policy", json=policy, timeout=10).status_code == 200
    try:
        lead = stack.login(LEAD)
        body: dict[str, Any] = {
            "subject": "退款结案",
            "description": "d",
            "category": category,
            "team": "billing",
            "requester": {"email": "review.browser@example.com"},
        }
        ticket = stack.post(lead, "/api/tickets", json=body).json()
        agent = stack.login(AGENT)
        held = agent.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": "closed"}, timeout=10).json()
        assert held["status"] == "resolved" and held["review"]["state"] == "pending"

        _sign_in(page, LEAD)
        page.get_by_test_id("nav-review").click()
        row = page.get_by_test_id(f"review-row-{ticket['number']}")
        expect(row).to_contain_text(AGENT)
        page.screenshot(path=str(screenshots / "console-review.png"))
        page.get_by_test_id(f"review-approve-{ticket['number']}").click()
        page.get_by_test_id("review-comment").fill("处理完整，同意结案")
        page.get_by_test_id("review-confirm").click()
        expect(row).to_have_count(0)
        closed = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
        assert closed["status"] == "closed" and closed["review"]["reviewer"] == LEAD
    finally:
        admin.put(f"{stack.url}/api/admin/review-policy", json={k: before[k] for k in ("categories", "priorities")})
