"""The email channel on the local stack, as an outside mail server sees it: SMTP in, tickets and acknowledgments
out (design section 3: SMTP on HELPDESK_SMTP_PORT, sent mail in /api/dev/outbox)."""

from __future__ import annotations

import email
import email.policy
import smtplib
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY  # CRLF line ends, as mail servers send
from functools import partial
from typing import Any

from infra.local.process import LocalStackProcess, wait_for

SUPPORT = "support@demo.local"
LEAD = "lead@demo.local"


_wait_for = partial(wait_for, timeout=30.0)


def _mail(sender: str, subject: str, body: str, to: str = SUPPORT, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _send(stack: LocalStackProcess, message: EmailMessage, recipients: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as client:
        client.sendmail(str(message["From"]), recipients or [str(message["To"])], message.as_bytes(policy=SMTP_POLICY))


def _requested(stack: LocalStackProcess, customer: str) -> list[dict[str, Any]]:
    return stack.get(stack.login(customer), "/api/tickets?view=requested").json()["items"]


def _outbox_to(stack: LocalStackProcess, address: str) -> list[EmailMessage]:
    items = stack.get(stack.login(LEAD), "/api/dev/outbox").json()["items"]
    return [
        email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
        for item in items
        if any(address in to for to in item["to"])
    ]


def test_smtp_accept_makes_a_ticket_and_the_acknowledgment_reaches_the_outbox(stack: LocalStackProcess):
    customer = f"smtp.{uuid.uuid4().hex[:8]}@example.com"
    message = _mail(customer, "邮件报修：空调不制冷", "三楼会议室空调不制冷。")
    _send(stack, message)
    (ticket,) = _wait_for(lambda: _requested(stack, customer))
    assert (ticket["channel"], ticket["subject"]) == ("email", "邮件报修：空调不制冷")
    (ack,) = _wait_for(lambda: _outbox_to(stack, customer))
    assert ticket["number"] in ack["Subject"]
    assert ack["In-Reply-To"] == message["Message-ID"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert str(ack["Reply-To"]).startswith("support+")


def test_a_45_mb_message_is_refused_with_552_and_leaves_nothing(stack: LocalStackProcess):
    customer = f"huge.{uuid.uuid4().hex[:8]}@example.com"
    big = _mail(customer, "超大附件", "见附件")
    big.add_attachment(b"\0" * (45 * 1024 * 1024), maintype="application", subtype="octet-stream", filename="big.bin")
    raw = big.as_bytes(policy=SMTP_POLICY)
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=120) as client:
        client.ehlo()
        client.mail(customer)  # no SIZE: refused while DATA is read
        client.rcpt(SUPPORT)
        code, _ = client.data(raw)
        assert code == 552
        # The session goes on: the next (small) message from the same sender is taken.
        client.rset()
        small = _mail(customer, "小邮件", "正常大小")
        assert client.sendmail(customer, [SUPPORT], small.as_bytes(policy=SMTP_POLICY)) == {}
    (ticket,) = _wait_for(lambda: _requested(stack, customer))
    assert ticket["subject"] == "小邮件"  # the refused one made no ticket or message
    rejected = stack.get(stack.login(LEAD), "/api/mail/rejections").json()["items"]
    assert [r for r in rejected if r["sender"] == customer] == []  # nor a record: nothing of it was stored


def test_an_auto_reply_by_smtp_gets_no_acknowledgment(stack: LocalStackProcess):
    customer = f"ooo.{uuid.uuid4().hex[:8]}@example.com"
    person = _mail(customer, "真人来信", "你好")
    _send(stack, person)
    assert _wait_for(lambda: _outbox_to(stack, customer))  # the person's mail is acknowledged
    _send(stack, _mail(customer, "自动回复：休假中", "我正在休假", Auto_Submitted="auto-replied"))
    # A marker mail after it: once its acknowledgment is out, the auto-reply was handled before it.
    marker = f"marker.{uuid.uuid4().hex[:8]}@example.com"
    _send(stack, _mail(marker, "marker", "m"))
    assert _wait_for(lambda: _outbox_to(stack, marker))
    assert len(_outbox_to(stack, customer)) == 1
    assert len(_requested(stack, customer)) == 1


def test_raw_mail_and_attachments_survive_a_restart(tmp_path: Any):
    import requests

    stack = LocalStackProcess(tmp_path / "state")
    stack.start()
    customer = "restart.mail@example.com"
    message = _mail(customer, "重启后附件还在", "见附件")
    message.add_attachment("合同内容".encode(), maintype="application", subtype="pdf", filename="合同.pdf")
    try:
        _send(stack, message)
        (ticket,) = _wait_for(lambda: _requested(stack, customer))
    finally:
        stack.stop()
    stack.start()
    try:
        lead = stack.login(LEAD)
        (first,) = stack.get(lead, f"/api/tickets/{ticket['id']}/messages").json()["items"]
        base = f"/api/tickets/{ticket['id']}/messages/{first['id']}"
        raw = stack.get(lead, f"{base}/raw").json()["url"]
        assert b"Subject:" in requests.get(raw, timeout=10).content
        (pdf,) = first["attachments"]
        link = stack.get(stack.login(customer), f"{base}/attachments/{pdf['id']}").json()["url"]
        assert requests.get(link, timeout=10).content == "合同内容".encode()
    finally:
        stack.stop()
