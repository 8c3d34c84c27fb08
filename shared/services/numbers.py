"""Ticket numbers (`GD` + local date + the day's sequence) from one counter per day, without making it a hot key.

Each process takes numbers from the day's counter in blocks sized to its own recent pace: one at a time while it
opens at most one ticket a second (every number follows the one before, as a single counter would give them), as
many as it opened in the last second as its pace rises, up to `MAX_BLOCK`. At 1,000 new tickets a second spread
over many processes the counter then takes a few dozen writes a second instead of a thousand (docs/scale.md).
The cost: numbers a process reserved but did not use (it stopped, or the day ended) are never given, so a busy
day's numbers can have gaps, and two processes' tickets interleave out of creation order. Numbers stay unique.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

MAX_BLOCK = 64
PACE_WINDOW = 1.0  # seconds of this process's own creations that size the next block


class NumberCounter(Protocol):
    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        """Add `count` to the day's counter; the last number of the block reserved."""
        ...


class TicketNumbers:
    def __init__(self, counter: NumberCounter, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._counter = counter
        self._monotonic = monotonic
        self._blocks: dict[date, tuple[int, int]] = {}  # day -> (next to give, last reserved)
        self._taken: deque[float] = deque()
        self._lock = threading.Lock()  # local mode serves requests on threads

    def next(self, local_day: date, now: datetime) -> int:
        with self._lock:
            moment = self._monotonic()
            self._taken.append(moment)
            while self._taken and moment - self._taken[0] > PACE_WINDOW:
                self._taken.popleft()
            following, last = self._blocks.get(local_day, (1, 0))
            if following > last:
                size = self.block_size()
                last = self._counter.reserve_numbers(local_day, size, now)
                following = last - size + 1
                # A finished day's unused numbers are not kept: the date in the number moved on.
                self._blocks = {local_day: (following, last)}
            self._blocks[local_day] = (following + 1, last)
            return following

    def block_size(self) -> int:
        """How many numbers the next reservation takes: this process's creations in the last second."""
        return max(1, min(MAX_BLOCK, len(self._taken)))
