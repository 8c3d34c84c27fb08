"""WeChat Official Account (公众号) server protocol: signatures, timestamps, and the XML WeChat posts.

What the callback trusts, in order (docs/wechat.md): the body's size, `signature` = sha1 of the sorted
[token, timestamp, nonce] (every request carries it), a timestamp within five minutes of our clock, then the XML,
parsed with DTDs and entities refused (WeChat never sends them: a DTD is an entity-expansion attack), and in secure
mode `msg_signature` over [token, timestamp, nonce, Encrypt] before the AES payload is decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.errors import InvalidSignature, InvalidXml, StaleRequest

MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_FIELDS = 64  # WeChat's messages have a dozen; a body with hundreds of elements is not one of them
MAX_FIELD_CHARS = 8 * 1024  # text messages stop at 2048 characters; longer values are refused
_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_DIGITS = re.compile(r"^\d{1,20}$")

# What each message type becomes in a conversation when it carries no text of its own.
PLACEHOLDERS = {
    "image": "[图片]",
    "voice": "[语音]",
    "video": "[视频]",
    "shortvideo": "[小视频]",
    "location": "[位置]",
    "link": "[链接]",
    "file": "[文件]",
}


def signature(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted and joined (the token is one of them)."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(given: str | None, *parts: str) -> None:
    if not given or not hmac.compare_digest(given.strip().lower().encode(), signature(*parts).encode()):
        raise InvalidSignature("the request is not signed with this Official Account's token")


def check_timestamp(timestamp: str | None, now: datetime, skew: timedelta = MAX_CLOCK_SKEW) -> datetime:
    """The signed timestamp as a time; StaleRequest when it is more than `skew` away from `now` (a replayed
    request), or not a number at all."""
    if not timestamp or not _DIGITS.match(timestamp):
        raise StaleRequest("the timestamp is missing or not a number")
    at = datetime.fromtimestamp(int(timestamp), UTC) if int(timestamp) < 10**11 else None
    if at is None or abs(now - at) > skew:
        raise StaleRequest("the timestamp is more than five minutes away from now")
    return at


def parse_xml(body: bytes) -> dict[str, str]:
    """The children of WeChat's `<xml>` root as a flat mapping. DTDs, entities and external references are refused
    before anything is expanded (defusedxml over the standard library's expat)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise InvalidXml(
            f"the XML declares a DTD or entities, which WeChat never sends: {type(error).__name__}"
        ) from None
    except (ElementTree.ParseError, ValueError, UnicodeError) as error:
        raise InvalidXml(f"the body is not well-formed XML: {error}") from None
    if root.tag != "xml":
        raise InvalidXml("the root element must be <xml>")
    children = list(root)
    if len(children) > MAX_FIELDS:
        raise InvalidXml("too many elements for a WeChat message")
    fields: dict[str, str] = {}
    for child in children:
        text = child.text or ""
        if len(text) > MAX_FIELD_CHARS:
            raise InvalidXml(f"{child.tag} is longer than any WeChat message field")
        fields.setdefault(str(child.tag), text)
    return fields


@dataclass(frozen=True)
class InboundMessage:
    """One message or event from a follower, as the callback accepted it (and the intake queue carries it)."""

    to_user: str  # the Official Account's original id (gh_...)
    openid: str  # FromUserName: the follower, unique per Official Account
    create_time: int  # seconds since the epoch, WeChat's clock
    msg_type: str  # text | image | voice | video | shortvideo | location | link | event
    msg_id: str | None = None  # every message but events
    content: str | None = None
    media_id: str | None = None
    pic_url: str | None = None
    format: str | None = None  # voice: amr | speex
    recognition: str | None = None  # voice, when speech recognition is on
    event: str | None = None  # subscribe | unsubscribe | SCAN | CLICK | VIEW | LOCATION ...
    event_key: str | None = None
    title: str | None = None  # link
    url: str | None = None  # link
    label: str | None = None  # location
    received_at: str | None = None  # ISO time the callback accepted it

    @property
    def is_event(self) -> bool:
        return self.msg_type == "event"

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(self.create_time, UTC)

    def dedupe_key(self) -> str:
        """One message, one ticket or message: its MsgId; an event has none, so WeChat's own advice applies
        (FromUserName + CreateTime), with the event's name."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.openid}:{self.create_time}:{self.event or self.msg_type}"

    def text(self) -> str:
        """What the message says in a conversation: its text, or what it is."""
        if self.msg_type == "text":
            return self.content or ""
        if self.msg_type == "voice" and self.recognition:
            return f"{PLACEHOLDERS['voice']} {self.recognition}"
        if self.msg_type == "link":
            return " ".join(p for p in (PLACEHOLDERS["link"], self.title or "", self.url or "") if p)
        if self.msg_type == "location" and self.label:
            return f"{PLACEHOLDERS['location']} {self.label}"
        return PLACEHOLDERS.get(self.msg_type, f"[{self.msg_type}]")

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InboundMessage:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def message_from_fields(fields: dict[str, str]) -> InboundMessage:
    """The message in WeChat's fields; InvalidXml when a field every message has is missing or malformed."""
    openid = (fields.get("FromUserName") or "").strip()
    if not _OPENID.match(openid):
        raise InvalidXml("FromUserName is missing or not an openid")
    create_time = (fields.get("CreateTime") or "").strip()
    if not _DIGITS.match(create_time):
        raise InvalidXml("CreateTime is missing or not a number")
    msg_type = (fields.get("MsgType") or "").strip()
    if not re.match(r"^[a-z_]{1,32}$", msg_type):
        raise InvalidXml("MsgType is missing or unknown")
    msg_id = (fields.get("MsgId") or "").strip() or None
    if msg_type != "event" and (msg_id is None or not _DIGITS.match(msg_id)):
        raise InvalidXml("MsgId is missing or not a number")
    event = (fields.get("Event") or "").strip() or None
    if msg_type == "event" and not event:
        raise InvalidXml("an event without its Event")

    def optional(name: str) -> str | None:
        value = fields.get(name)
        return value if value else None

    return InboundMessage(
        to_user=(fields.get("ToUserName") or "").strip(),
        openid=openid,
        create_time=int(create_time),
        msg_type=msg_type,
        msg_id=msg_id,
        content=optional("Content"),
        media_id=optional("MediaId"),
        pic_url=optional("PicUrl"),
        format=optional("Format"),
        recognition=optional("Recognition"),
        event=event,
        event_key=optional("EventKey"),
        title=optional("Title"),
        url=optional("Url"),
        label=optional("Label"),
    )


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_xml(fields: dict[str, str | int]) -> str:
    """A message as WeChat writes it (numbers bare, text in CDATA): what its server posts, and an encrypted
    envelope."""
    parts = [f"<{name}>{value if isinstance(value, int) else _cdata(value)}</{name}>" for name, value in fields.items()]
    return "<xml>" + "".join(parts) + "</xml>"
