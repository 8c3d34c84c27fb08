"""Working together in a real browser against the local stack: an agent @mentions a colleague in a note, the
colleague sees the notice, opens the ticket and it is marked read; the agent adds two sub-tasks for two people and the
ticket cannot be resolved until both are done; a collaboration request to the billing team is answered by a billing
agent and shows on the ticket; two tickets of one customer are merged and the customer's next mail reply lands on
the target."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from functools import partial
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.antd import choose as _choose
from tests.e2e.test_browser import _sign_in

WANG = "wangfang@demo.local"  # the agent working the ticket
ZHANG = "zhangwei@demo.local"  # a colleague in tech
LI = "liqiang@demo.local"  # billing
SUPPORT = "support@demo.local"

_wait_for = partial(wait_for, timeout=30.0)


def _send(stack: LocalStackProcess, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
        client.sendmail(str(message["From"]), [SUPPORT], message.as_bytes(policy=SMTP_POLICY))


def _mail(sender: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    message.set_content(body)
    return message


def _mention_of(stack: LocalStackProcess, session: Any, ticket: dict[str, Any]) -> dict[str, Any] | None:
    items = stack.get(session, "/api/notifications").json()["items"]
    return next((n for n in items if n["type"] == "mention" and n["ticket_id"] == ticket["id"]), None)


def test_mention_subtasks_collaboration_and_merge(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], stack: LocalStackProcess, screenshots: Path
):
    def signed_in(email: str) -> Page:
        """A browser of its own for each colleague (a sign-in lasts per browser)."""
        other = browser.new_context(**browser_context_args).new_page()
        _sign_in(other, email)
        return other

    customer = f"zhou.{uuid.uuid4().hex[:8]}@example.com"
    customer_session = stack.login(customer)
    # The same problem twice: once by mail, once on the web.
    _send(stack, _mail(customer, "发票抬头开错了", "上周的发票抬头写错了，请重开。"))
    (by_mail,) = _wait_for(lambda: stack.get(customer_session, "/api/tickets?view=requested").json()["items"])
    web = stack.post(customer_session, "/api/tickets", json={"subject": "发票抬头错误", "description": "请尽快重开"})
    assert web.status_code == 201, web.text
    ticket = web.json()

    # 1. @mention in an internal note, picked by name.
    _sign_in(page, WANG)
    page.goto(f"/console/tickets/{ticket['number']}")
    expect(page.get_by_test_id("ticket-page")).to_be_visible()
    page.get_by_test_id("internal-toggle").click()
    _choose(page, "mention-picker", f"mention-option-{ZHANG}")
    page.get_by_test_id("reply-input").press("End")
    page.get_by_test_id("reply-input").type("请帮忙确认开票系统的日志")
    expect(page.get_by_test_id("reply-input")).to_have_value(f"@{ZHANG} 请帮忙确认开票系统的日志")
    page.get_by_test_id("send-button").click()
    expect(page.locator('[data-testid="internal-label"]').last).to_be_visible()

    zhang = stack.login(ZHANG)
    notice = _wait_for(lambda: _mention_of(stack, zhang, ticket))
    assert not notice["read"]
    colleague = signed_in(ZHANG)
    expect(colleague.get_by_test_id("notifications-count")).to_be_visible()
    colleague.get_by_test_id("notifications-bell").click()
    colleague.get_by_test_id(f"notification-{notice['id']}").click()
    expect(colleague.get_by_test_id("ticket-page")).to_have_attribute("data-ticket-id", ticket["id"])
    expect(colleague.get_by_test_id("followers")).to_contain_text("张伟")  # a mention makes a follower
    _wait_for(lambda: (_mention_of(stack, zhang, ticket) or {}).get("read"))
    colleague.get_by_test_id("notifications-bell").click()
    expect(colleague.get_by_test_id(f"notification-{notice['id']}")).to_have_attribute("data-read", "true")
    colleague.screenshot(path=str(screenshots / "collab-mention-read.png"))
    colleague.context.close()

    # 2. Two sub-tasks for two people: the ticket cannot be resolved until both are done.
    page.reload()
    for title, who in (("核对开票记录", LI), ("检查开票系统日志", ZHANG)):
        page.get_by_test_id("subtask-title").fill(title)
        _choose(page, "subtask-assignee", f"subtask-assignee-option-{who}")
        page.get_by_test_id("subtask-add").click()
        expect(page.get_by_test_id("subtask-title")).to_have_value("")
    expect(page.get_by_test_id("subtask-1")).to_have_attribute("data-status", "open")
    expect(page.get_by_test_id("open-subtasks-hint")).to_be_visible()
    _choose(page, "status-select", "status-option-resolved")
    expect(page.locator(".ant-message")).to_contain_text("sub-task")
    assert stack.get(zhang, f"/api/tickets/{ticket['id']}").json()["status"] != "resolved"

    # 3. A collaboration request to billing, answered by a billing agent, shows on the ticket.
    _choose(page, "collaboration-team", "collaboration-team-option-billing")
    page.get_by_test_id("collaboration-request").fill("请账务组确认该客户的开票信息")
    page.get_by_test_id("collaboration-add").click()
    expect(page.get_by_test_id("collaboration-0")).to_have_attribute("data-status", "open")
    billing = signed_in(LI)
    billing.goto(f"/console/tickets/{ticket['number']}")
    billing.get_by_test_id("collaboration-0-answer").fill("已核实，抬头应为“上海某某有限公司”")
    billing.get_by_test_id("collaboration-0-done").click()
    expect(billing.get_by_test_id("collaboration-0")).to_have_attribute("data-status", "done")
    billing.context.close()
    page.reload()
    expect(page.get_by_test_id("collaboration-0-response")).to_contain_text("上海某某有限公司")
    expect(page.get_by_test_id("conversation")).to_contain_text("协作答复")

    # Both sub-tasks done: now it resolves.
    page.get_by_test_id("subtask-0-done").click()
    expect(page.get_by_test_id("subtask-0")).to_have_attribute("data-status", "done")
    page.get_by_test_id("subtask-1-done").click()
    expect(page.get_by_test_id("subtask-1")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("open-subtasks-hint")).to_have_count(0)
    _choose(page, "status-select", "status-option-resolved")
    expect(page.get_by_test_id("status-select")).to_contain_text("已解决")
    page.screenshot(path=str(screenshots / "collab-subtasks-collaboration.png"))

    # 4. Merge the mailed duplicate into the web ticket; the customer's next mail reply lands on the target.
    page.goto(f"/console/tickets/{by_mail['number']}")
    page.get_by_test_id("merge-button").click()
    page.get_by_test_id("merge-number").locator("input").fill(ticket["number"])
    page.get_by_test_id("merge-number").locator("input").press("Enter")
    expect(page.get_by_test_id("merge-target")).to_have_attribute("data-ticket-id", ticket["id"])
    page.get_by_test_id("merge-confirm").click()
    expect(page.get_by_test_id("ticket-page")).to_have_attribute("data-ticket-id", ticket["id"])
    expect(page.get_by_test_id("merged-from")).to_contain_text(by_mail["number"])
    expect(page.get_by_test_id("merged-from-label").first).to_be_visible()

    _send(stack, _mail(customer, f"Re: [{by_mail['number']}] 发票抬头开错了", "补充：税号也需要更正"))

    def landed() -> bool:
        items = stack.get(zhang, f"/api/tickets/{ticket['id']}/messages").json()["items"]
        return any("税号也需要更正" in m["body"] for m in items)

    _wait_for(landed)
    source = stack.get(customer_session, f"/api/tickets/{by_mail['id']}").json()
    assert source["status"] == "closed" and source["merged_into"]["id"] == ticket["id"]
    page.reload()
    expect(page.get_by_test_id("conversation")).to_contain_text("税号也需要更正")
    page.screenshot(path=str(screenshots / "collab-merged.png"))
