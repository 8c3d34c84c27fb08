"""The words of a ticket's life, shared by the ticket and its SLA: statuses and the moves between them, priorities,
channels, and the record of one field's change.

A leaf module: the ticket (`shared/domain/tickets.py`) and the SLA model (`shared/domain/sla/`) both build on it, so
neither needs the other's module to name a status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    NEW = "new"  # 待处理
    IN_PROGRESS = "in_progress"  # 处理中
    WAITING_CUSTOMER = "waiting_customer"  # 待响应
    RESOLVED = "resolved"  # 已解决
    CLOSED = "closed"  # 已关闭


class Priority(StrEnum):
    P1 = "P1"  # 紧急
    P2 = "P2"  # 重要
    P3 = "P3"  # 一般
    P4 = "P4"  # 低


class Channel(StrEnum):
    EMAIL = "email"
    WEB = "web"
    PHONE = "phone"
    CHAT = "chat"
    WECHAT = "wechat"
    APP = "app"
    API = "api"


# Closed is final: a later customer reply opens a linked follow-up ticket instead.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED),
    Status.IN_PROGRESS: (Status.NEW, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED),
    Status.WAITING_CUSTOMER: (Status.NEW, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED),
    Status.RESOLVED: (Status.NEW, Status.IN_PROGRESS, Status.CLOSED),
    Status.CLOSED: (),
}
OPEN_STATUSES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER})
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value, as the audit trail records it."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class StatusEntry:
    status: Status
    at: datetime


def resolved_at(history: Sequence[StatusEntry]) -> datetime | None:
    """When the ticket became resolved (or closed) and stayed so: the start of the history's last finished run."""
    since: datetime | None = None
    for entry in history:
        since = (since or entry.at) if entry.status in FINISHED_STATUSES else None
    return since
