"""The directory and the agents' loads as one assignment decision sees them (shared/services/assignment.py): read
when first needed, the loads of a team's agents only, and read again after a lost race. Tickets and live chats are
counted apart (each with its own capacity; docs/chat.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from shared.domain.assignment import Candidate
from shared.domain.chat.capacity import chat_candidate
from shared.domain.directory import Agent, Team
from shared.domain.tickets import Priority
from shared.services.ports import Loads


class Directory:
    """The directory and the loads of a team's agents as one assignment decision sees them (read when first needed,
    the loads read again after a lost race)."""

    def __init__(self, list_all: Callable[[], tuple[list[Agent], list[Team]]], store: Loads) -> None:
        self._list_all = list_all
        self._store = store
        self._agents: dict[str, Agent] | None = None
        self._teams: dict[str, Team] | None = None
        self._loaded: set[tuple[str, bool]] = set()  # (team, chat): whose members' loads are read
        self.loads: dict[str, dict[Priority, int]] = {}
        self.chat_loads: dict[str, dict[Priority, int]] = {}  # open live chats, apart from tickets

    def agents(self) -> dict[str, Agent]:
        if self._agents is None:
            agents, teams = self._list_all()
            self._agents = {a.email.lower(): a for a in agents}
            self._teams = {t.id: t for t in teams}
        return self._agents

    def teams(self) -> dict[str, Team]:
        self.agents()
        assert self._teams is not None
        return self._teams

    def members(self, team: str) -> list[str]:
        return [email for email, agent in self.agents().items() if team in agent.teams]

    def refresh_loads(self, team: str, chat: bool = False) -> None:
        """Only the team's agents: one BatchGetItem per hundred of them, whatever the size of the desk."""
        (self.chat_loads if chat else self.loads).update(_copy(self._store.loads(self.members(team), chat=chat)))
        self._loaded.add((team, chat))

    def count(self, agent: str, priority: Priority, chat: bool) -> None:
        """This decision's own assignment, counted into the loads it goes on deciding with."""
        by_priority = (self.chat_loads if chat else self.loads).setdefault(agent.lower(), {})
        by_priority[priority] = by_priority.get(priority, 0) + 1

    def candidates(self, team: str, exclude: Iterable[str] = (), chat: bool = False) -> list[Candidate]:
        if (team, chat) not in self._loaded:
            self.refresh_loads(team, chat)
        skip = set(exclude)
        if chat:  # a live chat: chat capacity and open chats (shared/services/chat_queue.py)
            held = self.chat_loads
            return [chat_candidate(self.agents()[e], held.get(e, {})) for e in self.members(team) if e not in skip]
        return [
            Candidate.of(self.agents()[email], Counter(self.loads.get(email, {})).elements())
            for email in self.members(team)
            if email not in skip
        ]


def _copy(loads: Mapping[str, Mapping[Priority, int]]) -> dict[str, dict[Priority, int]]:
    """Loads this decision may count its own assignments into."""
    return {agent: dict(by_priority) for agent, by_priority in loads.items()}
