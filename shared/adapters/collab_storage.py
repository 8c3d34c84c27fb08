"""How a ticket's followers, sub-tasks, collaboration requests and merge links sit on its item (JSON attributes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.domain.collab import Collaboration, MergeLink, SubTask
from shared.domain.tickets import Ticket


def collab_to_json(ticket: Ticket) -> dict[str, Any] | None:
    if not ticket.subtasks and not ticket.collaborations and ticket.second_level_at is None:
        return None
    return {
        "subtasks": [s.to_dict() for s in ticket.subtasks],
        "collaborations": [c.to_dict() for c in ticket.collaborations],
        "second_level_at": ticket.second_level_at.isoformat() if ticket.second_level_at else None,
    }


def merge_to_json(ticket: Ticket) -> dict[str, Any] | None:
    if ticket.merged_into is None and not ticket.merged_from:
        return None
    return {
        "into": ticket.merged_into.to_dict() if ticket.merged_into else None,
        "from": [link.to_dict() for link in ticket.merged_from],
    }


def collab_from_json(
    ticket: Ticket, collab: dict[str, Any] | None, merge: dict[str, Any] | None, followers: list[str] | None
) -> None:
    """Fills the ticket's collaboration fields from its item; `follower:` tags of items written before tickets had
    followers are read as followers."""
    ticket.followers = list(followers or [])
    ticket.absorb_follower_tags()
    ticket.subtasks = [SubTask.from_dict(s) for s in (collab or {}).get("subtasks", [])]
    ticket.collaborations = [Collaboration.from_dict(c) for c in (collab or {}).get("collaborations", [])]
    second = (collab or {}).get("second_level_at")
    ticket.second_level_at = datetime.fromisoformat(second) if second else None
    into = (merge or {}).get("into")
    ticket.merged_into = MergeLink.from_dict(into) if into else None
    ticket.merged_from = [MergeLink.from_dict(m) for m in (merge or {}).get("from", [])]
