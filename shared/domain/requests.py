"""What callers ask of the ticket service and what they get back: a new ticket's draft and its Idempotency-Key, a
queue view's query, a page of results."""

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


Key = dict[str, Any]  # a store's position in a list (DynamoDB's LastEvaluatedKey), signed into a cursor by services


@dataclass(frozen=True)
class Page:
    items: list[Any]
    last_key: Key | None


@dataclass(frozen=True)
class IdempotencyClaim:
    """A client's `Idempotency-Key` (per caller) and the hash of the request it first came with."""

    owner: str
    key: str
    request_hash: str
