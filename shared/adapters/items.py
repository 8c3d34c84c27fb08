"""PynamoDB models of the single tickets table (docs/data-model.md lists the access patterns).

Every item type has a `kind` discriminator, so a query over a shared partition or index returns the right class.
Table names and the endpoint are bound at run time by `bind_tables`, never at import.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.config import Settings


class HelpdeskItem(Model):
    class Meta:
        table_name = "unbound"
        region: str | None = None
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)


def _index(name: str, hash_attr: str) -> type[GlobalSecondaryIndex[Any]]:
    """A GSI keyed on `hash_attr` and sorted by creation (`created_key`), all attributes projected."""
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    attrs = {
        "Meta": meta,
        hash_attr: UnicodeAttribute(hash_key=True),
        "created_key": UnicodeAttribute(range_key=True),
    }
    return type(f"Index_{name}", (GlobalSecondaryIndex,), attrs)


class TicketItem(HelpdeskItem, discriminator="ticket"):
    id = UnicodeAttribute()
    number = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    requester_email = UnicodeAttribute()
    requester_name = UnicodeAttribute(default="")
    team = UnicodeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    custom_fields = JSONAttribute(default=dict)
    language = UnicodeAttribute(default="zh-CN")
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    status_history = JSONAttribute(default=list)
    sla = JSONAttribute(default=dict)
    version = VersionAttribute()
    # Index keys, derived from the fields above on every write (see TicketRepository._index_keys).
    requester_key = UnicodeAttribute()
    queue_key = UnicodeAttribute(null=True)
    team_key = UnicodeAttribute(null=True)
    all_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    sla_shard = UnicodeAttribute(null=True)
    sla_checkpoint = UnicodeAttribute(null=True)

    by_requester = _index("by_requester", "requester_key")()
    by_queue = _index("by_queue", "queue_key")()
    by_team = _index("by_team", "team_key")()
    by_all = _index("by_all", "all_key")()


class TicketNumberItem(HelpdeskItem, discriminator="ticket_number"):
    """`NUMBER#GD...`: makes numbers unique and resolves a number to its ticket."""

    ticket_id = UnicodeAttribute()


class CounterItem(HelpdeskItem, discriminator="counter"):
    value = NumberAttribute(default=0)


class IdempotencyKeyItem(HelpdeskItem, discriminator="idempotency_key"):
    ticket_id = UnicodeAttribute()
    request_hash = UnicodeAttribute()


class MessageItem(HelpdeskItem, discriminator="message"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    author = JSONAttribute()
    body = UnicodeAttribute()
    internal = BooleanAttribute(default=False)
    channel = UnicodeAttribute(default="web")
    created_at = UTCDateTimeAttribute()


class EventItem(HelpdeskItem, discriminator="event"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = JSONAttribute()
    at = UTCDateTimeAttribute()
    changes = JSONAttribute(default=list)
    message_id = UnicodeAttribute(null=True)
    internal = BooleanAttribute(null=True)
    snapshot = JSONAttribute(default=dict)
    ticket_version = NumberAttribute(default=0)


class AgentItem(HelpdeskItem, discriminator="agent"):
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    teams = ListAttribute(of=UnicodeAttribute, default=list)
    skills = ListAttribute(of=UnicodeAttribute, default=list)
    capacity = NumberAttribute(default=8)
    availability = UnicodeAttribute(default="online")
    senior = BooleanAttribute(default=False)
    language = UnicodeAttribute(default="zh-CN")


class TeamItem(HelpdeskItem, discriminator="team"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    supervisor = UnicodeAttribute(null=True)


class NotificationItem(HelpdeskItem, discriminator="notification"):
    id = UnicodeAttribute()
    type = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    ticket_number = UnicodeAttribute()
    subject = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    read = BooleanAttribute(default=False)


class SignInItem(HelpdeskItem, discriminator="sign_in"):
    """A pending one-time code for an email address: what checks it, when it was sent, failed tries."""

    state = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)


_ALL = (
    HelpdeskItem,
    TicketItem,
    TicketNumberItem,
    CounterItem,
    IdempotencyKeyItem,
    MessageItem,
    EventItem,
    AgentItem,
    TeamItem,
    NotificationItem,
    SignInItem,
)


def bind_tables(settings: Settings) -> None:
    """Point the models at the deployed (or emulated) table. Idempotent; called lazily by the container."""
    HelpdeskItem.Meta.table_name = settings.tickets_table
    HelpdeskItem.Meta.region = settings.aws_region
    HelpdeskItem.Meta.host = settings.aws_endpoint_url
    for model in _ALL:
        model._connection = None
