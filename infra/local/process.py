"""Running local mode in a subprocess, as `make run` does: for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests

ROOT = Path(__file__).resolve().parents[2]
# Browser tests and benchmarks drive Debian's Chromium; these flags keep it off the (closed) network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float = 5.0, step: float = 0.1) -> T:
    """Poll `check` until it answers something truthy or `timeout` seconds pass; its last answer either way."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalStackProcess:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = free_port()
        self.smtp_port = free_port()
        self.chat_port = free_port()
        self.chat_url = f"ws://127.0.0.1:{self.chat_port}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = state.parent / f"{state.name}.log"

    def start(self, timeout: float = 60) -> None:
        env = {
            **os.environ,
            "HELPDESK_HTTP_PORT": str(self.port),
            "HELPDESK_SMTP_PORT": str(self.smtp_port),
            "HELPDESK_CHAT_PORT": str(self.chat_port),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local", "--state", str(self.state)],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"local stack exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or too busy starting to answer in time
                pass
            time.sleep(0.2)
        raise RuntimeError(f"local stack not ready in {timeout}s: {self.log.read_text()[-3000:]}")

    def stop(self, timeout: float = 60) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # local mode saves its snapshot and stops
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def login(self, email: str) -> requests.Session:
        response = requests.post(f"{self.url}/api/dev/login", json={"email": email}, timeout=10)
        response.raise_for_status()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return session

    def get(self, session: requests.Session, path: str, **kwargs: Any) -> requests.Response:
        return session.get(f"{self.url}{path}", timeout=10, **kwargs)

    def post(self, session: requests.Session, path: str, **kwargs: Any) -> requests.Response:
        return session.post(f"{self.url}{path}", timeout=10, **kwargs)

    def advance_clock(self, session: requests.Session, minutes: int) -> requests.Response:
        """`POST /api/dev/clock`: it runs the due schedules and delivers their effects (up to 10 s) before answering,
        longer than other calls may take."""
        return session.post(f"{self.url}/api/dev/clock", json={"advance_minutes": minutes}, timeout=180)
