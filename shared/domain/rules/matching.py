"""Checking one condition against the facts, and reading action values.

Text matching suits Chinese, which has no spaces: keywords are substrings of the text, never words. Both sides are
NFKC-normalized and case-folded, so "ＶＰＮ", "VPN" and "vpn" are one keyword and full-width digits match ASCII ones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from shared.domain.lifecycle import Priority, Status
from shared.domain.rules.model import (
    EMAIL,
    MAX_PATTERN_LENGTH,
    TRACE_TEXT,
    Condition,
    ConditionTrace,
    Operator,
    RuleError,
    TicketFacts,
)

# The negative operators are the negation of these: "not_contains" holds exactly when "contains" does not, so a
# missing value satisfies every negative operator and no positive one.
NEGATION = {
    Operator.NOT_EQUALS: Operator.EQUALS,
    Operator.NOT_IN: Operator.IN,
    Operator.NOT_CONTAINS: Operator.CONTAINS,
}
# How a trace says what the (positive) operator found, or that it found nothing.
_PHRASES = {
    Operator.EQUALS: ("equals", "equals none of the values"),
    Operator.IN: ("is", "is none of the values"),
    Operator.CONTAINS: ("contains", "contains none of the keywords"),
    Operator.STARTS_WITH: ("starts with", "starts with none of the values"),
    Operator.ENDS_WITH: ("ends with", "ends with none of the values"),
    Operator.MATCHES: ("matches", "does not match"),
}
LIST_OPERATORS = frozenset({Operator.IN, Operator.NOT_IN})
TEXT_OPERATORS = frozenset({Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH})


def check(condition: Condition, facts: TicketFacts) -> ConditionTrace:
    operator = Operator(condition.operator)
    if operator in (Operator.CHANGED, Operator.CHANGED_FROM, Operator.CHANGED_TO):
        return _check_change(condition, operator, facts)
    raw = facts.value(condition.field)
    values = texts(raw, condition.field)
    shown = _shown(raw)

    def trace(matched: bool, detail: str) -> ConditionTrace:
        return ConditionTrace(condition.field, operator.value, condition.value, shown, matched, detail)

    if operator is Operator.EXISTS:
        wanted = True if condition.value is None else condition.value
        if not isinstance(wanted, bool):
            raise RuleError("exists_boolean", f"'exists' takes true or false, not {condition.value!r}")
        present = any(v.strip() for v in values)
        return trace(present == wanted, "is present" if present else "is missing or empty")
    positive = NEGATION.get(operator, operator)
    negated = positive is not operator
    if not values:
        return trace(negated, "is missing")
    hit = _find(positive, values, condition.value)
    says, denies = _PHRASES[positive]
    detail = f"{says} {hit!r}" if hit is not None else denies
    return trace((hit is None) if negated else (hit is not None), detail)


def _check_change(condition: Condition, operator: Operator, facts: TicketFacts) -> ConditionTrace:
    """What the event changed: a tag counts as changed to the tags it added and from the tags it removed."""
    name = condition.field
    change = facts.changes.get(name)

    def trace(matched: bool, detail: str, actual: Any = None) -> ConditionTrace:
        return ConditionTrace(name, operator.value, condition.value, actual, matched, detail)

    if change is None:
        return trace(False, "did not change")
    old, new = change
    if operator is Operator.CHANGED:
        return trace(True, f"changed from {old!r} to {new!r}", new)
    if name == "tags":
        before, after = set(texts(old, name)), set(texts(new, name))
        side = after - before if operator is Operator.CHANGED_TO else before - after
        values = sorted(side)
    else:
        values = texts(new if operator is Operator.CHANGED_TO else old, name)
    hit = _find(Operator.IN, values, as_list(condition.value)) if values else None
    which = "to" if operator is Operator.CHANGED_TO else "from"
    shown = values if name == "tags" else (new if operator is Operator.CHANGED_TO else old)
    if hit is None:
        return trace(False, f"changed, but not {which} any of the values", shown)
    return trace(True, f"changed {which} {hit!r}", shown)


def _find(operator: Operator, values: list[str], expected: Any) -> str | None:
    """The expected item (keyword, value or pattern) that one of the values satisfies, or None."""
    if operator is Operator.MATCHES:
        if not isinstance(expected, str):
            raise RuleError("matches_pattern", "'matches' takes a regular expression")
        pattern = _compiled(expected)
        return expected if any(pattern.search(nfkc(v)) for v in values) else None
    if operator is Operator.IN and not isinstance(expected, list):
        raise RuleError("needs_list", f"'{operator}' takes a list of values", operator=str(operator))
    items = [str(x) if not isinstance(x, bool) else str(x).lower() for x in as_list(expected)]
    folded = [fold(v) for v in values]
    for item in items:
        needle = fold(item)
        if operator in (Operator.EQUALS, Operator.IN):
            found = any(v == needle for v in folded)
        elif operator is Operator.CONTAINS:
            found = any(needle in v for v in folded)
        elif operator is Operator.STARTS_WITH:
            found = any(v.startswith(needle) for v in folded)
        else:
            found = any(v.endswith(needle) for v in folded)
        if found:
            return item
    return None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        message = f"pattern longer than {MAX_PATTERN_LENGTH} characters"
        raise RuleError("pattern_too_long", message, max=MAX_PATTERN_LENGTH)
    return re.compile(pattern, re.IGNORECASE)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    return nfkc(text).casefold()


def texts(value: Any, name: str) -> list[str]:
    """A field's value as texts: several for a multi-valued field, none when missing."""
    if value is None:
        return []
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, str | int | float):
        return [str(value)] if str(value) != "" else []
    if isinstance(value, list | tuple):
        return [t for item in value for t in texts(item, name)]
    raise RuleError("not_comparable", f"{name} holds a {type(value).__name__}, which rules cannot compare", field=name)


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > TRACE_TEXT:
        return value[:TRACE_TEXT] + "…"
    if isinstance(value, tuple):
        return list(value)
    return value


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def nonempty_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError("empty_text", f"{what} must be a non-empty string, not {value!r}", what=what)
    return value.strip()


def priority_value(value: Any) -> str:
    text = str(value).strip().upper() if isinstance(value, str) else None
    if text not in Priority.__members__:
        raise RuleError("unknown_priority", f"unknown priority {value!r} (P1, P2, P3, P4)", value=str(value))
    return text


def status_value(value: Any) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in {s.value for s in Status}:
        allowed = ", ".join(s.value for s in Status)
        raise RuleError("unknown_status", f"unknown status {value!r} ({allowed})", value=str(value))
    return text


def email_value(value: str) -> str:
    if not EMAIL.match(value):
        raise RuleError("not_email", f"'{value}' is not an email address", value=str(value))
    return value.lower()


def escalation_note(value: Any) -> str:
    """`escalate` takes true (no note) or the note for the supervisor."""
    if value is True:
        return ""
    if isinstance(value, str) and value.strip() and len(value) <= 1000:
        return value.strip()
    raise RuleError("escalate_value", "escalate takes true or a note of up to 1000 characters")
