"""Live chat's items (docs/data-model.md, "Live chat"): connections, push targets and rate windows in the chat
connections table (TTL, no stream); the claims that make one visitor line one message in the tickets table.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import ChatConnectionItem, ChatLineItem, ChatPushedItem, ChatRateItem, ChatTargetItem
from shared.adapters.ticket_writer import Part, put
from shared.domain.chat.connections import ChatConnection
from shared.errors import AlreadyClaimed

# API Gateway closes a WebSocket after 2 hours; the TTL removes what a lost $disconnect leaves, with a margin.
CONNECTION_LIFETIME = timedelta(hours=2, minutes=10)
MAX_KEY = 200
# A pushed reply's mark outlives every redelivery of its stream record (a DynamoDB stream keeps records 24 h).
PUSHED_LIFETIME = timedelta(hours=25)


def connection_pk(connection_id: str) -> str:
    return f"CONN#{connection_id[:MAX_KEY]}"


def target_pk(ticket_id: str) -> str:
    return f"CHAT#{ticket_id}"


def line_pk(ticket_id: str, key: str) -> str:
    return f"CHATLINE#{ticket_id}#{key[:MAX_KEY]}"


def pushed_pk(ticket_id: str, message_id: str) -> str:
    return f"PUSHED#{ticket_id}#{message_id[:MAX_KEY]}"


def _target_sk(connection_id: str, role: str) -> str:
    return f"{'STAFF' if role == 'staff' else 'CONN'}#{connection_id[:MAX_KEY]}"


def _expires(at: datetime) -> datetime:
    return at + CONNECTION_LIFETIME


class ChatStore:
    # -- connections ---------------------------------------------------------------------------------------------
    def connect(self, connection: ChatConnection) -> None:
        ChatConnectionItem(
            connection_pk(connection.connection_id),
            "CONN",
            connection_id=connection.connection_id,
            role=connection.role,
            email=connection.email,
            name=connection.name,
            conversation=connection.conversation,
            origin=connection.origin,
            connected_at=connection.connected_at,
            expires_at=_expires(connection.connected_at),
        ).save()

    def connection(self, connection_id: str) -> ChatConnection | None:
        try:
            item = ChatConnectionItem.get(connection_pk(connection_id), "CONN", consistent_read=True)
        except DoesNotExist:
            return None
        return ChatConnection(
            item.connection_id,
            item.role,
            item.connected_at,
            item.email,
            item.name,
            item.conversation,
            item.origin,
        )

    def join(self, connection: ChatConnection, ticket_id: str) -> None:
        """The connection now belongs to the conversation (a visitor's) or watches it (staff): frames name it,
        pushes reach it. A staff connection watches one chat at a time: the one it watched before is left."""
        item = ChatConnectionItem(connection_pk(connection.connection_id), "CONN")
        item.update(actions=[ChatConnectionItem.conversation.set(ticket_id)])
        if connection.role == "staff" and connection.conversation and connection.conversation != ticket_id:
            ChatTargetItem(target_pk(connection.conversation), _target_sk(connection.connection_id, "staff")).delete()
        ChatTargetItem(
            target_pk(ticket_id),
            _target_sk(connection.connection_id, connection.role),
            connection_id=connection.connection_id,
            expires_at=_expires(connection.connected_at),
        ).save()

    def targets(self, ticket_id: str, role: str = "visitor") -> list[str]:
        """The conversation's open connections of the visitor (or of staff watching it): one Query."""
        prefix = "STAFF#" if role == "staff" else "CONN#"
        return [
            item.connection_id
            for item in ChatTargetItem.query(target_pk(ticket_id), ChatTargetItem.sk.startswith(prefix), limit=50)
        ]

    def connected(self, ticket_ids: Sequence[str]) -> set[str]:
        """Which conversations have a visitor's connection open: one Query (at most one item) each, in parallel."""
        if not ticket_ids:
            return set()

        def has_visitor(ticket_id: str) -> bool:
            found = ChatTargetItem.query(target_pk(ticket_id), ChatTargetItem.sk.startswith("CONN#"), limit=1)
            return next(iter(found), None) is not None

        with ThreadPoolExecutor(max_workers=min(8, len(ticket_ids))) as pool:
            return {t for t, yes in zip(ticket_ids, pool.map(has_visitor, ticket_ids), strict=True) if yes}

    def drop(self, connection_id: str, ticket_id: str | None = None) -> None:
        """A closed or gone connection: its items go now rather than at their TTL. Deleting twice is harmless."""
        if ticket_id is None:
            found = self.connection(connection_id)
            ticket_id = found.conversation if found else None
        ChatConnectionItem(connection_pk(connection_id), "CONN").delete()
        if ticket_id:  # the role may be unknown here (a gone connection): both keys, deleting is harmless
            for role in ("visitor", "staff"):
                ChatTargetItem(target_pk(ticket_id), _target_sk(connection_id, role)).delete()

    # -- rate windows --------------------------------------------------------------------------------------------
    def count(self, key: str, ends: datetime) -> int:
        """One more frame in the window `key`; the window's count after it (atomic ADD, expiring after the window)."""
        item = ChatRateItem(key, "RATE")
        item.update(
            actions=[
                ChatRateItem.kind.set(ChatRateItem),
                ChatRateItem.n.add(1),
                ChatRateItem.expires_at.set(ends + timedelta(minutes=1)),
            ]
        )
        return int(item.n)

    # -- staff replies the API pushed itself ---------------------------------------------------------------------
    def mark_pushed(self, ticket_id: str, message_id: str, at: datetime) -> None:
        ChatPushedItem(pushed_pk(ticket_id, message_id), "PUSHED", expires_at=at + PUSHED_LIFETIME).save()

    def was_pushed(self, ticket_id: str, message_id: str) -> bool:
        try:
            ChatPushedItem.get(pushed_pk(ticket_id, message_id), "PUSHED", consistent_read=True)
        except DoesNotExist:
            return False
        return True

    # -- line claims (tickets table, written with the ticket) -------------------------------------------------
    def line_claimed(self, ticket_id: str, key: str) -> bool:
        try:
            ChatLineItem.get(line_pk(ticket_id, key), "CLAIM", consistent_read=True)
        except DoesNotExist:
            return False
        return True

    @staticmethod
    def line_part(ticket_id: str, key: str, message_id: str) -> Part:
        return put(
            ChatLineItem(line_pk(ticket_id, key), "CLAIM", ticket_id=ticket_id, message_id=message_id),
            ChatLineItem.pk.does_not_exist(),
            lambda: AlreadyClaimed(f"chat line {key[:100]} was taken in before"),
        )
