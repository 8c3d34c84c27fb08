"""Never auto-reply to automatic mail (design section 6); read bounces, standard and not."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.mail.loop_guard import (
    AutomaticReason,
    Bounce,
    bounce_of,
    is_automatic,
    is_support_address,
    is_system_address,
)
from shared.domain.mail.parsing import ParsedMail, parse_mail

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
SUPPORT = "support@demo.local"


def corpus(name: str) -> ParsedMail:
    return parse_mail((CORPUS_DIR / name).read_bytes())


def mail(
    headers: str, body: str = "Hello, my printer is broken.", sender: str = "Li Lei <lilei@example.cn>"
) -> ParsedMail:
    head = f"From: {sender}\r\nTo: {SUPPORT}\r\nSubject: Printer\r\n" if sender else ""
    return parse_mail((head + headers.replace("\n", "\r\n") + "\r\n\r\n" + body).encode())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("22_dsn_bounce.eml", AutomaticReason.DELIVERY_REPORT),
        ("23_bounce_qmail.eml", AutomaticReason.NULL_SENDER),
        ("24_bounce_exim_zh.eml", AutomaticReason.AUTO_SUBMITTED),
        ("25_out_of_office_en.eml", AutomaticReason.AUTO_SUBMITTED),
        ("26_auto_reply_zh.eml", AutomaticReason.AUTO_REPLY_HEADER),
        ("27_mailing_list.eml", AutomaticReason.PRECEDENCE),
        ("30_noreply_notification.eml", AutomaticReason.SYSTEM_SENDER),
        ("31_own_mail_loop.eml", AutomaticReason.OWN_MAIL),
    ],
)
def test_automatic_mail_in_the_corpus(name: str, reason: AutomaticReason):
    assert is_automatic(corpus(name), SUPPORT) is reason


@pytest.mark.parametrize(
    "name",
    [
        "01_outlook_en_reply.eml",
        "02_outlook_zh_reply.eml",
        "03_foxmail_reply.eml",
        "04_qq_reply.eml",
        "05_netease_reply.eml",
        "06_gmail_en_reply.eml",
        "07_gmail_zh_reply.eml",
        "08_iphone_zh_reply.eml",
        "09_iphone_en_photo.eml",
        "12_gbk_labelled_gb2312.eml",
        "28_html_only_script.eml",
        "29_forward_rfc822.eml",
    ],
)
def test_mail_people_wrote_is_not_automatic(name: str):
    parsed = corpus(name)
    assert is_automatic(parsed, SUPPORT) is None
    assert bounce_of(parsed) is None


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied", AutomaticReason.AUTO_SUBMITTED),
        ("Auto-Submitted: auto-generated", AutomaticReason.AUTO_SUBMITTED),
        ("Auto-Submitted: Auto-Notified; owner-email=x@example.com", AutomaticReason.AUTO_SUBMITTED),
        ("Precedence: bulk", AutomaticReason.PRECEDENCE),
        ("Precedence: junk", AutomaticReason.PRECEDENCE),
        ("Precedence: list", AutomaticReason.PRECEDENCE),
        ("Precedence: auto_reply", AutomaticReason.PRECEDENCE),
        ("Precedence: BULK", AutomaticReason.PRECEDENCE),
        ("X-Autoreply: yes", AutomaticReason.AUTO_REPLY_HEADER),
        ("X-Autorespond: Out of office", AutomaticReason.AUTO_REPLY_HEADER),
        ("X-Auto-Response-Suppress: All", AutomaticReason.RESPONSE_SUPPRESSED),
        ("List-Id: <team.lists.example.com>", AutomaticReason.MAILING_LIST),
        ("List-Unsubscribe: <mailto:leave@example.com>", AutomaticReason.MAILING_LIST),
        ("Return-Path: <>", AutomaticReason.NULL_SENDER),
        ("X-Loop: support@demo.local", AutomaticReason.OWN_MAIL),
        ("X-Loop: <SUPPORT@demo.local>", AutomaticReason.OWN_MAIL),
    ],
)
def test_each_header_rule(headers: str, reason: AutomaticReason):
    assert is_automatic(mail(headers), SUPPORT) is reason


@pytest.mark.parametrize(
    "headers",
    ["Auto-Submitted: no", "Auto-Submitted: No", "Precedence: normal", "X-Loop: other-desk@example.com", "X-Mailer: x"],
)
def test_headers_that_do_not_make_mail_automatic(headers: str):
    assert is_automatic(mail(headers), SUPPORT) is None


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.com",
        "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "postmaster@example.cn",
        "no-reply@accounts.example.com",
        "noreply@example.com",
        "No_Reply@example.com",
        "do-not-reply@example.com",
        "DoNotReply@bank.example.com",
        "alerts-noreply@monitoring.example.com",
    ],
)
def test_system_senders(sender: str):
    assert is_automatic(mail("", sender=sender), SUPPORT) is AutomaticReason.SYSTEM_SENDER


@pytest.mark.parametrize("sender", ["客服中心 <support@demo.local>", "support+1abc@demo.local", "SUPPORT@DEMO.LOCAL"])
def test_our_own_mail(sender: str):
    assert is_automatic(mail("", sender=sender), SUPPORT) is AutomaticReason.OWN_MAIL


def test_own_mail_needs_our_address():
    assert is_automatic(mail("X-Loop: support@demo.local"), None) is None
    assert not is_support_address("support@other.example", SUPPORT)
    assert not is_support_address("supporter@demo.local", SUPPORT)
    assert is_support_address("<Support+Token@Demo.Local>", SUPPORT)


def test_auto_reply_subjects_from_clients_that_send_no_header():
    assert is_automatic(parse_mail("From: a@qq.com\r\nSubject: 自动回复：您好\r\n\r\nx".encode()), SUPPORT) is (
        AutomaticReason.AUTO_REPLY_SUBJECT
    )
    assert is_automatic(parse_mail(b"From: a@x.com\r\nSubject: Automatic reply: hi\r\n\r\nx"), SUPPORT) is (
        AutomaticReason.AUTO_REPLY_SUBJECT
    )
    # A question about auto-replies is a person asking.
    assert (
        is_automatic(parse_mail("From: a@qq.com\r\nSubject: 关于自动回复功能的咨询\r\n\r\nx".encode()), SUPPORT) is None
    )


def test_is_system_address():
    assert is_system_address("MAILER-DAEMON@x") and is_system_address("postmaster@x")
    assert not is_system_address("lilei@example.cn") and not is_system_address("replyto@example.cn")


# -- bounces ---------------------------------------------------------------------------------------------------------


def test_standard_dsn():
    assert bounce_of(corpus("22_dsn_bounce.eml")) == Bounce(
        recipients=["nobody@example.cn"],
        original_message_id="<reply-5d1c9e7a3b2f4a6c8e0d1f2a3b4c5d6e@demo.local>",
        permanent=True,
        diagnostic="smtp; 550 5.1.1 <nobody@example.cn>: Recipient address rejected: User unknown",
    )


def test_qmail_bounce_with_the_original_quoted_below():
    bounce = bounce_of(corpus("23_bounce_qmail.eml"))
    assert bounce is not None
    assert bounce.recipients == ["lisi@example.net"]  # not the addresses in the quoted original
    assert bounce.original_message_id == "<ack-9f8e7d6c@demo.local>"
    assert bounce.permanent


def test_chinese_exim_bounce_with_a_failed_recipients_header():
    bounce = bounce_of(corpus("24_bounce_exim_zh.eml"))
    assert bounce is not None
    assert bounce.recipients == ["wrong.user@example.com.cn"]
    assert bounce.original_message_id == "<ack-3c4d5e6f@demo.local>"


def _dsn(action: str, status: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.com\r\nTo: support@demo.local\r\nSubject: Delivery Status Notification\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nReport.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; Late@Example.com\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <ack-77@demo.local>\r\nSubject: x\r\n"
        "--b--\r\n"
    ).encode()


def test_a_delay_notice_is_not_permanent():
    bounce = bounce_of(parse_mail(_dsn("delayed", "4.4.7")))
    assert bounce == Bounce(["late@example.com"], "<ack-77@demo.local>", permanent=False)


def test_a_success_notice_is_not_a_bounce_but_is_still_automatic():
    parsed = parse_mail(_dsn("delivered", "2.0.0"))
    assert bounce_of(parsed) is None
    assert is_automatic(parsed, SUPPORT) is AutomaticReason.DELIVERY_REPORT


def test_gmail_style_plain_bounce_lists_recipients_on_the_next_lines():
    parsed = parse_mail(
        b"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nTo: support@demo.local\r\n"
        b"Subject: Delivery Status Notification (Failure)\r\n\r\n"
        b"Delivery to the following recipient failed permanently:\r\n\r\n     gone.user@example.org\r\n\r\n"
        b"----- Original message -----\r\n\r\nMessage-ID: <reply-99@demo.local>\r\nTo: other@example.org\r\n"
    )
    assert bounce_of(parsed) == Bounce(["gone.user@example.org"], "<reply-99@demo.local>", True)


def test_people_and_auto_replies_are_not_bounces():
    assert bounce_of(corpus("25_out_of_office_en.eml")) is None
    assert bounce_of(corpus("27_mailing_list.eml")) is None
    person = parse_mail(b"From: lilei@example.cn\r\nSubject: Undeliverable parcel, please help\r\n\r\nMy parcel...")
    assert bounce_of(person) is None
