"""What the product exchanges with WeChat's API (api.weixin.qq.com): its settings, tokens, media, and what its error
codes mean to us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class WechatConfig:
    """The Official Account's developer settings (开发 > 基本配置)."""

    app_id: str
    token: str
    encoding_aes_key: str = ""  # empty: plaintext mode (明文模式)
    app_secret: str = ""

    @property
    def secure(self) -> bool:
        return bool(self.encoding_aes_key)


@dataclass(frozen=True)
class CachedToken:
    """The shared access token and who, if anyone, is fetching a new one."""

    token: str | None
    valid_until: datetime | None
    lease_owner: str | None = None
    lease_until: datetime | None = None


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str
    filename: str


# errcode -> what it means for a customer-service message (客服消息)
ACCESS_TOKEN_REJECTED = frozenset({40001, 40014, 42001})  # invalid or expired: fetch a new one, send again
UNDELIVERABLE = {
    45015: "window_closed",  # response out of time limit: 48 hours since the follower's last message
    45047: "reply_limit",  # too many messages since the follower's last one
    43004: "unsubscribed",  # the follower no longer follows the account
    40003: "unknown_openid",
}


class WechatApiError(Exception):
    """WeChat answered with an error code."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WechatUnavailable(Exception):
    """WeChat could not be reached, was busy (-1), or answered nonsense: retry later."""
