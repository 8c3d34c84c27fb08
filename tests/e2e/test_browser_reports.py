"""The 报表 dashboard in a real browser against the local stack: a supervisor opens it, switches the period, downloads
Excel; an agent cannot open it. The survey page records a mail link's click without signing in."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess
from tests.e2e.test_browser import _sign_in
from tests.e2e.test_reports_local import mail_text

LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"


def test_a_supervisor_reads_the_dashboard_switches_period_and_downloads_excel(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    _sign_in(page, LEAD)
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("reports-page")).to_have_attribute("data-period", "day")
    expect(page.get_by_test_id("report-body")).to_be_visible()
    expect(page.get_by_test_id("chart-trend")).to_have_attribute("data-ready", "true", timeout=15_000)
    expect(page.get_by_test_id("forecast-method")).to_be_visible()
    expect(page.get_by_test_id("report-kb-deflections")).to_be_visible()  # the knowledge base's section
    page.get_by_test_id("report-period-week").click()
    expect(page.get_by_test_id("reports-page")).to_have_attribute("data-period", "week")
    body = page.get_by_test_id("report-body")
    expect(body).not_to_have_attribute("data-start", body.get_attribute("data-end") or "", timeout=10_000)
    page.get_by_test_id("report-period-month").click()
    expect(page.get_by_test_id("reports-page")).to_have_attribute("data-period", "month")
    expect(page.get_by_test_id("report-body")).to_have_attribute("data-start", re.compile(r"-01$"))
    page.screenshot(path=str(screenshots / "console-reports.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("report-excel").click()
    saved = download.value
    assert saved.suggested_filename.startswith("report-month-") and saved.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(saved.path()).read_bytes()))
    assert "汇总 Totals" in book.sheetnames and "坐席 Agent" in book.sheetnames


def test_an_agent_cannot_open_the_dashboard(page: Page, stack: LocalStackProcess):
    _sign_in(page, AGENT)
    expect(page.get_by_test_id("console")).to_be_visible()
    expect(page.get_by_test_id("nav-reports")).to_have_count(0)
    page.goto("/console/reports")
    expect(page).to_have_url(re.compile(r"/console/queue/"))
    expect(page.get_by_test_id("reports-page")).to_have_count(0)
    assert stack.get(stack.login(AGENT), "/api/reports/day").status_code == 403


def test_the_survey_link_records_the_click_and_a_comment_without_signing_in(page: Page, stack: LocalStackProcess):
    lead = stack.login(LEAD)
    body = {"subject": "评价测试", "description": "d", "requester": {"email": f"s.{uuid.uuid4().hex[:6]}@example.com"}}
    ticket = stack.post(lead, "/api/tickets", json=body).json()
    assert lead.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": "resolved"}, timeout=10).ok

    def link() -> str | None:
        for mail in stack.get(lead, "/api/dev/outbox").json()["items"]:
            if ticket["number"] in mail["subject"] and "已解决" in mail["subject"]:
                found = re.search(r"/survey/[A-Za-z0-9_-]+\?score=4", mail_text(mail["raw"]))
                return found.group(0) if found else None
        return None

    from infra.local.process import wait_for

    path = wait_for(link, timeout=20)
    assert path and path.endswith("?score=4")
    page.goto(path)
    expect(page.get_by_test_id("survey-ticket")).to_contain_text(ticket["number"])
    expect(page.get_by_test_id("survey-saved")).to_be_visible()
    expect(page.get_by_test_id("score-4")).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("survey-comment").fill("处理得很及时")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-thanks")).to_be_visible()
    rated = stack.get(lead, f"/api/tickets/{ticket['id']}").json()["satisfaction"]
    assert (rated["score"], rated["comment"]) == (4, "处理得很及时")
