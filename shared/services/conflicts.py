"""Optimistic locking's other half: when another writer changed the ticket first, read it again and redo the change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.domain.tickets import Ticket
from shared.errors import VersionConflict

Result = TypeVar("Result")
ATTEMPTS = 5


def retry_on_conflict(
    ticket: Ticket,
    reload: Callable[[str], Ticket | None],
    attempt: Callable[[Ticket], Result],
    attempts: int = ATTEMPTS,
) -> Result:
    """`attempt(ticket)`; on `VersionConflict`, `attempt` again on the ticket as `reload` reads it now. After
    `attempts` lost races the conflict is raised (a stream or SES delivery is then retried as a whole)."""
    for _ in range(attempts - 1):
        try:
            return attempt(ticket)
        except VersionConflict:
            fresh = reload(ticket.id)
            if fresh is None:  # pragma: no cover - tickets are never deleted
                raise
            ticket = fresh
    return attempt(ticket)
