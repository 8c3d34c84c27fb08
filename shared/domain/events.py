"""What happens to a ticket: messages in its conversation and the immutable audit events.

Audit events are also the domain events the stream consumers react to: each carries a snapshot of the ticket after
the change, so a consumer needs no read to act on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.domain.tickets import FieldChange, Person, Ticket


class EventType(StrEnum):
    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    MESSAGE_ADDED = "message.added"
    # Routing and SLA (shared/services/routing.py, sla_sweep.py): each is also an in-app notification's type.
    TICKET_ACKNOWLEDGED = "ticket.acknowledged"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_URGED = "ticket.urged"
    TICKET_ACK_TIMEOUT = "ticket.ack_timeout"
    SLA_WARNING = "sla.warning"
    SLA_BREACH = "sla.breach"
    # The requester answered the satisfaction survey (change `satisfaction`: old -> new answer).
    SATISFACTION_RATED = "satisfaction.rated"
    # A public reply the requester's channel could not take (WeChat's 48-hour window): kept, marked, the author told.
    MESSAGE_UNDELIVERED = "message.undelivered"
    # A supervisor decided a closing review (结案审核): change `review` pending -> approved | rejected.
    TICKET_REVIEWED = "ticket.reviewed"
    # Working together (shared/services/collaboration.py, merge.py): change `subtask` / `collaboration` old -> new.
    SUBTASK_ADDED = "subtask.added"
    SUBTASK_UPDATED = "subtask.updated"
    SUBTASK_OVERDUE = "subtask.overdue"  # the sweep found it past its due time (once per due time)
    COLLABORATION_REQUESTED = "collaboration.requested"
    COLLABORATION_ANSWERED = "collaboration.answered"  # with the answer as an internal note (`message_id`)
    TICKET_MERGED = "ticket.merged"  # on the source (`merged_into`) and on the target (`merged_from`)
    SLA_SECOND_LEVEL = "sla.escalated_second_level"  # a breach left unhandled went up a level
    # The requester's personal data was erased (shared/services/personal_data.py): change `requester` -> pseudonym.
    CUSTOMER_ERASED = "customer.erased"
    # Live chat (shared/services/chat.py): the visitor or an agent ended the conversation; the ticket stays as it is.
    CHAT_ENDED = "chat.ended"


@dataclass(frozen=True)
class Message:
    id: str
    ticket_id: str
    author: Person
    body: str
    internal: bool
    created_at: datetime
    channel: str = "web"
    # Email messages: html, quoted_text, attachments, cc, raw_key, message_id (shared/services/email_intake.py).
    email: dict[str, Any] | None = None
    # WeChat messages: msg_id, msg_type, create_time, media_id, attachments, problems (services/wechat_intake.py).
    wechat: dict[str, Any] | None = None
    # A public reply's delivery on the requester's channel, when it failed: {"status", "channel", "reason", "at"}.
    delivery: dict[str, Any] | None = None
    # A message copied from a duplicate merged into this ticket: that ticket's number.
    merged_from: str | None = None
    # Files attached on the web: [{id, filename, content_type, size, key}] (shared/services/uploads.py).
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class AuditEvent:
    id: str
    ticket_id: str
    type: EventType
    actor: Person
    at: datetime
    changes: tuple[FieldChange, ...] = ()
    message_id: str | None = None
    internal: bool | None = None
    snapshot: dict[str, Any] = field(default_factory=dict)
    # The ticket's version this event produced: orders a ticket's events (and messages) exactly.
    ticket_version: int = 0

    def changed(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == name), None)

    @classmethod
    def of(
        cls,
        ticket: Ticket,
        kind: EventType,
        actor: Person,
        at: datetime,
        changes: Sequence[FieldChange] = (),
        *,
        id: str,
        message_id: str | None = None,
        internal: bool | None = None,
    ) -> AuditEvent:
        """The event of the write about to be made to `ticket` (as changed): it records the version that write
        produces and a snapshot of the ticket after it. The only place audit events are built."""
        return cls(
            id=id,
            ticket_id=ticket.id,
            type=kind,
            actor=actor,
            at=at,
            changes=tuple(changes),
            message_id=message_id,
            internal=internal,
            snapshot={"id": ticket.id, **snapshot_of(ticket)},
            ticket_version=ticket.version + 1,
        )


def snapshot_of(ticket: Ticket) -> dict[str, Any]:
    """The fields a consumer of the event needs (notifications, assignment, report facts), as plain JSON values."""
    return {
        "created_at": ticket.created_at.isoformat(),
        "category": ticket.category,
        "assigned_at": ticket.sla.assigned_at.isoformat() if ticket.sla.assigned_at else None,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "channel": ticket.channel.value,
        "requester": {"email": ticket.requester.email, "name": ticket.requester.name},
        "team": ticket.team,
        "assignee": ticket.assignee,
        "language": ticket.language,
        "cc": list(ticket.cc),
        "followers": list(ticket.followers),
    }
