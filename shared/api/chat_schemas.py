"""API shapes of live chat's own routes (docs/chat.md); the chat itself speaks over its WebSocket."""

from __future__ import annotations

from pydantic import Field

from shared.api.schemas import Out


class ChatEndOut(Out):
    ticket_id: str
    ticket_number: str
    pushed: int = Field(description="how many of the visitor's open connections were told the chat ended")
