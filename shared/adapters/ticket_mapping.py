"""How tickets, their audit events and messages sit in DynamoDB items: the mapping both ways, and the keys derived
from a ticket on every write (its indexes, shards and SLA keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.adapters.collab_storage import collab_from_json, collab_to_json, merge_to_json
from shared.adapters.items import EventItem, MessageItem, TicketItem
from shared.adapters.partitions import LIST_SHARDS, sharded
from shared.adapters.sla_storage import sla_from_json, sla_index_keys, sla_to_json
from shared.adapters.workflow_storage import (
    automation_from_json,
    automation_to_json,
    review_from_json,
    review_to_json,
)
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.tickets import (
    OPEN_STATUSES,
    Channel,
    FieldChange,
    Person,
    Priority,
    Satisfaction,
    Status,
    StatusEntry,
    Ticket,
)

UNASSIGNED = "UNASSIGNED"
ALL_TICKETS = "ALL"
CHAT_LIST, CHAT_WAITING, CHAT_HELD = "CHAT", "W", "A"


def list_partition(base: str, view: str, ticket_id: str) -> str:
    """The shard of a sharded list index that holds this ticket (shared/adapters/partitions.py)."""
    return sharded(base, ticket_id, LIST_SHARDS[view])


def ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


def sort_time(value: datetime) -> str:
    """Fixed-width UTC time, so that sort keys order by time."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chat_list_keys(ticket: Ticket) -> tuple[str | None, str | None]:
    """Where an open chat ticket is in `by_chat`: waiting (`W#`, nobody took it and it has not ended) or held by an
    agent (`A#<agent>#`, ended or not, until it is resolved); anything else is not in it. Only entering, being taken
    and leaving write the index (docs/scale.md)."""
    if ticket.channel is not Channel.CHAT or not ticket.is_open:
        return None, None
    started = f"{sort_time(ticket.created_at)}#{ticket.id}"
    if ticket.assignee:
        sort = f"{CHAT_HELD}#{ticket.assignee.lower()}#{started}"
    elif ticket.chat_ended_at is None:
        sort = f"{CHAT_WAITING}#{started}"
    else:
        return None, None
    return list_partition(CHAT_LIST, "chat", ticket.id), sort


def to_item(ticket: Ticket) -> TicketItem:
    item = TicketItem(
        ticket_pk(ticket.id),
        "TICKET",
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status.value,
        priority=ticket.priority.value,
        channel=ticket.channel.value,
        requester_email=ticket.requester.email,
        requester_name=ticket.requester.name,
        team=ticket.team,
        assignee=ticket.assignee,
        category=ticket.category,
        tags=list(ticket.tags),
        custom_fields=dict(ticket.custom_fields),
        language=ticket.language,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        status_history=[{"status": e.status.value, "at": e.at.isoformat()} for e in ticket.status_history],
        sla=sla_to_json(ticket.sla),
        cc=list(ticket.cc) or None,
        satisfaction=ticket.satisfaction.to_dict() if ticket.satisfaction else None,
        automation=automation_to_json(ticket.automation),
        review=review_to_json(ticket.review),
        articles=list(ticket.articles) or None,
        followers=list(ticket.followers) or None,
        collab=collab_to_json(ticket),
        merge=merge_to_json(ticket),
        customer=dict(ticket.customer) or None,
        attachments=list(ticket.attachments) or None,
        chat_ended_at=ticket.chat_ended_at,
        chat_last_line_at=ticket.chat_last_line_at,
        chat_idle_minutes=ticket.chat_idle_minutes or None,
        requester_key=ticket.requester.email.lower(),
        all_key=list_partition(ALL_TICKETS, "all", ticket.id),
        created_key=f"{sort_time(ticket.created_at)}#{ticket.id}",
    )
    # Sparse keys: an item is only in the queue/team index while it belongs there.
    if ticket.assignee:
        item.queue_key = f"AGENT#{ticket.assignee.lower()}"
    elif ticket.status in OPEN_STATUSES:
        item.unassigned_key = list_partition(UNASSIGNED, "unassigned", ticket.id)
    item.team_key = list_partition(f"TEAM#{ticket.team}", "team", ticket.id) if ticket.team else None
    item.sla_shard, item.sla_checkpoint, view = sla_index_keys(ticket)
    item.sla_view = list_partition(view, "sla_view", ticket.id) if view else None
    item.chat_key, item.chat_sort = chat_list_keys(ticket)
    if ticket.version:
        item.version = ticket.version
    return item


def from_item(item: TicketItem) -> Ticket:
    ticket = _ticket(item)
    collab_from_json(ticket, item.collab, item.merge, item.followers)
    return ticket


def _ticket(item: TicketItem) -> Ticket:
    return Ticket(
        id=item.id,
        number=item.number,
        subject=item.subject,
        description=item.description,
        requester=Person(item.requester_email, item.requester_name or ""),
        created_at=item.created_at,
        updated_at=item.updated_at,
        status=Status(item.status),
        priority=Priority(item.priority),
        channel=Channel(item.channel),
        team=item.team,
        assignee=item.assignee,
        category=item.category,
        tags=list(item.tags or []),
        custom_fields=dict(item.custom_fields or {}),
        language=item.language or "zh-CN",
        version=int(item.version or 0),
        status_history=[
            StatusEntry(Status(e["status"]), datetime.fromisoformat(e["at"])) for e in item.status_history or []
        ],
        sla=sla_from_json(item.sla or {}),
        cc=list(item.cc or []),
        satisfaction=Satisfaction.from_dict(item.satisfaction),
        automation=automation_from_json(item.automation),
        review=review_from_json(item.review),
        articles=list(item.articles or []),
        customer=dict(item.customer or {}),
        attachments=list(item.attachments or []),
        chat_ended_at=item.chat_ended_at,
        chat_last_line_at=item.chat_last_line_at,
        chat_idle_minutes=int(item.chat_idle_minutes or 0),
    )


def _person_json(person: Person) -> dict[str, str]:
    return {"email": person.email, "name": person.name, "role": person.role}


def _person(data: dict[str, Any]) -> Person:
    return Person(data.get("email", ""), data.get("name", ""), data.get("role", "customer"))


def event_item(event: AuditEvent) -> EventItem:
    return EventItem(
        ticket_pk(event.ticket_id),
        f"EVENT#{event.ticket_version:010d}#{event.id}",
        id=event.id,
        ticket_id=event.ticket_id,
        type=event.type.value,
        actor=_person_json(event.actor),
        at=event.at,
        changes=[{"field": c.field, "old": c.old, "new": c.new} for c in event.changes],
        message_id=event.message_id,
        internal=event.internal,
        snapshot=event.snapshot,
        ticket_version=event.ticket_version,
    )


def to_event(item: EventItem) -> AuditEvent:
    return AuditEvent(
        id=item.id,
        ticket_id=item.ticket_id,
        type=EventType(item.type),
        actor=_person(item.actor or {}),
        at=item.at,
        changes=tuple(FieldChange(c["field"], c.get("old"), c.get("new")) for c in item.changes or []),
        message_id=item.message_id,
        internal=item.internal,
        snapshot=dict(item.snapshot or {}),
        ticket_version=int(item.ticket_version or 0),
    )


def parse_event_image(image: dict[str, Any]) -> AuditEvent:
    """An audit event from a stream record's NewImage (DynamoDB JSON)."""
    return to_event(EventItem.from_raw_data(image))


def message_sk(ticket_version: int, message_id: str) -> str:
    # Every message is written with a new ticket version: the version orders the conversation exactly.
    return f"MSG#{ticket_version:010d}#{message_id}"


def message_item(message: Message, ticket_version: int) -> MessageItem:
    return MessageItem(
        ticket_pk(message.ticket_id),
        message_sk(ticket_version, message.id),
        id=message.id,
        ticket_id=message.ticket_id,
        author=_person_json(message.author),
        body=message.body,
        internal=message.internal,
        channel=message.channel,
        created_at=message.created_at,
        email=message.email,
        wechat=message.wechat,
        delivery=message.delivery,
        merged_from=message.merged_from,
        files=list(message.files) or None,
    )


def to_message(item: MessageItem) -> Message:
    return Message(
        id=item.id,
        ticket_id=item.ticket_id,
        author=_person(item.author or {}),
        body=item.body,
        internal=bool(item.internal),
        created_at=item.created_at,
        channel=item.channel or "web",
        email=item.email,
        wechat=item.wechat,
        delivery=item.delivery,
        merged_from=item.merged_from,
        files=list(item.files or []),
    )
