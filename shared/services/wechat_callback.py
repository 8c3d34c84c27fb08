"""WeChat's server calls the product (the Official Account's server URL): the handshake, and messages it pushes.

The callback only checks and hands over: WeChat waits 5 s for an answer and retries three times, so the work (the
ticket, the media download) happens in the intake function that reads the queue (shared/services/wechat_intake.py).
Anything not signed with our token, too old, too big or not WeChat's XML is refused before it is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from shared.clock import Clock
from shared.domain.wechat.api import WechatConfig
from shared.domain.wechat.crypto import MessageCrypto
from shared.domain.wechat.protocol import (
    InboundMessage,
    check_signature,
    check_timestamp,
    message_from_fields,
    parse_xml,
)
from shared.errors import InvalidSignature, InvalidXml, PayloadTooLarge
from shared.services.ports import InboundQueue


@dataclass(frozen=True)
class CallbackQuery:
    """The query string WeChat signs its requests with."""

    signature: str | None = None
    timestamp: str | None = None
    nonce: str | None = None
    echostr: str | None = None
    encrypt_type: str | None = None
    msg_signature: str | None = None


class WechatCallback:
    def __init__(
        self, config: Callable[[], WechatConfig], queue: InboundQueue, clock: Clock, max_body_bytes: int
    ) -> None:
        self._config = config
        self._queue = queue
        self._clock = clock
        self._max_body = max_body_bytes

    def handshake(self, query: CallbackQuery) -> str:
        """The server URL check (服务器配置): `echostr` back when the request is signed with our token."""
        self._signed(query)
        if not query.echostr:
            raise InvalidXml("echostr is missing", field="echostr")
        return query.echostr

    def accept(self, query: CallbackQuery, body: bytes) -> InboundMessage:
        """Check a pushed message and queue it. The caller answers `success` once this returns."""
        if len(body) > self._max_body:
            raise PayloadTooLarge(f"a WeChat message is at most {self._max_body // 1024} KB")
        config = self._signed(query)
        fields = parse_xml(body)
        if (query.encrypt_type or "").lower() == "aes":
            encrypted = fields.get("Encrypt")
            if not encrypted or not config.secure:
                raise InvalidXml("a secure-mode message needs Encrypt, and this account has no EncodingAESKey")
            check_signature(query.msg_signature, config.token, query.timestamp or "", query.nonce or "", encrypted)
            inner = MessageCrypto(config.encoding_aes_key, config.app_id).decrypt(encrypted)
            if len(inner) > self._max_body:
                raise PayloadTooLarge("the decrypted message is too large")
            fields = parse_xml(inner)
        elif config.secure:
            # In secure mode the signature covers the body only through msg_signature: a plaintext body would be
            # a forged one under a replayed URL signature.
            raise InvalidSignature("this account is in secure mode: messages must be encrypted")
        message = message_from_fields(fields)
        message = replace(message, received_at=self._clock.now().isoformat())
        self._queue.put(message)
        return message

    def _signed(self, query: CallbackQuery) -> WechatConfig:
        config = self._config()
        if not config.token:
            raise InvalidSignature("the WeChat channel is not configured (no token)")
        check_signature(query.signature, config.token, query.timestamp or "", query.nonce or "")
        check_timestamp(query.timestamp, self._clock.now())
        return config
