"""Staff: agents (with skills, capacity, availability) and the teams they work in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Availability(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass
class Agent:
    email: str
    name: str
    role: str
    teams: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    capacity: int = 8
    availability: Availability = Availability.ONLINE
    senior: bool = False
    language: str = "zh-CN"
    chat_capacity: int = 3  # live chats at once, counted apart from tickets (docs/chat.md)


@dataclass
class Team:
    id: str
    name: str
    supervisor: str | None = None
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AgentProfile:
    """What an admin sets for an agent; availability is the agent's own switch, given only to set it."""

    name: str
    role: str
    teams: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    capacity: int = 8
    senior: bool = False
    language: str = "zh-CN"
    availability: Availability | None = None
    chat_capacity: int = 3
