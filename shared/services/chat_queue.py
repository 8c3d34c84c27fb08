"""Live chats in routing (docs/chat.md, "Agents"): who may take a chat, and what waiting visitors are told.

A chat ticket is routed by the assignment function like any other ticket (rules, team, `choose_agent`, the team's
queue), with the agent seen as a chat seat (`shared/domain/chat/capacity.py`): their chat capacity (default 3, in
its own counter `AGENTCHAT#<email>`), not their ticket capacity; the fewest open chats first (round-robin between
equals; no customer continuity or senior rule: a chat is answered by whoever is free now). An ended chat frees its
seat. Waiting visitors hear their position in the
team's waiting chats (`queue`) when their chat waits and again whenever that queue moves; a chat that finds nobody
of its team online hears `offline` (once: the start already said so when nobody at all was online).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shared.domain.chat import protocol
from shared.domain.tickets import Channel, Ticket
from shared.services.ports import ChatLists

WAITING_READ = 100  # waiting chats read to number a team's queue (a page of the index)


def is_live_chat(ticket: Ticket) -> bool:
    """A chat ticket whose conversation has not ended: it wants (or holds) a chat seat."""
    return ticket.channel is Channel.CHAT and ticket.chat_ended_at is None


class ChatQueue:
    def __init__(
        self,
        lists: ChatLists,
        push: Callable[[str, dict[str, Any]], int],
        anyone_online: Callable[[], bool],
    ) -> None:
        self._lists = lists
        self._push = push
        self._anyone_online = anyone_online

    def waiting(self, team: str | None) -> list[Ticket]:
        """The team's waiting chats, oldest first (the first page of the waiting list)."""
        page = self._lists.page("waiting", None, WAITING_READ, None)
        return [
            t
            for t in page.items
            if t.team == team and t.is_open and not t.assignee and is_live_chat(t) and t.channel is Channel.CHAT
        ]

    def tell_positions(self, teams: Iterable[str | None]) -> list[str]:
        """Every waiting visitor of these teams hears where they stand now."""
        done = []
        for team in dict.fromkeys(t for t in teams if t):
            waiting = self.waiting(team)
            for position, ticket in enumerate(waiting, start=1):
                self._push(ticket.id, protocol.queue(position))
            if waiting:
                done.append(f"chat queue of {team}: {len(waiting)} waiting visitor(s) told their position")
        return done

    def tell_offline(self, ticket: Ticket) -> list[str]:
        if not self._anyone_online():
            return []  # the start said so already
        delivered = self._push(ticket.id, protocol.offline())
        return [f"chat {ticket.number}: nobody of team {ticket.team} online, told {delivered} connection(s)"]
