"""An email ticket in a real browser against the local stack: a customer's HTML mail (with a script the sanitizer
removes, a quoted history, an attachment and a CC) arrives over SMTP; the agent sees the sanitized HTML in its
sandboxed frame, unfolds the quote, downloads the attachment and opens the raw message; the customer sees the same
message in the portal, without the raw-message link."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from functools import partial
from pathlib import Path

from playwright.sync_api import Page, expect

from infra.local.process import LocalStackProcess, wait_for
from tests.e2e.test_browser import _sign_in

SUPPORT = "support@demo.local"
LEAD = "lead@demo.local"


_wait_for = partial(wait_for, timeout=20.0)


def _html_mail(sender: str, cc: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"王小明 <{sender}>"
    message["To"] = SUPPORT
    message["Cc"] = cc
    message["Subject"] = "打印机一直卡纸"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    message.set_content("三楼的打印机一直卡纸，附件是照片。\n\n在 2026年11月30日 10:00，客服 写道：\n> 请描述问题\n")
    message.add_alternative(
        "<p>三楼的打印机<b>一直卡纸</b>，附件是照片。</p>"
        '<script>document.title="pwned"</script><img src="x" onerror="document.title=\'pwned\'">'
        "<blockquote>在 2026年11月30日 10:00，客服 写道：<br>请描述问题</blockquote>",
        subtype="html",
    )
    message.add_attachment(
        b"%PDF-1.4\n" + b"0" * 20_000, maintype="application", subtype="pdf", filename="卡纸照片.pdf"
    )
    return message


def test_an_html_email_shows_sanitized_with_its_quote_attachment_cc_and_raw_message(
    page: Page, stack: LocalStackProcess, screenshots: Path
):
    customer = f"mailview.{uuid.uuid4().hex[:8]}@example.com"
    message = _html_mail(customer, "boss@example.com")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as client:
        client.sendmail(customer, [SUPPORT], message.as_bytes(policy=SMTP_POLICY))
    session = stack.login(customer)
    (ticket,) = _wait_for(lambda: stack.get(session, "/api/tickets?view=requested").json()["items"])
    assert ticket["channel"] == "email" and ticket["cc"] == ["boss@example.com"]

    _sign_in(page, LEAD)
    page.goto(f"/console/tickets/{ticket['number']}")
    expect(page.get_by_test_id("ticket-cc")).to_contain_text("boss@example.com")
    msg = page.locator('[data-testid^="message-"][data-channel="email"]').first
    expect(msg.get_by_test_id("channel-badge")).to_have_text("邮件")
    frame = page.frame_locator('[data-testid="message-html"]').first
    expect(frame.locator("b")).to_have_text("一直卡纸")
    assert frame.locator("script, [onerror]").count() == 0
    assert "allow-scripts" not in (msg.get_by_test_id("message-html").get_attribute("sandbox") or "")
    assert page.title() != "pwned"

    # The quoted history stays folded until asked for.
    expect(msg.get_by_test_id("quoted-text")).to_have_count(0)
    msg.get_by_test_id("quote-toggle").click()
    expect(msg.get_by_test_id("quoted-text")).to_contain_text("请描述问题")

    # Attachment: listed with its size; download asks the API for a presigned URL and opens it.
    (attachment,) = stack.get(stack.login(LEAD), f"/api/tickets/{ticket['id']}/messages").json()["items"][0][
        "attachments"
    ]
    item = msg.get_by_test_id(f"attachment-{attachment['id']}")
    expect(item).to_contain_text("卡纸照片.pdf")
    expect(item.get_by_test_id(f"attachment-size-{attachment['id']}")).to_have_text("19.5 KB")
    page.screenshot(path=str(screenshots / "console-email-ticket.png"), full_page=True)
    with page.expect_response(lambda r: "/attachments/" in r.url) as answered, page.context.expect_page() as opened:
        item.get_by_test_id(f"attachment-download-{attachment['id']}").click()
    link = answered.value.json()
    assert link["filename"] == "卡纸照片.pdf"
    opened.value.close()

    # 原始邮件 (staff): the raw route, then its URL.
    with page.expect_response(lambda r: r.url.endswith("/raw")) as answered, page.context.expect_page() as opened:
        msg.get_by_test_id("raw-message").click()
    assert answered.value.status == 200
    assert answered.value.json()["url"]
    opened.value.close()

    # The customer sees the same message in the portal, with no raw-message link.
    customer_page = page.context.browser.new_context(
        base_url=stack.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900}
    ).new_page()
    _sign_in(customer_page, customer)
    customer_page.goto(f"/portal/tickets/{ticket['id']}")
    portal_msg = customer_page.locator('[data-testid^="message-"][data-channel="email"]').first
    expect(customer_page.frame_locator('[data-testid="message-html"]').first.locator("b")).to_have_text("一直卡纸")
    expect(portal_msg.get_by_test_id(f"attachment-{attachment['id']}")).to_be_visible()
    expect(portal_msg.get_by_test_id("raw-message")).to_have_count(0)
    customer_page.screenshot(path=str(screenshots / "portal-email-ticket.png"), full_page=True)
    customer_page.context.close()
