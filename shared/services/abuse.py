"""Abuse limits per customer (docs/security.md, "Abuse limits"): how many tickets, messages, uploads and sign-in
codes one customer may ask for in an hour. Over the limit: 429 `rate_limited` with `Retry-After` (the seconds to the
next window). Staff are not limited here (API Gateway's stage throttling bounds everyone)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from shared.clock import Clock
from shared.domain.access import Principal
from shared.errors import RateLimited

WINDOW = timedelta(hours=1)
KINDS = ("ticket", "message", "upload", "sign_in_code")


class Windows(Protocol):
    def take(self, kind: str, caller: str, window: str, limit: int, expires_at: datetime) -> bool: ...


class AbuseLimits:
    def __init__(self, windows: Windows, clock: Clock, limits: Mapping[str, int]) -> None:
        self._windows = windows
        self._clock = clock
        self._limits = dict(limits)

    def take(self, kind: str, caller: str) -> None:
        """Count one `kind` for `caller`, or raise RateLimited when the window is full."""
        limit = self._limits.get(kind, 0)
        if limit <= 0:
            return
        now = self._clock.now().astimezone(UTC)
        seconds = int(WINDOW.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)
        end = start + WINDOW
        if not self._windows.take(kind, caller, start.strftime("%Y-%m-%dT%H:%M"), limit, end + WINDOW):
            retry = max(1, math.ceil((end - now).total_seconds()))
            raise RateLimited(f"too many requests of this kind ({limit} an hour); try again later", retry_after=retry)

    def take_for(self, kind: str, principal: Principal) -> None:
        """Customers only: staff work at volume on purpose."""
        if not principal.is_staff:
            self.take(kind, principal.email)
