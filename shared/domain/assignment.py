"""Choosing the agent for a ticket (分派): pure and linear in the number of candidates.

In order:
1. Candidates are the ticket team's agents who are online, have every required skill, and hold fewer open tickets
   than their capacity (a hard limit: capacity counts tickets, whatever their priority).
2. The customer's previous agent, when a candidate, keeps the customer (continuity beats balance).
3. P1 and P2 tickets go to senior agents when any senior is a candidate.
4. Otherwise the lowest load, weighted by priority (`PRIORITY_WEIGHTS`: a P1 in hand weighs four P4s); ties go
   round-robin: the first tied agent by email after the cursor (the last agent chosen this way), wrapping around.
   The caller stores the returned cursor, per team, for the next ticket.
Which tickets count as an agent's open load (e.g. whether `waiting_customer` ones do) is the caller's choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from shared.domain.directory import Agent, Availability
from shared.domain.tickets import Priority

PRIORITY_WEIGHTS: Mapping[Priority, int] = {Priority.P1: 4, Priority.P2: 3, Priority.P3: 2, Priority.P4: 1}
SENIOR_PRIORITIES = frozenset({Priority.P1, Priority.P2})


class AssignmentReason(StrEnum):
    PREVIOUS_AGENT = "previous_agent"
    SENIOR_LEAST_LOADED = "senior_least_loaded"
    LEAST_LOADED = "least_loaded"
    # Nobody could take it:
    NO_TEAM = "no_team"
    NO_TEAM_MEMBERS = "no_team_members"
    NOBODY_AVAILABLE = "nobody_available"
    MISSING_SKILLS = "missing_skills"
    ALL_AT_CAPACITY = "all_at_capacity"


@dataclass(frozen=True)
class Candidate:
    email: str
    teams: frozenset[str]
    skills: frozenset[str] = frozenset()
    availability: Availability = Availability.ONLINE
    capacity: int = 8
    senior: bool = False
    open_tickets: Mapping[Priority, int] = field(default_factory=dict)  # open tickets in hand, by priority

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", self.email.lower())
        object.__setattr__(self, "teams", frozenset(self.teams))
        object.__setattr__(self, "skills", frozenset(s.casefold() for s in self.skills))
        object.__setattr__(self, "open_tickets", {Priority(p): n for p, n in self.open_tickets.items() if n})

    @classmethod
    def of(cls, agent: Agent, open_priorities: Iterable[Priority | str] = ()) -> Candidate:
        """An agent from the directory with the priorities of the open tickets they hold."""
        return cls(
            email=agent.email,
            teams=frozenset(agent.teams),
            skills=frozenset(agent.skills),
            availability=Availability(agent.availability),
            capacity=agent.capacity,
            senior=agent.senior,
            open_tickets=Counter(Priority(p) for p in open_priorities),
        )

    @property
    def open_count(self) -> int:
        return sum(self.open_tickets.values())

    @property
    def weighted_load(self) -> int:
        return sum(PRIORITY_WEIGHTS[p] * n for p, n in self.open_tickets.items())


@dataclass(frozen=True)
class TicketNeeds:
    team: str | None
    priority: Priority
    required_skills: frozenset[str] = frozenset()
    previous_agent: str | None = None  # who last served this requester

    def __post_init__(self) -> None:
        object.__setattr__(self, "priority", Priority(self.priority))
        object.__setattr__(self, "required_skills", frozenset(s.casefold() for s in self.required_skills))
        if self.previous_agent:
            object.__setattr__(self, "previous_agent", self.previous_agent.lower())


@dataclass(frozen=True)
class Assignment:
    agent: str | None  # None: nobody can take it now; the ticket stays in the team's queue
    reason: AssignmentReason
    detail: str  # for the audit trail
    cursor: str | None  # the round-robin cursor to store for the next ticket

    @property
    def assigned(self) -> bool:
        return self.agent is not None


def choose_agent(needs: TicketNeeds, candidates: Iterable[Candidate], cursor: str | None = None) -> Assignment:
    if not needs.team:
        return Assignment(None, AssignmentReason.NO_TEAM, "the ticket has no team yet", cursor)
    members = offline = unskilled = full = 0
    eligible: list[Candidate] = []
    previous: Candidate | None = None
    any_senior = False
    for candidate in candidates:
        if needs.team not in candidate.teams:
            continue
        members += 1
        if candidate.availability is not Availability.ONLINE:
            offline += 1
        elif not needs.required_skills <= candidate.skills:
            unskilled += 1
        elif candidate.open_count >= candidate.capacity:
            full += 1
        else:
            eligible.append(candidate)
            any_senior = any_senior or candidate.senior
            if candidate.email == needs.previous_agent:
                previous = candidate
    if not eligible:
        return _nobody(needs, members, offline, unskilled, full, cursor)
    if previous is not None:
        detail = f"{previous.email} served this customer before (load {previous.weighted_load})"
        return Assignment(previous.email, AssignmentReason.PREVIOUS_AGENT, detail, cursor)
    seniors_only = needs.priority in SENIOR_PRIORITIES and any_senior
    pool = [c for c in eligible if c.senior] if seniors_only else eligible
    chosen, tied = _least_loaded(pool, cursor)
    who = "senior agents" if seniors_only else "agents"
    detail = f"lowest weighted load ({chosen.weighted_load}) among {len(pool)} eligible {who}"
    if seniors_only:
        detail = f"{needs.priority.value} goes to a senior agent; " + detail
    if tied > 1:
        detail += f", round-robin among {tied} tied"
    reason = AssignmentReason.SENIOR_LEAST_LOADED if seniors_only else AssignmentReason.LEAST_LOADED
    return Assignment(chosen.email, reason, detail, chosen.email)


def _least_loaded(pool: Iterable[Candidate], cursor: str | None) -> tuple[Candidate, int]:
    """The least-loaded candidate, ties to the first email after the cursor (wrapping): one pass, no sort."""
    best_load: int | None = None
    first: Candidate | None = None  # lowest email among the tied
    after: Candidate | None = None  # lowest email after the cursor among the tied
    tied = 0
    for candidate in pool:
        load = candidate.weighted_load
        if best_load is None or load < best_load:
            best_load, first, after, tied = load, None, None, 0
        if load != best_load:
            continue
        tied += 1
        if first is None or candidate.email < first.email:
            first = candidate
        if cursor is not None and candidate.email > cursor and (after is None or candidate.email < after.email):
            after = candidate
    assert first is not None  # the pool is never empty
    return after or first, tied


def _nobody(
    needs: TicketNeeds, members: int, offline: int, unskilled: int, full: int, cursor: str | None
) -> Assignment:
    team = needs.team
    if not members:
        return Assignment(None, AssignmentReason.NO_TEAM_MEMBERS, f"team {team} has no agents", cursor)
    counts = f"{members} in team {team}: {offline} not online, {unskilled} missing skills, {full} at capacity"
    if offline == members:
        return Assignment(None, AssignmentReason.NOBODY_AVAILABLE, f"nobody online ({counts})", cursor)
    if offline + unskilled == members:
        skills = ", ".join(sorted(needs.required_skills))
        return Assignment(None, AssignmentReason.MISSING_SKILLS, f"nobody online has {skills} ({counts})", cursor)
    return Assignment(None, AssignmentReason.ALL_AT_CAPACITY, f"all at capacity ({counts})", cursor)


# -- what an assignment decision changes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    """Whose load a ticket counts in, and at which priority."""

    agent: str
    priority: Priority


@dataclass(frozen=True)
class Wait:
    """A ticket's place in its team's queue (highest priority, then oldest, first)."""

    team: str
    ticket_id: str
    sk: str


@dataclass
class RoutingWrite:
    """Everything one routing decision changes besides the ticket, written in the ticket's own transaction."""

    claim_agent: str | None = None  # the agent whose load the ticket now counts in (None: nobody's)
    capacity: int | None = None  # the claim's hard limit (None: a staff decision, not limited)
    old_claim: Claim | None = None  # the claim read before
    enqueue: str | None = None  # the team whose queue the ticket joins
    dequeue: Wait | None = None  # the queue entry it leaves (must still be there)
    stale_waits: tuple[Wait, ...] = ()  # other queue entries to drop (no condition)
    cursor: tuple[str, str] | None = None  # (team, agent): the round-robin cursor to store
