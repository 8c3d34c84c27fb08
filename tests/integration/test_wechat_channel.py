"""The WeChat channel end to end over moto: the callback (real signatures, real AES, WeChat's published vectors), the
FIFO queue and the intake function, the stream consumers, and local mode's emulator as WeChat's API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.pump import StreamPump
from infra.local.queues import QueuePump
from infra.local.wechat import WechatEmulator, sample_png
from shared.clock import FixedClock
from shared.container import Container, set_container
from shared.domain.wechat.api import WechatConfig
from shared.domain.wechat.followers import requester_address
from shared.domain.wechat.protocol import render_xml, signature
from shared.services.wechat_outbound import WechatTokens
from tests.integration.conftest import TOKEN_SECRET
from tests.integration.wechat_support import WechatDesk, event_xml, image_xml, text_xml
from tests.unit.test_wechat_protocol import (
    AES_KEY,
    APP_ID,
    BILLION_LAUGHS,
    SAMPLE_ENCRYPT,
    SAMPLE_MSG_SIGNATURE,
    SAMPLE_NONCE,
    SAMPLE_TIMESTAMP,
    TOKEN,
)

OPENID = "oHelpdeskFollower_01"
AGENT = "wangfang@demo.local"


@pytest.fixture
def make_desk(env, api) -> Iterator[Callable[..., WechatDesk]]:
    made: list[WechatEmulator] = []

    def make(
        config: WechatConfig | None = None, clock: FixedClock | None = None, api_base: str | None = None
    ) -> WechatDesk:
        config = config or WechatConfig("wx0000helpdesktest", "test-wechat-token", "", "test-app-secret")
        clock = clock or env.clock
        emulator = WechatEmulator(config, clock, "http://127.0.0.1:9/unused")
        emulator.start()
        made.append(emulator)
        settings = env.stack.settings(
            token_secret=TOKEN_SECRET,
            cursor_secret="cursor-secret",
            wechat_app_id=config.app_id,
            wechat_token=config.token,
            wechat_encoding_aes_key=config.encoding_aes_key,
            wechat_app_secret=config.app_secret,
            wechat_api_base=api_base or emulator.api_base,
        )
        container = Container(settings, clock)
        set_container(container)
        streams = [StreamPump(env.stack, s, starting_position="TRIM_HORIZON", retry_delay=0) for s in env.stack.streams]
        return WechatDesk(
            api=api,
            container=container,
            clock=clock,
            config=config,
            emulator=emulator,
            intake=QueuePump(env.stack, env.stack.queues[0]),
            streams=streams,
            sqs=env.stack.client("sqs"),
            queue_url=settings.wechat_queue_url,
        )

    yield make
    for emulator in made:
        emulator.stop()


@pytest.fixture
def desk(make_desk) -> WechatDesk:
    return make_desk()


def _tickets_of(api, openid: str) -> list[dict[str, Any]]:
    query = f"/api/tickets?view=requested&requester={requester_address(openid)}"
    return api.call("GET", query, who=AGENT).json_body["items"]


def _messages(api, ticket_id: str) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{ticket_id}/messages", who=AGENT).json_body["items"]


# -- the handshake --------------------------------------------------------------------------------------------------
def test_the_server_url_check_echoes_only_for_our_token(desk, api):
    query, _ = desk.query(b"")
    response = api._client.http.request("GET", "/api/channels/wechat?" + _qs({**query, "echostr": "e-12345"}))
    assert response.status_code == 200 and response.body == b"e-12345"
    assert response.headers["Content-Type"].startswith("text/plain")
    forged, _ = desk.query(b"", token="not-our-token")
    response = api._client.http.request("GET", "/api/channels/wechat?" + _qs({**forged, "echostr": "e-1"}))
    assert response.status_code == 403 and response.json_body["error"]["code"] == "invalid_signature"
    stale, _ = desk.query(b"", at=desk.clock.now() - timedelta(minutes=6))
    response = api._client.http.request("GET", "/api/channels/wechat?" + _qs({**stale, "echostr": "e-1"}))
    assert response.status_code == 403 and response.json_body["error"]["code"] == "stale_timestamp"


def _qs(values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(values)


# -- messages in --------------------------------------------------------------------------------------------------
def test_a_text_opens_a_routed_ticket_and_is_acknowledged_on_wechat(desk, api):
    now = desk.clock.now()
    desk.emulator.saw(OPENID, now)
    response = desk.post(text_xml(OPENID, "打印机连不上了\n型号 HP 1020", desk.next_msg_id(), now))
    assert response.status_code == 200 and response.body == b"success"
    assert [m["content"] for m in desk.queued()] == ["打印机连不上了\n型号 HP 1020"]
    assert not _tickets_of(api, OPENID)  # the callback only queued it
    assert desk.take_in() == 1
    desk.deliver()
    (ticket,) = _tickets_of(api, OPENID)
    assert ticket["channel"] == "wechat" and ticket["subject"] == "打印机连不上了"
    assert ticket["requester"]["name"].startswith("微信用户")
    assert ticket["team"] and ticket["assignee"]  # routed and assigned like any other
    (ack,) = desk.emulator.outbox
    assert ack["touser"] == OPENID and ticket["number"] in ack["text"]["content"]
    follower = api.call("GET", f"/api/tickets/{ticket['id']}/wechat", who=AGENT).json_body
    assert follower["openid"] == OPENID and follower["window_open"] is True


def test_one_msgid_makes_one_ticket_however_often_it_arrives(desk, api, env):
    now = desk.clock.now()
    body = text_xml(OPENID, "第一条", desk.next_msg_id(), now)
    for _ in range(4):  # WeChat's push and its three retries
        assert desk.post(body).status_code == 200
    # The FIFO queue drops the retries by their deduplication id; the intake's claim catches what it cannot:
    queued = desk.sqs.receive_message(QueueUrl=desk.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(queued) == 1
    record = {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": queued[0]["Body"],
        "attributes": {"MessageGroupId": OPENID, "MessageDeduplicationId": "d"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-southeast-1:123456789012:q.fifo",
        "awsRegion": "ap-southeast-1",
    }
    from functions.wechat_intake.handler import lambda_handler
    from infra.local.pump import LambdaContext

    for _ in range(2):  # the same batch delivered twice
        assert lambda_handler({"Records": [record]}, LambdaContext("WechatIntakeFunction")) == {"batchItemFailures": []}
    (ticket,) = _tickets_of(api, OPENID)
    assert [m["body"] for m in _messages(api, ticket["id"])] == ["第一条"]


def test_a_second_message_joins_the_ticket_and_a_resolved_one_reopens(desk, api):
    now = desk.clock.now()
    desk.post(text_xml(OPENID, "第一条", desk.next_msg_id(), now))
    desk.post(text_xml(OPENID, "补充：型号 HP 1020", desk.next_msg_id(), now + timedelta(seconds=3)))
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", who=AGENT, json={"status": "resolved"})
    desk.post(text_xml(OPENID, "还是不行", desk.next_msg_id(), now + timedelta(seconds=9)))
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)
    assert ticket["status"] in ("new", "in_progress")
    assert [m["body"] for m in _messages(api, ticket["id"])] == ["第一条", "补充：型号 HP 1020", "还是不行"]


def test_an_image_is_fetched_with_the_media_api_and_shown_inline(desk, api):
    png = sample_png()
    media_id = desk.emulator.add_media(png, "image/png")
    desk.post(image_xml(OPENID, media_id, desk.next_msg_id(), desk.clock.now()))
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)
    (message,) = _messages(api, ticket["id"])
    assert message["body"] == "[图片]" and message["channel"] == "wechat"
    (attachment,) = message["attachments"]
    assert attachment["content_type"] == "image/png" and attachment["size"] == len(png) and attachment["url"]
    link = api.call("GET", f"/api/tickets/{ticket['id']}/messages/{message['id']}/attachments/a1", who=AGENT)
    assert link.status_code == 200 and link.json_body["content_type"] == "image/png"


def test_subscribe_is_welcomed_once_and_unsubscribe_recorded(desk, api):
    now = desk.clock.now()
    desk.emulator.saw(OPENID, now)
    body = event_xml(OPENID, "subscribe", now)
    desk.post(body)
    desk.take_in()
    desk.container.wechat_intake(desk.container.idempotent("wechat", desk.container.send_wechat_job))
    # The same event redelivered to the intake: the welcome is keyed on it.
    from functions.wechat_intake.handler import record_handler
    from shared.domain.wechat.protocol import message_from_fields, parse_xml

    message = message_from_fields(parse_xml(body))

    class Record:
        body = json.dumps(message.to_json())

    desk.container.register_lambda_context(_context())
    record_handler(Record())  # type: ignore[arg-type]
    assert [m["text"]["content"] for m in desk.emulator.outbox] == [desk.container.settings.wechat_welcome]
    desk.post(event_xml(OPENID, "unsubscribe", now + timedelta(seconds=30)))
    desk.take_in()
    follower = desk.container.wechat_store.follower(OPENID)
    assert follower is not None and not follower.subscribed and follower.unsubscribed_at
    assert not _tickets_of(api, OPENID)


def _context() -> Any:
    from infra.local.pump import LambdaContext

    return LambdaContext("WechatIntakeFunction")


# -- secure mode ------------------------------------------------------------------------------------------------
def test_the_published_secure_mode_message_is_taken_in(make_desk, api):
    at = datetime.fromtimestamp(int(SAMPLE_TIMESTAMP), UTC)
    desk = make_desk(WechatConfig(APP_ID, TOKEN, AES_KEY, "secret"), FixedClock(at))
    query = {
        "signature": signature(TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE),
        "timestamp": SAMPLE_TIMESTAMP,
        "nonce": SAMPLE_NONCE,
        "encrypt_type": "aes",
        "msg_signature": SAMPLE_MSG_SIGNATURE,
    }
    body = render_xml({"ToUserName": APP_ID, "Encrypt": SAMPLE_ENCRYPT}).encode()
    response = desk.post_raw(query, body)
    assert response.status_code == 200 and response.body == b"success"
    (queued,) = desk.queued()
    assert (queued["openid"], queued["content"], queued["msg_id"]) == ("messense", "test", "4363689963896700987")
    # The same ciphertext under a msg_signature that does not cover it:
    forged = {**query, "msg_signature": "0" * 40}
    assert desk.post_raw(forged, body).status_code == 403


def test_secure_mode_round_trip_and_plaintext_refused(make_desk, api):
    desk = make_desk(WechatConfig("wx0000helpdesktest", "tok-aes", "c" * 43, "s"))
    now = desk.clock.now()
    assert desk.post(text_xml(OPENID, "加密的消息", desk.next_msg_id(), now), aes=True).status_code == 200
    assert desk.post(text_xml(OPENID, "明文", desk.next_msg_id(), now)).status_code == 403
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)
    assert ticket["subject"] == "加密的消息"


# -- what is refused ----------------------------------------------------------------------------------------------
def test_forgeries_replays_junk_and_bombs_are_refused_and_nothing_is_stored(desk, api):
    now = desk.clock.now()
    good = text_xml(OPENID, "正常消息", desk.next_msg_id(), now)
    cases = [
        (desk.post(good, token="someone-elses-token"), 403, "invalid_signature"),
        (desk.post(good, at=now - timedelta(minutes=5, seconds=1)), 403, "stale_timestamp"),
        (desk.post(good, at=now + timedelta(minutes=6)), 403, "stale_timestamp"),
        (desk.post(b"<xml><ToUserName>gh</ToUserName><Content>unclosed</xml>"), 400, "invalid_xml"),
        (desk.post(b"\x00\x01 not xml"), 400, "invalid_xml"),
        (desk.post(BILLION_LAUGHS), 400, "invalid_xml"),
        (desk.post(b"<xml>" + b"<Content>x</Content>" * 4000 + b"</xml>"), 413, "payload_too_large"),
        (desk.post(render_xml({"FromUserName": OPENID, "MsgType": "text"}).encode()), 400, "invalid_xml"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (status, response.body[:200])
        assert response.json_body["error"]["code"] == code
    assert desk.queued() == []
    # The function is unharmed: the next real message goes through.
    assert desk.post(good).status_code == 200
    desk.take_in()
    assert len(_tickets_of(api, OPENID)) == 1


# -- replies out ----------------------------------------------------------------------------------------------------
def _opened(desk: WechatDesk, api) -> dict[str, Any]:
    now = desk.clock.now()
    desk.emulator.saw(OPENID, now)
    desk.post(text_xml(OPENID, "路由器坏了", desk.next_msg_id(), now))
    desk.take_in()
    desk.deliver()
    (ticket,) = _tickets_of(api, OPENID)
    return ticket


def test_a_staff_reply_reaches_the_follower_once(desk, api, env):
    ticket = _opened(desk, api)
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", who=AGENT, json={"body": "请重启一下路由器"})
    desk.deliver()
    # The whole stream again, from its start, as a replayed batch would: no second send.
    replay = [StreamPump(env.stack, s, starting_position="TRIM_HORIZON", retry_delay=0) for s in env.stack.streams]
    for pump in replay:
        pump.drain()
    contents = [m["text"]["content"] for m in desk.emulator.outbox]
    assert contents.count("请重启一下路由器") == 1 and len(contents) == 2  # the acknowledgment, the reply
    assert desk.emulator.token_requests == 1


def test_a_reply_after_48_hours_of_silence_is_kept_and_marked_undelivered(desk, api):
    ticket = _opened(desk, api)
    desk.clock.advance(timedelta(hours=48, minutes=5))
    response = api.call("POST", f"/api/tickets/{ticket['id']}/messages", who=AGENT, json={"body": "还需要帮助吗？"})
    assert response.status_code == 201
    desk.deliver()
    reply = _messages(api, ticket["id"])[-1]
    assert reply["body"] == "还需要帮助吗？"
    assert reply["delivery"]["status"] == "undelivered" and reply["delivery"]["reason"] == "window_closed"
    assert [m["text"]["content"] for m in desk.emulator.outbox][1:] == []
    events = api.call("GET", f"/api/tickets/{ticket['id']}/events", who=AGENT).json_body["items"]
    assert events[-1]["type"] == "message.undelivered" and events[-1]["message_id"] == reply["id"]
    told = api.call("GET", "/api/notifications", who=AGENT).json_body["items"]
    assert any(n["type"] == "message.undelivered" and n["ticket_id"] == ticket["id"] for n in told)
    follower = api.call("GET", f"/api/tickets/{ticket['id']}/wechat", who=AGENT).json_body
    assert follower["window_open"] is False


class _WatchedApi:
    """The real WeChat API adapter, watched: how many token fetches ran at once, and how many failed (a fetch that
    timed out on a loaded machine lets the next caller renew: that is the lease working, not two renewals at once)."""

    def __init__(self, api: Any) -> None:
        self._api, self._lock = api, threading.Lock()
        self.in_flight = self.most_in_flight = self.failed = 0

    def fetch_token(self) -> tuple[str, int]:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return self._api.fetch_token()
        except Exception:
            with self._lock:
                self.failed += 1
            raise
        finally:
            with self._lock:
                self.in_flight -= 1


def test_the_access_token_is_renewed_by_one_caller_at_a_time(desk):
    api = _WatchedApi(desk.container.wechat_outbound._api)
    callers = [WechatTokens(desk.container.wechat_store, api, desk.clock) for _ in range(5)]  # type: ignore[arg-type]
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda c=c: tokens.append(c.token())) for c in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.most_in_flight == 1 and desk.emulator.token_requests == 1 + api.failed
    assert tokens and len(set(tokens)) == 1


def test_a_message_the_intake_cannot_take_goes_to_the_dead_letter_queue(make_desk, env):
    desk = make_desk(api_base="http://127.0.0.1:9")  # WeChat unreachable
    media_id = desk.emulator.add_media(sample_png(), "image/png")
    desk.post(image_xml(OPENID, media_id, desk.next_msg_id(), desk.clock.now()))
    for _ in range(8):
        desk.take_in()
        time.sleep(1.1)
    dead_letters = env.stack.client("sqs").get_queue_url(QueueName="helpdesk-local-WechatDeadLetterQueue.fifo")
    parked = desk.sqs.receive_message(QueueUrl=dead_letters["QueueUrl"], MaxNumberOfMessages=10).get("Messages")
    assert parked and json.loads(parked[0]["Body"])["media_id"] == media_id


def test_the_settings_come_from_secrets_manager_when_deployed(env):
    client = env.stack.client("secretsmanager")
    secret = {"app_id": "wxfromsecret", "token": "tok-from-secret", "encoding_aes_key": "d" * 43, "app_secret": "x"}
    arn = client.create_secret(Name="helpdesk-wechat", SecretString=json.dumps(secret))["ARN"]
    container = Container(env.stack.settings(wechat_secret_arn=arn, wechat_token="ignored"), env.clock)
    config = container.wechat_config()
    assert (config.app_id, config.token, config.secure) == ("wxfromsecret", "tok-from-secret", True)


def test_the_sample_event_is_what_the_intake_function_takes(desk, api):
    """events/wechat_intake/queued_text.json is what `sam local invoke WechatIntakeFunction -e ...` is given."""
    from functions.wechat_intake.handler import lambda_handler
    from infra.local.process import ROOT
    from infra.local.pump import LambdaContext

    event = json.loads((ROOT / "events" / "wechat_intake" / "queued_text.json").read_text(encoding="utf-8"))
    assert lambda_handler(event, LambdaContext("WechatIntakeFunction")) == {"batchItemFailures": []}
    (ticket,) = _tickets_of(api, "oSampleFollower01")
    assert ticket["subject"] == "扫码支付一直失败" and ticket["channel"] == "wechat"


def test_staff_name_the_customer(desk, api):
    desk.post(text_xml(OPENID, "你好", desk.next_msg_id(), desk.clock.now()))
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)
    response = api.call("PUT", f"/api/tickets/{ticket['id']}/wechat", who=AGENT, json={"name": " 王先生 "})
    assert response.status_code == 200 and response.json_body["name"] == "王先生"
    assert api.call("GET", f"/api/tickets/{ticket['id']}", who=AGENT).json_body["requester"]["name"] == "王先生"
    assert api.call("PUT", f"/api/tickets/{ticket['id']}/wechat", who=AGENT, json={"name": ""}).status_code == 400
    customer = api.call("PUT", f"/api/tickets/{ticket['id']}/wechat", who="x@example.com", json={"name": "x"})
    assert customer.status_code == 404


def test_the_resolution_notice_goes_out_on_wechat(desk, api):
    ticket = _opened(desk, api)
    api.call("PATCH", f"/api/tickets/{ticket['id']}", who=AGENT, json={"status": "resolved"})
    desk.deliver()
    notice = desk.emulator.outbox[-1]["text"]["content"]
    assert ticket["number"] in notice and "已解决" in notice


def test_a_reply_wechat_cannot_take_now_is_retried_then_dead_lettered(make_desk, api, env):
    desk = make_desk(api_base="http://127.0.0.1:9")  # WeChat's API unreachable
    desk.post(text_xml(OPENID, "有人吗", desk.next_msg_id(), desk.clock.now()))
    desk.take_in()
    (ticket,) = _tickets_of(api, OPENID)  # the intake needs no API for a text
    desk.deliver()
    (notification,) = [p for p in desk.streams if p._sub.function == "NotificationFunction"]
    assert notification.dead_letters >= 1  # the acknowledgment: retried, then its batch's position parked
    queue = env.stack.client("sqs").get_queue_url(QueueName="helpdesk-local-NotificationDeadLetterQueue")
    parked = desk.sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=10).get("Messages") or []
    assert parked and json.loads(parked[0]["Body"])["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert ticket["status"] in ("new", "in_progress")


def test_a_wechat_ticket_is_linked_to_its_customer_record_and_routed_by_region(desk, api):
    """Every channel links a ticket to its customer record: a WeChat follower's record (kept under the follower's
    address) gives the ticket its region, and a rule routes it to the region's team."""
    from tests.integration.routing_helpers import put_rules, route_all_to

    record = {"name": "微信老客户", "tier": "VIP", "region": "华南"}
    assert api.call("PUT", f"/api/customers/{requester_address(OPENID)}", AGENT, record).status_code == 200
    rule = {
        "name": "华南转账务组",
        "position": 1,
        "conditions": [{"field": "region", "operator": "equals", "value": "华南"}],
        "actions": [{"type": "set_team", "value": "billing"}],
        "stop": True,
    }
    put_rules(api, route_all_to("tech", [rule]))
    now = desk.clock.now()
    desk.emulator.saw(OPENID, now)
    assert desk.post(text_xml(OPENID, "发票还没收到", desk.next_msg_id(), now)).status_code == 200
    desk.take_in()
    desk.deliver()
    (ticket,) = _tickets_of(api, OPENID)
    assert ticket["customer"] == {"tier": "VIP", "region": "华南"}
    assert ticket["team"] == "billing"
