"""Email-channel items in the tickets table (docs/data-model.md, "Email channel"): Message-IDs, mail files,
rejections, undeliverable addresses and per-sender rate windows.

A Message-ID is claimed (`MAILID#<id>`, conditioned on not existing) in the same transaction that writes the ticket
or message it made, so one Message-ID never makes two tickets or two messages: this store hands the claim, the file
index and the thread root to the one ticket writer as parts of that transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import size

from shared.adapters.items import (
    MailAddressItem,
    MailFilesItem,
    MailIdItem,
    MailRejectionItem,
    RateItem,
    TicketItem,
    TicketNumberItem,
)
from shared.adapters.ticket_mapping import sort_time
from shared.adapters.ticket_writer import Part, put
from shared.domain.events import Message
from shared.domain.mail.records import MailFiles, Rejection
from shared.domain.mail.threads import TicketParties
from shared.domain.requests import Key, Page
from shared.domain.tickets import Ticket
from shared.errors import AlreadyClaimed

MAX_MESSAGE_ID = 900  # DynamoDB keys stop at 1 KB; longer ids are hostile and stored truncated


def mail_id_pk(message_id: str) -> str:
    return f"MAILID#{message_id.strip()[:MAX_MESSAGE_ID]}"


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

    def claimed(self, message_id: str) -> tuple[str, str | None] | None:
        """The ticket id and raw key a Message-ID was claimed with (a redelivery finds it)."""
        item = self.mail_id(message_id)
        return None if item is None else (item.ticket_id, item.raw_key)

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

    # -- parts of the ticket's write (shared/adapters/ticket_writer.py) ------------------------------
    @staticmethod
    def claim_parts(mail_ids: list[str], ticket_id: str, message_id: str, files: MailFiles | None) -> list[Part]:
        """Each Message-ID, claimed for this message in the writing transaction: `AlreadyClaimed` (a redelivery, and
        nothing written) when one was claimed before."""
        return [
            put(
                MailIdItem(
                    mail_id_pk(mail_id),
                    "MAILID",
                    ticket_id=ticket_id,
                    message_id=message_id,
                    raw_key=files.raw_key if files else None,
                ),
                MailIdItem.pk.does_not_exist(),
                lambda mail_id=mail_id: AlreadyClaimed(f"Message-ID {mail_id[:200]} was taken in before"),
            )
            for mail_id in mail_ids
        ]

    @staticmethod
    def files_part(message: Message, ticket: Ticket, files: MailFiles) -> Part:
        """Where the message's raw MIME and attachments are, with the ticket version the write produces."""
        return put(
            MailFilesItem(
                f"TICKET#{message.ticket_id}",
                f"MAILMSG#{message.id}",
                message_id=message.id,
                ticket_version=ticket.version + 1,
                raw_key=files.raw_key,
                attachments=files.attachments,
                internal=message.internal,
            )
        )

    @staticmethod
    def web_files_part(
        ticket_id: str, message_id: str, ticket_version: int, attachments: list[dict[str, Any]], internal: bool
    ) -> Part:
        """Where the files attached on the web to a message (or, under the ticket's own id, to the ticket) are: the
        attachment download route reads email's and these alike."""
        return put(
            MailFilesItem(
                f"TICKET#{ticket_id}",
                f"MAILMSG#{message_id}",
                message_id=message_id,
                ticket_version=ticket_version,
                raw_key=None,
                attachments=attachments,
                internal=internal,
            ),
            MailFilesItem.pk.does_not_exist(),
        )

    @staticmethod
    def root_part(ticket_id: str, root_message_id: str) -> Part:
        """The customer's Message-ID that opened the ticket: our mail threads on it in their client."""
        return put(MailIdItem(f"MAILROOT#{ticket_id}", "ROOT", ticket_id=ticket_id, message_id=root_message_id))

    def mail_files(self, ticket_id: str, message_id: str) -> MailFiles | None:
        try:
            item = MailFilesItem.get(f"TICKET#{ticket_id}", f"MAILMSG#{message_id}")
        except DoesNotExist:
            return None
        return MailFiles(item.raw_key, list(item.attachments or []), bool(item.internal))

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
