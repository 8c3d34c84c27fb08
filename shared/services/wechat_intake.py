"""Inbound WeChat (受理 by WeChat): a message the callback queued becomes a ticket or a message in one; an event
updates the follower (docs/wechat.md).

One follower, one thread: a message continues the follower's current ticket, reopens it when resolved, and opens a
follow-up when it was closed; with no current ticket it opens one. The MsgId is claimed in the same write as the
ticket or message (`WXMSG#<MsgId>`), so WeChat's retries and the queue's redeliveries make nothing twice; the ids of
the ticket, message and event derive from it, so a retry after a crash writes the same keys and S3 objects.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.mail.records import MailFiles
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Channel, Person, Status, Ticket
from shared.domain.wechat.api import Media, WechatApiError
from shared.domain.wechat.followers import Follower
from shared.domain.wechat.protocol import InboundMessage
from shared.errors import AlreadyClaimed, FollowerChanged
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import Blobs, Followers, Mail, Tickets, TicketWriter, WritePart
from shared.services.tickets import TicketService

log = logging.getLogger("helpdesk.wechat")
MAX_SUBJECT = 200
MAX_BODY_CHARS = 16 * 1024
MEDIA_TYPES = frozenset({"image", "voice", "video", "shortvideo"})
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "audio/amr": "amr", "video/mp4": "mp4"}
FOLLOWER_ATTEMPTS = 3

# A job for the idempotent sender: {"idempotency_key", "payload": message/custom/send's body} -> WeChat's answer.
Send = Callable[[dict[str, Any]], dict[str, Any]]
FetchMedia = Callable[[str], Media]


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # ticket | message | follow_up | duplicate | subscribed | unsubscribed | event
    ticket_id: str | None = None
    message_id: str | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def subject_of(text: str, fallback: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return " ".join(first.split())[:MAX_SUBJECT] or fallback


class WechatIntakeService:
    def __init__(
        self,
        tickets: TicketService,
        store: Tickets,
        writer: TicketWriter,
        followers: Followers,
        mail: Mail,
        blobs: Blobs,
        media: FetchMedia,
        send: Send,
        clock: Clock,
        welcome: str,
    ) -> None:
        self._tickets = tickets
        self._store = store
        self._writer = writer
        self._followers = followers
        self._mail = mail
        self._blobs = blobs
        self._media = media
        self._send = send
        self._clock = clock
        self._welcome = welcome

    def receive(self, message: InboundMessage) -> IntakeResult:
        key = message.dedupe_key()
        if message.is_event:
            return self._event(message, key)
        seen = self._followers.claimed(key)
        if seen is not None:
            return IntakeResult("duplicate", seen)
        for attempt in range(FOLLOWER_ATTEMPTS):
            follower = self._followers.follower(message.openid) or Follower.new(message.openid, self._clock.now())
            try:
                return self._message(message, key, follower)
            except FollowerChanged:
                if attempt == FOLLOWER_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- events: subscriptions and the like make no ticket -----------------------------------------------------
    def _event(self, message: InboundMessage, key: str) -> IntakeResult:
        follower = self._followers.follower(message.openid) or Follower.new(message.openid, self._clock.now())
        self._followers.save(follower.seen(message))  # the same values again on a redelivery
        if message.event == "subscribe":
            if self._welcome:
                answer = self._send(
                    {"idempotency_key": f"welcome#{key}", "payload": _text(message.openid, self._welcome)}
                )
                log.info("welcome to %s: %s", message.openid, answer)
            return IntakeResult("subscribed")
        if message.event == "unsubscribe":
            return IntakeResult("unsubscribed", follower.current_ticket)
        return IntakeResult("event")

    # -- messages ---------------------------------------------------------------------------------------------
    def _message(self, message: InboundMessage, key: str, follower: Follower) -> IntakeResult:
        ticket = self._store.get(follower.current_ticket) if follower.current_ticket else None
        if ticket is not None and ticket.status is not Status.CLOSED:
            return self._append(ticket, message, key, follower)
        return self._open(message, key, follower, follow_up_of=ticket)

    def _open(
        self, message: InboundMessage, key: str, follower: Follower, follow_up_of: Ticket | None = None
    ) -> IntakeResult:
        ticket_id = _digest("ticket", key)
        message_id = _digest("message", key)
        body, wechat, files = self._content(message, ticket_id, message_id)
        custom: dict[str, Any] = {"follow_up_of": follow_up_of.number} if follow_up_of is not None else {}
        draft = TicketDraft(
            subject=subject_of(body, message.text()),
            description=body,
            channel=Channel.WECHAT,
            requester=Person(follower.address, follower.name),
            custom_fields=custom,
            language=follow_up_of.language if follow_up_of else "zh-CN",
        )
        ticket, event = self._tickets.prepare_intake(draft, ticket_id, [])
        posted = self._posted(message_id, ticket, follower, body, wechat, event.at)
        event = replace(event, message_id=posted.id, internal=False)
        moved = replace(follower.seen(message), current_ticket=ticket.id)
        parts = self._parts(key, posted, ticket, files, moved, follower.current_ticket)
        try:
            self._writer.write(ticket, [event], parts, create=True)
        except AlreadyClaimed:
            return IntakeResult("duplicate")
        return IntakeResult("follow_up" if follow_up_of else "ticket", ticket.id, posted.id)

    def _append(self, ticket: Ticket, message: InboundMessage, key: str, follower: Follower) -> IntakeResult:
        message_id = _digest("message", key)
        body, wechat, files = self._content(message, ticket.id, message_id)

        def add(ticket: Ticket) -> IntakeResult:
            if ticket.status is Status.CLOSED:  # closed meanwhile: the message opens a follow-up
                return self._open(message, key, follower, follow_up_of=ticket)
            now = self._clock.now()
            applied = self._tickets.apply_customer_reply(ticket, now)
            ticket.updated_at = now
            posted = self._posted(message_id, ticket, follower, body, wechat, now)
            event = AuditEvent.of(
                ticket,
                EventType.MESSAGE_ADDED,
                posted.author,
                now,
                applied,
                id=_digest("event", ticket.id, str(ticket.version), posted.id),
                message_id=posted.id,
                internal=False,
            )
            parts = self._parts(key, posted, ticket, files, follower.seen(message), ticket.id)
            try:
                self._writer.write(ticket, [event], parts)
            except AlreadyClaimed:
                return IntakeResult("duplicate", ticket.id)
            return IntakeResult("message", ticket.id, posted.id)

        return retry_on_conflict(ticket, self._store.get, add)

    def _posted(
        self, message_id: str, ticket: Ticket, follower: Follower, body: str, wechat: dict[str, Any], at: Any
    ) -> Message:
        return Message(
            id=message_id,
            ticket_id=ticket.id,
            author=Person(follower.address, follower.name, "customer"),
            body=body,
            internal=False,
            created_at=at,
            channel="wechat",
            wechat=wechat,
        )

    def _parts(
        self,
        key: str,
        message: Message,
        ticket: Ticket,
        files: MailFiles,
        follower: Follower,
        expected_ticket: str | None,
    ) -> list[WritePart]:
        """The claim first: when a redelivery fails several conditions, it is reported as the duplicate it is."""
        parts = [
            self._followers.claim_part(key, ticket.id, message.id),
            self._store.message_part(message, ticket),
            self._followers.follower_part(follower, expected_ticket),
        ]
        if files.attachments:
            parts.append(self._mail.files_part(message, ticket, files))
        return parts

    def _content(
        self, message: InboundMessage, ticket_id: str, message_id: str
    ) -> tuple[str, dict[str, Any], MailFiles]:
        """The message's text, its WeChat details, and its media: fetched from WeChat (media ids expire after
        three days) and kept in the mail bucket under keys derived from the ids, so a retry overwrites them."""
        wechat: dict[str, Any] = {
            "msg_id": message.msg_id,
            "msg_type": message.msg_type,
            "create_time": message.create_time,
        }
        for name in ("media_id", "format", "pic_url", "url", "title", "label"):
            value = getattr(message, name)
            if value:
                wechat[name] = value
        attachments: list[dict[str, Any]] = []
        if message.media_id and message.msg_type in MEDIA_TYPES:
            try:
                media = self._media(message.media_id)
            except WechatApiError as error:  # expired or unknown media: kept as a problem, not retried forever
                wechat["problems"] = [f"media {error.errcode}: {error.errmsg}"[:300]]
            else:
                key = f"attachments/{ticket_id}/{message_id}/a1"
                self._blobs.put(key, media.content, media.content_type)
                extension = _EXTENSIONS.get(media.content_type, "bin")
                attachments.append(
                    {
                        "id": "a1",
                        "filename": media.filename or f"{message.msg_type}-{message.msg_id}.{extension}",
                        "content_type": media.content_type,
                        "size": len(media.content),
                        "inline": message.msg_type == "image",
                        "key": key,
                    }
                )
        wechat["attachments"] = attachments
        body = message.text()[:MAX_BODY_CHARS]
        return body, wechat, MailFiles(None, attachments)


def _text(openid: str, content: str) -> dict[str, Any]:
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}
