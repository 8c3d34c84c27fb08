"""Choosing an agent: eligibility, continuity, seniors for P1/P2, weighted load and round-robin; pure domain."""

from __future__ import annotations

import time

from shared.domain.assignment import (
    PRIORITY_WEIGHTS,
    AssignmentReason,
    Candidate,
    TicketNeeds,
    choose_agent,
)
from shared.domain.directory import Agent, Availability
from shared.domain.tickets import Priority

P1, P2, P3, P4 = Priority.P1, Priority.P2, Priority.P3, Priority.P4


def agent(email, *, teams=("tech",), skills=(), capacity=8, senior=False, load=None, availability="online"):
    return Candidate(
        email=email,
        teams=frozenset(teams),
        skills=frozenset(skills),
        availability=Availability(availability),
        capacity=capacity,
        senior=senior,
        open_tickets=load or {},
    )


def needs(priority=P3, team="tech", skills=(), previous=None) -> TicketNeeds:
    return TicketNeeds(team, priority, frozenset(skills), previous)


def test_weights_and_weighted_load():
    assert [PRIORITY_WEIGHTS[p] for p in (P1, P2, P3, P4)] == [4, 3, 2, 1]
    holder = agent("a@x.cn", load={P1: 1, P3: 2, P4: 1})
    assert (holder.open_count, holder.weighted_load) == (4, 4 + 2 * 2 + 1)
    from_directory = Candidate.of(
        Agent("Zhang@Demo.local", "张伟", "agent", teams=["tech"], skills=["Network"], senior=True), ["P1", "P3", "P3"]
    )
    assert from_directory.email == "zhang@demo.local" and from_directory.skills == {"network"}
    assert from_directory.weighted_load == 8 and from_directory.senior


def test_only_the_teams_online_agents_with_every_skill_are_candidates():
    pool = [
        agent("billing@x.cn", teams=("billing",), skills=("network", "vpn")),
        agent("away@x.cn", skills=("network", "vpn"), availability="away"),
        agent("half@x.cn", skills=("network",)),
        agent("fits@x.cn", skills=("Network", "VPN", "hardware"), load={P3: 5}),
    ]
    choice = choose_agent(needs(skills=("network", "vpn")), pool)
    assert choice.agent == "fits@x.cn" and choice.reason is AssignmentReason.LEAST_LOADED


def test_capacity_is_a_hard_limit_counted_in_tickets():
    pool = [
        agent("full@x.cn", capacity=3, load={P4: 3}),  # light weight, but three tickets
        agent("busy@x.cn", capacity=8, load={P1: 4}),
    ]
    assert choose_agent(needs(), pool).agent == "busy@x.cn"
    zero = agent("admin@x.cn", capacity=0)
    assert choose_agent(needs(), [zero]).reason is AssignmentReason.ALL_AT_CAPACITY


def test_the_previous_agent_keeps_the_customer():
    pool = [agent("idle@x.cn"), agent("prev@x.cn", load={P2: 3})]
    choice = choose_agent(needs(previous="Prev@x.cn"), pool, cursor="idle@x.cn")
    assert (choice.agent, choice.reason) == ("prev@x.cn", AssignmentReason.PREVIOUS_AGENT)
    assert choice.cursor == "idle@x.cn"  # continuity does not move the rotation
    # ...but only when they are a candidate.
    full = [agent("idle@x.cn"), agent("prev@x.cn", capacity=1, load={P3: 1})]
    assert choose_agent(needs(previous="prev@x.cn"), full).agent == "idle@x.cn"


def test_p1_and_p2_go_to_seniors_when_one_is_a_candidate():
    pool = [agent("junior@x.cn"), agent("senior@x.cn", senior=True, load={P1: 2, P2: 1})]
    for priority in (P1, P2):
        choice = choose_agent(needs(priority), pool)
        assert (choice.agent, choice.reason) == ("senior@x.cn", AssignmentReason.SENIOR_LEAST_LOADED)
        assert choice.detail.startswith(f"{priority.value} goes to a senior agent")
    assert choose_agent(needs(P3), pool).agent == "junior@x.cn"  # P3 balances across everyone
    # No senior can take it: the least-loaded junior does.
    off = [agent("junior@x.cn"), agent("senior@x.cn", senior=True, availability="offline")]
    assert choose_agent(needs(P1), off).agent == "junior@x.cn"


def test_the_lowest_weighted_load_wins():
    pool = [
        agent("a@x.cn", load={P4: 4}),  # 4 tickets, weight 4
        agent("b@x.cn", load={P1: 1, P3: 1}),  # 2 tickets, weight 6
        agent("c@x.cn", load={P2: 1}),  # 1 ticket, weight 3
    ]
    choice = choose_agent(needs(), pool)
    assert choice.agent == "c@x.cn" and "lowest weighted load (3) among 3 eligible agents" in choice.detail


def test_ties_go_round_robin_from_the_cursor():
    pool = [agent("c@x.cn"), agent("a@x.cn"), agent("b@x.cn"), agent("busy@x.cn", load={P3: 1})]
    cursor, chosen = None, []
    for _ in range(4):
        choice = choose_agent(needs(), pool, cursor)
        chosen.append(choice.agent)
        cursor = choice.cursor
    assert chosen == ["a@x.cn", "b@x.cn", "c@x.cn", "a@x.cn"]
    assert "round-robin among 3 tied" in choice.detail
    # Deterministic: the same cursor gives the same choice, and a cursor of an agent gone still works.
    assert choose_agent(needs(), pool, "b@x.cn").agent == "c@x.cn"
    assert choose_agent(needs(), pool, "bb@x.cn").agent == "c@x.cn"


def test_nobody_with_the_reason():
    assert choose_agent(needs(team=None), [agent("a@x.cn")]).reason is AssignmentReason.NO_TEAM
    none = choose_agent(needs(team="legal"), [agent("a@x.cn")], cursor="k")
    assert (none.agent, none.reason, none.cursor, none.assigned) == (None, AssignmentReason.NO_TEAM_MEMBERS, "k", False)
    offline = [agent("a@x.cn", availability="offline"), agent("b@x.cn", availability="away")]
    assert choose_agent(needs(), offline).reason is AssignmentReason.NOBODY_AVAILABLE
    unskilled = [agent("a@x.cn", skills=("network",)), agent("b@x.cn", availability="offline")]
    missing = choose_agent(needs(skills=("refund",)), unskilled)
    assert missing.reason is AssignmentReason.MISSING_SKILLS
    assert missing.detail == "nobody online has refund (2 in team tech: 1 not online, 1 missing skills, 0 at capacity)"
    full = [agent("a@x.cn", capacity=1, load={P4: 1}), agent("c@x.cn", availability="offline")]
    at_capacity = choose_agent(needs(), full)
    assert at_capacity.reason is AssignmentReason.ALL_AT_CAPACITY
    assert at_capacity.detail.startswith("all at capacity")


def test_two_hundred_agents_in_linear_time():
    pool = [
        agent(
            f"agent{i:03d}@x.cn",
            teams=("tech", "billing") if i % 2 else ("tech",),
            skills=("network", "software") if i % 3 else ("software",),
            senior=i % 10 == 0,
            capacity=10,
            load={P1: i % 3, P3: (i * 7) % 5},
            availability="online" if i % 7 else "away",
        )
        for i in range(200)
    ]
    choice = choose_agent(needs(P3, skills=("network",)), pool, cursor="agent100@x.cn")
    eligible = [c for c in pool if c.availability is Availability.ONLINE and "network" in c.skills]
    lowest = min(c.weighted_load for c in eligible)
    tied = sorted(c.email for c in eligible if c.weighted_load == lowest)
    assert choice.agent == next((e for e in tied if e > "agent100@x.cn"), tied[0])
    senior = choose_agent(needs(P1, skills=("network",)), pool)
    assert senior.reason is AssignmentReason.SENIOR_LEAST_LOADED
    assert next(c for c in pool if c.email == senior.agent).senior
    began = time.perf_counter()
    for _ in range(1000):
        choose_agent(needs(P2, skills=("network",)), pool)
    assert time.perf_counter() - began < 2.0  # 200 agents x 1000 tickets
