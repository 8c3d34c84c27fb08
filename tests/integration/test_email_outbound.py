"""Mail we send for email tickets: acknowledgments (loop guard, per-sender limit), agent replies and the resolution
notice, with threading headers and a signed reply address that brings the answer back to the same ticket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from functions.notification.handler import lambda_handler as notification_handler
from infra.local.pump import LambdaContext
from tests.integration.mail_support import CORPUS, Mailroom, mail
from tests.integration.test_notifications import _stream_event

ALICE = "alice@example.com"
AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"


@pytest.fixture
def room(env: Any) -> Mailroom:
    return Mailroom(env)


def _kinds(mails: list[Any]) -> list[str]:
    return [str(m["Message-ID"]).strip("<").split("-", 1)[0] for m in mails]


def test_an_acknowledgment_threads_on_the_customer_mail_and_is_marked_automatic(env, room):
    result = room.deliver(mail(ALICE, "无法登录", "密码错误", message_id="<orig-1@example.com>"))
    (ack,) = room.outbox()
    assert ack["To"] == ALICE
    assert ack["In-Reply-To"] == "<orig-1@example.com>"
    assert "<orig-1@example.com>" in ack["References"]
    assert ack["Message-ID"] in ack["References"]  # our own id, because SES rewrites Message-ID
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["X-Loop"] == "support@demo.local"
    assert ack["Reply-To"] == env.container.reply_address(result["ticket_id"])
    assert str(ack["Reply-To"]).startswith("support+")
    assert {p.get_content_type() for p in ack.walk()} >= {"text/plain", "text/html"}


def test_an_auto_reply_gets_no_auto_reply(api, room):
    result = room.deliver((CORPUS / "26_auto_reply_zh.eml").read_bytes())
    assert result["outcome"] == "rejected"
    assert room.outbox() == []


def test_ten_new_mails_from_one_sender_within_a_minute_get_at_most_three_acknowledgments(api, env, room):
    for index in range(10):
        room.deliver(mail(ALICE, f"问题 {index}", f"第 {index} 封", message_id=f"<burst-{index}@example.com>"))
        env.clock.advance(timedelta(seconds=3))
    tickets = api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]
    assert len(tickets) == 10  # every mail is a ticket; only the automatic answers are limited
    acks = [m for m in room.outbox() if m["To"] == ALICE]
    assert len(acks) == 3


def test_the_acknowledgment_limit_counts_a_redelivered_event_once(api, env, room):
    room.deliver(mail(ALICE, "一", "1", message_id="<once-1@example.com>"))
    event = _stream_event(env)
    notification_handler(event, LambdaContext("NotificationFunction"))
    notification_handler(event, LambdaContext("NotificationFunction"))
    for index in range(2, 4):
        room.deliver(mail(ALICE, f"{index}", f"{index}", message_id=f"<once-{index}@example.com>"))
    assert len([m for m in room.outbox() if m["To"] == ALICE]) == 3


def test_an_agent_reply_goes_to_the_customer_and_the_answer_lands_in_the_same_ticket(api, env, room):
    first = room.deliver(
        mail(ALICE, "发票抬头错误", "请帮忙修改发票抬头", cc="bob@example.com", message_id="<inv@example.com>")
    )
    ticket_id = first["ticket_id"]
    api.call("POST", f"/api/tickets/{ticket_id}/messages", AGENT, {"body": "已为您修改，请查收。"})
    reply = next(m for m in room.outbox() if str(m["Message-ID"]).startswith("<reply-"))
    assert reply["To"] == ALICE
    assert reply["Cc"] == "bob@example.com"
    assert "Auto-Submitted" not in reply
    assert reply["In-Reply-To"] == "<inv@example.com>"
    assert "<inv@example.com>" in reply["References"] and reply["Message-ID"] in reply["References"]
    address = str(reply["Reply-To"])
    # The customer answers from another address and with a new subject: the token in the address is enough.
    answer = room.deliver(
        mail("alice@home.example", "谢谢", "收到了，谢谢！", to=address, message_id="<answer@example.com>"),
        recipients=[address],
    )
    assert (answer["outcome"], answer["ticket_id"]) == ("message", ticket_id)
    bodies = [m["body"] for m in api.call("GET", f"/api/tickets/{ticket_id}/messages", LEAD).json_body["items"]]
    assert bodies[-1].startswith("收到了")


def test_resolving_sends_a_notice_that_says_how_to_reopen(api, env, room):
    result = room.deliver(mail(ALICE, "Cannot print", "The printer is offline", message_id="<print@example.com>"))
    api.call("PATCH", f"/api/tickets/{result['ticket_id']}", LEAD, {"status": "resolved"})
    notices = [m for m in room.outbox() if str(m["Message-ID"]).startswith("<resolved-")]
    assert len(notices) == 1
    notice = notices[0]
    assert notice["Subject"].startswith("[") and "resolved" in notice["Subject"]
    assert notice["Auto-Submitted"] == "auto-generated"
    assert "reply to this email" in notice.get_body(("plain",)).get_content()
    assert {p.get_content_type() for p in notice.walk()} >= {"text/plain", "text/html"}


def test_the_resolution_notice_in_chinese_for_a_chinese_customer(api, env, room):
    result = room.deliver(mail(ALICE, "打印机离线", "打印机显示离线", message_id="<zh-print@example.com>"))
    api.call("PATCH", f"/api/tickets/{result['ticket_id']}", LEAD, {"status": "resolved"})
    (notice,) = [m for m in room.outbox() if str(m["Message-ID"]).startswith("<resolved-")]
    assert "已解决" in notice["Subject"]
    assert "直接回复此邮件" in notice.get_body(("plain",)).get_content()


def test_no_mail_to_an_address_that_bounced(api, env, room):
    env.container.mail_store.mark_undeliverable(ALICE, "bounce", "550 no such user", env.clock.now())
    room.deliver(mail(ALICE, "hello", "again", message_id="<bounced-before@example.com>"))
    assert room.outbox() == []
