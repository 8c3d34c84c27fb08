"""Who takes a new chat (docs/chat.md, "Agents"): chat capacity is counted apart from ticket capacity.

A chat ticket is routed like any other ticket (`shared/domain/assignment.py`'s `choose_agent`), with the agent seen
as a chat seat: their chat capacity (`chat_capacity`, default 3) instead of their ticket capacity, their open chats
all weighing the same (so the least loaded is the one with the fewest open chats; ties round-robin), and no senior
preference. Every online agent full: the chat waits in the team's queue and the visitor is told their position.
Nobody of the team online: the visitor is told the team answers by mail, and the ticket stays open like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from shared.domain.assignment import Candidate
from shared.domain.directory import Agent
from shared.domain.tickets import Priority

DEFAULT_CHAT_CAPACITY = 3
CHAT_PRIORITY = Priority.P4  # every open chat weighs the same, and no chat asks for a senior


def chat_candidate(agent: Agent, held: Mapping[Priority, int]) -> Candidate:
    """The agent as a chat's candidate, holding `held` open chats (by the priority they were claimed at)."""
    seat = replace(agent, capacity=agent.chat_capacity, senior=False)
    return Candidate.of(seat, [CHAT_PRIORITY] * sum(held.values()))
