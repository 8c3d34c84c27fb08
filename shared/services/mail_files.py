"""Files of email and WeChat messages for the API: presigned downloads of attachments (requester or staff) and of
the raw MIME (staff), `cid:` images in a message's HTML and WeChat images pointed at their presigned URLs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.events import Message
from shared.domain.mail.sanitize import resolve_cid_images
from shared.domain.tickets import Ticket
from shared.errors import Forbidden, NotFound
from shared.services.cursors import CursorCodec
from shared.services.ports import Blobs, Mail
from shared.services.tickets import TicketService

LINK_TTL = timedelta(minutes=15)
_SAFE_INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def _image_type(attachment: dict[str, Any]) -> str:
    """Inline parts are shown by <img>: only raster image types are served as such (never SVG or HTML)."""
    content_type = str(attachment.get("content_type") or "").lower()
    return content_type if content_type in _SAFE_INLINE else "application/octet-stream"


class MailFilesService:
    def __init__(self, tickets: TicketService, mail: Mail, blobs: Blobs, clock: Clock, cursors: CursorCodec) -> None:
        self._cursors = cursors
        self._tickets = tickets
        self._mail = mail
        self._blobs = blobs
        self._clock = clock

    def present(self, messages: list[Message]) -> list[Message]:
        """Messages whose HTML shows inline images: `cid:` sources replaced by presigned URLs (signing is local)."""
        out = []
        for message in messages:
            if message.files:
                out.append(replace(message, files=self._with_image_urls(message.files)))
                continue
            if message.wechat and message.wechat.get("attachments"):
                out.append(self._wechat_images(message))
                continue
            email = message.email or {}
            html = email.get("html")
            inline = {a["cid"]: a for a in email.get("attachments") or [] if a.get("cid") and a.get("key")}
            if html and inline and "cid:" in html.lower():
                urls = {
                    cid: self._blobs.presign(a["key"], LINK_TTL, a.get("filename"), _image_type(a), "inline")
                    for cid, a in inline.items()
                }
                message = replace(message, email={**email, "html": resolve_cid_images(html, urls)})
            out.append(message)
        return out

    def present_ticket(self, ticket: Ticket) -> Ticket:
        """A ticket whose images attached on the web carry their presigned URLs (thumbnails)."""
        if not ticket.attachments:
            return ticket
        return replace(ticket, attachments=self._with_image_urls(ticket.attachments))

    def _with_image_urls(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**a, "url": self._blobs.presign(a["key"], LINK_TTL, a.get("filename"), _image_type(a), "inline")}
            if a.get("inline") and a.get("key") and _image_type(a) != "application/octet-stream"
            else a
            for a in files
        ]

    def _wechat_images(self, message: Message) -> Message:
        """A WeChat image is shown inline in the conversation: its presigned URL travels with the message."""
        wechat = message.wechat or {}
        attachments = [
            {**a, "url": self._blobs.presign(a["key"], LINK_TTL, a.get("filename"), _image_type(a), "inline")}
            if a.get("inline") and a.get("key") and _image_type(a) != "application/octet-stream"
            else a
            for a in wechat.get("attachments") or []
        ]
        return replace(message, wechat={**wechat, "attachments": attachments})

    def attachment(self, principal: Principal, ref: str, message_id: str, attachment_id: str) -> dict[str, Any]:
        ticket = self._tickets.get(principal, ref)  # NotFound for anyone who may not see the ticket
        files = self._mail.mail_files(ticket.id, message_id)
        if files is None or (files.internal and not principal.can(Permission.MESSAGE_INTERNAL)):
            raise NotFound("no such attachment")
        found = next((a for a in files.attachments or [] if a.get("id") == attachment_id and a.get("key")), None)
        if found is None:
            raise NotFound("no such attachment")
        url = self._blobs.presign(found["key"], LINK_TTL, found.get("filename"), found.get("content_type"))
        return {
            "url": url,
            "filename": found.get("filename", ""),
            "content_type": found.get("content_type", "application/octet-stream"),
            "size": int(found.get("size", 0)),
            "expires_at": self._expires(),
        }

    def raw(self, principal: Principal, ref: str, message_id: str) -> dict[str, Any]:
        if not principal.can(Permission.MAIL_RAW):
            raise NotFound("no such message")
        ticket = self._tickets.get(principal, ref)
        files = self._mail.mail_files(ticket.id, message_id)
        if files is None or not files.raw_key:
            raise NotFound("no such message")
        url = self._blobs.presign(files.raw_key, LINK_TTL, f"{message_id}.eml", "message/rfc822")
        return {"url": url, "expires_at": self._expires()}

    def rejections(
        self, principal: Principal, day: date | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A day's inbound mail that made no ticket or message (reason, sender, raw download), oldest first."""
        if not principal.can(Permission.MAIL_REJECTIONS_READ):
            raise Forbidden("supervisors and admins only")
        day = day or self._clock.now().astimezone(UTC).date()  # rejections are filed by their UTC day
        scope = f"mail-rejections|{day.isoformat()}"
        page = self._mail.list_rejections(day, limit, self._cursors.decode(scope, cursor))
        items = [
            {
                **rejection.__dict__,
                "raw_url": self._blobs.presign(rejection.raw_key, LINK_TTL, "rejected.eml", "message/rfc822"),
            }
            for rejection in page.items
        ]
        return items, self._cursors.encode(scope, page.last_key)

    def _expires(self) -> datetime:
        return self._clock.now() + LINK_TTL
