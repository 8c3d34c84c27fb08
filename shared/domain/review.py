"""Closing review (结案审核): which tickets need a supervisor's approval before they close, and the moves around it.

A ticket in a category or at a priority the policy names needs review. When someone without the right to approve
(an agent), or something (a trigger, an automation), would close it, the ticket is held instead: it is resolved if
it was still open (the work is done; the customer hears so) and waits in the supervisors' "to review" list. A
supervisor's decision closes it (approved) or sends it back to its assignee with the comment (rejected). Staff who
may approve close such a ticket directly; the audit trail records the approval. A held ticket that leaves
`resolved` (the customer answers and it reopens) leaves the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.domain.lifecycle import OPEN_STATUSES, FieldChange, Priority, Status
from shared.domain.tickets import Ticket
from shared.domain.workflow import REVIEW, Review, ReviewState
from shared.errors import NotInReview, ReviewPolicyRejected

MAX_CATEGORIES = 200
MAX_CATEGORY = 64


@dataclass(frozen=True)
class ReviewPolicy:
    categories: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    version: int = 0

    def needs_review(self, ticket: Ticket) -> bool:
        return (ticket.category is not None and ticket.category in self.categories) or (
            ticket.priority in self.priorities
        )

    def to_dict(self) -> dict[str, Any]:
        return {"categories": list(self.categories), "priorities": [p.value for p in self.priorities]}

    @classmethod
    def from_dict(cls, data: Any, version: int = 0) -> ReviewPolicy:
        """Every reason at once (`ReviewPolicyRejected`)."""
        reasons: list[str] = []
        if not isinstance(data, Mapping):
            raise ReviewPolicyRejected("invalid review policy", ["the review policy must be an object"])
        reasons += [f"unknown setting '{k}'" for k in data if k not in ("categories", "priorities")]
        categories = _list(data.get("categories", []), "categories", reasons)
        priorities = _list(data.get("priorities", []), "priorities", reasons)
        if len(categories) > MAX_CATEGORIES:
            reasons.append(f"at most {MAX_CATEGORIES} categories")
        for value in categories:
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_CATEGORY:
                reasons.append(f"category {value!r} must be a text of 1-{MAX_CATEGORY} characters")
        for value in priorities:
            if not isinstance(value, str) or value not in Priority.__members__:
                reasons.append(f"unknown priority {value!r} (P1, P2, P3, P4)")
        if reasons:
            raise ReviewPolicyRejected("invalid review policy: " + "; ".join(reasons), reasons, field="review_policy")
        return cls(
            tuple(dict.fromkeys(str(c).strip() for c in categories)),
            tuple(Priority(p) for p in dict.fromkeys(priorities)),
            version,
        )


def _list(raw: Any, where: str, reasons: list[str]) -> Sequence[Any]:
    if not isinstance(raw, list):
        reasons.append(f"{where} must be a list")
        return []
    return raw


def close(ticket: Ticket, policy: ReviewPolicy, now: datetime, by: str, may_approve: bool) -> list[FieldChange]:
    """Close the ticket, or hold it for review when it needs one that `by` cannot give."""
    if ticket.status is Status.CLOSED:
        return []
    held = ticket.review is not None and ticket.review.pending
    if not (held or policy.needs_review(ticket)):
        return ticket.apply_changes({"status": Status.CLOSED}, now)
    if not may_approve:
        return hold(ticket, now, by)
    changes = ticket.apply_changes({"status": Status.CLOSED}, now)
    return changes + _set_review(ticket, Review(ReviewState.APPROVED, by, now, reviewer=by, reviewed_at=now))


def hold(ticket: Ticket, now: datetime, by: str) -> list[FieldChange]:
    """Into the "to review" list: resolved (if it was open) and pending; held already, nothing changes."""
    if ticket.review is not None and ticket.review.pending:
        return []
    changes: list[FieldChange] = []
    if ticket.status in OPEN_STATUSES:
        changes += ticket.apply_changes({"status": Status.RESOLVED}, now)
    return changes + _set_review(ticket, Review(ReviewState.PENDING, by, now))


def decide(ticket: Ticket, approve: bool, reviewer: str, comment: str, now: datetime) -> list[FieldChange]:
    """A supervisor's decision on a held ticket: closed, or back to its assignee (in progress) with the comment."""
    review = ticket.review
    if review is None or not review.pending:
        raise NotInReview("this ticket is not waiting for a closing review", field="review")
    if approve:
        changes = ticket.apply_changes({"status": Status.CLOSED}, now)
        decided = replace(review, state=ReviewState.APPROVED, reviewer=reviewer, reviewed_at=now, comment=comment)
    else:
        back = Status.IN_PROGRESS if ticket.assignee else Status.NEW
        changes = ticket.apply_changes({"status": back}, now)
        decided = replace(review, state=ReviewState.REJECTED, reviewer=reviewer, reviewed_at=now, comment=comment)
    changes += _set_review(ticket, decided)
    if comment:
        changes.append(FieldChange("review.comment", None, comment))
    return changes


def settle(ticket: Ticket) -> list[FieldChange]:
    """A held ticket that left `resolved` (reopened by a reply, moved by staff) is no longer waiting for review."""
    review = ticket.review
    if review is not None and review.pending and ticket.status is not Status.RESOLVED:
        ticket.review = None
        return [FieldChange(REVIEW, review.state.value, None)]
    return []


def _set_review(ticket: Ticket, review: Review) -> list[FieldChange]:
    old = ticket.review.state.value if ticket.review is not None else None
    ticket.review = review
    return [FieldChange(REVIEW, old, review.state.value)]
