"""What went wrong while reading a message: recorded, never raised, so one bad part costs only itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemKind(StrEnum):
    BROKEN_HEADER = "broken header"
    MISSING_HEADER = "missing header"
    UNKNOWN_CHARSET = "unknown charset"
    MISLABELLED_CHARSET = "mislabelled charset"
    UNDECODABLE_PART = "undecodable part"
    BROKEN_ENCODING = "broken transfer encoding"
    MISSING_BOUNDARY = "missing boundary"
    BROKEN_STRUCTURE = "broken structure"
    TOO_DEEP = "nested too deep"
    UNPARSEABLE = "unparseable message"


@dataclass(frozen=True)
class MailProblem:
    kind: ProblemKind
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else str(self.kind)
