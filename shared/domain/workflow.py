"""What a ticket carries for the product's own moves: the automations acted on and the next one due, the last event
triggers answered, and its closing review (结案审核).

A leaf module (the lifecycle's words only), so the ticket can hold these without importing the rules or the
automations that compute them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# Who the product's own moves are by, in the audit trail (the actor's name is the rule's or automation's).
TRIGGER_EMAIL = "trigger@system"
AUTOMATION_EMAIL = "automation@system"
# Fields of the audit trail those moves write.
TRIGGERS = "triggers"  # the rules that made a write
DEPTH = "triggers.depth"  # its place in a chain of triggers
STOPPED = "triggers.stopped"  # rules a chain held back at its depth limit
CAUSE = "triggers.cause"  # the event a trigger's write answered
AUTOMATION = "automation"  # the automation that acted
AUTOMATION_MAIL = "automation.mail"  # the notices it mailed the requester
ESCALATED = "escalated"  # the note for the supervisor ("" when none)
REVIEW = "review"  # the closing review's state, old -> new
AUTOMATIC_MAIL = "mail.automatic"  # email intake: automatic mail kept in a conversation, moving nothing
# The requester's notices an automation may send (shared/templates/<language>/<name>.*).
MAIL_TEMPLATES = ("closing_notice", "waiting_reminder", "auto_resolved")


@dataclass(frozen=True)
class AutomationState:
    # Automations acted on, once each per ticket and condition: "<automation id>@<when the ticket entered its
    # status>", so a ticket that comes back to a status (waiting again after a reply) starts its timers afresh.
    done: tuple[str, ...] = ()
    next_at: datetime | None = None  # the sweep's due list: when the next automation acts
    next_id: str | None = None
    next_name: str | None = None
    # The last event the triggers answered (its ticket version, and the ids of the events of that version they
    # answered): a redelivered event is answered once.
    trigger_mark: int = 0
    trigger_events: tuple[str, ...] = ()


class ReviewState(StrEnum):
    PENDING = "pending"  # waiting in the supervisors' "to review" list
    APPROVED = "approved"  # closed by, or with, a supervisor's approval
    REJECTED = "rejected"  # sent back to the assignee with a comment


@dataclass(frozen=True)
class Review:
    """结案审核: who asked to close the ticket and when, and what the reviewer decided."""

    state: ReviewState
    requested_by: str  # an email, or the automation's name
    requested_at: datetime
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    comment: str = ""

    @property
    def pending(self) -> bool:
        return self.state is ReviewState.PENDING

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "reviewer": self.reviewer,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "comment": self.comment,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Review | None:
        if not data:
            return None
        reviewed = data.get("reviewed_at")
        return cls(
            ReviewState(data["state"]),
            str(data.get("requested_by") or ""),
            datetime.fromisoformat(data["requested_at"]),
            data.get("reviewer"),
            datetime.fromisoformat(reviewed) if reviewed else None,
            str(data.get("comment") or ""),
        )
