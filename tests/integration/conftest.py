"""Handlers and routes over moto's server, provisioned from template.yaml as local mode does."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from chalice.test import Client

from infra.local.outbox import Outbox
from infra.local.pump import StreamPump
from infra.local.stack import REGION, LocalStack, provision, start_emulator
from infra.seed.demo import STAFF, TEAMS
from shared.clock import FixedClock
from shared.container import Container, set_container

TOKEN_SECRET = "integration-test-secret-of-32-bytes-or-more"


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        os.environ.setdefault(key, value)
    server, endpoint = start_emulator()
    yield endpoint
    server.stop()


@dataclass
class Env:
    stack: LocalStack
    container: Container
    clock: FixedClock
    outbox: Outbox

    def pump(self, **kwargs: Any) -> StreamPump:
        return StreamPump(self.stack, self.stack.streams[0], starting_position="TRIM_HORIZON", **kwargs)


@pytest.fixture
def env(emulator: str, tmp_path: Any) -> Iterator[Env]:
    requests.post(f"{emulator}/moto-api/reset", timeout=10)
    stack = provision(emulator)
    settings = stack.settings(token_secret=TOKEN_SECRET, cursor_secret="cursor-secret")
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    container = Container(settings, clock)
    set_container(container)
    for team in TEAMS:
        container.directory_store.put_team(team)
    for agent in STAFF:
        container.directory_store.put_agent(agent)
    yield Env(stack, container, clock, Outbox(tmp_path / "outbox"))
    set_container(None)


class Api:
    """The app through Chalice's test client, signed in as someone."""

    def __init__(self, client: Any, container: Container, clock: FixedClock) -> None:
        self._client = client
        self._container = container
        self.clock = clock

    def token(self, email: str) -> str:
        return self._container.authenticator.sign_in_local(email)[0]

    def call(
        self,
        method: str,
        path: str,
        who: str | None = None,
        json: Any = None,
        headers: dict | None = None,
        raw: bytes | None = None,
    ) -> Any:
        import json as jsonlib

        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if who:
            all_headers["Authorization"] = f"Bearer {self.token(who)}"
        body = raw if raw is not None else (b"" if json is None else jsonlib.dumps(json).encode())
        return self._client.http.request(method, path, headers=all_headers, body=body)


@pytest.fixture
def api(env: Env) -> Iterator[Api]:
    from app import app

    with Client(app) as client:
        yield Api(client, env.container, env.clock)
