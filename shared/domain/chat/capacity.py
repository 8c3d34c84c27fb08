"""Who takes a new chat (docs/chat.md, "Agents"): chat capacity is counted apart from ticket capacity.

An online agent of the team with the fewest open chats under their chat capacity takes it (ties: the one who has
waited longest since their last chat, then by address, so the choice is stable). Every online agent full: the chat
waits in the queue and the visitor is told their position. Nobody online: the visitor is told the team answers by
mail, and the ticket stays open like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DEFAULT_CHAT_CAPACITY = 3


@dataclass(frozen=True)
class ChatSeat:
    email: str
    name: str
    online: bool
    open_chats: int
    chat_capacity: int = DEFAULT_CHAT_CAPACITY
    last_chat_at: datetime | None = None

    @property
    def free(self) -> bool:
        return self.online and self.open_chats < self.chat_capacity


@dataclass(frozen=True)
class ChatPlacement:
    outcome: str  # assigned | queued | offline
    agent: ChatSeat | None = None
    position: int = 0


def place_chat(seats: list[ChatSeat], waiting_before: int) -> ChatPlacement:
    """Where a new chat goes, given the team's agents and how many chats already wait for it."""
    online = [seat for seat in seats if seat.online]
    if not online:
        return ChatPlacement("offline")
    free = [seat for seat in online if seat.free]
    if not free or waiting_before > 0:  # those waiting longer are served first
        return ChatPlacement("queued", position=waiting_before + 1)
    floor = datetime.min.replace(tzinfo=None)

    def order(seat: ChatSeat) -> tuple[int, datetime, str]:
        last = seat.last_chat_at.replace(tzinfo=None) if seat.last_chat_at else floor
        return (seat.open_chats, last, seat.email)

    return ChatPlacement("assigned", agent=min(free, key=order))
