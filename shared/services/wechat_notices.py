"""What a WeChat customer hears, on WeChat: the acknowledgment, staff replies and the resolution notice
(shared/domain/notices.py says which event calls for which), through the customer-service message API.

WeChat takes such messages only within 48 hours of the follower's last message. Outside it nothing is sent: an
automatic notice is skipped, and a staff reply is kept, marked undelivered on the message, with a
`message.undelivered` event that tells its author in the console. Each text goes out through the idempotent sender,
keyed on the event, so a redelivered stream record never sends twice. Another notice kind (the satisfaction survey)
only needs its text in templates/<language>/wechat/<kind>.txt and its row in the notices table.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.tickets import FieldChange, Person, Ticket
from shared.domain.wechat.api import UNDELIVERABLE
from shared.domain.wechat.followers import Follower, openid_of
from shared.errors import AlreadyClaimed, Forbidden, NotFound
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import Followers, Tickets, TicketWriter

SYSTEM = Person("wechat", "微信", "system")
MAX_TEXT_BYTES = 2000  # WeChat refuses a text message over 2048 bytes: a longer reply goes in parts
MAX_PARTS = 5

# A job for the idempotent sender: {"idempotency_key", "payload"} -> WeChat's answer {"errcode", "errmsg"}.
Send = Callable[[dict[str, Any]], dict[str, Any]]
# A notice's text: (template kind, language, context) -> text.
Render = Callable[[str, str, dict[str, Any]], str]


def split_text(text: str, limit: int = MAX_TEXT_BYTES, parts: int = MAX_PARTS) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at line ends where possible; at most `parts` of them."""
    pieces: list[str] = []
    rest = text.strip()
    while rest and len(pieces) < parts:
        if len(rest.encode("utf-8")) <= limit:
            pieces.append(rest)
            rest = ""
            break
        cut = rest.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
        newline = cut.rfind("\n")
        if newline > len(cut) // 2:
            cut = cut[:newline]
        pieces.append(cut.rstrip())
        rest = rest[len(cut) :].lstrip()
    if rest and pieces:
        pieces[-1] = pieces[-1][: max(0, len(pieces[-1]) - 2)] + "……"
    return pieces or [""]


class WechatNotices:
    def __init__(
        self,
        store: Tickets,
        writer: TicketWriter,
        followers: Followers,
        send: Send,
        render: Render,
        clock: Clock,
    ) -> None:
        self._store = store
        self._writer = writer
        self._followers = followers
        self._send = send
        self._render = render
        self._clock = clock

    @staticmethod
    def serves(ticket: dict[str, Any]) -> bool:
        """A ticket whose requester is a WeChat follower hears from us on WeChat, never by mail."""
        return openid_of((ticket.get("requester") or {}).get("email")) is not None

    def deliver(self, kind: str, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        openid = openid_of(ticket["requester"]["email"]) or ""
        message: Message | None = None
        if kind == "reply":
            message = self._store.get_message(event.ticket_id, event.ticket_version, event.message_id or "")
            if message is None:
                return []
            text = message.body
        else:
            context = {"ticket": ticket, "now": event.at}
            text = self._render(f"wechat/{kind}.txt", ticket.get("language") or "zh-CN", context)
        follower = self._followers.follower(openid)
        if follower is None or not follower.window_open(self._clock.now()):
            reason = "unsubscribed" if follower is not None and not follower.subscribed else "window_closed"
            return self._not_sent(kind, event, message, reason)
        for index, part in enumerate(split_text(text)):
            suffix = f"#{index}" if index else ""
            answer = self._send(
                {
                    "idempotency_key": f"{event.id}#wechat-{kind}{suffix}",
                    "payload": {"touser": openid, "msgtype": "text", "text": {"content": part}},
                }
            )
            errcode = int(answer.get("errcode") or 0)
            if errcode:
                return self._not_sent(kind, event, message, UNDELIVERABLE.get(errcode, f"errcode_{errcode}"))
        return [f"{kind} sent on WeChat to {openid}"]

    def _not_sent(self, kind: str, event: AuditEvent, message: Message | None, reason: str) -> list[str]:
        if kind != "reply" or message is None:
            return [f"no {kind} on WeChat: {reason}"]
        ticket = self._store.get(event.ticket_id)
        if ticket is None:  # pragma: no cover - tickets are never deleted
            return []
        reply_version = event.ticket_version

        def mark(ticket: Ticket) -> list[str]:
            now = self._clock.now()
            delivery = {"status": "undelivered", "channel": "wechat", "reason": reason, "at": now.isoformat()}
            change = FieldChange("delivery", None, {**delivery, "author": message.author.email})
            marked = AuditEvent.of(
                ticket,
                EventType.MESSAGE_UNDELIVERED,
                SYSTEM,
                now,
                [change],
                id=hashlib.sha256(f"undelivered\n{event.id}".encode()).hexdigest()[:32],
                message_id=message.id,
                internal=False,
            )
            part = self._store.delivery_part(ticket.id, reply_version, message.id, delivery)
            try:
                self._writer.write(ticket, [marked], [part])
            except AlreadyClaimed:
                return [f"reply {message.id} was marked undelivered before"]
            return [f"reply {message.id} undelivered on WeChat: {reason}"]

        return retry_on_conflict(ticket, self._store.get, mark)

    # -- what the console shows about a WeChat ticket's customer --------------------------------------------------
    def follower_of(self, principal: Principal, ticket: Ticket) -> Follower:
        if not principal.can(Permission.TICKET_READ_ALL):
            raise NotFound("no such ticket")
        openid = openid_of(ticket.requester.email)
        follower = self._followers.follower(openid) if openid else None
        if follower is None:
            raise NotFound("this ticket's requester is not a WeChat follower")
        return follower

    def rename(self, principal: Principal, ticket: Ticket, name: str) -> Follower:
        """Staff name the customer: the follower keeps the name for their next tickets, and this ticket's requester
        shows it now (an audited change)."""
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may name a customer")
        follower = replace(self.follower_of(principal, ticket), name=name, named_by_staff=True)
        self._followers.save(follower)

        def rename_requester(ticket: Ticket) -> Ticket:
            if ticket.requester.name == name:
                return ticket
            now = self._clock.now()
            change = FieldChange("requester.name", ticket.requester.name, name)
            ticket.requester = Person(ticket.requester.email, name, ticket.requester.role)
            ticket.updated_at = now
            actor = Person(principal.email, principal.name, principal.party)
            event = AuditEvent.of(ticket, EventType.TICKET_UPDATED, actor, now, [change], id=uuid.uuid4().hex)
            self._writer.write(ticket, [event])
            return ticket

        retry_on_conflict(ticket, self._store.get, rename_requester)
        return follower
