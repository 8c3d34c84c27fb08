"""The WeChat channel's services on in-memory fakes (tests/fakes.py): what each decides, without DynamoDB or HTTP.

The same flows run again over moto and the local emulator in tests/integration/test_wechat_*.py.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from infra.seed.demo import STAFF, TEAMS
from shared.clock import FixedClock
from shared.domain.access import Principal
from shared.domain.events import AuditEvent, EventType
from shared.domain.tickets import Channel, Status
from shared.domain.wechat.api import Media, WechatApiError, WechatConfig
from shared.domain.wechat.crypto import MessageCrypto
from shared.domain.wechat.followers import openid_of
from shared.domain.wechat.protocol import InboundMessage, render_xml, signature
from shared.errors import Forbidden, InvalidSignature, InvalidXml, NotFound, PayloadTooLarge, StaleRequest
from shared.services.cursors import CursorCodec
from shared.services.sla import SlaService
from shared.services.tickets import TicketService
from shared.services.wechat_callback import CallbackQuery, WechatCallback
from shared.services.wechat_intake import WechatIntakeService
from shared.services.wechat_notices import WechatNotices, split_text
from shared.services.wechat_outbound import WechatOutbound, WechatTokens
from tests.fakes import Desk

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
OPENID = "oFollower_0001"
AGENT = Principal.of("wangfang@demo.local", "王芳", "agent", ("tech",))


class Channel_:
    """The WeChat services over one fake desk; sends and media fetches are recorded."""

    def __init__(self) -> None:
        self.desk = Desk()
        self.clock = FixedClock(MONDAY)
        ids = count(1)
        for team in TEAMS:
            self.desk.directory.put_team(team)
        for agent in STAFF:
            self.desk.directory.put_agent(agent)
        self.tickets = TicketService(
            self.desk.tickets,
            self.desk.writer,
            self.desk.directory,
            SlaService(self.desk.routing, self.clock),
            self.clock,
            CursorCodec(b"secret"),
            "Asia/Shanghai",
            new_id=lambda: f"{next(ids):032x}",
        )
        self.sent: list[dict[str, Any]] = []
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        self.media: dict[str, Media] = {"m1": Media(b"\x89PNG...", "image/png", "m1.png")}
        self.intake = WechatIntakeService(
            self.tickets,
            self.desk.tickets,
            self.desk.writer,
            self.desk.followers,
            self.desk.mail,
            self.desk.blobs,
            self._fetch,
            self._send,
            self.clock,
            "欢迎关注",
        )
        self.notices = WechatNotices(
            self.desk.tickets,
            self.desk.writer,
            self.desk.followers,
            self._send,
            lambda template, language, context: f"{template}:{context['ticket']['number']}",
            self.clock,
        )
        self.msg_ids = count(1000)

    def _send(self, job: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(job)
        return self.answer

    def _fetch(self, media_id: str) -> Media:
        if media_id not in self.media:
            raise WechatApiError(40007, "invalid media_id")
        return self.media[media_id]

    def message(self, content: str = "打印机连不上了", msg_type: str = "text", **extra: Any) -> InboundMessage:
        at = int(self.clock.now().timestamp())
        return InboundMessage("gh_1", OPENID, at, msg_type, msg_id=str(next(self.msg_ids)), content=content, **extra)

    def event(self, name: str) -> InboundMessage:
        return InboundMessage("gh_1", OPENID, int(self.clock.now().timestamp()), "event", event=name)

    def messages(self, ticket_id: str) -> list[Any]:
        return [m for _, m in sorted(self.desk.store.messages.get(ticket_id, []), key=lambda p: p[0])]

    def events(self, ticket_id: str) -> list[AuditEvent]:
        return self.desk.store.events[ticket_id]


@pytest.fixture
def wx() -> Channel_:
    return Channel_()


def test_a_first_message_opens_a_wechat_ticket_for_the_follower(wx):
    result = wx.intake.receive(wx.message("打印机连不上了\n型号 HP 1020"))
    assert result.outcome == "ticket"
    ticket = wx.desk.tickets.get(result.ticket_id)
    assert ticket.channel is Channel.WECHAT and ticket.subject == "打印机连不上了"
    assert openid_of(ticket.requester.email) == OPENID
    assert ticket.requester.name.startswith("微信用户")
    (message,) = wx.messages(ticket.id)
    assert message.channel == "wechat" and message.body == "打印机连不上了\n型号 HP 1020"
    follower = wx.desk.followers.follower(OPENID)
    assert follower.current_ticket == ticket.id and follower.last_seen_at == MONDAY


def test_one_msgid_makes_one_message_and_later_messages_join_the_ticket(wx):
    first = wx.message()
    opened = wx.intake.receive(first)
    assert wx.intake.receive(first).outcome == "duplicate"
    wx.clock.advance(timedelta(minutes=1))
    joined = wx.intake.receive(wx.message("还有一个问题"))
    assert (joined.outcome, joined.ticket_id) == ("message", opened.ticket_id)
    assert [m.body for m in wx.messages(opened.ticket_id)] == ["打印机连不上了", "还有一个问题"]
    assert len(wx.desk.store.tickets) == 1


def test_resolved_reopens_and_closed_opens_a_follow_up(wx):
    opened = wx.intake.receive(wx.message())
    wx.tickets.update(AGENT, opened.ticket_id, {"status": "resolved"}, None)
    wx.intake.receive(wx.message("还是不行"))
    assert wx.desk.tickets.get(opened.ticket_id).status is Status.NEW
    wx.tickets.update(AGENT, opened.ticket_id, {"status": "closed"}, None)
    follow_up = wx.intake.receive(wx.message("又坏了"))
    assert follow_up.outcome == "follow_up" and follow_up.ticket_id != opened.ticket_id
    closed = wx.desk.tickets.get(opened.ticket_id)
    assert wx.desk.tickets.get(follow_up.ticket_id).custom_fields == {"follow_up_of": closed.number}
    assert wx.desk.followers.follower(OPENID).current_ticket == follow_up.ticket_id


def test_images_are_fetched_and_kept_and_lost_media_is_noted(wx):
    result = wx.intake.receive(wx.message("", "image", media_id="m1"))
    (message,) = wx.messages(result.ticket_id)
    assert message.body == "[图片]" and wx.desk.tickets.get(result.ticket_id).subject == "[图片]"
    (attachment,) = message.wechat["attachments"]
    assert attachment["inline"] and attachment["content_type"] == "image/png"
    assert wx.desk.blobs.objects[attachment["key"]][0] == b"\x89PNG..."
    assert wx.desk.mail.mail_files(result.ticket_id, message.id).attachments == [attachment]
    lost = wx.intake.receive(wx.message("", "voice", media_id="expired", format="amr"))
    voice = wx.messages(lost.ticket_id)[-1]
    assert voice.wechat["attachments"] == [] and "40007" in voice.wechat["problems"][0]


def test_subscribe_welcomes_and_unsubscribe_is_recorded(wx):
    assert wx.intake.receive(wx.event("subscribe")).outcome == "subscribed"
    (welcome,) = wx.sent
    assert welcome["payload"] == {"touser": OPENID, "msgtype": "text", "text": {"content": "欢迎关注"}}
    assert welcome["idempotency_key"].startswith("welcome#event:")
    wx.clock.advance(timedelta(seconds=5))
    assert wx.intake.receive(wx.event("unsubscribe")).outcome == "unsubscribed"
    follower = wx.desk.followers.follower(OPENID)
    assert not follower.subscribed and follower.unsubscribed_at == MONDAY + timedelta(seconds=5)
    assert not wx.desk.store.tickets


def _reply(wx: Channel_, body: str = "请重启一下路由器") -> tuple[str, AuditEvent]:
    ticket_id = wx.intake.receive(wx.message()).ticket_id or ""
    wx.tickets.post_message(AGENT, ticket_id, body, internal=False)
    return ticket_id, wx.events(ticket_id)[-1]


def test_a_reply_in_the_window_goes_out_once_per_event(wx):
    ticket_id, event = _reply(wx)
    snapshot = {"id": ticket_id, **event.snapshot}
    assert WechatNotices.serves(snapshot)
    assert wx.notices.deliver("reply", event, snapshot) == [f"reply sent on WeChat to {OPENID}"]
    (job,) = wx.sent
    assert job == {
        "idempotency_key": f"{event.id}#wechat-reply",
        "payload": {"touser": OPENID, "msgtype": "text", "text": {"content": "请重启一下路由器"}},
    }


def test_a_reply_after_48_hours_is_kept_marked_and_its_author_told(wx):
    ticket_id, _ = wx.intake.receive(wx.message()).ticket_id, None
    wx.clock.advance(timedelta(hours=48, minutes=1))
    wx.tickets.post_message(AGENT, ticket_id, "还在吗？", internal=False)
    event = wx.events(ticket_id)[-1]
    done = wx.notices.deliver("reply", event, {"id": ticket_id, **event.snapshot})
    assert wx.sent == [] and "window_closed" in done[0]
    reply = wx.messages(ticket_id)[-1]
    assert reply.delivery["status"] == "undelivered" and reply.delivery["reason"] == "window_closed"
    marked = wx.events(ticket_id)[-1]
    assert marked.type is EventType.MESSAGE_UNDELIVERED and marked.message_id == reply.id
    assert marked.changed("delivery").new["author"] == AGENT.email
    # The same stream record again: nothing more is written.
    again = wx.notices.deliver("reply", event, {"id": ticket_id, **event.snapshot})
    assert "before" in again[0] and wx.events(ticket_id)[-1] == marked


def test_wechat_refusing_a_reply_marks_it_and_notices_outside_the_window_are_skipped(wx):
    ticket_id, event = _reply(wx)
    wx.answer = {"errcode": 43004, "errmsg": "require subscribe"}
    wx.notices.deliver("reply", event, {"id": ticket_id, **event.snapshot})
    assert wx.messages(ticket_id)[-1].delivery["reason"] == "unsubscribed"
    wx.clock.advance(timedelta(hours=49))
    created = wx.events(ticket_id)[0]
    sent_before = len(wx.sent)
    assert wx.notices.deliver("resolved", created, {"id": ticket_id, **created.snapshot}) == [
        "no resolved on WeChat: window_closed"
    ]
    assert len(wx.sent) == sent_before


def test_long_replies_go_in_parts_under_wechats_limit():
    text = "很长的回复。" * 300
    parts = split_text(text)
    assert len(parts) == 3 and all(len(p.encode()) <= 2000 for p in parts)
    assert "".join(parts) == text
    assert split_text("短") == ["短"]
    too_long = split_text("字" * 5000)  # 15,000 bytes: five parts at most, the last one says it was cut
    assert len(too_long) == 5 and too_long[-1].endswith("……")


# -- the access token: one renewal at a time ---------------------------------------------------------------------
class SlowApi:
    def __init__(self) -> None:
        self.fetches = 0
        self.sends: list[str] = []
        self.reject: set[str] = set()

    def fetch_token(self) -> tuple[str, int]:
        self.fetches += 1
        time.sleep(0.05)
        return f"token-{self.fetches}", 7200

    def send(self, token: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.sends.append(token)
        return {"errcode": 40001, "errmsg": "invalid"} if token in self.reject else {"errcode": 0, "errmsg": "ok"}

    def media(self, token: str, media_id: str, limit: int) -> Media:
        return Media(b"", "image/png", "")


def test_concurrent_callers_renew_the_token_once(wx: Channel_) -> None:
    api = SlowApi()
    callers = [WechatTokens(wx.desk.tokens, api, wx.clock, sleep=lambda s: time.sleep(0.01)) for _ in range(6)]
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda c=c: tokens.append(c.token())) for c in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.fetches == 1 and tokens == ["token-1"] * 6 and wx.desk.tokens.leases == 1


def test_a_refused_token_is_renewed_and_the_message_sent_again(wx):
    api = SlowApi()
    outbound = WechatOutbound(WechatTokens(wx.desk.tokens, api, wx.clock), api, 1024)
    assert outbound.send({"touser": OPENID})["errcode"] == 0
    api.reject.add("token-1")
    assert outbound.send({"touser": OPENID})["errcode"] == 0
    assert api.sends == ["token-1", "token-1", "token-2"] and api.fetches == 2
    wx.clock.advance(timedelta(hours=2))  # expired: renewed before use
    outbound.send({"touser": OPENID})
    assert api.sends[-1] == "token-3"


# -- the callback ----------------------------------------------------------------------------------------------
class ListQueue:
    def __init__(self) -> None:
        self.items: list[InboundMessage] = []

    def put(self, message: InboundMessage) -> None:
        self.items.append(message)


def _callback(wx: Channel_, config: WechatConfig) -> tuple[WechatCallback, ListQueue]:
    queue = ListQueue()
    return WechatCallback(lambda: config, queue, wx.clock, 64 * 1024), queue


def _signed(config: WechatConfig, at: datetime, xml: bytes, aes: bool = False) -> tuple[CallbackQuery, bytes]:
    timestamp, nonce = str(int(at.timestamp())), "4242"
    query = CallbackQuery(signature(config.token, timestamp, nonce), timestamp, nonce)
    if not aes:
        return query, xml
    encrypted = MessageCrypto(config.encoding_aes_key, config.app_id).encrypt(xml)
    msg_signature = signature(config.token, timestamp, nonce, encrypted)
    body = render_xml({"ToUserName": "gh_1", "Encrypt": encrypted}).encode()
    return CallbackQuery(query.signature, timestamp, nonce, None, "aes", msg_signature), body


TEXT = render_xml(
    {"ToUserName": "gh_1", "FromUserName": OPENID, "CreateTime": 1, "MsgType": "text", "Content": "你好", "MsgId": 7}
).encode()


def test_the_callback_queues_signed_messages_in_both_modes(wx):
    plain = WechatConfig("wx1", "tok")
    callback, queue = _callback(wx, plain)
    callback.accept(*_signed(plain, MONDAY, TEXT))
    secure = WechatConfig("wx1", "tok", "b" * 43)
    callback_aes, queue_aes = _callback(wx, secure)
    callback_aes.accept(*_signed(secure, MONDAY, TEXT, aes=True))
    assert [m.content for m in queue.items + queue_aes.items] == ["你好", "你好"]
    assert queue.items[0].received_at == MONDAY.isoformat()
    with pytest.raises(InvalidSignature):  # secure mode takes no plaintext bodies
        callback_aes.accept(*_signed(secure, MONDAY, TEXT))


def test_the_callback_refuses_forgeries_replays_and_junk_before_queueing(wx):
    config = WechatConfig("wx1", "tok")
    callback, queue = _callback(wx, config)
    query, body = _signed(config, MONDAY, TEXT)
    forged = CallbackQuery("0" * 40, query.timestamp, query.nonce)
    with pytest.raises(InvalidSignature):
        callback.accept(forged, body)
    with pytest.raises(StaleRequest):
        callback.accept(*_signed(config, MONDAY - timedelta(minutes=6), TEXT))
    with pytest.raises(InvalidXml):
        callback.accept(query, b"<xml><Content>")
    with pytest.raises(PayloadTooLarge):
        callback.accept(query, b"<xml>" + b" " * 70_000 + b"</xml>")
    assert queue.items == []
    assert callback.handshake(CallbackQuery(query.signature, query.timestamp, query.nonce, "echo-123")) == "echo-123"


def test_staff_name_the_follower_for_this_ticket_and_the_next(wx):
    opened = wx.intake.receive(wx.message())
    ticket = wx.desk.tickets.get(opened.ticket_id or "")
    assert ticket is not None
    wx.notices.rename(AGENT, ticket, "王先生")
    renamed = wx.desk.tickets.get(ticket.id)
    assert renamed is not None and renamed.requester.name == "王先生"
    change = wx.events(ticket.id)[-1].changed("requester.name")
    assert change is not None and change.new == "王先生" and change.old.startswith("微信用户")
    wx.tickets.update(AGENT, ticket.id, {"status": "closed"}, None)
    follow_up = wx.intake.receive(wx.message("又来了"))
    later = wx.desk.tickets.get(follow_up.ticket_id or "")
    assert later is not None and later.requester.name == "王先生"
    customer = Principal.of("someone@example.com", "x", "customer")
    with pytest.raises(Forbidden):
        wx.notices.rename(customer, ticket, "hacker")
    with pytest.raises(NotFound):
        wx.notices.follower_of(customer, ticket)
