"""What rules (an `Outcome`) or an automation (its actions) do to a ticket, as one value: the fields to set and what
to send or tell, which the services turn into a write."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.domain.rules.engine import apply_action
from shared.domain.rules.model import Action, ActionType, Outcome, RuleError
from shared.domain.tickets import Priority, Ticket

FIELDS = ("team", "priority", "category", "assignee", "tags")


@dataclass(frozen=True)
class Effects:
    fields: dict[str, Any] = field(default_factory=dict)  # team, priority, category, assignee, tags
    status: str | None = None  # closing goes through the closing review (shared/domain/review.py)
    notify: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()  # canned reply ids
    escalate: tuple[str, ...] = ()  # notes for the supervisor ("" when none was given)
    mails: tuple[str, ...] = ()  # the requester's notices (automations)
    errors: tuple[str, ...] = ()  # actions that could not apply (values stored before validation caught them)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.status or self.notify or self.replies or self.escalate or self.mails)


def _wanted(ticket: Ticket, state: Any) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(state, name)
        current = getattr(ticket, name)
        if name == "tags":
            if list(value) != list(current):
                wanted[name] = list(value)
        elif name == "priority":
            if value and value != current.value:
                wanted[name] = Priority(value)
        elif value is not None and value != current:
            wanted[name] = value
    return wanted


def of_outcome(outcome: Outcome, ticket: Ticket) -> Effects:
    status = outcome.status if outcome.status and outcome.status != ticket.status.value else None
    return Effects(_wanted(ticket, outcome), status, outcome.notify, outcome.replies, outcome.escalate)


@dataclass(frozen=True)
class _State:
    team: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    status: str | None
    tags: tuple[str, ...]
    notify: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    escalate: tuple[str, ...] = ()


def of_actions(actions: Sequence[Action], ticket: Ticket) -> Effects:
    state = _State(
        ticket.team, ticket.priority.value, ticket.category, ticket.assignee, ticket.status.value, tuple(ticket.tags)
    )
    mails: list[str] = []
    errors: list[str] = []
    for action in actions:
        if action.type is ActionType.SEND_MAIL:
            mails.append(str(action.value))
            continue
        try:
            state = apply_action(action.type, action.value, state)
        except (RuleError, re.error, TypeError, ValueError) as failure:
            errors.append(f"{action.type.value}: {failure}")
    status = state.status if state.status != ticket.status.value else None
    return Effects(
        _wanted(ticket, state),
        status,
        state.notify,
        state.replies,
        state.escalate,
        tuple(dict.fromkeys(mails)),
        tuple(errors),
    )
