"""What the product keeps about one customer, found by Query and GetItem alone (docs/data-model.md, "Personal
data"), and the parts that rewrite it for an erasure. Ticket changes themselves go through the ticket writer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from shared.adapters.desk_store import CustomerItem, CustomerLookupItem, _customer_pk, _lookup_key, _record
from shared.adapters.items import (
    EventItem,
    HelpdeskItem,
    MailAddressItem,
    MailFilesItem,
    MessageItem,
    SignInItem,
    TicketItem,
    WechatFollowerItem,
)
from shared.adapters.report_store import RatingItem, answer_keys
from shared.adapters.ticket_mapping import event_item, message_item, ticket_pk, to_event, to_message
from shared.adapters.ticket_writer import Part, delete, put
from shared.domain.customers import CustomerRecord, lookup_terms
from shared.domain.events import AuditEvent, Message


class ErasureItem(HelpdeskItem, discriminator="erasure"):
    """`ERASURE#<sha256 of the address>` / `RECEIPT`: that a customer was erased, by whom, when (no address)."""

    erased_by = UnicodeAttribute()
    erased_at = UTCDateTimeAttribute()
    tickets = NumberAttribute(default=0)
    times = NumberAttribute(default=1)


@dataclass
class TicketContents:
    """A ticket's own items besides the ticket: its messages, audit events and the S3 keys of its files."""

    messages: list[tuple[int, Message]] = field(default_factory=list)  # (ticket version in the key, message)
    events: list[AuditEvent] = field(default_factory=list)
    mail_files: list[tuple[str, str | None, list[str]]] = field(default_factory=list)  # (sk, raw key, file keys)


class PrivacyStore:
    # -- reads ---------------------------------------------------------------------------------------------------
    @staticmethod
    def requester_ticket_ids(email: str) -> list[str]:
        """Every ticket the address requested: `by_requester`, one Query per page (keys only are needed)."""
        return [item.id for item in TicketItem.by_requester.query(email.lower(), attributes_to_get=["id", "pk", "sk"])]

    @staticmethod
    def ticket_contents(ticket_id: str) -> TicketContents:
        """The ticket's item collection: `Query pk=TICKET#<id>` (messages, events, mail files), consistent."""
        contents = TicketContents()
        for item in HelpdeskItem.query(ticket_pk(ticket_id), consistent_read=True):
            if isinstance(item, MessageItem):
                contents.messages.append((int(item.sk.split("#")[1]), to_message(item)))
            elif isinstance(item, EventItem):
                contents.events.append(to_event(item))
            elif isinstance(item, MailFilesItem):
                keys = [a["key"] for a in item.attachments or [] if a.get("key")]
                contents.mail_files.append((item.sk, item.raw_key, keys))
        return contents

    @staticmethod
    def customer(email: str) -> CustomerRecord | None:
        try:
            return _record(CustomerItem.get(_customer_pk(email), "PROFILE"))
        except DoesNotExist:
            return None

    @staticmethod
    def kb_feedback(email: str) -> list[dict[str, Any]]:
        """The caller's knowledge-base votes per window (`RATE#kb_feedback#<address>`, TTL'd)."""
        page = HelpdeskItem._get_connection().query(f"RATE#kb_feedback#{email.lower()}")
        return [
            {"window": raw["sk"]["S"], "votes": int(raw.get("count", {}).get("N", 0))} for raw in page.get("Items", [])
        ]

    @staticmethod
    def sign_in_pending(email: str) -> bool:
        try:
            SignInItem.get(f"SIGNIN#{email.lower()}", "CODE", consistent_read=True)
        except DoesNotExist:
            return False
        return True

    @staticmethod
    def undeliverable(email: str) -> dict[str, Any] | None:
        try:
            item = MailAddressItem.get(f"MAILADDR#{email.lower()}", "UNDELIVERABLE")
        except DoesNotExist:
            return None
        return {"reason": item.reason, "at": item.at.isoformat()}

    @staticmethod
    def wechat_follower(openid: str) -> dict[str, Any] | None:
        try:
            item = WechatFollowerItem.get(f"WXUSER#{openid}", "FOLLOWER")
        except DoesNotExist:
            return None
        return {
            "openid": item.openid,
            "name": item.name,
            "subscribed": bool(item.subscribed),
            "first_seen_at": item.first_seen_at.isoformat(),
            "last_seen_at": item.last_seen_at.isoformat() if item.last_seen_at else None,
        }

    @staticmethod
    def survey_answer(days: Sequence[date], ticket_id: str) -> dict[str, Any] | None:
        """The report's list entry of the ticket's answer (`ANSWERS#<month>` / `<dd>#<id>`): GetItem per candidate
        day (the answer's local day; its UTC day as well near midnight)."""
        for day in dict.fromkeys(days):
            pk, sk = answer_keys(day, ticket_id)
            try:
                return dict(RatingItem.get(pk, sk).answer)
            except DoesNotExist:
                continue
        return None

    # -- erasure parts (written with the ticket by the one ticket writer) -------------------------------------
    @staticmethod
    def message_part(message: Message, ticket_version: int) -> Part:
        return put(message_item(message, ticket_version))

    @staticmethod
    def event_part(event: AuditEvent) -> Part:
        return put(event_item(event))

    @staticmethod
    def mail_files_removal(ticket_id: str, sk: str) -> Part:
        return delete(MailFilesItem(ticket_pk(ticket_id), sk))

    # -- erasure writes outside a ticket -----------------------------------------------------------------------
    @staticmethod
    def customer_removal(record: CustomerRecord) -> list[Part]:
        """The record and its search entries, for the writer's `commit` (all or nothing)."""
        parts: list[Part] = [delete(CustomerItem(_customer_pk(record.email), "PROFILE"))]
        parts += [delete(CustomerLookupItem(*_lookup_key(k, t, record.email))) for k, t in lookup_terms(record).items()]
        return parts

    @staticmethod
    def rewrite_survey_answer(days: Sequence[date], ticket_id: str, answer: dict[str, Any]) -> None:
        """Only the text of the entry changes; its score (a number the reports show) stays."""
        for day in dict.fromkeys(days):
            pk, sk = answer_keys(day, ticket_id)
            item = RatingItem(pk, sk)
            try:
                item.update(actions=[RatingItem.answer.set(answer)], condition=RatingItem.pk.exists())
            except Exception as error:  # the entry is on the other candidate day
                if "ConditionalCheckFailed" not in str(error):
                    raise

    @staticmethod
    def forget_sign_in(email: str) -> None:
        SignInItem(f"SIGNIN#{email.lower()}", "CODE").delete()

    @staticmethod
    def forget_mail_address(email: str) -> None:
        MailAddressItem(f"MAILADDR#{email.lower()}", "UNDELIVERABLE").delete()

    @staticmethod
    def forget_rate_windows(email: str, kinds: Sequence[str]) -> None:
        """The address's rate-limit windows (`RATE#<kind>#<address>`, TTL'd anyway): one Query per kind."""
        # Low level: a window made by an atomic ADD (UpdateItem) has no `kind`, so the model's query skips it.
        table = HelpdeskItem._get_connection()
        for kind in kinds:
            start = None
            while True:
                page = table.query(f"RATE#{kind}#{email.lower()}", exclusive_start_key=start)
                for raw in page.get("Items", []):
                    table.delete_item(raw["pk"]["S"], raw["sk"]["S"])
                start = page.get("LastEvaluatedKey")
                if not start:
                    break

    @staticmethod
    def rename_wechat_follower(openid: str, name: str) -> None:
        try:
            WechatFollowerItem(f"WXUSER#{openid}", "FOLLOWER").update(
                actions=[WechatFollowerItem.name.set(name)], condition=WechatFollowerItem.pk.exists()
            )
        except Exception as error:
            if "ConditionalCheckFailed" not in str(error):
                raise

    @staticmethod
    def record_erasure(subject: str, by: str, at: datetime, tickets: int) -> None:
        """The erasure's receipt: kept (no TTL), counting repeats; the address itself is never stored."""
        item = ErasureItem(f"ERASURE#{subject}", "RECEIPT")
        try:
            existing = ErasureItem.get(item.pk, item.sk, consistent_read=True)
        except DoesNotExist:
            ErasureItem(item.pk, item.sk, erased_by=by, erased_at=at, tickets=tickets).save()
            return
        existing.update(
            actions=[
                ErasureItem.times.add(1),
                ErasureItem.erased_at.set(at),
                ErasureItem.tickets.add(tickets),
            ]
        )

    @staticmethod
    def erasure(subject: str) -> dict[str, Any] | None:
        try:
            item = ErasureItem.get(f"ERASURE#{subject}", "RECEIPT", consistent_read=True)
        except DoesNotExist:
            return None
        return {"erased_by": item.erased_by, "erased_at": item.erased_at.isoformat(), "times": int(item.times)}
