"""How a ticket's automation record and closing review sit in its item (JSON attributes `automation`, `review`).
Items written before either existed read as "nothing done, nothing due, never reviewed"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.domain.workflow import AutomationState, Review


def automation_to_json(state: AutomationState) -> dict[str, Any] | None:
    if state == AutomationState():
        return None
    return {
        "done": list(state.done),
        "next_at": state.next_at.isoformat() if state.next_at else None,
        "next_id": state.next_id,
        "next_name": state.next_name,
        "trigger_mark": state.trigger_mark,
        "trigger_events": list(state.trigger_events),
    }


def automation_from_json(data: dict[str, Any] | None) -> AutomationState:
    if not data:
        return AutomationState()
    next_at = data.get("next_at")
    return AutomationState(
        done=tuple(data.get("done") or ()),
        next_at=datetime.fromisoformat(next_at) if next_at else None,
        next_id=data.get("next_id"),
        next_name=data.get("next_name"),
        trigger_mark=int(data.get("trigger_mark") or 0),
        trigger_events=tuple(data.get("trigger_events") or ()),
    )


def review_to_json(review: Review | None) -> dict[str, Any] | None:
    return review.to_dict() if review is not None else None


def review_from_json(data: dict[str, Any] | None) -> Review | None:
    return Review.from_dict(data)
