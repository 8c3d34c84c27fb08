"""A saved setting of the desk (routing rules, SLA policies, canned replies): its JSON, the version an edit must name
(If-Match), and who saved it when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StoredConfig:
    data: dict[str, Any]
    version: int
    updated_at: datetime | None
    updated_by: str | None
