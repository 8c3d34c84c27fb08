"""Email intake over moto: SES's receipt event -> raw MIME from S3 -> ticket, message, bounce note or rejection."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from shared.services.email_intake import MailNotStored
from tests.integration.mail_support import CORPUS, SUPPORT, Mailroom, mail

ALICE = "alice@example.com"
BOB = "bob@example.com"
LEAD = "lead@demo.local"


@pytest.fixture
def room(env: Any) -> Mailroom:
    return Mailroom(env)


def _messages(api: Any, ticket_id: str) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket_id}/messages", LEAD).json_body["items"]


def _ticket(api: Any, ref: str) -> dict[str, Any]:
    return api.call("GET", f"/api/tickets/{ref}", LEAD).json_body


def _rejections(env: Any) -> list[Any]:
    return env.container.mail_store.list_rejections(env.clock.now().date(), 100).items


def test_a_new_mail_makes_an_email_ticket_with_requester_and_ccs(api, env, room):
    raw = mail(
        "Alice Wang <alice@example.com>",
        "打印机无法连接",
        "办公室的打印机从昨天开始无法连接。",
        cc="Bob <bob@example.com>, support@demo.local",
    )
    result = room.deliver(raw)
    assert result["outcome"] == "ticket"
    ticket = _ticket(api, result["ticket_id"])
    assert ticket["channel"] == "email"
    assert ticket["requester"] == {"email": ALICE, "name": "Alice Wang"}
    assert ticket["cc"] == [BOB]
    assert ticket["subject"] == "打印机无法连接"
    (message,) = _messages(api, ticket["id"])
    assert message["channel"] == "email"
    assert message["has_raw"] is True
    assert message["cc"] == [BOB, SUPPORT]
    assert "打印机从昨天开始无法连接" in message["body"]


def test_reply_to_is_the_requester(api, room):
    raw = mail("notifier@example.com", "Help", "please", headers={"Reply-To": "Carol <carol@example.com>"})
    result = room.deliver(raw)
    assert _ticket(api, result["ticket_id"])["requester"]["email"] == "carol@example.com"


def test_the_same_message_delivered_twice_makes_one_ticket(api, env, room):
    event = room.event(mail(ALICE, "重复投递", "同一封邮件").as_bytes())
    first = room.invoke(event)
    second = room.invoke(event)
    assert first["outcome"] == "ticket"
    assert second["outcome"] == "duplicate"
    listed = api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]
    assert [t["id"] for t in listed] == [first["ticket_id"]]
    assert len(_messages(api, first["ticket_id"])) == 1
    assert _rejections(env) == []  # a redelivery is not a new message: nothing to record


def test_the_same_message_id_in_a_new_delivery_makes_no_second_message(api, env, room):
    first = room.deliver(mail(ALICE, "s", "body", message_id="<same@example.com>"))
    again = room.deliver(mail(ALICE, "s", "body", message_id="<same@example.com>"))
    assert (again["outcome"], again["ticket_id"]) == ("duplicate", first["ticket_id"])
    assert len(_messages(api, first["ticket_id"])) == 1
    (rejection,) = _rejections(env)  # the second copy is on record, with its own raw message
    assert rejection.reason == "duplicate" and rejection.message_id == "<same@example.com>"


def _open(room: Mailroom, api: Any, sender: str = ALICE, cc: str | None = None) -> dict[str, Any]:
    result = room.deliver(mail(sender, "VPN 无法登录", "VPN 提示密码错误。", cc=cc, message_id="<first@example.com>"))
    return _ticket(api, result["ticket_id"])


def test_threading_by_the_reply_address_token(api, env, room):
    ticket = _open(room, api)
    address = env.container.reply_address(ticket["id"])
    result = room.deliver(mail(BOB, "another subject", "a colleague answers", to=address), recipients=[address])
    assert (result["outcome"], result["ticket_id"], result["reason"]) == ("message", ticket["id"], "reply_address")


def test_a_forged_reply_token_does_not_thread(api, env, room):
    ticket = _open(room, api)
    address = env.container.reply_address(ticket["id"])
    forged = address.replace(address.split("+")[1][:4], "aaaa")
    result = room.deliver(mail(BOB, "hello", "forged", to=forged), recipients=[forged])
    assert result["outcome"] == "ticket" and result["ticket_id"] != ticket["id"]


def test_threading_by_the_subject_number_from_the_requester(api, room):
    ticket = _open(room, api)
    result = room.deliver(
        mail(ALICE, f"回复：[{ticket['number']}] VPN 无法登录", "还是不行", message_id="<r1@example.com>")
    )
    assert (result["outcome"], result["ticket_id"], result["reason"]) == ("message", ticket["id"], "subject_number")


def test_threading_by_the_subject_number_from_a_cc(api, room):
    ticket = _open(room, api, cc=BOB)
    result = room.deliver(mail(BOB, f"Re: [{ticket['number']}]", "me too", message_id="<r2@example.com>"))
    assert (result["outcome"], result["ticket_id"]) == ("message", ticket["id"])


def test_a_stranger_quoting_a_number_does_not_land_on_that_ticket(api, room):
    ticket = _open(room, api)
    result = room.deliver(mail("mallory@evil.example", f"Re: [{ticket['number']}] VPN", "let me in"))
    assert result["outcome"] == "ticket"
    assert result["ticket_id"] != ticket["id"]
    assert len(_messages(api, ticket["id"])) == 1


def test_threading_by_in_reply_to(api, room):
    ticket = _open(room, api)
    result = room.deliver(mail(ALICE, "no number here", "more", in_reply_to="<first@example.com>"))
    assert (result["outcome"], result["ticket_id"], result["reason"]) == ("message", ticket["id"], "in_reply_to")


def test_threading_by_references_after_ses_rewrote_our_message_id(api, env, room):
    ticket = _open(room, api)
    (ack,) = room.outbox()
    ours = ack["Message-ID"]  # moto, like SES, keeps our header in the raw; SES's own id is a different one
    rewritten = "<0100018c-ses-rewritten@email.amazonses.com>"
    result = room.deliver(
        mail(
            "alice.other@example.com",
            "Re: 我们已收到您的工单",
            "answer",
            in_reply_to=rewritten,
            references=f"{ours} {rewritten}",
        )
    )
    assert (result["outcome"], result["ticket_id"], result["reason"]) == ("message", ticket["id"], "references")


def test_a_reply_to_a_resolved_ticket_reopens_it(api, room):
    ticket = _open(room, api)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "resolved"})
    result = room.deliver(mail(ALICE, f"Re: [{ticket['number']}]", "still broken", message_id="<r3@example.com>"))
    assert result["outcome"] == "message"
    assert _ticket(api, ticket["id"])["status"] == "new"


def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up(api, room):
    ticket = _open(room, api)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "closed"})
    result = room.deliver(mail(ALICE, f"Re: [{ticket['number']}]", "it is back", message_id="<r4@example.com>"))
    assert result["outcome"] == "follow_up"
    follow_up = _ticket(api, result["ticket_id"])
    assert follow_up["custom_fields"]["follow_up_of"] == ticket["number"]
    assert follow_up["requester"]["email"] == ALICE
    assert _ticket(api, ticket["id"])["status"] == "closed"


def test_a_bounce_opens_no_ticket_and_notes_the_original_ticket(api, env, room):
    ticket = _open(room, api)
    (ack,) = room.outbox()
    bounce = (CORPUS / "22_dsn_bounce.eml").read_bytes()
    original = [
        line for line in bounce.decode("utf-8", "replace").splitlines() if line.lower().startswith("message-id:")
    ]
    assert original  # the fixture quotes the bounced mail's Message-ID
    patched = bounce.replace(original[-1].split(":", 1)[1].strip().encode(), ack["Message-ID"].encode())
    result = room.deliver(patched)
    assert result["outcome"] == "bounce"
    assert result["ticket_id"] == ticket["id"]
    listed = api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]
    assert [t["id"] for t in listed] == [ticket["id"]]
    notes = [m for m in _messages(api, ticket["id"]) if m["internal"]]
    assert len(notes) == 1 and "退信" in notes[0]["body"]
    customer_view = api.call("GET", f"/api/tickets/{ticket['id']}/messages", ALICE).json_body["items"]
    assert all(not m["internal"] for m in customer_view)
    assert any(r.reason == "bounce" for r in _rejections(env))


def test_a_bounce_marks_the_address_undeliverable(env, room):
    result = room.deliver((CORPUS / "22_dsn_bounce.eml").read_bytes())
    assert result["outcome"] == "bounce"
    from shared.domain.mail.loop_guard import bounce_of
    from shared.domain.mail.parsing import parse_mail

    recipients = bounce_of(parse_mail((CORPUS / "22_dsn_bounce.eml").read_bytes())).recipients
    assert recipients and all(env.container.mail_store.undeliverable(r) is not None for r in recipients)


def test_a_gbk_subject_labelled_gb2312_decodes_exactly(api, room):
    result = room.deliver((CORPUS / "12_gbk_labelled_gb2312.eml").read_bytes())
    assert result["outcome"] == "ticket"
    # 喆, 堃 and 镕 are in GBK but not in GB2312: read as gb2312 they would be lost
    assert _ticket(api, result["ticket_id"])["subject"] == "王喆和李堃的订单（陈镕转交）"


def test_automatic_mail_that_continues_nothing_is_recorded_not_ticketed(api, env, room):
    result = room.deliver((CORPUS / "25_out_of_office_en.eml").read_bytes())
    assert result["outcome"] == "rejected"
    assert result["reason"].startswith("automatic:")
    assert api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"] == []
    (rejection,) = _rejections(env)
    assert rejection.reason.startswith("automatic:") and rejection.raw_key.startswith("inbound/")


def test_our_own_mail_coming_back_is_rejected(env, room):
    result = room.deliver((CORPUS / "31_own_mail_loop.eml").read_bytes())
    assert (result["outcome"], result["reason"]) == ("rejected", "own_mail")


def test_an_out_of_office_answer_threads_but_does_not_reopen(api, room):
    ticket = _open(room, api)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "resolved"})
    result = room.deliver(
        mail(
            ALICE,
            "自动回复：VPN 无法登录",
            "我正在休假",
            in_reply_to="<first@example.com>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert result["outcome"] == "message"
    assert _ticket(api, ticket["id"])["status"] == "resolved"


def test_an_oversized_message_is_recorded_with_its_reason(env, room):
    env.container.email_intake._max_mail = 1000
    result = room.deliver(mail(ALICE, "big", "x" * 5000))
    assert (result["outcome"], result["reason"]) == ("rejected", "too_large")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.name)
def test_every_corpus_message_is_accepted_whole(api, env, room, path):
    raw = path.read_bytes()
    result = room.deliver(raw)
    assert result["outcome"] in ("ticket", "message", "follow_up", "bounce", "rejected")
    if result["outcome"] in ("ticket", "message", "follow_up"):
        messages = _messages(api, result["ticket_id"])
        (message,) = [m for m in messages if m["id"] == result["message_id"]]
        assert message["has_raw"] is True
        link = api.call("GET", f"/api/tickets/{result['ticket_id']}/messages/{message['id']}/raw", LEAD)
        assert link.status_code == 200
        assert requests.get(link.json_body["url"], timeout=10).content == raw
    else:
        (rejection,) = [r for r in _rejections(env)]
        assert rejection.reason and room.raw(rejection.raw_key) == raw


EVENTS = CORPUS.parents[2] / "events"


def test_the_sample_lambda_action_event_finds_the_raw_by_the_ses_message_id(api, room):
    event = json.loads((EVENTS / "email_intake" / "lambda_action.json").read_text())
    ses_id = event["Records"][0]["ses"]["mail"]["messageId"]
    room.s3.put_object(Bucket=room.bucket, Key=f"inbound/{ses_id}", Body=mail(ALICE, "样例事件", "内容").as_bytes())
    result = room.invoke(event)
    assert result["outcome"] == "ticket"
    assert _ticket(api, result["ticket_id"])["subject"] == "样例事件"


def test_the_sample_s3_action_event(api, room):
    event = json.loads((EVENTS / "email_intake" / "s3_action.json").read_text())
    action = event["Records"][0]["ses"]["receipt"]["action"]
    action["bucketName"] = room.bucket
    room.s3.put_object(Bucket=room.bucket, Key=action["objectKey"], Body=mail(ALICE, "S3 样例", "内容").as_bytes())
    assert room.invoke(event)["outcome"] == "ticket"
    assert room.invoke(event)["outcome"] == "duplicate"


def test_an_event_whose_object_is_missing_fails_so_it_is_retried(env, room):
    event = room.event(b"From: a@example.com\r\n\r\nx")
    env.stack.client("s3").delete_object(
        Bucket=room.bucket, Key=event["Records"][0]["ses"]["receipt"]["action"]["objectKey"]
    )
    with pytest.raises(MailNotStored):
        room.invoke(event)


def test_a_message_dynamodb_cannot_hold_is_recorded_not_retried_forever(env, room, monkeypatch):
    from shared.services import email_intake

    monkeypatch.setattr(email_intake, "MAX_BODY_BYTES", 10 * 1024 * 1024)  # let the text outgrow a 400 KB item
    result = room.deliver(mail(ALICE, "很长的邮件", "长" * 300_000))
    assert (result["outcome"], result["reason"]) == ("rejected", "unstorable")
    (rejection,) = _rejections(env)
    assert rejection.reason == "unstorable" and room.raw(rejection.raw_key)


def test_an_emailed_answer_to_a_waiting_ticket_restarts_its_sla_clock(api, room):
    ticket = _open(room, api)
    waiting = api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "waiting_customer"}).json_body
    assert waiting["sla"]["paused"] is True
    room.deliver(mail(ALICE, f"Re: [{ticket['number']}]", "补充信息如下", message_id="<answer-w@example.com>"))
    answered = _ticket(api, ticket["id"])
    assert answered["status"] == "new"
    assert answered["sla"]["paused"] is False
