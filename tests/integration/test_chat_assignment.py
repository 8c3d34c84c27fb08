"""Live chats assigned by chat capacity (docs/chat.md, "Agents"): the assignment function routes a chat ticket like
any other, counting it against the agent's chat capacity, and the visitor hears `assigned`, their `queue` position
(and each move of the queue), or `offline`. Over moto, with the stream consumers fed through their pumps."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.directory import Agent, Availability
from tests.integration.routing_helpers import (
    add_team,
    assignment_pump,
    drain,
    notification_pump,
    put_rules,
    route_all_to,
)
from tests.integration.test_chat_socket import AGENT, Visitor, start, ticket_of

TEAM = "chat-desk"
AMY = "amy@demo.local"
BEN = "ben@demo.local"


@pytest.fixture
def desk(env: Any, api: Any) -> Any:
    # Ticket capacity 0: chats are counted apart, so these two still take chats.
    add_team(
        env,
        TEAM,
        [
            Agent(AMY, "艾米", "agent", teams=[TEAM], capacity=0, chat_capacity=2),
            Agent(BEN, "本", "agent", teams=[TEAM], capacity=0, chat_capacity=1),
        ],
    )
    put_rules(api, route_all_to(TEAM))
    pumps = (assignment_pump(env), notification_pump(env))
    return lambda: drain(*pumps)


def visitor(env: Any, n: int) -> Visitor:
    v = Visitor(env, f"conn-seat-{n}")
    assert v.connect() == 200
    return v


def of_type(v: Visitor, kind: str) -> list[dict[str, Any]]:
    return [f for f in v.frames if f["type"] == kind]


def chat_loads(env: Any) -> dict[str, int]:
    held = env.container.routing_store.loads([AMY, BEN], chat=True)
    return {email: sum(by.values()) for email, by in held.items() if sum(by.values())}


def test_chats_go_to_the_agent_with_the_fewest_then_queue_and_the_queue_moves(env, api, desk):
    # A web ticket waits first in the team's queue (ticket capacity 0): it never holds back the chats behind it.
    web = api.call("POST", "/api/tickets", who="web@example.com", json={"subject": "网页工单", "description": "d"})
    assert web.status_code == 201
    desk()
    visitors = [visitor(env, n) for n in range(5)]
    numbers = []
    for n, v in enumerate(visitors):
        numbers.append(start(v, text=f"第 {n} 位访客的问题")["ticket_number"])
        desk()
    holders = [ticket_of(api, number)["assignee"] for number in numbers]
    # The fewest open chats first (ties by round-robin), each agent up to their chat capacity (2 and 1).
    assert sorted(h for h in holders[:3] if h) == [AMY, AMY, BEN] and holders[3:] == [None, None]
    assert chat_loads(env) == {AMY: 2, BEN: 1}
    assert env.container.routing_store.loads([AMY, BEN]) in ({}, {AMY: {}, BEN: {}}) or not any(
        sum(by.values()) for by in env.container.routing_store.loads([AMY, BEN]).values()
    )  # ticket loads untouched
    names = {AMY: "艾米", BEN: "本"}
    for v, holder in zip(visitors[:3], holders[:3], strict=True):
        assert of_type(v, "assigned") == [{"type": "assigned", "name": names[holder]}]
    assert of_type(visitors[3], "queue")[-1] == {"type": "queue", "position": 1}
    assert of_type(visitors[4], "queue")[-1] == {"type": "queue", "position": 2}
    assert of_type(visitors[3], "assigned") == []
    # The first chat ends: its seat goes to the first waiting visitor, and the one behind moves up.
    visitors[0].send({"action": "end"})
    desk()
    assert ticket_of(api, numbers[3])["assignee"] == holders[0]
    assert of_type(visitors[3], "assigned") == [{"type": "assigned", "name": names[holders[0]]}]
    assert of_type(visitors[4], "queue")[-1] == {"type": "queue", "position": 1}
    # An agent accepting the last waiting chat by hand takes it over their capacity (a staff decision).
    accepted = api.call("POST", f"/api/tickets/{numbers[4]}/chat/accept", who=BEN)
    assert accepted.status_code == 200, accepted.json_body
    desk()
    assert of_type(visitors[4], "assigned") == [{"type": "assigned", "name": "本"}]
    assert chat_loads(env) == {AMY: 2, BEN: 2}
    assert ticket_of(api, web.json_body["number"])["assignee"] is None  # still waiting for ticket capacity


def test_redelivered_records_assign_once_and_count_once(env, api, desk):
    v = visitor(env, 10)
    number = start(v)["ticket_number"]
    desk()
    again = (assignment_pump(env), notification_pump(env))  # from the stream's start: every record a second time
    drain(*again)
    assert ticket_of(api, number)["assignee"] in (AMY, BEN)
    assert sum(chat_loads(env).values()) == 1
    assert len(of_type(v, "assigned")) >= 1 and len({f["name"] for f in of_type(v, "assigned")}) == 1


def test_with_nobody_of_the_team_online_the_visitor_hears_offline_and_the_ticket_stays_open(env, api, desk):
    for email in (AMY, BEN):
        env.container.directory_store.set_availability(email, Availability.OFFLINE)
    v = visitor(env, 20)
    number = start(v)["ticket_number"]
    desk()
    assert of_type(v, "offline") == [{"type": "offline"}]  # others are online elsewhere: the start did not say it
    ticket = ticket_of(api, number)
    assert (ticket["status"], ticket["assignee"], ticket["team"]) == ("new", None, TEAM)
    assert [c["ticket_number"] for c in api.call("GET", "/api/chats?state=waiting", who=AGENT).json_body["items"]] == [
        number
    ]


def test_a_transfer_tells_the_visitor_the_new_agents_name(env, api, desk):
    v = visitor(env, 30)
    number = start(v)["ticket_number"]
    desk()
    first = ticket_of(api, number)["assignee"]
    other = BEN if first == AMY else AMY
    moved = api.call("PATCH", f"/api/tickets/{number}", who=AGENT, json={"assignee": other})
    assert moved.status_code == 200, moved.json_body
    desk()
    names = {AMY: "艾米", BEN: "本"}
    assert [f["name"] for f in of_type(v, "assigned")] == [names[first], names[other]]
    assert chat_loads(env) == {other: 1}  # the seat moved with the chat
