"""Rate windows (docs/chat.md, "Safety"): frames per connection and lines per conversation, counted per window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RateLimit:
    scope: str  # connection | conversation
    limit: int
    window_seconds: int

    def window(self, subject: str, now: datetime) -> tuple[str, datetime]:
        """The window's key and when it ends: fixed windows aligned on the epoch, so every process agrees."""
        start = int(now.timestamp()) // self.window_seconds * self.window_seconds
        ends = datetime.fromtimestamp(start + self.window_seconds, tz=now.tzinfo)
        return f"RATE#{self.scope}#{subject}#{start}", ends

    def retry_after(self, now: datetime) -> timedelta:
        start = int(now.timestamp()) // self.window_seconds * self.window_seconds
        return timedelta(seconds=start + self.window_seconds - now.timestamp())


FRAMES_PER_CONNECTION = RateLimit("connection", 20, 10)
LINES_PER_CONVERSATION = RateLimit("conversation", 60, 60)
