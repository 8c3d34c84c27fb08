"""The customer behind an openid: a small identity keyed by the openid (docs/wechat.md, "The customer").

A follower has no email address. Tickets still name their requester by one (the `by_requester` index and every
view key on it), so a WeChat customer's is derived from the openid: base32 of it, lower-cased (openids are
case-sensitive; the index key is lower-cased), at `wechat.invalid`, a domain that can never receive mail. The
address gives the openid back, so a ticket's snapshot is enough to answer its requester on WeChat.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.wechat.protocol import InboundMessage

DOMAIN = "wechat.invalid"
DEFAULT_NAME = "微信用户"
# WeChat accepts customer-service messages (客服消息) for 48 hours after the follower's last message, click or
# subscription; after that, `message/custom/send` answers 45015.
WINDOW = timedelta(hours=48)


def requester_address(openid: str) -> str:
    encoded = base64.b32encode(openid.encode("utf-8")).decode("ascii").rstrip("=").lower()
    return f"{encoded}@{DOMAIN}"


def openid_of(address: str | None) -> str | None:
    """The openid a requester address stands for; None for every other address."""
    local, _, domain = (address or "").rpartition("@")
    if domain.lower() != DOMAIN or not local:
        return None
    padded = local.upper() + "=" * (-len(local) % 8)
    try:
        return base64.b32decode(padded).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def short_id(openid: str) -> str:
    """Six characters that tell two followers apart in a list (not secret, not unique by design)."""
    return hashlib.sha256(openid.encode("utf-8")).hexdigest()[:6].upper()


def default_name(openid: str) -> str:
    return f"{DEFAULT_NAME}{short_id(openid)}"


@dataclass(frozen=True)
class Follower:
    openid: str
    name: str
    first_seen_at: datetime
    subscribed: bool = True
    last_seen_at: datetime | None = None  # the follower's last message or event: opens the 48-hour window
    current_ticket: str | None = None  # the ticket their next message continues (unless it was closed)
    unsubscribed_at: datetime | None = None
    named_by_staff: bool = False

    @classmethod
    def new(cls, openid: str, at: datetime) -> Follower:
        return cls(openid=openid, name=default_name(openid), first_seen_at=at)

    @property
    def address(self) -> str:
        return requester_address(self.openid)

    def seen(self, message: InboundMessage) -> Follower:
        """After a message or event. The window is measured from WeChat's own time of the latest one; a message or
        subscription newer than the last unsubscription means they follow again (an old one redelivered does not)."""
        at = message.sent_at
        last = self.last_seen_at if self.last_seen_at and self.last_seen_at > at else at
        if message.event == "unsubscribe":
            if self.unsubscribed_at and self.unsubscribed_at > at:
                return self
            return replace(self, subscribed=False, unsubscribed_at=at)
        follows = self.subscribed or self.unsubscribed_at is None or at >= self.unsubscribed_at
        return replace(self, last_seen_at=last, subscribed=follows)

    def window_closes_at(self) -> datetime | None:
        return self.last_seen_at + WINDOW if self.last_seen_at else None

    def window_open(self, now: datetime) -> bool:
        closes = self.window_closes_at()
        return self.subscribed and closes is not None and now < closes
