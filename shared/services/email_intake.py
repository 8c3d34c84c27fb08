"""Inbound email (受理 by mail): a raw message SES stored in S3 becomes a ticket, a message in a ticket, an internal
note about a bounce, or a recorded rejection with its reason. Never a crash, never lost (docs/email.md).

Order for one message: size -> parse -> Message-ID seen before (a redelivery) -> our own mail -> bounce -> thread
(reply-address token, subject number from the requester or a CC, In-Reply-To, References) -> automatic mail that
continues nothing is recorded, not ticketed -> a new ticket. Ids of the ticket and message are derived from the
Message-ID, so a retry after a crash writes the same keys and S3 objects.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.mail.charsets import looks_chinese
from shared.domain.mail.loop_guard import AutomaticReason, Bounce, bounce_of, is_automatic, is_support_address
from shared.domain.mail.parsing import Address, ParsedMail, parse_mail
from shared.domain.mail.quoting import fold_html, fold_text
from shared.domain.mail.records import MailFiles, Rejection
from shared.domain.mail.sanitize import html_to_text, normalize_cid
from shared.domain.mail.threads import ThreadMatch, TicketParties, resolve_thread, ticket_numbers_in_subject
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Channel, FieldChange, Person, Status, Ticket
from shared.domain.workflow import AUTOMATIC_MAIL
from shared.errors import AlreadyClaimed, UnstorableWrite
from shared.services.conflicts import retry_on_conflict
from shared.services.merge import follow_merges
from shared.services.ports import Blobs, Mail, MailIds, Tickets, TicketWriter, WritePart
from shared.services.tickets import TicketService

SYSTEM = Person("mailer-daemon", "邮件系统", "system")
# Stored on the message item (DynamoDB items stop at 400 KB); the raw MIME in S3 always has everything.
MAX_BODY_BYTES = 64 * 1024
MAX_HTML_BYTES = 160 * 1024
MAX_QUOTED_BYTES = 48 * 1024
MAX_SUBJECT = 200
MAX_ATTACHMENTS = 100  # stored and listed; the rest stay in the raw MIME and are counted on the message


@dataclass(frozen=True)
class InboundMail:
    """What the SES receipt event says about one message."""

    key: str  # the raw MIME's key in the mail bucket
    recipients: Sequence[str]  # envelope recipients (a Bcc'd reply address is only here)
    ses_message_id: str
    received_at: datetime
    bucket: str | None = None


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # ticket | message | follow_up | bounce | rejected | duplicate
    ticket_id: str | None = None
    message_id: str | None = None
    reason: str | None = None


class MailNotStored(Exception):
    """The event names an object that is not (yet) in the bucket: raised so the invocation is retried."""


class _Lookups:
    def __init__(self, mail: MailIds) -> None:
        self._mail = mail

    def ticket_by_number(self, number: str) -> TicketParties | None:
        return self._mail.parties_by_number(number)

    def ticket_by_message_id(self, message_id: str) -> str | None:
        return self._mail.ticket_for_message_id(message_id)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def _clip(text: str, limit: int) -> tuple[str, bool]:
    data = text.encode("utf-8", errors="replace")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


class EmailIntakeService:
    def __init__(
        self,
        tickets: TicketService,
        store: Tickets,
        writer: TicketWriter,
        mail: Mail,
        blobs: Blobs,
        clock: Clock,
        support_address: str,
        reply_secret: str,
        max_mail_bytes: int,
        max_attachment_bytes: int,
    ) -> None:
        self._tickets = tickets
        self._store = store
        self._writer = writer
        self._mail = mail
        self._blobs = blobs
        self._clock = clock
        self._support = support_address
        self._secret = reply_secret
        self._max_mail = max_mail_bytes
        self._max_attachment = max_attachment_bytes

    # -- the one entry point ---------------------------------------------------------------------
    def receive(self, inbound: InboundMail) -> IntakeResult:
        size = self._blobs.size(inbound.key, inbound.bucket)
        if size is None:
            raise MailNotStored(f"s3://{inbound.bucket or self._blobs.bucket}/{inbound.key} does not exist")
        if size > self._max_mail:
            return self._reject(inbound, None, "too_large", f"{size} bytes, the limit is {self._max_mail}")
        raw = self._blobs.get(inbound.key, inbound.bucket)
        if raw is None:
            raise MailNotStored(inbound.key)
        parsed = parse_mail(raw)
        dedupe = parsed.message_id or f"<{inbound.ses_message_id}@ses>"
        seen = self._mail.claimed(dedupe)
        if seen is not None:
            seen_ticket, seen_raw = seen
            if seen_raw and seen_raw != inbound.key:
                # Another message with the same Message-ID (a resend, or a client that reuses ids): kept on record.
                self._reject(inbound, parsed, "duplicate", f"Message-ID {dedupe[:200]} already taken in")
            return IntakeResult("duplicate", seen_ticket, reason="message id seen before")
        automatic = is_automatic(parsed, self._support)
        if automatic is AutomaticReason.OWN_MAIL:
            return self._reject(inbound, parsed, "own_mail", "X-Loop or From is our support address")
        bounce = bounce_of(parsed)
        if bounce is not None:
            return self._bounce(inbound, parsed, bounce, dedupe)
        author = self._author(parsed)
        if author is None:
            return self._reject(inbound, parsed, "no_sender", "neither From nor Reply-To holds an address")
        match = resolve_thread(
            parsed,
            _Lookups(self._mail),
            secret=self._secret,
            support_address=self._support,
            envelope_recipients=inbound.recipients,
        )
        try:
            return self._thread_or_open(parsed, author, inbound, dedupe, automatic, match)
        except UnstorableWrite as error:
            return self._reject(inbound, parsed, "unstorable", str(error))

    def _thread_or_open(
        self,
        parsed: ParsedMail,
        author: Address,
        inbound: InboundMail,
        dedupe: str,
        automatic: AutomaticReason | None,
        match: ThreadMatch | None,
    ) -> IntakeResult:
        ticket = self._store.get(match.ticket_id) if match is not None else None
        if ticket is not None and ticket.merged_into is not None:
            ticket = follow_merges(ticket, self._store)  # the source's thread continues on the merge's target
        if ticket is not None and match is not None:
            if ticket.status is not Status.CLOSED:
                return self._append(ticket, parsed, author, inbound, dedupe, match, automatic)
            if automatic is not None:
                return self._reject(inbound, parsed, f"automatic:{automatic}", f"to closed ticket {ticket.number}")
            return self._open(parsed, author, inbound, dedupe, follow_up_of=ticket)
        if automatic is not None:
            return self._reject(inbound, parsed, f"automatic:{automatic}", "automatic mail that continues no ticket")
        return self._open(parsed, author, inbound, dedupe)

    # -- outcomes --------------------------------------------------------------------------------
    def _open(
        self,
        parsed: ParsedMail,
        author: Address,
        inbound: InboundMail,
        dedupe: str,
        follow_up_of: Ticket | None = None,
    ) -> IntakeResult:
        ticket_id = _digest("ticket", dedupe)
        message_id = _digest("message", dedupe)
        body, email, files = self._content(parsed, inbound, ticket_id, message_id)
        subject = " ".join(parsed.subject.split())[:MAX_SUBJECT] or (
            "(无主题)" if looks_chinese(body) else "(no subject)"
        )
        custom: dict[str, Any] = {}
        if follow_up_of is not None:
            custom["follow_up_of"] = follow_up_of.number
        language = follow_up_of.language if follow_up_of else ("zh-CN" if looks_chinese(subject + body) else "en")
        draft = TicketDraft(
            subject=subject,
            description=body,
            channel=Channel.EMAIL,
            requester=Person(author.email, author.name),
            custom_fields=custom,
            language=language,
        )
        ticket, event = self._tickets.prepare_intake(draft, ticket_id, self._cc(parsed, author.email))
        message = Message(
            id=message_id,
            ticket_id=ticket.id,
            author=Person(author.email, author.name, "customer"),
            body=body,
            internal=False,
            created_at=event.at,
            channel="email",
            email=email,
        )
        event = replace(event, message_id=message.id, internal=False)
        parts = [
            *self._mail.claim_parts([dedupe], ticket.id, message.id, files),
            self._store_message(message, ticket),
            self._mail.files_part(message, ticket, files),
        ]
        if parsed.message_id:
            parts.append(self._mail.root_part(ticket.id, parsed.message_id))
        try:
            self._writer.write(ticket, [event], parts, create=True)
        except AlreadyClaimed:
            return IntakeResult("duplicate", reason="message id seen before")
        return IntakeResult("follow_up" if follow_up_of else "ticket", ticket.id, message.id)

    def _append(
        self,
        ticket: Ticket,
        parsed: ParsedMail,
        author: Address,
        inbound: InboundMail,
        dedupe: str,
        match: ThreadMatch,
        automatic: AutomaticReason | None,
    ) -> IntakeResult:
        message_id = _digest("message", dedupe)
        body, email, files = self._content(parsed, inbound, ticket.id, message_id, match)

        def add(ticket: Ticket) -> IntakeResult:
            if ticket.status is Status.CLOSED:  # closed meanwhile: the mail opens a follow-up instead
                return self._open(parsed, author, inbound, dedupe, follow_up_of=ticket)
            now = self._clock.now()
            # Automatic mail (an out-of-office answer) is kept in the conversation but moves nothing.
            applied: list[FieldChange] = self._tickets.apply_customer_reply(ticket, now, moves=automatic is None)
            ticket.updated_at = now
            if automatic is not None:
                # Marked in the audit trail: triggers never answer an out-of-office (a mail loop in the making).
                applied.append(FieldChange(AUTOMATIC_MAIL, None, automatic.value))
            new_cc = [a for a in self._cc(parsed, ticket.requester.email) if a not in ticket.cc]
            if new_cc and not automatic:
                applied.append(FieldChange("cc", list(ticket.cc), [*ticket.cc, *new_cc]))
                ticket.cc = [*ticket.cc, *new_cc]
            message = Message(
                id=message_id,
                ticket_id=ticket.id,
                author=Person(author.email, author.name, "customer"),
                body=body,
                internal=False,
                created_at=now,
                channel="email",
                email=email,
            )
            event = self._event(ticket, EventType.MESSAGE_ADDED, message.author, now, applied, message.id, False)
            try:
                self._write_message(ticket, event, message, [dedupe], files)
            except AlreadyClaimed:
                return IntakeResult("duplicate", ticket.id, reason="message id seen before")
            return IntakeResult("message", ticket.id, message.id, reason=str(match.rule))

        return retry_on_conflict(ticket, self._store.get, add)

    def _bounce(self, inbound: InboundMail, parsed: ParsedMail, bounce: Bounce, dedupe: str) -> IntakeResult:
        now = self._clock.now()
        if bounce.permanent:
            for address in bounce.recipients:
                self._mail.mark_undeliverable(address, "bounce", bounce.diagnostic, now)
        ticket = self._bounced_ticket(parsed, bounce)
        where = f"; ticket {ticket.number}" if ticket else "; no ticket found"
        detail = f"{'failed' if bounce.permanent else 'delayed'}: {', '.join(bounce.recipients) or '?'}{where}"
        self._reject(inbound, parsed, "bounce", detail)
        if ticket is None:
            return IntakeResult("bounce", reason=detail)
        note = (
            f"退信 / Bounce: 邮件无法投递到 {', '.join(bounce.recipients) or '(未知地址)'}"
            f"{'，已标记为无法投递' if bounce.permanent else '（暂时失败，邮件服务器仍在重试）'}。"
            f"{(' ' + bounce.diagnostic) if bounce.diagnostic else ''}"
        )
        message = Message(
            id=_digest("message", dedupe),
            ticket_id=ticket.id,
            author=SYSTEM,
            body=note,
            internal=True,
            created_at=now,
            channel="email",
            email={"raw_key": inbound.key, "message_id": parsed.message_id, "bounce": bounce.recipients},
        )

        def note_once(ticket: Ticket) -> IntakeResult:
            ticket.updated_at = now
            event = self._event(ticket, EventType.MESSAGE_ADDED, SYSTEM, now, [], message.id, True)
            with contextlib.suppress(AlreadyClaimed):  # noted before: a redelivery
                self._write_message(ticket, event, message, [dedupe], MailFiles(inbound.key))
            return IntakeResult("bounce", ticket.id, message.id, reason=detail)

        return retry_on_conflict(ticket, self._store.get, note_once)

    def _bounced_ticket(self, parsed: ParsedMail, bounce: Bounce) -> Ticket | None:
        candidates: list[str] = []
        if bounce.original_message_id:
            candidates.append(bounce.original_message_id)
        for embedded in parsed.embedded:
            candidates += [*embedded.references, *([embedded.in_reply_to] if embedded.in_reply_to else [])]
        for message_id in candidates:
            ticket_id = self._mail.ticket_for_message_id(message_id)
            if ticket_id:
                return self._store.get(ticket_id)
        for embedded in parsed.embedded:
            number = embedded.header("X-Helpdesk-Ticket")
            numbers = ticket_numbers_in_subject(number or "") or ticket_numbers_in_subject(embedded.subject)
            for found in numbers[:1]:
                ticket_id = self._store.ticket_id_for_number(found)
                if ticket_id:
                    return self._store.get(ticket_id)
        return None

    def _reject(self, inbound: InboundMail, parsed: ParsedMail | None, reason: str, detail: str) -> IntakeResult:
        sender = parsed.sender.email if parsed and parsed.sender else ""
        self._mail.record_rejection(
            Rejection(
                raw_key=inbound.key,
                reason=reason,
                detail=detail,
                sender=sender,
                subject=parsed.subject if parsed else "",
                message_id=parsed.message_id if parsed else None,
                at=inbound.received_at,
            )
        )
        return IntakeResult("rejected" if reason != "bounce" else "bounce", reason=reason)

    # -- pieces ----------------------------------------------------------------------------------
    def _author(self, parsed: ParsedMail) -> Address | None:
        for address in [*parsed.reply_to, *([parsed.sender] if parsed.sender else [])]:
            if "@" in address.email and not is_support_address(address.email, self._support):
                return address
        return None

    def _cc(self, parsed: ParsedMail, requester: str) -> list[str]:
        found: list[str] = []
        for address in [*parsed.to, *parsed.cc]:
            email = address.email.lower()
            if email == requester.lower() or is_support_address(email, self._support) or email in found:
                continue
            found.append(email)
        return found[:20]

    def _content(
        self,
        parsed: ParsedMail,
        inbound: InboundMail,
        ticket_id: str,
        message_id: str,
        match: ThreadMatch | None = None,
    ) -> tuple[str, dict[str, Any], MailFiles]:
        """The message's text (new part), its email details and its files; attachments are stored in S3 here,
        under keys derived from the ids, so a retry overwrites the same objects."""
        text = fold_text(parsed.text)
        body = text.visible.strip() if text.has_folded else parsed.text.strip()
        quoted = text.folded.strip() if text.has_folded else ""
        html: str | None = None
        if parsed.html:
            folded_html = fold_html(parsed.html)
            html = folded_html.visible
            if folded_html.has_folded and not quoted:
                quoted = html_to_text(folded_html.folded).strip()
        body, body_cut = _clip(body, MAX_BODY_BYTES)
        quoted, _ = _clip(quoted, MAX_QUOTED_BYTES)
        html_cut = html is not None and len(html.encode("utf-8", errors="replace")) > MAX_HTML_BYTES
        attachments: list[dict[str, Any]] = []
        skipped: list[dict[str, Any]] = []
        for index, attachment in enumerate(parsed.attachments, start=1):
            entry: dict[str, Any] = {
                "id": f"a{index}",
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "inline": attachment.inline,
            }
            if attachment.content_id:
                entry["cid"] = normalize_cid(attachment.content_id)
            if attachment.size > self._max_attachment or index > MAX_ATTACHMENTS:
                if len(skipped) < MAX_ATTACHMENTS:
                    why = f"over {self._max_attachment} bytes" if attachment.size > self._max_attachment else "too many"
                    skipped.append({**entry, "reason": why})
                continue
            entry["key"] = f"attachments/{ticket_id}/{message_id}/a{index}"
            self._blobs.put(entry["key"], attachment.content, attachment.content_type or "application/octet-stream")
            attachments.append(entry)
        email: dict[str, Any] = {
            "html": None if html_cut else html,
            "quoted_text": quoted or None,
            "attachments": attachments,
            "cc": [a.email for a in parsed.cc][:MAX_ATTACHMENTS],
            "from": parsed.sender.email if parsed.sender else None,
            "to": [a.email for a in parsed.to][:MAX_ATTACHMENTS],
            "raw_key": inbound.key,
            "message_id": parsed.message_id,
            "ses_message_id": inbound.ses_message_id,
            "problems": [str(problem) for problem in parsed.problems][:20],
        }
        if match is not None:
            email["threaded_by"] = str(match.rule)
        if skipped:
            email["skipped_attachments"] = skipped
        if body_cut or html_cut:
            email["truncated"] = True
        return body, email, MailFiles(inbound.key, attachments)

    def _write_message(
        self, ticket: Ticket, event: AuditEvent, message: Message, mail_ids: list[str], files: MailFiles
    ) -> None:
        """The changed ticket, its event, the message, its file index and its claimed Message-IDs, in one write:
        `AlreadyClaimed` when a Message-ID was taken in before (nothing written)."""
        parts = [
            *self._mail.claim_parts(mail_ids, ticket.id, message.id, files),
            self._store_message(message, ticket),
            self._mail.files_part(message, ticket, files),
        ]
        self._writer.write(ticket, [event], parts)

    def _store_message(self, message: Message, ticket: Ticket) -> WritePart:
        return self._store.message_part(message, ticket)

    @staticmethod
    def _event(
        ticket: Ticket,
        kind: EventType,
        actor: Person,
        at: datetime,
        changes: list[FieldChange],
        message_id: str | None,
        internal: bool | None,
    ) -> AuditEvent:
        # Derived from the Message-ID's message and the version: a retried delivery writes the same event id.
        event_id = _digest("event", ticket.id, str(ticket.version), message_id or "")
        return AuditEvent.of(ticket, kind, actor, at, changes, id=event_id, message_id=message_id, internal=internal)
