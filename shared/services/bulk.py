"""Bulk edits (批量处理): the same change to up to 100 tickets, each through the one staff edit path
(`TicketService.edit`: transitions, custom fields, SLA, directory checks, its own transaction and audit event).
One ticket's refusal is its result and does not stop the others."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.domain.access import Permission, Principal
from shared.domain.tickets import Ticket
from shared.errors import Forbidden, HelpdeskError, InvalidInput, NotFound
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import TicketReader
from shared.services.tickets import TicketService

MAX_BULK = 100


class BulkEditService:
    def __init__(self, tickets: TicketService, store: TicketReader) -> None:
        self._tickets = tickets
        self._store = store

    def apply(
        self, principal: Principal, ids: Sequence[str], changes: Mapping[str, Any]
    ) -> list[tuple[str, HelpdeskError | None]]:
        """Each id with None (changed, or nothing to change) or the error that refused it."""
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may edit tickets")
        if len(ids) > MAX_BULK:
            raise InvalidInput(f"at most {MAX_BULK} tickets at once", field="ids")
        if not changes:
            raise InvalidInput("name at least one change", field="changes")
        found = self._store.get_many([i for i in ids if len(i) == 32])  # one BatchGetItem for the ids given
        results: list[tuple[str, HelpdeskError | None]] = []
        for ref in ids:
            try:
                ticket = found.get(ref) or self._tickets.get(principal, ref)  # a GD number, or NotFound
                retry_on_conflict(ticket, self._reload, lambda t: self._tickets.edit(principal, t, _for(t, changes)))
                results.append((ref, None))
            except HelpdeskError as error:
                results.append((ref, error))
        return results

    def _reload(self, ticket_id: str) -> Ticket | None:
        ticket = self._store.get(ticket_id)
        if ticket is None:  # pragma: no cover - tickets are never deleted
            raise NotFound("no such ticket")
        return ticket


def _for(ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The edit for one ticket: tags added and removed against its own; a move to another team hands the ticket to
    that team's queue unless an assignee is named too (as a transfer does)."""
    edit = {k: v for k, v in changes.items() if k in ("status", "priority", "team", "assignee")}
    if "add_tags" in changes or "remove_tags" in changes:
        removed = set(changes.get("remove_tags") or ())
        tags = [t for t in ticket.tags if t not in removed]
        tags += [t for t in changes.get("add_tags") or () if t not in tags and t not in removed]
        edit["tags"] = tags
    if "team" in edit and edit["team"] != ticket.team and "assignee" not in edit:
        edit["assignee"] = None
    return edit
