"""The ticket and its life: 受理 intake -> 转办 routing -> 处理 handling -> 结案 closing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.domain.collab import FOLLOWER_TAG, Collaboration, MergeLink, SubTask
from shared.domain.lifecycle import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Channel,
    FieldChange,
    Priority,
    Status,
    StatusEntry,
)
from shared.domain.sla.state import SlaState
from shared.domain.workflow import AutomationState, Review
from shared.errors import InvalidTransition, TicketClosed

__all__ = [
    "FINISHED_STATUSES",
    "OPEN_STATUSES",
    "PATCHABLE_FIELDS",
    "TRANSITIONS",
    "Channel",
    "FieldChange",
    "Person",
    "Priority",
    "Satisfaction",
    "Status",
    "StatusEntry",
    "Ticket",
    "ticket_number",
]
PATCHABLE_FIELDS = ("status", "priority", "team", "assignee", "category", "tags", "custom_fields")


def ticket_number(local_day: date, sequence: int) -> str:
    """`GD` + the tenant's local date + the day's sequence, at least three digits: GD20240501001."""
    return f"GD{local_day:%Y%m%d}{sequence:03d}"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""
    role: str = "customer"


@dataclass(frozen=True)
class Satisfaction:
    """The requester's answer to the satisfaction survey (1 very dissatisfied ... 5 very satisfied)."""

    score: int
    comment: str
    rated_at: datetime

    @property
    def low(self) -> bool:
        """差评: a 1 or a 2 asks the team's supervisor to call back (差评回访)."""
        return self.score <= 2

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "comment": self.comment, "rated_at": self.rated_at.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Satisfaction | None:
        if not data:
            return None
        return cls(int(data["score"]), str(data.get("comment") or ""), datetime.fromisoformat(data["rated_at"]))


@dataclass
class Ticket:
    id: str
    number: str
    subject: str
    description: str
    requester: Person
    created_at: datetime
    updated_at: datetime
    status: Status = Status.NEW
    priority: Priority = Priority.P3
    channel: Channel = Channel.WEB
    team: str | None = None
    assignee: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    language: str = "zh-CN"
    version: int = 0
    status_history: list[StatusEntry] = field(default_factory=list)
    sla: SlaState = field(default_factory=SlaState)
    cc: list[str] = field(default_factory=list)  # email tickets: addresses copied on the conversation
    satisfaction: Satisfaction | None = None  # the requester's latest survey answer
    automation: AutomationState = field(default_factory=AutomationState)  # automations and triggers (workflow.py)
    review: Review | None = None  # 结案审核, once someone asked to close a ticket that needs it
    articles: list[str] = field(default_factory=list)  # knowledge-base articles an agent linked to it
    # Working together (shared/domain/collab.py): staff who follow it, its sub-tasks and collaboration requests.
    followers: list[str] = field(default_factory=list)
    subtasks: list[SubTask] = field(default_factory=list)
    collaborations: list[Collaboration] = field(default_factory=list)
    merged_into: MergeLink | None = None  # closed as a duplicate of that ticket
    merged_from: list[MergeLink] = field(default_factory=list)  # duplicates merged into this one
    second_level_at: datetime | None = None  # a breach goes up a level then, if still unhandled (the sweep)
    # The requester's customer record as the ticket was opened: {"tier", "region", "organization"} (what is set).
    customer: dict[str, str] = field(default_factory=dict)
    # Files attached when it was opened on the web: [{id, filename, content_type, size, key}] (shared/domain/uploads.py)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    chat_ended_at: datetime | None = None  # a `chat` ticket's conversation ended (docs/chat.md); None while live
    chat_last_line_at: datetime | None = None  # its last public line, either side
    chat_idle_minutes: int = 0  # it ends itself after this long without a line (set when it starts; 0: never)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def chat_idle_at(self) -> datetime | None:
        """When a live chat without a line since ends itself (the sweep acts on it; docs/chat.md)."""
        if self.channel is not Channel.CHAT or not self.is_open or self.chat_ended_at is not None:
            return None
        if not self.chat_idle_minutes or self.chat_last_line_at is None:
            return None
        return self.chat_last_line_at + timedelta(minutes=self.chat_idle_minutes)

    @property
    def sweep_due_at(self) -> datetime | None:
        """When the sweep next has something to do with the ticket: its SLA's next checkpoint while open, its next
        automation until it is closed (the earliest of the two; None: nothing)."""
        due = [self.sla.next_checkpoint_at] if self.is_open and self.sla.next_checkpoint_at is not None else []
        if self.automation.next_at is not None and self.status is not Status.CLOSED:
            due.append(self.automation.next_at)
        if self.is_open:  # an overdue sub-task is told once; a breach goes up a level (shared/services/sla_sweep.py)
            due += [at for at in (s.overdue_at() for s in self.subtasks) if at is not None]
            due += [self.second_level_at] if self.second_level_at is not None else []
            due += [self.chat_idle_at] if self.chat_idle_at is not None else []
        return min(due, default=None)

    def absorb_follower_tags(self) -> list[FieldChange]:
        """`follower:<email>` tags (what `add_follower` wrote before tickets had followers, and still writes through
        the rules' tags) become followers."""
        found = [t[len(FOLLOWER_TAG) :].lower() for t in self.tags if t.startswith(FOLLOWER_TAG)]
        if not found:
            return []
        old_tags = list(self.tags)
        self.tags = [t for t in self.tags if not t.startswith(FOLLOWER_TAG)]
        return [FieldChange("tags", old_tags, list(self.tags)), *self.follow([f for f in found if f])]

    @property
    def open_subtasks(self) -> list[SubTask]:
        return [s for s in self.subtasks if s.is_open]

    def subtask(self, subtask_id: str) -> SubTask | None:
        return next((s for s in self.subtasks if s.id == subtask_id), None)

    def collaboration(self, collaboration_id: str) -> Collaboration | None:
        return next((c for c in self.collaborations if c.id == collaboration_id), None)

    def follow(self, emails: list[str]) -> list[FieldChange]:
        """Adds followers not following yet; the change, if any."""
        new = [e for e in dict.fromkeys(e.lower() for e in emails) if e not in self.followers]
        if not new:
            return []
        old = list(self.followers)
        self.followers = [*old, *new]
        return [FieldChange("followers", old, list(self.followers))]

    def unfollow(self, email: str) -> list[FieldChange]:
        if email.lower() not in self.followers:
            return []
        old = list(self.followers)
        self.followers = [f for f in old if f != email.lower()]
        return [FieldChange("followers", old, list(self.followers))]

    def close_as_merged(self, target: MergeLink, now: datetime) -> list[FieldChange]:
        """Closed as a duplicate of `target`: final, whatever the status was (no review: nothing was solved here)."""
        old = self.status
        self.merged_into = target
        self.updated_at = now
        changes = [FieldChange("merged_into", None, target.to_dict())]
        if old is not Status.CLOSED:
            self.status = Status.CLOSED
            self.status_history.append(StatusEntry(Status.CLOSED, now))
            changes.append(FieldChange("status", old.value, Status.CLOSED.value))
        return changes

    @property
    def next_statuses(self) -> tuple[Status, ...]:
        return TRANSITIONS[self.status]

    def apply_changes(self, changes: dict[str, Any], now: datetime) -> list[FieldChange]:
        """Apply an edit; returns what changed. The SLA is brought in step by whoever writes the ticket, once, after
        every change of the write (`shared/services/sla.py`)."""
        applied: list[FieldChange] = []
        explicit_status = "status" in changes
        if explicit_status:
            self._check_move(Status(changes["status"]))  # before anything changes: all or nothing
        follow_tags: list[str] = []
        if "tags" in changes:
            # `follower:<email>` tags (an `add_follower` rule's, or typed by staff) become followers.
            tags = list(changes["tags"] or [])
            follow_tags = [t[len(FOLLOWER_TAG) :] for t in tags if t.startswith(FOLLOWER_TAG) and t != FOLLOWER_TAG]
            changes = {**changes, "tags": [t for t in tags if not t.startswith(FOLLOWER_TAG)]}
        for name in PATCHABLE_FIELDS:
            if name not in changes or name == "status":
                continue
            old, new = getattr(self, name), changes[name]
            if old != new:
                setattr(self, name, new)
                applied.append(FieldChange(name, _plain(old), _plain(new)))
        if "tags" in changes:
            applied += self.follow(follow_tags)
        if explicit_status:
            applied += self._move_to(Status(changes["status"]), now)
        elif "assignee" in changes:
            # Taking a new ticket starts work on it; handing it back returns it to the queue.
            if self.assignee and self.status is Status.NEW:
                applied += self._move_to(Status.IN_PROGRESS, now)
            elif not self.assignee and self.status is Status.IN_PROGRESS:
                applied += self._move_to(Status.NEW, now)
        if applied:
            self.updated_at = now
        return applied

    def record_staff_reply(self, now: datetime) -> list[FieldChange]:
        self.updated_at = now
        if self.sla.first_responded_at is not None:
            return []
        self.sla = replace(self.sla, first_responded_at=now)
        return [FieldChange("sla.first_responded_at", None, now.isoformat())]

    def record_customer_reply(self, now: datetime) -> list[FieldChange]:
        """A customer's answer puts a waiting or resolved ticket back in front of the team."""
        if self.status is Status.CLOSED:
            raise TicketClosed("this ticket is closed; please open a new one")
        self.updated_at = now
        if self.status is Status.WAITING_CUSTOMER or self.status is Status.RESOLVED:
            return self._move_to(Status.IN_PROGRESS if self.assignee else Status.NEW, now)
        return []

    def _check_move(self, status: Status) -> None:
        if status is not self.status and status not in TRANSITIONS[self.status]:
            raise InvalidTransition(f"a ticket cannot move from {self.status.value} to {status.value}", field="status")

    def _move_to(self, status: Status, now: datetime) -> list[FieldChange]:
        if status is self.status:
            return []
        self._check_move(status)
        old = self.status
        self.status = status
        self.status_history.append(StatusEntry(status, now))
        self.updated_at = now
        return [FieldChange("status", old.value, status.value)]


def _plain(value: Any) -> Any:
    """Values as they appear in the audit trail: JSON-friendly copies."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
