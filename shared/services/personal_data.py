"""A customer's personal data (个人信息保护法): a copy of everything kept about them, and its erasure.

Found by Query and GetItem alone (the `by_requester` index, each ticket's item collection, keys derived from the
address: docs/data-model.md, "Personal data"). An erasure keeps the tickets as anonymous statistics (docs/security.md,
"Personal data"): each ticket is rewritten by the one ticket writer with a `customer.erased` audit event, the
person's files are deleted from S3 (every version), their record, sign-in state and other items keyed by their
address are removed, and a receipt naming only a hash of the address is kept. Repeating it changes nothing more.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.customers import CustomerRecord
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.privacy import REDACTED, Pseudonym, Scrubber, pseudonym_for, redacted_mail, subject_hash
from shared.domain.tickets import FieldChange, Person, Satisfaction, Ticket
from shared.domain.wechat.followers import openid_of
from shared.errors import Forbidden, InvalidInput
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import Blobs, TicketReader, TicketWriter, WritePart

log = logging.getLogger("helpdesk.personal_data")
LINK_TTL = timedelta(hours=1)
# Rate-limit windows keyed by an address (`RATE#<kind>#<address>`): acknowledgments, KB votes, the abuse limits.
RATE_KINDS = ("ack", "kb_feedback", "ticket", "message", "sign_in_code", "upload")
TRANSACTION_ITEMS = 90  # DynamoDB takes 100 items a transaction; the ticket's own items need a few


class PersonalDataStore(Protocol):
    def requester_ticket_ids(self, email: str) -> list[str]: ...
    def ticket_contents(self, ticket_id: str) -> Any: ...
    def customer(self, email: str) -> CustomerRecord | None: ...
    def kb_feedback(self, email: str) -> list[dict[str, Any]]: ...
    def sign_in_pending(self, email: str) -> bool: ...
    def undeliverable(self, email: str) -> dict[str, Any] | None: ...
    def wechat_follower(self, openid: str) -> dict[str, Any] | None: ...
    def survey_answer(self, days: Any, ticket_id: str) -> dict[str, Any] | None: ...
    def message_part(self, message: Message, ticket_version: int) -> WritePart: ...
    def event_part(self, event: AuditEvent) -> WritePart: ...
    def mail_files_removal(self, ticket_id: str, sk: str) -> WritePart: ...
    def customer_removal(self, record: CustomerRecord) -> list[Any]: ...
    def rewrite_survey_answer(self, days: Any, ticket_id: str, answer: dict[str, Any]) -> None: ...
    def forget_sign_in(self, email: str) -> None: ...
    def forget_mail_address(self, email: str) -> None: ...
    def forget_rate_windows(self, email: str, kinds: Sequence[str]) -> None: ...
    def rename_wechat_follower(self, openid: str, name: str) -> None: ...
    def record_erasure(self, subject: str, by: str, at: datetime, tickets: int) -> None: ...
    def erasure(self, subject: str) -> dict[str, Any] | None: ...


class ErasableBlobs(Blobs, Protocol):
    def keys_under(self, prefix: str) -> list[str]: ...
    def erase(self, key: str) -> int: ...


@dataclass
class TicketCopy:
    ticket: Ticket
    messages: list[Message]
    files: list[dict[str, Any]]
    survey_answer: dict[str, Any] | None


@dataclass
class PersonalData:
    email: str
    exported_at: datetime
    customer: CustomerRecord | None
    tickets: list[TicketCopy] = field(default_factory=list)
    wechat: dict[str, Any] | None = None
    kb_feedback: list[dict[str, Any]] = field(default_factory=list)
    sign_in_code_pending: bool = False
    undeliverable: dict[str, Any] | None = None
    erasure: dict[str, Any] | None = None


@dataclass(frozen=True)
class ErasureResult:
    email: str
    pseudonym: Pseudonym
    tickets: int
    objects_deleted: int


class PersonalDataService:
    def __init__(
        self,
        store: PersonalDataStore,
        tickets: TicketReader,
        writer: TicketWriter,
        blobs: ErasableBlobs,
        clock: Clock,
        timezone: str,
        forget_identity: Callable[[str], object] | None = None,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._store = store
        self._tickets = tickets
        self._writer = writer
        self._blobs = blobs
        self._clock = clock
        self._tz = ZoneInfo(timezone)
        self._forget_identity = forget_identity
        self._new_id = new_id

    # -- export ----------------------------------------------------------------------------------------------------
    def export(self, principal: Principal, email: str) -> PersonalData:
        email = _checked(principal, email)
        data = PersonalData(email, self._clock.now(), self._store.customer(email))
        for ticket_id in self._store.requester_ticket_ids(email):
            ticket = self._tickets.get(ticket_id)
            if ticket is None:
                continue
            contents = self._store.ticket_contents(ticket_id)
            # Their conversation as they saw it: public messages (internal notes are the staff's working notes).
            messages = [m for _, m in sorted(contents.messages, key=lambda pair: pair[0]) if not m.internal]
            files = self._file_links(ticket, messages)
            data.tickets.append(TicketCopy(ticket, messages, files, self._answer(ticket)))
        openid = openid_of(email)
        data.wechat = self._store.wechat_follower(openid) if openid else None
        data.kb_feedback = self._store.kb_feedback(email)
        data.sign_in_code_pending = self._store.sign_in_pending(email)
        data.undeliverable = self._store.undeliverable(email)
        data.erasure = self._store.erasure(subject_hash(email))
        return data

    def _file_links(self, ticket: Ticket, messages: list[Message]) -> list[dict[str, Any]]:
        """Every file of theirs as a presigned download (an hour), like the attachment downloads."""
        links = []
        for attachment in ticket.attachments:
            links.append(self._link(ticket, None, attachment))
        for message in messages:
            for attachment in [*((message.email or {}).get("attachments") or []), *message.files]:
                links.append(self._link(ticket, message.id, attachment))
            raw_key = (message.email or {}).get("raw_key")
            if raw_key and message.author.role not in ("agent", "supervisor", "admin"):
                links.append(
                    self._link(
                        ticket,
                        message.id,
                        {"key": raw_key, "filename": f"{message.id}.eml", "content_type": "message/rfc822"},
                    )
                )
        return [link for link in links if link]

    def _link(self, ticket: Ticket, message_id: str | None, attachment: dict[str, Any]) -> dict[str, Any]:
        key = attachment.get("key")
        if not key:
            return {}
        filename = attachment.get("filename")
        content_type = attachment.get("content_type")
        return {
            "ticket": ticket.number,
            "message_id": message_id,
            "filename": filename,
            "content_type": content_type,
            "size": attachment.get("size"),
            "url": self._blobs.presign(key, LINK_TTL, filename, content_type),
        }

    def _answer_days(self, ticket: Ticket) -> list[Any]:
        rated_at = ticket.satisfaction.rated_at if ticket.satisfaction else None
        if rated_at is None:
            return []
        return [rated_at.astimezone(self._tz).date(), rated_at.astimezone(ZoneInfo("UTC")).date()]

    def _answer(self, ticket: Ticket) -> dict[str, Any] | None:
        days = self._answer_days(ticket)
        return self._store.survey_answer(days, ticket.id) if days else None

    # -- erasure ---------------------------------------------------------------------------------------------------
    def erase(self, principal: Principal, email: str) -> ErasureResult:
        email = _checked(principal, email)
        pseudonym = pseudonym_for(email)
        record = self._store.customer(email)
        ticket_ids = self._store.requester_ticket_ids(email)
        tickets = [t for t in (self._tickets.get(i) for i in ticket_ids) if t is not None]
        names = {t.requester.name for t in tickets} | ({record.name} if record and record.name else set())
        phones = [record.phone] if record and record.phone else []
        scrubber = Scrubber(pseudonym, email, names, phones)
        if record and record.address:
            scrubber = Scrubber(pseudonym, email, names | {record.address}, phones)
        actor = Person(principal.email, principal.name, principal.role)
        deleted = 0
        for ticket in tickets:
            deleted += retry_on_conflict(ticket, self._tickets.get, lambda t: self._erase_ticket(t, scrubber, actor))
        # Items keyed by the address: after the tickets, so a failure part-way leaves them for the repeat to find.
        if record is not None:
            self._writer.commit(self._store.customer_removal(record))
        self._store.forget_sign_in(email)
        self._store.forget_mail_address(email)
        self._store.forget_rate_windows(email, RATE_KINDS)
        openid = openid_of(email)
        if openid:
            self._store.rename_wechat_follower(openid, pseudonym.name)
        if self._forget_identity is not None:
            self._forget_identity(email)
        subject = subject_hash(email)
        self._store.record_erasure(subject, principal.email, self._clock.now(), len(tickets))
        # WARNING: an irreversible deletion is worth a line at the level Lambda's runtime keeps by default.
        log.warning(
            "personal data erased",
            extra={"subject": subject[:16], "tickets": len(tickets), "objects_deleted": deleted, "by": principal.email},
        )
        return ErasureResult(email, pseudonym, len(tickets), deleted)

    def _erase_ticket(self, ticket: Ticket, scrubber: Scrubber, actor: Person) -> int:
        contents = self._store.ticket_contents(ticket.id)
        # S3 first: the items that name the files go in the ticket's write below, so a repeat still finds them.
        keys: set[str] = set(self._blobs.keys_under(f"attachments/{ticket.id}/"))
        keys |= {a["key"] for a in ticket.attachments if a.get("key")}
        for _, raw_key, file_keys in contents.mail_files:
            keys |= {k for k in [raw_key, *file_keys] if k}
        for _, message in contents.messages:
            if _theirs(message, scrubber):
                keys |= _message_keys(message)
        deleted = sum(self._blobs.erase(key) for key in sorted(keys))

        parts: list[WritePart] = []
        for version, message in contents.messages:
            redacted = _redacted_message(message, scrubber)
            if redacted != message:
                parts.append(self._store.message_part(redacted, version))
        for event in contents.events:
            redacted_event = _redacted_event(event, scrubber)
            if redacted_event != event:
                parts.append(self._store.event_part(redacted_event))
        parts += [self._store.mail_files_removal(ticket.id, sk) for sk, _, _ in contents.mail_files]
        # Large conversations: earlier chunks on their own (each is idempotent), the last one with the ticket.
        while len(parts) > TRANSACTION_ITEMS:
            self._writer.commit(parts[:TRANSACTION_ITEMS])
            parts = parts[TRANSACTION_ITEMS:]

        days = self._answer_days(ticket)
        answer = self._store.survey_answer(days, ticket.id) if days else None
        if answer is not None:
            scrubbed = {**scrubber.value(answer), "comment": REDACTED if answer.get("comment") else ""}
            for name in ("customer", "requester", "email"):
                if name in answer:
                    scrubbed[name] = scrubber.pseudonym.email
            if scrubbed != answer:
                self._store.rewrite_survey_answer(days, ticket.id, scrubbed)

        erased_before = ticket.requester.email == scrubber.pseudonym.email
        _anonymise(ticket, scrubber)
        if erased_before and not parts:
            return deleted
        change = FieldChange("requester", None, scrubber.pseudonym.email)
        event = AuditEvent.of(ticket, EventType.CUSTOMER_ERASED, actor, self._clock.now(), [change], id=self._new_id())
        ticket.updated_at = self._clock.now()
        self._writer.write(ticket, [event], parts)
        return deleted


def _checked(principal: Principal, email: str) -> str:
    if not principal.can(Permission.PERSONAL_DATA):
        raise Forbidden("only an admin may export or erase a customer's personal data")
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInput("an email address is required", field="email")
    return email


def _theirs(message: Message, scrubber: Scrubber) -> bool:
    return scrubber.names_person(message.author.email) or message.author.email == scrubber.pseudonym.email


def _message_keys(message: Message) -> set[str]:
    email = message.email or {}
    keys = {a.get("key") for a in [*(email.get("attachments") or []), *message.files]}
    keys |= {a.get("key") for a in (message.wechat or {}).get("attachments") or []}
    keys.add(email.get("raw_key"))
    return {k for k in keys if k}


def _redacted_message(message: Message, scrubber: Scrubber) -> Message:
    if _theirs(message, scrubber):
        wechat = message.wechat
        if wechat is not None:
            wechat = {k: wechat[k] for k in ("msg_id", "msg_type", "create_time") if k in wechat}
        return replace(
            message,
            author=Person(scrubber.pseudonym.email, scrubber.pseudonym.name, message.author.role),
            body=REDACTED,
            email=redacted_mail(message.email),
            wechat=wechat,
            files=[],
            delivery=scrubber.value(message.delivery),
        )
    return replace(
        message,
        body=scrubber.text(message.body),
        email=scrubber.value(message.email),
        wechat=scrubber.value(message.wechat),
        delivery=scrubber.value(message.delivery),
    )


_WRITTEN_BY_THEM = {"subject", "description", "satisfaction"}


def _redacted_event(event: AuditEvent, scrubber: Scrubber) -> AuditEvent:
    actor = event.actor
    if scrubber.names_person(actor.email):
        actor = Person(scrubber.pseudonym.email, scrubber.pseudonym.name, actor.role)
    changes = tuple(
        FieldChange(
            c.field,
            _redact_text(c.old) if c.field in _WRITTEN_BY_THEM else scrubber.value(c.old),
            _redact_text(c.new) if c.field in _WRITTEN_BY_THEM else scrubber.value(c.new),
        )
        for c in event.changes
    )
    snapshot = scrubber.value(event.snapshot)
    if "subject" in snapshot:
        snapshot["subject"] = REDACTED
    return replace(event, actor=actor, changes=changes, snapshot=snapshot)


def _redact_text(value: Any) -> Any:
    if isinstance(value, str) and value:
        return REDACTED
    if isinstance(value, dict) and value.get("comment"):
        return {**value, "comment": REDACTED}
    return value


def _anonymise(ticket: Ticket, scrubber: Scrubber) -> None:
    ticket.requester = Person(scrubber.pseudonym.email, scrubber.pseudonym.name, ticket.requester.role)
    ticket.subject = REDACTED
    ticket.description = REDACTED
    ticket.cc = [a for a in ticket.cc if not scrubber.names_person(a)]
    ticket.custom_fields = scrubber.value(ticket.custom_fields)
    ticket.attachments = []
    if ticket.satisfaction is not None and ticket.satisfaction.comment:
        ticket.satisfaction = Satisfaction(ticket.satisfaction.score, REDACTED, ticket.satisfaction.rated_at)
