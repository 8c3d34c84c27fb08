"""Working together on a ticket: followers, @mentions, sub-tasks (子任务), collaboration requests (协作请求) and
merging duplicates. Pure values; the ticket holds them (shared/domain/tickets.py) and they are written with it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

# `@zhangwei@demo.local` in a note: the SPA's picker turns `@张伟` into the address before the note is sent.
_MENTION = re.compile(r"(?<![\w.+-])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
MAX_SUBTASKS = 50  # the ticket item carries them: bounded so the item stays small
MAX_COLLABORATIONS = 20
MAX_FOLLOWERS = 50
MAX_MERGED_MESSAGES = 80  # copied in the merge's one transaction (100 items at most, with the tickets' own)
FOLLOWER_TAG = "follower:"  # the stop-gap automations used before tickets had followers (still read)


def mentioned(body: str) -> list[str]:
    """The addresses a note names with `@`, lower-cased, in order, once each (whether they are staff is the
    directory's to say)."""
    return list(dict.fromkeys(m.lower().rstrip(".") for m in _MENTION.findall(body)))


class SubTaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class CollaborationStatus(StrEnum):
    OPEN = "open"  # asked, not yet taken up
    ACCEPTED = "accepted"  # the team works on it
    DONE = "done"
    DECLINED = "declined"


ANSWERS = (CollaborationStatus.ACCEPTED, CollaborationStatus.DONE, CollaborationStatus.DECLINED)
PENDING_COLLABORATION = frozenset({CollaborationStatus.OPEN, CollaborationStatus.ACCEPTED})


@dataclass(frozen=True)
class SubTask:
    id: str
    title: str
    status: SubTaskStatus
    created_by: str
    created_at: datetime
    assignee: str | None = None
    team: str | None = None
    due_at: datetime | None = None
    done_at: datetime | None = None
    overdue_noticed: bool = False  # the sweep told the assignees once

    @property
    def is_open(self) -> bool:
        return self.status is SubTaskStatus.OPEN

    def overdue_at(self) -> datetime | None:
        """When the sweep has to tell of it being overdue (None: nothing to tell)."""
        return self.due_at if self.is_open and self.due_at is not None and not self.overdue_noticed else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "assignee": self.assignee,
            "team": self.team,
            "status": self.status.value,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "overdue_noticed": self.overdue_noticed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubTask:
        return cls(
            id=data["id"],
            title=data["title"],
            status=SubTaskStatus(data.get("status", "open")),
            created_by=data.get("created_by", ""),
            created_at=datetime.fromisoformat(data["created_at"]),
            assignee=data.get("assignee"),
            team=data.get("team"),
            due_at=_time(data.get("due_at")),
            done_at=_time(data.get("done_at")),
            overdue_noticed=bool(data.get("overdue_noticed")),
        )

    def edited(self, changes: dict[str, Any], now: datetime) -> SubTask:
        """The sub-task with `changes` (status, title, assignee, due_at) applied; a new due date is told again."""
        status = SubTaskStatus(changes.get("status", self.status))
        done_at = self.done_at
        if status is not self.status:
            done_at = now if status is SubTaskStatus.DONE else None
        due_at = changes.get("due_at", self.due_at)
        return replace(
            self,
            title=changes.get("title", self.title),
            assignee=changes.get("assignee", self.assignee),
            due_at=due_at,
            status=status,
            done_at=done_at,
            overdue_noticed=self.overdue_noticed and due_at == self.due_at,
        )


@dataclass(frozen=True)
class Collaboration:
    id: str
    team: str
    request: str
    status: CollaborationStatus
    requested_by: str
    requested_at: datetime
    due_at: datetime | None = None
    response: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.status in PENDING_COLLABORATION

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team": self.team,
            "request": self.request,
            "status": self.status.value,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "response": self.response,
            "answered_by": self.answered_by,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Collaboration:
        return cls(
            id=data["id"],
            team=data["team"],
            request=data["request"],
            status=CollaborationStatus(data.get("status", "open")),
            requested_by=data.get("requested_by", ""),
            requested_at=datetime.fromisoformat(data["requested_at"]),
            due_at=_time(data.get("due_at")),
            response=data.get("response"),
            answered_by=data.get("answered_by"),
            answered_at=_time(data.get("answered_at")),
        )


@dataclass(frozen=True)
class MergeLink:
    """One end of a merge: the other ticket's id and number."""

    id: str
    number: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "number": self.number}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MergeLink:
        return cls(str(data["id"]), str(data["number"]))


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- who hears of what, by which way (GET/PUT /api/me/notification-settings) ------------------------------------------
class Channels(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    BOTH = "both"
    NONE = "none"


# Alerts that must reach people who are not looking default to both; mentions are meant for one person, so mailed too.
DEFAULT_CHANNELS: dict[str, Channels] = {
    "mention": Channels.BOTH,
    "sla.breach": Channels.BOTH,
    "ticket.escalated": Channels.BOTH,
    "sla.escalated_second_level": Channels.BOTH,
}
# Kinds whose mail waits for the sweep's digest (one mail per person per sweep, however many alerts it found).
DIGEST_KINDS = frozenset(
    {
        "sla.warning",
        "sla.breach",
        "ticket.escalated",
        "ticket.ack_timeout",
        "sla.escalated_second_level",
        "subtask.overdue",
    }
)
# Every kind a person may choose for (the notices table's staff kinds, shared/domain/notices.py).
STAFF_KINDS = (
    "mention",
    "ticket.assigned",
    "follower.message",
    "follower.status",
    "subtask.assigned",
    "subtask.overdue",
    "collaboration.requested",
    "collaboration.answered",
    "ticket.merged",
    "sla.warning",
    "sla.breach",
    "ticket.escalated",
    "sla.escalated_second_level",
    "ticket.ack_timeout",
    "ticket.urged",
    "ticket.transferred",
    "rule.notify",
    "satisfaction.low",
    "message.undelivered",
    "review.requested",
    "review.rejected",
)


def channels_for(kind: str, chosen: dict[str, str]) -> Channels:
    value = chosen.get(kind)
    return Channels(value) if value in Channels.__members__.values() else DEFAULT_CHANNELS.get(kind, Channels.IN_APP)


def in_app(channels: Channels) -> bool:
    return channels in (Channels.IN_APP, Channels.BOTH)


def by_mail(channels: Channels) -> bool:
    return channels in (Channels.EMAIL, Channels.BOTH)


class WorkTicket(Protocol):
    """What the work lists read of a ticket."""

    @property
    def status(self) -> Any: ...

    @property
    def subtasks(self) -> list[SubTask]: ...

    @property
    def collaborations(self) -> list[Collaboration]: ...


def work_lists(ticket: WorkTicket) -> set[tuple[str, str]]:
    """The work lists a ticket is in: ("subtasks", person) while they hold an open sub-task of it, and
    ("collaborating", team) while a request to that team is open or accepted; none once it is closed."""
    if str(ticket.status) == "closed":
        return set()
    lists = {("subtasks", s.assignee.lower()) for s in ticket.subtasks if s.is_open and s.assignee}
    return lists | {("collaborating", c.team) for c in ticket.collaborations if c.pending}
