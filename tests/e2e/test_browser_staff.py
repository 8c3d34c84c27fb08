"""Staff administration in a real browser against the local stack: the admin adds a team, a member in it, changes their
capacity and removes them, then deletes the team."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in

ADMIN = "admin@demo.local"


def test_admin_adds_a_team_and_a_member_changes_and_removes_them(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    email = f"new.{uuid.uuid4().hex[:6]}@demo.local"
    team_id = f"vip-{uuid.uuid4().hex[:4]}"
    _sign_in(page, ADMIN)
    page.get_by_test_id("nav-admin").click()  # 管理: the settings tabs
    page.get_by_test_id("nav-staff").click()
    expect(page.get_by_test_id("staff-table")).to_be_visible()

    # A team first, so that the new member can join it.
    page.get_by_test_id("team-add").click()
    page.get_by_test_id("team-form-id").fill(team_id)
    page.get_by_test_id("team-form-name").fill("大客户组")
    page.get_by_test_id("team-form-save").click()
    expect(page.get_by_test_id(f"team-row-{team_id}")).to_contain_text("大客户组")

    page.get_by_test_id("staff-add").click()
    page.get_by_test_id("staff-form-email").fill(email)
    page.get_by_test_id("staff-form-name").fill("孙丽")
    page.get_by_test_id("staff-form-teams").click()
    page.get_by_test_id(f"staff-team-{team_id}").click()
    page.keyboard.press("Escape")
    page.get_by_test_id("staff-form-skills").click()
    page.keyboard.type("vip")
    page.keyboard.press("Enter")
    page.get_by_test_id("staff-form-capacity").fill("5")
    page.get_by_test_id("staff-form-save").click()
    row = page.get_by_test_id(f"staff-row-{email}")
    expect(row).to_contain_text("孙丽")
    expect(row).to_contain_text("大客户组")
    expect(page.get_by_test_id(f"staff-load-{email}")).to_have_text("0 / 5")
    expect(page.get_by_test_id(f"staff-availability-{email}")).to_contain_text("离线")  # new members start offline
    expect(page.get_by_test_id(f"team-members-{team_id}")).to_have_text("1")
    agent = next(a for a in stack.get(stack.login(ADMIN), "/api/agents").json()["items"] if a["email"] == email)
    assert (agent["teams"], agent["skills"], agent["capacity"]) == ([team_id], ["vip"], 5)
    page.screenshot(path=str(screenshots / "console-staff.png"), full_page=True)

    page.get_by_test_id(f"staff-edit-{email}").click()
    page.get_by_test_id("staff-form-capacity").fill("10")
    page.get_by_test_id("staff-form-save").click()
    expect(page.get_by_test_id(f"staff-load-{email}")).to_have_text("0 / 10")

    page.get_by_test_id(f"staff-remove-{email}").click()
    page.get_by_test_id(f"staff-remove-confirm-{email}").click()
    expect(page.get_by_test_id(f"staff-row-{email}")).to_have_count(0)
    assert email not in {a["email"] for a in stack.get(stack.login(ADMIN), "/api/agents").json()["items"]}

    # With its only member gone and no rule or ticket naming it, the team can go too.
    page.get_by_test_id(f"team-delete-{team_id}").click()
    page.get_by_test_id(f"team-delete-confirm-{team_id}").click()
    expect(page.get_by_test_id(f"team-row-{team_id}")).to_have_count(0)
