"""API shapes of the WeChat channel's own routes (docs/wechat.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from shared.api.schemas import Out, Strict
from shared.domain.wechat.followers import Follower

Param = Annotated[str, StringConstraints(max_length=128)]


class WechatCallbackQuery(Out):
    """What WeChat's server signs its requests with (it may add parameters: they are ignored)."""

    model_config = ConfigDict(extra="ignore")

    signature: Param | None = None
    timestamp: Param | None = None
    nonce: Param | None = None
    echostr: Annotated[str, StringConstraints(max_length=1024)] | None = None
    openid: Param | None = None
    encrypt_type: Param | None = None
    msg_signature: Param | None = None


class WechatFollowerOut(Out):
    openid: str
    name: str
    subscribed: bool
    last_seen_at: dt.datetime | None = Field(description="the follower's last message or event (WeChat's time)")
    window_closes_at: dt.datetime | None = Field(description="48 hours after it: WeChat refuses replies afterwards")
    window_open: bool
    window_seconds_left: int = Field(description="seconds until the window closes, by the server's clock (0: closed)")
    unsubscribed_at: dt.datetime | None = None


def follower_out(follower: Follower, now: dt.datetime, tz: Any) -> WechatFollowerOut:
    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(tz) if value else None

    closes = follower.window_closes_at()
    return WechatFollowerOut(
        openid=follower.openid,
        name=follower.name,
        subscribed=follower.subscribed,
        last_seen_at=local(follower.last_seen_at),
        window_closes_at=local(follower.window_closes_at()),
        window_open=follower.window_open(now),
        window_seconds_left=max(0, int((closes - now).total_seconds())) if closes and follower.window_open(now) else 0,
        unsubscribed_at=local(follower.unsubscribed_at),
    )


class WechatNameIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


# -- local mode's WeChat emulator (infra/local/wechat.py) -----------------------------------------------------------
class DevWechatSend(Strict):
    openid: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
    content: Annotated[str, StringConstraints(max_length=2048)] = ""
    msg_type: Literal["text", "image", "voice", "subscribe", "unsubscribe"] = "text"
    media_base64: Annotated[str, StringConstraints(max_length=4 * 1024 * 1024)] | None = Field(
        default=None, description="image or voice bytes (base64); a small PNG when omitted"
    )


class DevWechatSent(Out):
    msg_id: str | None
