"""What the index holds for a document part, and which parts a ticket, a message and an article make.

Families and scopes: tickets (`ticket`) are indexed in scope `TK`, one part for the subject and description (`t`)
and one per message (`m<message id>`); articles (`article`) have one part (`a`) in scope `KB` while published and
`KBD` while a draft, so anonymous and customer searches never read a draft's postings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TICKETS = "ticket"
ARTICLES = "article"
TICKET_SCOPE = "TK"
PUBLISHED_SCOPE = "KB"
DRAFT_SCOPE = "KBD"
TICKET_PART = "t"
ARTICLE_PART = "a"
TEXT_KEPT = 2_000  # characters of a part kept for its snippets

# The parts' sizes the weights are normalized against, and at most how many words a part puts in the index.
AVERAGE_WORDS = {TICKET_SCOPE: 40.0, PUBLISHED_SCOPE: 150.0, DRAFT_SCOPE: 150.0}
MAX_WORDS_PER_PART = {TICKET_SCOPE: 100, PUBLISHED_SCOPE: 200, DRAFT_SCOPE: 200}


@dataclass(frozen=True)
class IndexedPart:
    family: str
    doc: str
    part: str
    scope: str
    impacts: dict[str, int]  # word -> impact
    text: str  # what snippets are cut from
    label: str  # subject | message | internal | article
    at: datetime | None = None
    stored: dict[str, str] = field(default_factory=dict)  # the store's keys of the postings it wrote

    @property
    def counts(self) -> bool:
        """Whether this part stands for its document in the scope's document count."""
        return self.part in (TICKET_PART, ARTICLE_PART)


def message_part(message_id: str) -> str:
    return f"m{message_id}"
