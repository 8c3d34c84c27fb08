"""What callers ask of the ticket service: a new ticket's draft, a queue view's query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.domain.tickets import Channel, Person, Priority, Status


@dataclass(frozen=True)
class TicketDraft:
    subject: str
    description: str
    priority: Priority | None = None
    category: str | None = None
    channel: Channel | None = None
    requester: Person | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    team: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class TicketQuery:
    view: str | None = None
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    team: str | None = None
    limit: int = 25
    cursor: str | None = None
    requester: str | None = None  # with the `requested` view: whose tickets (staff); the caller's own by default
