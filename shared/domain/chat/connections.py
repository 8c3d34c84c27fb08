"""An open WebSocket connection of the chat, and whose it is (docs/chat.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ChatConnection:
    connection_id: str
    role: str  # visitor | staff
    connected_at: datetime
    email: str | None = None  # a signed-in customer's or staff member's address
    name: str | None = None
    conversation: str | None = None  # the ticket id, once started or resumed
    origin: str | None = None
