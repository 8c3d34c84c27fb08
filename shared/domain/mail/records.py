"""What the email channel keeps about a message besides the ticket: where its files are, or why it made nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MailFiles:
    """Where an email message's raw MIME and attachments are in the mail bucket."""

    raw_key: str | None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {id, filename, content_type, size, inline, key}
    internal: bool = False  # the message they belong to is an internal note (a bounce's)


@dataclass(frozen=True)
class Rejection:
    """Inbound mail that made no ticket or message, and why (kept with its raw key)."""

    raw_key: str
    reason: str
    detail: str
    sender: str
    subject: str
    message_id: str | None
    at: datetime
