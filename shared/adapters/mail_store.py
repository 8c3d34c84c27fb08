"""Email-channel items in the tickets table (docs/data-model.md, "Email channel"): Message-IDs, mail files,
rejections, undeliverable addresses and per-sender rate windows.

A Message-ID is claimed (`MAILID#<id>`, conditioned on not existing) in the same transaction that writes the ticket
or message it made, so one Message-ID never makes two tickets or two messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from shared.adapters.items import (
    HelpdeskItem,
    MailAddressItem,
    MailFilesItem,
    MailIdItem,
    MailRejectionItem,
    MessageItem,
    RateItem,
    TicketItem,
    TicketNumberItem,
)
from shared.adapters.tickets_store import Key, Page, event_item, message_item, sort_time, to_item
from shared.domain.events import AuditEvent, Message
from shared.domain.mail.threads import TicketParties
from shared.domain.tickets import Ticket
from shared.errors import VersionConflict

MAX_MESSAGE_ID = 900  # DynamoDB keys stop at 1 KB; longer ids are hostile and stored truncated


@dataclass(frozen=True)
class MailFiles:
    raw_key: str | None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {id, filename, content_type, size, inline, key}


@dataclass(frozen=True)
class Rejection:
    raw_key: str
    reason: str
    detail: str
    sender: str
    subject: str
    message_id: str | None
    at: datetime


def mail_id_pk(message_id: str) -> str:
    return f"MAILID#{message_id.strip()[:MAX_MESSAGE_ID]}"


def _connection() -> Any:
    return HelpdeskItem._get_connection().connection


class UnstorableMail(Exception):
    """DynamoDB refused the write itself (an item over 400 KB, a key too long): retrying cannot help."""


def _failed(error: TransactWriteError) -> list[int]:
    return [i for i, r in enumerate(error.cancellation_reasons or []) if r and r.code == "ConditionalCheckFailed"]


class MailStore:
    # -- threading lookups -----------------------------------------------------------------------
    def ticket_for_message_id(self, message_id: str) -> str | None:
        item = self.mail_id(message_id)
        return item.ticket_id if item else None

    def mail_id(self, message_id: str) -> MailIdItem | None:
        try:
            return MailIdItem.get(mail_id_pk(message_id), "MAILID", consistent_read=True)
        except DoesNotExist:
            return None

    def parties_by_number(self, number: str) -> TicketParties | None:
        try:
            ticket_id = TicketNumberItem.get(f"NUMBER#{number}", "NUMBER").ticket_id
            item = TicketItem.get(f"TICKET#{ticket_id}", "TICKET")
        except DoesNotExist:
            return None
        return TicketParties(item.id, item.requester_email, tuple(item.cc or ()))

    def thread_root(self, ticket_id: str) -> str | None:
        """The Message-ID of the customer's mail that opened the ticket (their client threads on it)."""
        try:
            return MailIdItem.get(f"MAILROOT#{ticket_id}", "ROOT").message_id
        except DoesNotExist:
            return None

    # -- writes with the ticket ------------------------------------------------------------------
    def create_ticket(
        self,
        ticket: Ticket,
        event: AuditEvent,
        message: Message,
        mail_ids: list[str],
        files: MailFiles | None,
        root_message_id: str | None,
    ) -> bool:
        """Ticket, number, event, first message, claimed Message-IDs and file index in one transaction.
        False (and nothing written) when a Message-ID or the ticket already exists: a redelivery."""
        item = to_item(ticket)
        try:
            with TransactWrite(connection=_connection()) as tx:
                _claim_mail_ids(tx, mail_ids, ticket.id, message.id, files)
                tx.save(item, condition=TicketItem.pk.does_not_exist())
                tx.save(
                    TicketNumberItem(f"NUMBER#{ticket.number}", "NUMBER", ticket_id=ticket.id),
                    condition=TicketNumberItem.pk.does_not_exist(),
                )
                tx.save(event_item(event))
                tx.save(message_item(message, ticket.version + 1), condition=MessageItem.pk.does_not_exist())
                if files is not None:
                    tx.save(self._files_item(message, ticket.version + 1, files))
                if root_message_id:
                    tx.save(
                        MailIdItem(f"MAILROOT#{ticket.id}", "ROOT", ticket_id=ticket.id, message_id=root_message_id)
                    )
        except TransactWriteError as error:
            failed = _failed(error)
            if failed and failed[0] <= len(mail_ids):
                return False
            if error.cause_response_code == "ValidationException":
                raise UnstorableMail(error.cause_response_message or "refused") from error
            raise
        ticket.version = int(item.version)
        return True

    def add_message(
        self,
        ticket: Ticket,
        event: AuditEvent,
        message: Message,
        mail_ids: list[str],
        files: MailFiles | None,
    ) -> bool:
        """The changed ticket (at the version it was read), its event, the message and the claimed ids at once.
        False when an id was claimed before (a redelivery); `VersionConflict` when the ticket moved on."""
        item = to_item(ticket)
        try:
            with TransactWrite(connection=_connection()) as tx:
                _claim_mail_ids(tx, mail_ids, ticket.id, message.id, files)
                tx.save(item)
                tx.save(event_item(event))
                tx.save(message_item(message, ticket.version + 1), condition=MessageItem.pk.does_not_exist())
                if files is not None:
                    tx.save(self._files_item(message, ticket.version + 1, files))
        except TransactWriteError as error:
            failed = _failed(error)
            if failed and failed[0] < len(mail_ids):
                return False
            if failed and failed[0] == len(mail_ids):
                raise VersionConflict("the ticket was changed meanwhile") from error
            if error.cause_response_code == "ValidationException":
                raise UnstorableMail(error.cause_response_message or "refused") from error
            raise
        ticket.version = int(item.version)
        return True

    @staticmethod
    def _files_item(message: Message, ticket_version: int, files: MailFiles) -> MailFilesItem:
        return MailFilesItem(
            f"TICKET#{message.ticket_id}",
            f"MAILMSG#{message.id}",
            message_id=message.id,
            ticket_version=ticket_version,
            raw_key=files.raw_key,
            attachments=files.attachments,
            internal=message.internal,
        )

    def mail_files(self, ticket_id: str, message_id: str) -> MailFilesItem | None:
        try:
            return MailFilesItem.get(f"TICKET#{ticket_id}", f"MAILMSG#{message_id}")
        except DoesNotExist:
            return None

    def remember_outbound(self, message_ids: list[str], ticket_id: str) -> None:
        """Ids we put on outgoing mail: replies quoting them in In-Reply-To/References thread into the ticket."""
        for message_id in message_ids:
            try:
                MailIdItem(mail_id_pk(message_id), "MAILID", ticket_id=ticket_id, direction="out").save(
                    condition=MailIdItem.pk.does_not_exist()
                )
            except PutError as error:
                if not _conditional(error):
                    raise

    # -- rejections ------------------------------------------------------------------------------
    def record_rejection(self, rejection: Rejection) -> None:
        """Idempotent: a redelivered mail (same raw key and SES timestamp) overwrites its own record."""
        MailRejectionItem(
            f"MAILREJECT#{rejection.at.date().isoformat()}",
            f"{sort_time(rejection.at)}#{rejection.raw_key}"[:1000],
            raw_key=rejection.raw_key,
            reason=rejection.reason,
            detail=rejection.detail[:2000],
            sender=rejection.sender[:320],
            subject=rejection.subject[:500],
            mail_message_id=(rejection.message_id or "")[:MAX_MESSAGE_ID] or None,
            at=rejection.at,
        ).save()

    def list_rejections(self, day: date, limit: int, start: Key | None = None) -> Page:
        result = MailRejectionItem.query(
            f"MAILREJECT#{day.isoformat()}", page_size=limit, last_evaluated_key=start, scan_index_forward=True
        )
        page = next(result.page_iter)
        items = [MailRejectionItem.from_raw_data(raw) for raw in page.get("Items", [])]
        return Page(
            [Rejection(i.raw_key, i.reason, i.detail, i.sender, i.subject, i.mail_message_id, i.at) for i in items],
            page.get("LastEvaluatedKey"),
        )

    # -- addresses -------------------------------------------------------------------------------
    def mark_undeliverable(self, address: str, reason: str, detail: str, at: datetime) -> None:
        MailAddressItem(
            f"MAILADDR#{address.lower()}", "UNDELIVERABLE", reason=reason, detail=detail[:2000], at=at
        ).save()

    def undeliverable(self, address: str) -> MailAddressItem | None:
        try:
            return MailAddressItem.get(f"MAILADDR#{address.lower()}", "UNDELIVERABLE")
        except DoesNotExist:
            return None

    def add_note_once(
        self, ticket: Ticket, event: AuditEvent, message: Message, claim: str, files: MailFiles | None = None
    ) -> bool:
        """An internal note keyed on what caused it (`claim`, e.g. a bounce's Message-ID): written at most once."""
        return self.add_message(ticket, event, message, [claim], files)

    # -- rate windows ----------------------------------------------------------------------------
    def claim_slot(self, what: str, who: str, window: str, token: str, limit: int, expires_at: datetime) -> bool:
        """Take one of `limit` slots of `who` in `window` for `token` (atomic ADD to a set, conditioned on its
        size): True when taken now or earlier by the same token (a redelivery), False when the window is full."""
        item = RateItem(f"RATE#{what}#{who.lower()}"[:1000], window)
        try:
            item.update(
                actions=[RateItem.served.add({token}), RateItem.expires_at.set(expires_at)],
                condition=RateItem.served.does_not_exist()
                | (size(RateItem.served) < limit)
                | RateItem.served.contains(token),
            )
        except UpdateError as error:
            if _conditional(error):
                return False
            raise
        return True


def _conditional(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _claim_mail_ids(
    tx: TransactWrite, mail_ids: list[str], ticket_id: str, message_id: str, files: MailFiles | None
) -> None:
    """Each Message-ID, claimed for this message in the writing transaction: a second claim fails it whole."""
    for mail_id in mail_ids:
        tx.save(
            MailIdItem(
                mail_id_pk(mail_id),
                "MAILID",
                ticket_id=ticket_id,
                message_id=message_id,
                raw_key=files.raw_key if files else None,
            ),
            condition=MailIdItem.pk.does_not_exist(),
        )
