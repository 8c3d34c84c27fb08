"""Request and response bodies of working together on a ticket (docs/api.md, "Working together")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints, model_validator

from shared.api.schemas import NOT_NULL, EmailStr, Out, Strict, TicketOut
from shared.domain.collab import STAFF_KINDS, Collaboration, SubTask

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TeamId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Answer = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
TicketRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
NotificationId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ChannelChoice = Literal["in_app", "email", "both", "none"]


class FollowerIn(Strict):
    email: EmailStr


class SubTaskIn(Strict):
    title: Title
    assignee: EmailStr | None = None
    team: TeamId | None = None
    due_at: AwareDatetime | None = None


class SubTaskPatch(Strict):
    status: Literal["open", "done"] = NOT_NULL
    title: Title = NOT_NULL
    assignee: EmailStr | None = None
    due_at: AwareDatetime | None = None


class SubTaskOut(Out):
    id: str
    title: str
    assignee: str | None
    team: str | None
    status: Literal["open", "done"]
    due_at: datetime | None
    created_by: str
    created_at: datetime
    done_at: datetime | None = None


class SubTaskList(Out):
    items: list[SubTaskOut]


class CollaborationIn(Strict):
    team: TeamId
    request: LongText
    due_at: AwareDatetime | None = None


class CollaborationPatch(Strict):
    status: Literal["accepted", "done", "declined"]
    response: Answer | None = None


class CollaborationOut(Out):
    id: str
    team: str
    request: str
    status: Literal["open", "accepted", "done", "declined"]
    requested_by: str
    requested_at: datetime
    due_at: datetime | None
    response: str | None
    answered_by: str | None = None
    answered_at: datetime | None = None


class CollaborationList(Out):
    items: list[CollaborationOut]


class MergeIn(Strict):
    into: TicketRef = Field(description="the target ticket's id or GD number")


class MergeOut(Out):
    source: TicketOut
    target: TicketOut


class MarkReadIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        defer_build=True,
        json_schema_extra={
            "anyOf": [
                {"required": ["ids"], "properties": {"ids": {"minItems": 1}}},
                {"required": ["all"], "properties": {"all": {"const": True}}},
            ]
        },
    )
    ids: list[NotificationId] = Field(default_factory=list, max_length=200)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> MarkReadIn:
        if not self.ids and not self.all:
            raise ValueError("give ids, or all: true")
        return self


class MarkReadOut(Out):
    marked: int


class NotificationQuery(Out):
    limit: int = Field(default=100, ge=1, le=200)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None
    unread: bool = False


class NotificationSettingsIn(Strict):
    """`{"channels": {kind: choice}}`, or the kinds at the top level (`{"sla.breach": "email"}`)."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,
        defer_build=True,
        json_schema_extra={
            "propertyNames": {"enum": ["channels", *STAFF_KINDS]},
            "additionalProperties": {"enum": ["in_app", "email", "both", "none"]},
        },
    )

    channels: dict[str, ChannelChoice] = Field(
        default_factory=dict,
        max_length=len(STAFF_KINDS),
        json_schema_extra={"propertyNames": {"enum": list(STAFF_KINDS)}},
    )

    @model_validator(mode="after")
    def _flat(self) -> NotificationSettingsIn:
        for kind, choice in (self.model_extra or {}).items():
            if choice not in ("in_app", "email", "both", "none"):
                raise ValueError(f"{kind}: choose in_app, email, both or none")
            self.channels[kind] = choice
        return self

    def chosen(self) -> dict[str, str]:
        return dict(self.channels)


class NotificationSettingsOut(Out):
    channels: dict[str, ChannelChoice]


def subtask_out(subtask: SubTask, tz: Any) -> SubTaskOut:
    return SubTaskOut(
        id=subtask.id,
        title=subtask.title,
        assignee=subtask.assignee,
        team=subtask.team,
        status=subtask.status.value,  # type: ignore[arg-type]
        due_at=subtask.due_at.astimezone(tz) if subtask.due_at else None,
        created_by=subtask.created_by,
        created_at=subtask.created_at.astimezone(tz),
        done_at=subtask.done_at.astimezone(tz) if subtask.done_at else None,
    )


def collaboration_out(collaboration: Collaboration, tz: Any) -> CollaborationOut:
    return CollaborationOut(
        id=collaboration.id,
        team=collaboration.team,
        request=collaboration.request,
        status=collaboration.status.value,  # type: ignore[arg-type]
        requested_by=collaboration.requested_by,
        requested_at=collaboration.requested_at.astimezone(tz),
        due_at=collaboration.due_at.astimezone(tz) if collaboration.due_at else None,
        response=collaboration.response,
        answered_by=collaboration.answered_by,
        answered_at=collaboration.answered_at.astimezone(tz) if collaboration.answered_at else None,
    )
