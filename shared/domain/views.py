"""Saved views (视图): a named set of queue filters, personal or shared with a team by its supervisor."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.requests import TicketFilter, TicketQuery
from shared.domain.tickets import Priority, Status

FILTER_KEYS = (
    "view",
    "status",
    "priority",
    "team",
    "tag",
    "category",
    "channel",
    "assignee",
    "created_from",
    "created_to",
)


@dataclass(frozen=True)
class SavedView:
    id: str
    name: str
    owner: str  # who saved it
    filters: Mapping[str, str] = field(default_factory=dict)
    team: str | None = None  # shared with this team (its supervisor's or an admin's choice); None: personal
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "filters": dict(self.filters),
            "team": self.team,
            "shared": self.team is not None,
        }


def ticket_query(filters: Mapping[str, str], limit: int) -> TicketQuery:
    """The list query a view stands for (its filters were checked when it was saved)."""

    def csv(name: str) -> list[str]:
        return [p.strip() for p in (filters.get(name) or "").split(",") if p.strip()]

    def moment(name: str) -> datetime | None:
        value = filters.get(name)
        return datetime.fromisoformat(value) if value else None

    return TicketQuery(
        view=filters.get("view") or None,
        statuses=tuple(Status(s) for s in csv("status")),
        priorities=tuple(Priority(p) for p in csv("priority")),
        team=filters.get("team") or None,
        limit=limit,
        assignee=filters.get("assignee") or None,
        filters=TicketFilter(
            tag=filters.get("tag") or None,
            category=filters.get("category") or None,
            channel=filters.get("channel") or None,
            created_from=moment("created_from"),
            created_to=moment("created_to"),
        ),
    )
