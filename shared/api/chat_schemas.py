"""API shapes of live chat's own routes (docs/chat.md); the chat itself speaks over its WebSocket."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from shared.api.schemas import Out, Strict
from shared.domain.chat.settings import MAX_IDLE_MINUTES, MAX_ORIGINS, ORIGIN_MAX_LENGTH, ORIGIN_PATTERN
from shared.domain.tickets import Status

if TYPE_CHECKING:
    from shared.services.chat_desk import ChatSummary


class ChatEndOut(Out):
    ticket_id: str
    ticket_number: str
    pushed: int = Field(description="how many of the visitor's open connections were told the chat ended")


Origin = Annotated[str, StringConstraints(max_length=ORIGIN_MAX_LENGTH, pattern=ORIGIN_PATTERN)]


class ChatSettingsBody(Strict):
    allowed_origins: list[Origin] = Field(
        max_length=MAX_ORIGINS,
        description="sites whose pages may open a chat: https://host[:port], or http:// for localhost and "
        "127.0.0.1; no path. The product's own URL is always allowed and need not be listed",
    )
    idle_minutes: int = Field(ge=0, le=MAX_IDLE_MINUTES, description="an idle chat ends itself after this; 0: never")


class ChatSettingsOut(Out):
    allowed_origins: list[str] = Field(description="in lower case, each once")
    idle_minutes: int
    own_origin: str = Field(description="the product's own URL: always allowed")
    version: int = Field(description="the stored version (0: never saved, the deployment's defaults); the ETag")


class ChatListQuery(Out):
    model_config = ConfigDict(extra="ignore")

    state: Literal["waiting", "mine", "all"] = Field(
        default="all",
        description="waiting: nobody took it, oldest first; mine: the caller's; all: every open chat",
    )
    limit: int = Field(default=50, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None


class ChatOut(Out):
    ticket_id: str
    ticket_number: str
    visitor_name: str
    visitor_email: str | None = Field(default=None, description="absent when the visitor gave no address")
    text: str = Field(description="the visitor's first line")
    status: Status
    assignee_id: str | None = None
    assignee_name: str | None = None
    team_id: str | None = None
    started_at: datetime
    waiting_since: datetime | None = Field(default=None, description="set while nobody has accepted it")
    last_line_at: datetime = Field(description="the last public line, either side")
    connected: bool = Field(description="the visitor has a socket open")
    ended: bool


class ChatListOut(Out):
    items: list[ChatOut]
    next: str | None = Field(default=None, description="cursor of the next page")


def chat_out(summary: ChatSummary, tz: Any) -> ChatOut:
    ticket = summary.ticket
    waiting = summary.waiting_since
    return ChatOut(
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        visitor_name=ticket.requester.name,
        visitor_email=summary.visitor_email,
        text=summary.text,
        status=ticket.status,
        assignee_id=ticket.assignee,
        assignee_name=summary.assignee_name,
        team_id=ticket.team,
        started_at=ticket.created_at.astimezone(tz),
        waiting_since=waiting.astimezone(tz) if waiting else None,
        last_line_at=(ticket.chat_last_line_at or ticket.updated_at).astimezone(tz),
        connected=summary.connected,
        ended=ticket.chat_ended_at is not None,
    )
