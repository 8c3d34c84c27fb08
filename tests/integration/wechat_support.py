"""The WeChat channel over moto and local mode's WeChat emulator: a signed request builder, and the functions fed
the way Lambda feeds them (the intake from the FIFO queue, the stream consumers from the table's stream)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from infra.local.pump import StreamPump
from infra.local.queues import QueuePump
from infra.local.wechat import WechatEmulator
from shared.clock import FixedClock
from shared.container import Container
from shared.domain.wechat.api import WechatConfig
from shared.domain.wechat.crypto import MessageCrypto
from shared.domain.wechat.protocol import render_xml, signature

ACCOUNT = "gh_helpdesk"


def text_xml(openid: str, content: str, msg_id: int, at: datetime) -> bytes:
    fields: dict[str, str | int] = {
        "ToUserName": ACCOUNT,
        "FromUserName": openid,
        "CreateTime": int(at.timestamp()),
        "MsgType": "text",
        "Content": content,
        "MsgId": msg_id,
    }
    return render_xml(fields).encode("utf-8")


def event_xml(openid: str, event: str, at: datetime) -> bytes:
    fields: dict[str, str | int] = {
        "ToUserName": ACCOUNT,
        "FromUserName": openid,
        "CreateTime": int(at.timestamp()),
        "MsgType": "event",
        "Event": event,
        "EventKey": "",
    }
    return render_xml(fields).encode("utf-8")


def image_xml(openid: str, media_id: str, msg_id: int, at: datetime) -> bytes:
    fields: dict[str, str | int] = {
        "ToUserName": ACCOUNT,
        "FromUserName": openid,
        "CreateTime": int(at.timestamp()),
        "MsgType": "image",
        "PicUrl": "http://mmbiz.qpic.cn/example",
        "MediaId": media_id,
        "MsgId": msg_id,
    }
    return render_xml(fields).encode("utf-8")


@dataclass
class WechatDesk:
    """The API (Chalice test client), the container, the emulated WeChat, and the pumps."""

    api: Any
    container: Container
    clock: FixedClock
    config: WechatConfig
    emulator: WechatEmulator
    intake: QueuePump
    streams: list[StreamPump]
    sqs: Any
    queue_url: str
    msg_ids: list[int] = field(default_factory=lambda: [5_000_000_000])

    def next_msg_id(self) -> int:
        self.msg_ids[0] += 1
        return self.msg_ids[0]

    def query(
        self,
        body: bytes,
        at: datetime | None = None,
        aes: bool = False,
        token: str | None = None,
        nonce: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """What WeChat's server sends: the signed query string and the body (encrypted in secure mode)."""
        timestamp = str(int((at or self.clock.now()).timestamp()))
        nonce = nonce or str(secrets.randbelow(10**9))
        token = token or self.config.token
        query = {"signature": signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        if not aes:
            return query, body
        encrypted = MessageCrypto(self.config.encoding_aes_key, self.config.app_id).encrypt(body)
        query.update(encrypt_type="aes", msg_signature=signature(token, timestamp, nonce, encrypted))
        return query, render_xml({"ToUserName": ACCOUNT, "Encrypt": encrypted}).encode("utf-8")

    def post(self, body: bytes, **kwargs: Any) -> Any:
        query, payload = self.query(body, **kwargs)
        return self.post_raw(query, payload)

    def post_raw(self, query: dict[str, str], payload: bytes) -> Any:
        return self.api._client.http.request(
            "POST",
            f"/api/channels/wechat?{urlencode(query)}",
            headers={"Content-Type": "text/xml"},
            body=payload,
        )

    def queued(self) -> list[dict[str, Any]]:
        """What waits in the intake queue (read without taking it: made visible again at once)."""
        response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = response.get("Messages") or []
        for message in messages:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return [json.loads(m["Body"]) for m in messages]

    def take_in(self) -> int:
        return self.intake.drain()

    def deliver(self) -> None:
        """Stream records to the assignment and notification functions until nothing is left."""
        for _ in range(10):
            if not sum(pump.drain() for pump in self.streams):
                return
