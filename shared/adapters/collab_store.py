"""The work lists of collaboration (a person's tickets with open sub-tasks, a team's tickets with open requests),
people's notification settings and their waiting digest alerts. The list entries are parts of the ticket's own
write: a ticket is in a list exactly while its item says it belongs there."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from shared.adapters.items import DigestEntryItem, DigestWaitItem, NotificationSettingsItem, WorkEntryItem
from shared.adapters.partitions import every_shard, sharded
from shared.adapters.ticket_lists import tickets_by_pk
from shared.adapters.ticket_mapping import sort_time, ticket_pk
from shared.adapters.ticket_writer import Part, delete, put
from shared.domain.collab import work_lists
from shared.domain.requests import Key, Page
from shared.domain.tickets import Ticket

DIGEST_SHARDS = 4  # DIGESTS#<n>: who has alerts waiting for the sweep's digest


def _work_pk(view: str, owner: str) -> str:
    return f"WORK#{view}#{owner.lower() if view == 'subtasks' else owner}"


def _work_sk(ticket: Ticket) -> str:
    return f"{sort_time(ticket.created_at)}#{ticket.id}"


class CollabStore:
    # -- parts of the ticket's write ------------------------------------------------------------
    @staticmethod
    def work_parts(before: Ticket | None, after: Ticket) -> list[Part]:
        """The list entries that change when the ticket goes from `before` (as read) to `after`."""
        old = work_lists(before) if before is not None else set()
        new = work_lists(after)
        parts: list[Part] = []
        for view, owner in sorted(new - old):
            parts.append(put(WorkEntryItem(_work_pk(view, owner), _work_sk(after), ticket_id=after.id)))
        for view, owner in sorted(old - new):
            parts.append(delete(WorkEntryItem(_work_pk(view, owner), _work_sk(after))))
        return parts

    # -- reading --------------------------------------------------------------------------------
    @staticmethod
    def list_work(view: str, owner: str, limit: int, start: Key | None) -> Page:
        """A page of a work list, newest ticket first: one Query, then one BatchGetItem of the tickets."""
        result = WorkEntryItem.query(
            _work_pk(view, owner), scan_index_forward=False, page_size=limit, last_evaluated_key=start
        )
        page = next(result.page_iter)
        pks = [ticket_pk(raw["ticket_id"]["S"]) for raw in page.get("Items", [])]
        return Page(tickets_by_pk(pks), page.get("LastEvaluatedKey"))

    # -- notification settings -------------------------------------------------------------------
    @staticmethod
    def notification_settings(email: str) -> dict[str, str]:
        try:
            return dict(NotificationSettingsItem.get(f"PREFS#{email.lower()}", "NOTIFICATIONS").channels or {})
        except DoesNotExist:
            return {}

    @staticmethod
    def save_notification_settings(email: str, channels: dict[str, str], now: datetime) -> None:
        NotificationSettingsItem(
            f"PREFS#{email.lower()}", "NOTIFICATIONS", channels=dict(channels), updated_at=now
        ).save()

    # -- the alert digest (sent by the sweep) -----------------------------------------------------
    @staticmethod
    def add_digest_entry(email: str, key: str, kind: str, at: datetime, ticket: dict[str, Any]) -> bool:
        """An alert for `email`'s next digest, once per key; False when it was added before."""
        entry = DigestEntryItem(
            f"DIGEST#{email.lower()}",
            f"{sort_time(at)}#{key}",
            notice_kind=kind,
            ticket_id=ticket["id"],
            ticket_number=ticket.get("number") or "",
            subject=ticket.get("subject") or "",
            at=at,
        )
        try:
            entry.save(condition=DigestEntryItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        DigestWaitItem(sharded("DIGESTS", email.lower(), DIGEST_SHARDS), email.lower()).save()
        return True

    @staticmethod
    def digest_recipients(limit: int = 200) -> list[str]:
        """Who has alerts waiting (one Query per shard)."""
        found: list[str] = []
        for partition in every_shard("DIGESTS", DIGEST_SHARDS):
            found += [item.sk for item in DigestWaitItem.query(partition, limit=limit)]
        return found

    @staticmethod
    def digest_entries(email: str, limit: int = 100) -> list[dict[str, Any]]:
        items = DigestEntryItem.query(f"DIGEST#{email.lower()}", limit=limit, consistent_read=True)
        return [
            {
                "sk": i.sk,
                "kind": i.notice_kind,
                "ticket_id": i.ticket_id,
                "ticket_number": i.ticket_number,
                "subject": i.subject,
                "at": i.at,
            }
            for i in items
        ]

    @staticmethod
    def clear_digest(email: str, sort_keys: Iterable[str], more: bool) -> None:
        """The entries a digest mail carried are gone; the person leaves the waiting list unless `more` wait."""
        with DigestEntryItem.batch_write() as batch:
            for sk in sort_keys:
                batch.delete(DigestEntryItem(f"DIGEST#{email.lower()}", sk))
        if not more:
            DigestWaitItem(sharded("DIGESTS", email.lower(), DIGEST_SHARDS), email.lower()).delete()
