"""Canned replies use cases: every agent reads the desk's set; supervisors and admins save it (versioned, If-Match)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.canned_replies import CannedReply, canned_reply_reasons, default_canned_replies
from shared.errors import CannedRepliesRejected, Forbidden

CANNED_REPLIES = "CANNED_REPLIES"


class ConfigStore(Protocol):
    def get_config(self, name: str) -> Any: ...

    def put_config(self, name: str, data: dict[str, Any], expected_version: int | None, who: str, now: Any) -> Any: ...


class CannedReplyService:
    def __init__(
        self, store: ConfigStore, clock: Clock, new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:12]
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = new_id

    def get(self, principal: Principal) -> tuple[list[CannedReply], int]:
        """The desk's set in its order; the product's defaults (version 0) until someone saves one."""
        if not principal.is_staff:
            raise Forbidden("staff only")
        return self.current()

    def current(self) -> tuple[list[CannedReply], int]:
        """The set as triggers and automations send from it."""
        stored = self._store.get_config(CANNED_REPLIES)
        if stored is None:
            return default_canned_replies(), 0
        return [CannedReply(**item) for item in stored.data.get("items", [])], int(stored.version)

    def put(
        self, principal: Principal, items: Sequence[CannedReply], expected_version: int | None
    ) -> tuple[list[CannedReply], int]:
        if not principal.can(Permission.CANNED_MANAGE):
            raise Forbidden("supervisors and admins only")
        # A new reply (no id yet) gets one here; the ids let the console keep its place across saves.
        replies = [reply if reply.id else replace(reply, id=self._new_id()) for reply in items]
        reasons = canned_reply_reasons(replies)
        if reasons:
            raise CannedRepliesRejected("invalid canned replies: " + "; ".join(reasons), reasons, field="items")
        data = {"items": [reply.to_dict() for reply in replies]}
        stored = self._store.put_config(CANNED_REPLIES, data, expected_version, principal.email, self._clock.now())
        return replies, int(stored.version)
