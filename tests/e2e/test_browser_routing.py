"""Routing and SLA screens in a real browser against the local stack: the admin edits and dry-runs routing rules and
sees the server's reasons for an invalid set; an agent switches availability, acknowledges (确认接单) and transfers
(转办) a ticket the assignment function gave them; the SLA editor saves and shows the reasons of an invalid calendar."""

from __future__ import annotations

import uuid
from functools import partial
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.antd import choose as _choose
from tests.e2e.test_browser import _sign_in

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"


_wait_for = partial(wait_for, timeout=20.0)


def _assigned(stack: LocalStackProcess, lead: Any, ticket: dict[str, Any], fallback: str) -> str:
    """The ticket's assignee: the assignment function's choice or, when every agent of the team is at capacity
    (earlier tests fill the queues), the supervisor's manual assignment to `fallback`."""
    chosen = _wait_for(lambda: stack.get(lead, f"/api/tickets/{ticket['id']}").json().get("assignee"), timeout=10)
    while not chosen:
        current = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
        if current["assignee"]:
            return str(current["assignee"])
        response = lead.patch(
            f"{stack.url}/api/tickets/{ticket['id']}",
            json={"assignee": fallback},
            headers={"If-Match": f'"{current["version"]}"'},
            timeout=10,
        )
        if response.status_code == 200:
            return fallback
        assert response.status_code == 412, response.text  # assigned meanwhile: read it again
    return str(chosen)


def _advance(stack: LocalStackProcess, lead: Any, minutes: int) -> None:
    """Moves the dev clock; the sweep runs inside the call, over every open ticket the session's tests left."""
    response = stack.advance_clock(lead, minutes)
    assert response.status_code == 200, response.text


def test_admin_edits_a_rule_dry_runs_it_and_sees_the_reasons_of_an_invalid_set(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    admin = stack.login(ADMIN)
    original = stack.get(admin, "/api/admin/rules").json()
    count = len(original["rules"])
    name = f"VPN 问题转技术支持 {uuid.uuid4().hex[:4]}"
    try:
        _sign_in(page, ADMIN)
        page.get_by_test_id("nav-admin").click()  # 管理: the settings tabs
        page.get_by_test_id("nav-rules").click()
        expect(page.get_by_test_id("rules-list")).to_have_attribute("data-count", str(count))

        # A new rule: text contains "VPN" -> team tech, then stop.
        page.get_by_test_id("add-rule").click()
        rule = f"rule-{count}"
        page.get_by_test_id(f"{rule}-name").fill(name)
        page.get_by_test_id(f"{rule}-condition-0-value").click()
        page.keyboard.type("VPN")
        page.keyboard.press("Enter")
        _choose(page, f"{rule}-action-0-value", "team-choice-tech")
        page.get_by_test_id(f"{rule}-stop").click()
        # first in the list, so it fires before the catch-all rules
        for index in range(count, 0, -1):
            page.get_by_test_id(f"rule-{index}-up").click()
        expect(page.get_by_test_id("rule-0-name")).to_have_value(name)

        # The dry run tries the unsaved rules on a sample ticket.
        page.get_by_test_id("dry-run-subject").fill("VPN 连不上")
        page.get_by_test_id("dry-run-description").fill("在家里无法连接公司 VPN")
        page.get_by_test_id("dry-run-submit").click()
        result = page.get_by_test_id("dry-run-result")
        expect(result.get_by_test_id(f"fired-{name}")).to_be_visible()
        expect(result.get_by_test_id("dry-run-field-team")).to_contain_text("技术支持组")
        expect(result.get_by_test_id("dry-run-trace")).to_contain_text("VPN")
        page.screenshot(path=str(screenshots / "console-rules-dry-run.png"), full_page=True)

        page.get_by_test_id("rules-save").click()
        expect(page.get_by_test_id("rules-page")).to_have_attribute("data-dirty", "false")
        saved = stack.get(admin, "/api/admin/rules").json()
        assert saved["rules"][0]["name"] == name
        assert saved["rules"][0]["conditions"] == [{"field": "text", "operator": "contains", "value": ["VPN"]}]
        assert saved["rules"][0]["actions"] == [{"type": "set_team", "value": "tech"}]
        assert saved["rules"][0]["stop"] is True
        assert [r["position"] for r in saved["rules"]] == [10 * (i + 1) for i in range(count + 1)]

        # An invalid regular expression: 400 with its reasons, listed; nothing saved.
        _choose(page, "rule-0-condition-0-operator", "operator-option-matches")
        page.get_by_test_id("rule-0-condition-0-value").fill("([")
        page.get_by_test_id("rules-save").click()
        reasons = page.get_by_test_id("rules-error-list")
        expect(reasons).to_contain_text("bad regular expression")
        expect(page.get_by_test_id("rules-error")).to_contain_text("无法保存")
        page.screenshot(path=str(screenshots / "console-rules-invalid.png"), full_page=True)
        assert stack.get(admin, "/api/admin/rules").json()["rules"] == saved["rules"]
    finally:
        current = stack.get(admin, "/api/admin/rules").json()
        response = admin.put(
            f"{stack.url}/api/admin/rules",
            json={"rules": original["rules"]},
            headers={"If-Match": f'"{current["version"]}"'},
            timeout=10,
        )
        assert response.status_code == 200, response.text


def test_agent_switches_availability_acknowledges_and_transfers(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    lead = stack.login(LEAD)
    customer = stack.login(f"route.{uuid.uuid4().hex[:8]}@example.com")
    ticket = stack.post(
        customer, "/api/tickets", json={"subject": "无法登录邮箱", "description": "输入密码后一直转圈，无法登录。"}
    ).json()
    assigned = _assigned(stack, lead, ticket, fallback="chenjing@demo.local")
    before = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
    assert before["acknowledged_at"] is None and before["acknowledge_due_at"]

    _sign_in(page, assigned)
    switch = page.get_by_test_id("availability-switch")
    expect(switch).to_have_attribute("data-availability", "online")
    switch.get_by_test_id("availability-away").click()
    expect(switch).to_have_attribute("data-availability", "away")
    me = next(a for a in stack.get(lead, "/api/agents").json()["items"] if a["email"] == assigned)
    assert me["availability"] == "away"
    switch.get_by_test_id("availability-online").click()
    expect(switch).to_have_attribute("data-availability", "online")

    page.goto(f"/console/tickets/{ticket['number']}")
    expect(page.get_by_test_id("ack-bar")).to_be_visible()
    expect(page.get_by_test_id("ack-countdown")).to_contain_text("内确认接单")
    page.screenshot(path=str(screenshots / "console-acknowledge.png"), full_page=True)
    page.get_by_test_id("ack-button").click()
    expect(page.get_by_test_id("ack-bar")).to_be_hidden()
    assert stack.get(lead, f"/api/tickets/{ticket['id']}").json()["acknowledged_at"]

    # 转办: the reason is required; then to the billing team.
    page.get_by_test_id("transfer-button").click()
    _choose(page, "transfer-team", "transfer-team-billing", keeps_value=True)
    page.get_by_test_id("transfer-submit").click()
    expect(page.get_by_test_id("transfer-reason-required")).to_be_visible()
    page.get_by_test_id("transfer-reason").fill("客户反馈涉及账单，需账务组处理")
    page.screenshot(path=str(screenshots / "console-transfer.png"), full_page=True)
    page.get_by_test_id("transfer-submit").click()
    expect(page.get_by_test_id("transfer-dialog")).to_be_hidden()
    expect(page.get_by_test_id("team-select")).to_contain_text("账务组")
    after = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
    assert after["team"] == "billing"
    events = stack.get(lead, f"/api/tickets/{ticket['id']}/events").json()["items"]
    assert "客户反馈涉及账单" in str(events)


def test_admin_edits_sla_policies_and_sees_the_reasons_of_an_invalid_calendar(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    admin = stack.login(ADMIN)
    original = stack.get(admin, "/api/admin/sla-policies").json()
    business = next(i for i, c in enumerate(original["calendars"]) if not c["always_open"])
    try:
        _sign_in(page, ADMIN)
        page.get_by_test_id("nav-admin").click()  # 管理: the settings tabs
        page.get_by_test_id("nav-sla").click()
        expect(page.get_by_test_id("policies-table")).to_be_visible()
        cal = f"calendar-{business}"

        # A Saturday morning shift and a custom holiday.
        page.get_by_test_id(f"{cal}-hours-sat-add").click()
        page.get_by_test_id(f"{cal}-hours-sat-0-end").fill("12:00")
        page.get_by_test_id(f"{cal}-holidays").click()
        page.keyboard.type("2026-12-31")
        page.keyboard.press("Enter")
        page.get_by_test_id("sla-save").click()
        expect(page.get_by_test_id("sla-page")).to_have_attribute("data-dirty", "false")
        saved = stack.get(admin, "/api/admin/sla-policies").json()
        calendar = saved["calendars"][business]
        assert calendar["hours"]["sat"] == [{"start": "09:00", "end": "12:00"}]
        assert calendar["holidays"] == ["2026-12-31"]
        assert saved["policies"] == original["policies"]

        # A period that ends before it starts: 400 with the calendar's reason.
        page.get_by_test_id(f"{cal}-hours-sat-0-end").fill("08:00")
        page.get_by_test_id("sla-save").click()
        expect(page.get_by_test_id("sla-error-list")).to_contain_text("ends before it starts")
        page.screenshot(path=str(screenshots / "console-sla-policies.png"), full_page=True)
    finally:
        current = stack.get(admin, "/api/admin/sla-policies").json()
        body = {k: v for k, v in original.items() if k != "version"}
        response = admin.put(
            f"{stack.url}/api/admin/sla-policies",
            json=body,
            headers={"If-Match": f'"{current["version"]}"'},
            timeout=10,
        )
        assert response.status_code == 200, response.text


def test_supervisor_sees_at_risk_and_breached_tickets_urges_and_resolves_with_a_breach_reason(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    lead = stack.login(LEAD)
    ticket = stack.post(
        lead,
        "/api/tickets",
        json={
            "subject": f"生产系统崩溃 {uuid.uuid4().hex[:4]}",
            "description": "系统崩溃，所有门店无法收银。",
            "priority": "P1",
            "channel": "phone",
            "requester": {"email": f"store.{uuid.uuid4().hex[:8]}@example.com", "name": "门店店长"},
        },
    ).json()
    holder = _assigned(stack, lead, ticket, fallback=LEAD)
    # The holder acknowledges (确认接单) at once: the minutes below are about the SLA's warning and breach, so the
    # ticket must not change hands at the acknowledgment time-out (earlier tests may have filled every agent).
    assert stack.post(stack.login(holder), f"/api/tickets/{ticket['id']}/acknowledge").status_code == 200

    # P1 by phone: first response within 15 minutes (24x7); the warning comes at 75%.
    _advance(stack, lead, 12)
    assert _wait_for(lambda: stack.get(lead, f"/api/tickets/{ticket['id']}").json()["sla"]["warned"])
    _sign_in(page, LEAD)
    page.get_by_test_id("nav-risk").click()
    expect(page.get_by_test_id("risk-tab-at_risk")).to_have_attribute("aria-selected", "true")
    row = page.get_by_test_id(f"ticket-row-{ticket['number']}")
    expect(row).to_be_visible()
    expect(page.get_by_test_id(f"sla-{ticket['number']}")).to_have_attribute("data-sla-state", "warned")
    page.screenshot(path=str(screenshots / "console-risk-at-risk.png"), full_page=True)

    _advance(stack, lead, 5)
    assert _wait_for(lambda: stack.get(lead, f"/api/tickets/{ticket['id']}").json()["sla"]["breached"])
    page.get_by_test_id("risk-tab-breached").click()
    expect(page.get_by_test_id("risk-page")).to_have_attribute("data-view", "breached")
    expect(page.get_by_test_id(f"sla-{ticket['number']}")).to_have_attribute("data-sla-state", "breached")
    page.screenshot(path=str(screenshots / "console-risk-breached.png"), full_page=True)

    # 催办: the assignee is notified.
    page.get_by_test_id(f"ticket-row-{ticket['number']}").click()
    expect(page.get_by_test_id("ticket-page")).to_be_visible()
    expect(page.get_by_test_id("sla-panel")).to_have_attribute("data-breached", "true")
    assignee = stack.get(lead, f"/api/tickets/{ticket['id']}").json()["assignee"]
    assert assignee, "the breached ticket has no assignee to urge"
    page.get_by_test_id("urge-button").click()
    page.get_by_test_id("urge-note").fill("门店全部停业，请立即处理")
    page.get_by_test_id("urge-submit").click()
    expect(page.get_by_test_id("audit-trail")).to_contain_text("催办了工单")
    inbox = stack.login(assignee)
    assert _wait_for(
        lambda: any(
            n["type"] == "ticket.urged" and n["ticket_id"] == ticket["id"]
            for n in stack.get(inbox, "/api/notifications").json()["items"]
        )
    )

    # Resolving the breached ticket asks why; 达标 then reads 未达标.
    page.get_by_test_id("status-select").click()
    page.get_by_test_id("status-option-resolved").click()
    _choose(page, "breach-reason-dialog-select", "breach-reason-insufficient_resources", keeps_value=True)
    page.get_by_test_id("breach-reason-confirm").click()
    expect(page.get_by_test_id("breach-reason-dialog-select")).to_have_count(0)
    expect(page.get_by_test_id("status-select")).to_contain_text("已解决")
    expect(page.get_by_test_id("sla-outcome")).to_have_attribute("data-met", "false")
    expect(page.get_by_test_id("breach-reason-select")).to_contain_text("资源不足")
    page.screenshot(path=str(screenshots / "console-breach-reason.png"), full_page=True)
    resolved = stack.get(lead, f"/api/tickets/{ticket['id']}").json()
    assert resolved["status"] == "resolved"
    assert resolved["sla"]["breach_reason"] == "insufficient_resources"
    assert resolved["sla"]["first_response_met"] is False
