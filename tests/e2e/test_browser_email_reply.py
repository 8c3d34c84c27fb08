"""The email channel end to end in a real browser: a customer's mail arrives by SMTP, an agent answers in the
console, the answer leaves by mail with threading headers and the signed reply address, and the customer's emailed
answer to it lands in the same ticket."""

from __future__ import annotations

import email
import email.policy
import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from functools import partial
from pathlib import Path

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.test_browser import _sign_in

AGENT = "wangfang@demo.local"
SUPPORT = "support@demo.local"


_wait_for = partial(wait_for, timeout=30.0)


def _send(stack: LocalStackProcess, message: EmailMessage, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
        client.sendmail(str(message["From"]), recipients, message.as_bytes(policy=SMTP_POLICY))


def _replies_to(stack: LocalStackProcess, address: str) -> list[EmailMessage]:
    items = stack.get(stack.login("lead@demo.local"), "/api/dev/outbox").json()["items"]
    mails = [email.message_from_string(i["raw"], policy=email.policy.default) for i in items]  # type: ignore[misc]
    return [m for m in mails if address in str(m["To"]) and str(m["Message-ID"]).startswith("<reply-")]


def test_mail_in_agent_replies_in_the_console_and_the_emailed_answer_threads(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    customer = f"mail.{uuid.uuid4().hex[:8]}@example.com"
    first = EmailMessage()
    first["From"] = f"陈女士 <{customer}>"
    first["To"] = SUPPORT
    first["Subject"] = "快递一直没有更新物流"
    first["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    first.set_content("订单 20261130 的物流三天没有更新了，请帮忙查一下。")
    _send(stack, first, [SUPPORT])
    customer_session = stack.login(customer)
    (ticket,) = _wait_for(lambda: stack.get(customer_session, "/api/tickets?view=requested").json()["items"])

    _sign_in(page, AGENT)
    page.goto(f"/console/tickets/{ticket['number']}")
    expect(page.get_by_test_id("ticket-page")).to_be_visible()
    expect(page.get_by_test_id("conversation")).to_contain_text("物流三天没有更新")
    page.get_by_test_id("reply-input").fill("您好，已联系快递公司，预计明天送达。")
    page.get_by_test_id("send-button").click()
    expect(page.locator('[data-internal="false"][data-testid^="message-"]').last).to_contain_text("预计明天送达")

    (reply,) = _wait_for(lambda: _replies_to(stack, customer))
    assert reply["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in reply["References"] and reply["Message-ID"] in reply["References"]
    assert "预计明天送达" in reply.get_body(("plain",)).get_content()
    reply_address = str(reply["Reply-To"])
    assert reply_address.startswith("support+")

    answer = EmailMessage()
    answer["From"] = customer
    answer["To"] = reply_address
    answer["Subject"] = f"Re: {reply['Subject']}"
    answer["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    answer["In-Reply-To"] = "<ses-rewritten-id@email.amazonses.com>"
    answer.set_content(
        f"收到，谢谢！\n\n在 2026年12月1日，客服中心 <{reply_address}> 写道：\n> 您好，已联系快递公司，预计明天送达。"
    )
    _send(stack, answer, [reply_address])

    def answered() -> bool:
        items = stack.get(customer_session, f"/api/tickets/{ticket['id']}/messages").json()["items"]
        return any(m["body"].startswith("收到，谢谢") for m in items)

    assert _wait_for(answered)
    assert len(stack.get(customer_session, "/api/tickets?view=requested").json()["items"]) == 1
    page.reload()
    expect(page.get_by_test_id("conversation")).to_contain_text("收到，谢谢")
    page.screenshot(path=str(screenshots / "console-email-reply-thread.png"), full_page=True)
