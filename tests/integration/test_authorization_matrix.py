"""The authorization matrix (docs/security.md, from shared/api/access_table.py) walked against the app: every route,
called by every kind of caller, gets the answer its row says. A route without a row fails here (and at import)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from chalice.test import Client

from infra.local.stack import provision
from infra.seed.demo import STAFF, TEAMS
from shared.api.access_table import CALLERS, CUSTOM_ROLE_PERMISSIONS, OK, ROUTE_ACCESS, matrix
from shared.clock import FixedClock
from shared.container import Container, set_container
from tests.integration.conftest import TOKEN_SECRET, Api

REQUESTER = "requester@example.com"
OTHER = "other@example.com"
CUSTOM = "viewer@demo.local"
WHO = {
    "anonymous": None,
    "requester": REQUESTER,
    "other_customer": OTHER,
    "agent": "wangfang@demo.local",
    "supervisor": "lead@demo.local",
    "admin": "admin@demo.local",
    "custom": CUSTOM,
}
ROWS = matrix()
# Bodies that pass validation, where a row's answer is about the ticket (another customer's 404), not the body.
BODIES = {
    ("POST", "/api/tickets/{id}/messages"): {"body": "请问进展如何？"},
    ("POST", "/api/tickets/{id}/satisfaction"): {"score": 5},
}


@dataclass
class World:
    api: Api
    ticket_id: str


@pytest.fixture(scope="module")
def world(emulator: str) -> Iterator[World]:
    requests.post(f"{emulator}/moto-api/reset", timeout=10)
    stack = provision(emulator)
    container = Container(
        stack.settings(token_secret=TOKEN_SECRET, cursor_secret="cursor-secret"),
        FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),
    )
    set_container(container)
    for team in TEAMS:
        container.directory_store.put_team(team)
    for agent in STAFF:
        container.directory_store.put_agent(agent)
    from app import app

    with Client(app) as client:
        api = Api(client, container, container.clock)  # type: ignore[arg-type]
        role = {"name": "只读回复", "permissions": sorted(p.value for p in CUSTOM_ROLE_PERMISSIONS)}
        assert api.call("PUT", "/api/admin/roles/viewer", "admin@demo.local", role).status_code == 201
        profile = {"name": "只读客服", "role": "viewer", "teams": ["tech"]}
        assert api.call("PUT", f"/api/admin/agents/{CUSTOM}", "admin@demo.local", profile).status_code == 201
        ticket = api.call("POST", "/api/tickets", REQUESTER, {"subject": "打印机无法连接", "description": "连不上"})
        assert ticket.status_code == 201, ticket.body
        yield World(api, ticket.json_body["id"])
    set_container(None)


def _path(template: str, world: World) -> str:
    values = {"id": world.ticket_id, "email": "nobody%40example.com", "period": "day", "token": "not-a-token"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x0"), template)


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    from app import api

    routes = {(o.method, o.path) for o in api.operations}
    assert routes - set(ROUTE_ACCESS) == set(), "routes without a row in shared/api/access_table.py"
    assert set(ROUTE_ACCESS) - routes == set(), "rows for routes the app does not have"


def test_the_matrix_in_docs_security_is_the_table() -> None:
    from shared.api.access_table import render

    doc = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert render() in doc, "docs/security.md is out of date: run `make docs-security`"


@pytest.mark.parametrize(("method", "path", "answers"), ROWS, ids=[f"{m} {p}" for m, p, _ in ROWS])
def test_each_caller_gets_the_answer_of_the_matrix(world: World, method: str, path: str, answers: dict) -> None:
    got: dict[str, Any] = {}
    for caller in CALLERS:
        response = world.api.call(method, _path(path, world), WHO[caller], BODIES.get((method, path)))
        status = response.status_code
        want = answers[caller]
        passed = status not in (401, 403) if want == OK else str(status) == want
        if want == OK and ROUTE_ACCESS[(method, path)].own and caller == "requester" and path.count("{") == 1:
            passed = passed and status != 404  # their own ticket is found
        if not passed:
            got[caller] = (want, status, response.body[:200])
    assert got == {}, f"{method} {path}: (expected, got, body) per caller"
