"""What callers ask of the ticket service and what they get back: a new ticket's draft and its Idempotency-Key, a
queue view's query, a page of results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    template: str | None = None  # a ticket template's id (工单模板): its values fill what the request leaves out
    attachments: tuple[str, ...] = ()  # upload ids (web)


@dataclass(frozen=True)
class TicketFilter:
    """The narrowing filters of a list (docs/data-model.md says what each costs): a creation window is part of the
    key condition; the others are a filter on the page read."""

    tag: str | None = None
    category: str | None = None
    channel: str | None = None
    team: str | None = None  # with `assignee`: the agent's tickets of this team
    created_from: datetime | None = None
    created_to: datetime | None = None

    @property
    def narrows(self) -> bool:
        return any(v is not None for v in (self.tag, self.category, self.channel, self.team))

    def matches(self, ticket: Any) -> bool:
        """The filter on a ticket read whole (the sharded indexes do not hold these attributes)."""
        return (
            (self.tag is None or self.tag in ticket.tags)
            and (self.category is None or ticket.category == self.category)
            and (self.channel is None or ticket.channel.value == self.channel)
            and (self.team is None or ticket.team == self.team)
        )


@dataclass(frozen=True)
class TicketQuery:
    view: str | None = None
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    team: str | None = None
    limit: int = 25
    cursor: str | None = None
    requester: str | None = None  # with the `requested` view: whose tickets (staff); the caller's own by default
    assignee: str | None = None  # an agent's queue (by_queue), whatever the view
    filters: TicketFilter = field(default_factory=TicketFilter)


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
