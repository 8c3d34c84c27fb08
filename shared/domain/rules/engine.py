"""Evaluating a rule set: passes over the rules in order until one changes nothing.

Rules run in order of position. A rule whose conditions hold (all of them, or any) fires: its actions apply, and it
either stops the pass or lets the next rules run. Because an action can make another rule's conditions true (a rule
raising the priority feeds a rule on P1 placed earlier), the engine repeats whole passes until one leaves the fields
as it found them; validation refuses sets that could repeat forever, and the passes are bounded anyway.

Only the rules of the event being answered run (`created` rules for a new ticket, `updated` triggers for a change,
...), and a trigger's own change never runs it again: the rules named in `skip` sit the evaluation out. Every
evaluation explains itself: `Outcome.trace` says for each rule and pass whether it fired and why (the dry run's
answer), and a rule that fails (a bad pattern or value stored before validation caught it) is recorded there without
stopping the others.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from shared.domain.rules.loops import loop_reasons
from shared.domain.rules.matching import (
    as_list,
    check,
    email_value,
    escalation_note,
    nonempty_text,
    priority_value,
    status_value,
)
from shared.domain.rules.model import (
    FOLLOWER_TAG,
    OUTCOME_FIELDS,
    SETS,
    ActionType,
    InvalidRuleSet,
    Match,
    Outcome,
    Rule,
    RuleError,
    RuleStatus,
    RuleTrace,
    TicketFacts,
    TriggerEvent,
)
from shared.domain.rules.parsing import parse
from shared.domain.tickets import FieldChange


@dataclass(frozen=True)
class _Fields:
    """What actions change; compared whole to detect the pass that changes nothing."""

    team: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    status: str | None
    tags: tuple[str, ...]
    notify: tuple[str, ...]
    replies: tuple[str, ...]
    escalate: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        ordered = sorted(enumerate(self.rules), key=lambda pair: (pair[1].position, pair[0]))
        object.__setattr__(self, "rules", tuple(rule for _, rule in ordered))

    def for_event(self, event: TriggerEvent) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.event is event)

    @property
    def max_passes(self) -> int:
        return _max_passes(self.rules)

    def evaluate(
        self,
        facts: TicketFacts,
        event: TriggerEvent | Iterable[TriggerEvent] = TriggerEvent.CREATED,
        skip: Collection[str] = (),
    ) -> Outcome:
        """The outcome of the rules answering `event` (one event, or several an audit event is at once: a
        customer's reply that reopens a ticket is also an update), without the rules named in `skip`."""
        events = {event} if isinstance(event, TriggerEvent) else set(event)
        rules = [r for r in self.rules if r.event in events and r.name not in skip]
        start = _Fields(
            facts.team,
            facts.priority,
            facts.category,
            facts.assignee,
            facts.status,
            tuple(facts.tags),
            (),
            (),
            (),
        )
        state = start
        trace: list[RuleTrace] = []
        fired: dict[str, None] = {}
        converged, passes = False, 0
        for number in range(1, _max_passes(rules) + 1):
            passes = number
            before = state
            stopped_by: str | None = None
            for rule in rules:
                if not rule.enabled:
                    trace.append(RuleTrace(rule.name, rule.position, number, RuleStatus.DISABLED, "disabled"))
                    continue
                if stopped_by is not None:
                    detail = f"not evaluated: '{stopped_by}' stopped the pass"
                    trace.append(RuleTrace(rule.name, rule.position, number, RuleStatus.SKIPPED, detail))
                    continue
                entry, state = _run(rule, facts, state, number)
                trace.append(entry)
                if entry.fired:
                    fired.setdefault(rule.name)
                    if rule.stop:
                        stopped_by = rule.name
            if state == before:
                converged = True
                break
        return Outcome(
            team=state.team,
            priority=state.priority,
            category=state.category,
            assignee=state.assignee,
            tags=state.tags,
            notify=state.notify,
            changes=_changes(start, state),
            fired=tuple(fired),
            trace=tuple(trace),
            passes=passes,
            converged=converged,
            status=state.status,
            replies=state.replies,
            escalate=state.escalate,
            event=event if isinstance(event, TriggerEvent) else min(events, key=list(TriggerEvent).index),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"rules": [rule.to_dict() for rule in self.rules]}

    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        validate: bool = True,
        teams: Iterable[str] | None = None,
        canned: Iterable[str] | None = None,
    ) -> RuleSet:
        """Rules from JSON. `validate=False` accepts what parses (for sets stored before a check was added): their
        bad patterns, values and fields then fail one rule at a time at evaluation, in the trace."""
        rules, shape, values = parse(data, teams, canned)
        reasons = shape
        if validate:
            reasons = shape + values or loop_reasons(rules)
        if reasons:
            raise InvalidRuleSet(reasons)
        return cls(tuple(rules))


def validate_rule_set(
    data: Any, *, teams: Iterable[str] | None = None, canned: Iterable[str] | None = None
) -> list[str]:
    """Every reason the rules cannot be saved, for the admin to fix at once (empty: valid).

    Checks the shape, events, unknown fields and operators (changes only for `updated` triggers), values
    (priorities P1-P4, statuses, known channels, emails, known teams and canned replies when given), regular
    expressions, and loops (`shared/domain/rules/loops.py`).
    """
    rules, shape, values = parse(data, teams, canned)
    # Loops are looked for once every rule is right on its own.
    return shape + values or loop_reasons(rules)


def _max_passes(rules: Collection[Rule]) -> int:
    # A valid set settles within one pass per rule (each pass can enable at most the next link of a chain) plus the
    # pass that confirms nothing changes.
    return max(2, len(rules) + 1)


def _changes(before: _Fields, after: _Fields) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, getattr(before, name), getattr(after, name))
        for name in OUTCOME_FIELDS
        if getattr(before, name) != getattr(after, name)
    )


def _run(rule: Rule, facts: TicketFacts, state: _Fields, number: int) -> tuple[RuleTrace, _Fields]:
    current = replace(
        facts,
        priority=state.priority,
        category=state.category,
        team=state.team,
        assignee=state.assignee,
        status=state.status,
        tags=state.tags,
    )
    try:
        conditions = tuple(check(c, current) for c in rule.conditions)
        if not conditions:
            matched, why = True, "no conditions: always fires"
        elif rule.match is Match.ALL:
            failed = [c for c in conditions if not c.matched]
            matched = not failed
            why = "all conditions hold" if matched else f"{failed[0].field}: {failed[0].detail}"
        else:
            hits = [c for c in conditions if c.matched]
            matched = bool(hits)
            why = f"{hits[0].field}: {hits[0].detail}" if matched else "no condition holds"
        if not matched:
            return RuleTrace(rule.name, rule.position, number, RuleStatus.NOT_MATCHED, why, conditions), state
        after = state
        for action in rule.actions:
            after = apply_action(action.type, action.value, after)
    except (RuleError, re.error, TypeError, ValueError) as failure:
        detail = f"error: {failure}"
        return RuleTrace(rule.name, rule.position, number, RuleStatus.ERROR, detail, error=_error(failure)), state
    changes = _changes(state, after)
    detail = why + ("" if changes else "; nothing to change") + ("; stops the pass" if rule.stop else "")
    return RuleTrace(rule.name, rule.position, number, RuleStatus.FIRED, detail, conditions, changes), after


def _error(failure: Exception) -> dict[str, Any]:
    """A failed rule's error as a code and its parameters, for the reader's language."""
    if isinstance(failure, RuleError):
        return {"code": failure.code, **failure.params}
    if isinstance(failure, re.error):
        return {"code": "bad_pattern", "reason": str(failure)}
    return {"code": "invalid_value"}


def _added(current: tuple[str, ...], new: list[str]) -> tuple[str, ...]:
    return current + tuple(item for item in dict.fromkeys(new) if item not in current)


def apply_action(kind: ActionType, value: Any, state: Any) -> Any:
    """One action on the fields (any dataclass with the fields it writes); its value is checked as it applies."""
    if kind is ActionType.SET_PRIORITY:
        return replace(state, priority=priority_value(value))
    if kind is ActionType.SET_STATUS:
        return replace(state, status=status_value(value))
    if kind in SETS:
        text = nonempty_text(value, kind.value)
        if kind is ActionType.SET_ASSIGNEE:
            text = email_value(text)
        return replace(state, **{SETS[kind]: text})
    if kind is ActionType.ADD_TAGS:
        return replace(state, tags=_added(state.tags, [nonempty_text(t, "tag") for t in as_list(value)]))
    if kind is ActionType.ADD_FOLLOWER:
        followers = [FOLLOWER_TAG + email_value(nonempty_text(f, "follower")) for f in as_list(value)]
        return replace(state, tags=_added(state.tags, followers))
    if kind is ActionType.SEND_CANNED_REPLY:
        return replace(state, replies=_added(state.replies, [nonempty_text(value, "canned reply")]))
    if kind is ActionType.ESCALATE:
        return replace(state, escalate=_added(state.escalate, [escalation_note(value)]))
    recipients = [email_value(nonempty_text(r, "recipient")) for r in as_list(value)]
    return replace(state, notify=_added(state.notify, recipients))
