"""The sharded desk-wide lists page through every ticket once, newest first, filters included (docs/scale.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.domain.access import Principal
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Status

AGENT = "wangfang@demo.local"


def _pages(api: Any, query: str, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        path = f"/api/tickets?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api.call("GET", path, AGENT).json_body
        pages.append([t["id"] for t in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_every_ticket_once_newest_first_across_the_shards(api, env):
    customer = Principal.of("lists@example.com", "列表", "customer")
    created = []
    for i in range(23):
        env.clock.advance(timedelta(seconds=1))
        created.append(env.container.tickets.create(customer, TicketDraft(subject=f"工单 {i}", description="d")).ticket)
    newest_first = [t.id for t in reversed(created)]
    pages = _pages(api, "view=all", 5)
    assert [i for page in pages for i in page] == newest_first
    assert all(len(page) == 5 for page in pages[:-1])
    assert [i for page in _pages(api, "view=unassigned", 4) for i in page] == newest_first


def test_a_filter_that_few_tickets_match_skips_none(api, env):
    customer = Principal.of("filters@example.com", "筛选", "customer")
    agent = Principal.of(AGENT, "王芳", "agent", ("tech",))
    resolved = []
    for i in range(30):
        env.clock.advance(timedelta(seconds=1))
        ticket = env.container.tickets.create(customer, TicketDraft(subject=f"工单 {i}", description="d")).ticket
        if i % 7 == 0:
            env.container.tickets.update(agent, ticket.id, {"status": Status.RESOLVED}, None)
            resolved.append(ticket.id)
    found = [i for page in _pages(api, "view=all&status=resolved", 3) for i in page]
    assert found == list(reversed(resolved))
