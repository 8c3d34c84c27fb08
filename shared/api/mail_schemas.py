"""API bodies of the email channel's own routes (the message and ticket fields are in shared/api/schemas.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from shared.api.schemas import Out, QueryDate


class RejectionQuery(Out):
    model_config = ConfigDict(extra="ignore")

    day: QueryDate | None = Field(default=None, description="the UTC day the mail arrived, YYYY-MM-DD; default today")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None


class RejectionOut(Out):
    at: dt.datetime
    reason: str = Field(description="own_mail, bounce, automatic:<why>, no_sender, too_large, unstorable, duplicate")
    detail: str
    sender: str
    subject: str
    message_id: str | None
    raw_key: str
    raw_url: str = Field(description="presigned download of the raw MIME")


class RejectionPage(Out):
    items: list[RejectionOut]
    next_cursor: str | None
