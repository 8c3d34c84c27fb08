"""Routing rules (转办规则): admin-configured conditions on a ticket's facts and actions that set its fields.

Rules run in order of position. A rule whose conditions hold (all of them, or any) fires: its actions apply, and it
either stops the pass or lets the next rules run. Because an action can make another rule's conditions true (a rule
raising the priority feeds a rule on P1 placed earlier), the engine repeats whole passes until one leaves the fields
as it found them; `validate_rule_set` refuses sets that could repeat forever, and the passes are bounded anyway.

Text matching suits Chinese, which has no spaces: keywords are substrings of the text, never words. Both sides are
NFKC-normalized and case-folded, so "ＶＰＮ", "VPN" and "vpn" are one keyword and full-width digits match ASCII ones.
Every evaluation explains itself: `Outcome.trace` says for each rule and pass whether it fired and why (the dry run's
answer), and a rule that fails (a bad pattern or value stored before validation caught it) is recorded there without
stopping the others.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from shared.domain.tickets import Channel, FieldChange, Priority
from shared.errors import InvalidInput

if TYPE_CHECKING:
    from shared.domain.tickets import Ticket

CUSTOM_PREFIX = "custom_fields."
MAX_PATTERN_LENGTH = 500
MAX_RULES = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CUSTOM_NAME = re.compile(r"^[\w.-]{1,64}$")
_TRACE_TEXT = 200  # characters of a long value shown in a trace


class InvalidRuleSet(InvalidInput, ValueError):
    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("invalid routing rules: " + "; ".join(reasons), field="rules")
        self.reasons = list(reasons)


class RuleError(Exception):
    """A rule that cannot be evaluated on these facts; recorded in the trace, the other rules go on. `code` and
    `params` let a reader word it in their language; the message is the English detail."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class FactField(StrEnum):
    CHANNEL = "channel"
    CATEGORY = "category"
    SUBJECT = "subject"
    DESCRIPTION = "description"
    TEXT = "text"  # subject or description
    PRIORITY = "priority"
    CUSTOMER_TIER = "customer_tier"
    ORGANIZATION = "organization"
    REQUESTER_EMAIL = "requester_email"
    REQUESTER_DOMAIN = "requester_domain"
    REGION = "region"  # the customer's region or city


class Operator(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    MATCHES = "matches"  # a regular expression, searched anywhere, case-insensitive
    EXISTS = "exists"  # value true (default): present and not empty; false: absent or empty


class Match(StrEnum):
    ALL = "all"
    ANY = "any"


class ActionType(StrEnum):
    SET_TEAM = "set_team"
    SET_PRIORITY = "set_priority"
    SET_CATEGORY = "set_category"
    ADD_TAGS = "add_tags"
    SET_ASSIGNEE = "set_assignee"
    NOTIFY = "notify"  # an email address (a user's) or a list of them


class RuleStatus(StrEnum):
    FIRED = "fired"
    NOT_MATCHED = "not_matched"
    ERROR = "error"
    SKIPPED = "skipped"  # an earlier rule stopped the pass
    DISABLED = "disabled"


# The negative operators are the negation of these: "not_contains" holds exactly when "contains" does not, so a
# missing value satisfies every negative operator and no positive one.
_NEGATION = {
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
_LIST_OPERATORS = frozenset({Operator.IN, Operator.NOT_IN})
_TEXT_OPERATORS = frozenset({Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH, Operator.ENDS_WITH})
# The field each "set" action writes, and the fields of the outcome.
_SETS = {
    ActionType.SET_TEAM: "team",
    ActionType.SET_PRIORITY: "priority",
    ActionType.SET_CATEGORY: "category",
    ActionType.SET_ASSIGNEE: "assignee",
}
# Fields that actions write and conditions read: only these can make rules feed each other.
_FEEDBACK_FIELDS = frozenset({"priority", "category"})


@dataclass(frozen=True)
class TicketFacts:
    """What rules look at: the ticket's text and attributes, and the customer's. Actions change the last group."""

    subject: str = ""
    description: str = ""
    channel: str | None = None
    customer_tier: str | None = None
    organization: str | None = None
    requester_email: str | None = None
    region: str | None = None
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    priority: str | None = None
    category: str | None = None
    team: str | None = None
    assignee: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def requester_domain(self) -> str | None:
        if not self.requester_email or "@" not in self.requester_email:
            return None
        return self.requester_email.rsplit("@", 1)[1].lower()

    @classmethod
    def of_ticket(
        cls,
        ticket: Ticket,
        *,
        customer_tier: str | None = None,
        organization: str | None = None,
        region: str | None = None,
    ) -> TicketFacts:
        return cls(
            subject=ticket.subject,
            description=ticket.description,
            channel=ticket.channel.value,
            customer_tier=customer_tier,
            organization=organization,
            requester_email=ticket.requester.email,
            region=region,
            custom_fields=dict(ticket.custom_fields),
            priority=ticket.priority.value,
            category=ticket.category,
            team=ticket.team,
            assignee=ticket.assignee,
            tags=tuple(ticket.tags),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketFacts:
        """Facts from the dry-run request's JSON: the same names as the rule fields (unknown names are refused)."""
        names = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InvalidInput(f"unknown ticket facts: {', '.join(unknown)}", field=unknown[0])
        values = dict(data)
        if "tags" in values:
            values["tags"] = tuple(values["tags"] or ())
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        data["custom_fields"] = dict(self.custom_fields)
        return data

    def value(self, name: str) -> Any:
        """A field's current value (None when missing); an unknown field is the rule's error."""
        if name.startswith(CUSTOM_PREFIX):
            return self.custom_fields.get(name[len(CUSTOM_PREFIX) :])
        if name == FactField.TEXT:
            parts = [p for p in (self.subject, self.description) if p]
            # A newline between them: a keyword never spans the subject's end and the description's start.
            return "\n".join(parts) if parts else None
        if name == FactField.REQUESTER_DOMAIN:
            return self.requester_domain
        if name not in FactField.__members__.values():
            raise RuleError("unknown_field", f"unknown field '{name}'", field=name)
        return getattr(self, name)


CUSTOMER_FACTS = ("customer_tier", "organization", "region")


def facts_of(ticket: Ticket) -> TicketFacts:
    """What rules see of a ticket: the customer's tier, organization and region come from its custom fields."""
    extra = {name: ticket.custom_fields.get(name) for name in CUSTOMER_FACTS}
    return TicketFacts.of_ticket(ticket, **{k: (str(v) if v not in (None, "") else None) for k, v in extra.items()})


@dataclass(frozen=True)
class Condition:
    field: str
    operator: Operator
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "operator": self.operator.value}
        if self.value is not None:
            data["value"] = self.value
        return data


@dataclass(frozen=True)
class Action:
    type: ActionType
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "value": self.value}


@dataclass(frozen=True)
class Rule:
    name: str
    position: int
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    match: Match = Match.ALL
    stop: bool = False  # stop the pass when this rule fires (else the next rules run too)
    enabled: bool = True

    @property
    def teams(self) -> set[str]:
        """The teams this rule routes tickets to."""
        return {str(a.value) for a in self.actions if a.type is ActionType.SET_TEAM}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "position": self.position,
            "match": self.match.value,
            "conditions": [c.to_dict() for c in self.conditions],
            "actions": [a.to_dict() for a in self.actions],
            "stop": self.stop,
            "enabled": self.enabled,
        }


@dataclass(frozen=True)
class ConditionTrace:
    field: str
    operator: str
    expected: Any
    actual: Any
    matched: bool
    detail: str


@dataclass(frozen=True)
class RuleTrace:
    rule: str
    position: int
    pass_number: int
    status: RuleStatus
    detail: str
    conditions: tuple[ConditionTrace, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    error: dict[str, Any] | None = None  # for an error: {"code", ...its parameters}

    @property
    def fired(self) -> bool:
        return self.status is RuleStatus.FIRED

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "position": self.position,
            "pass": self.pass_number,
            "status": self.status.value,
            "fired": self.fired,
            "detail": self.detail,
            "conditions": [asdict(c) for c in self.conditions],
            "changes": [asdict(c) for c in self.changes],
            "error": self.error,
        }


@dataclass(frozen=True)
class _Fields:
    """What actions change; compared whole to detect the pass that changes nothing."""

    team: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    tags: tuple[str, ...]
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    team: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    tags: tuple[str, ...]
    notify: tuple[str, ...]
    changes: tuple[FieldChange, ...]  # against the facts given
    fired: tuple[str, ...]  # rules that fired, first firing first
    trace: tuple[RuleTrace, ...]
    passes: int
    converged: bool  # False only when the bound was hit (a set that skipped validation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "priority": self.priority,
            "category": self.category,
            "assignee": self.assignee,
            "tags": list(self.tags),
            "notify": list(self.notify),
            "changes": [asdict(c) for c in self.changes],
            "fired": list(self.fired),
            "passes": self.passes,
            "converged": self.converged,
            "trace": [t.to_dict() for t in self.trace],
        }


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        ordered = sorted(enumerate(self.rules), key=lambda pair: (pair[1].position, pair[0]))
        object.__setattr__(self, "rules", tuple(rule for _, rule in ordered))

    @property
    def max_passes(self) -> int:
        # A valid set settles within one pass per rule (each pass can enable at most the next link of a chain)
        # plus the pass that confirms nothing changes.
        return max(2, len(self.rules) + 1)

    def evaluate(self, facts: TicketFacts) -> Outcome:
        start = _Fields(facts.team, facts.priority, facts.category, facts.assignee, tuple(facts.tags), ())
        state = start
        trace: list[RuleTrace] = []
        fired: dict[str, None] = {}
        converged, passes = False, 0
        for number in range(1, self.max_passes + 1):
            passes = number
            before = state
            stopped_by: str | None = None
            for rule in self.rules:
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
        changes = tuple(
            FieldChange(name, getattr(start, name), getattr(state, name))
            for name in ("team", "priority", "category", "assignee", "tags", "notify")
            if getattr(start, name) != getattr(state, name)
        )
        return Outcome(
            team=state.team,
            priority=state.priority,
            category=state.category,
            assignee=state.assignee,
            tags=state.tags,
            notify=state.notify,
            changes=changes,
            fired=tuple(fired),
            trace=tuple(trace),
            passes=passes,
            converged=converged,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"rules": [rule.to_dict() for rule in self.rules]}

    @classmethod
    def from_dict(cls, data: Any, *, validate: bool = True, teams: Iterable[str] | None = None) -> RuleSet:
        """Rules from JSON. `validate=False` accepts what parses (for sets stored before a check was added): their
        bad patterns, values and fields then fail one rule at a time at evaluation, in the trace."""
        rules, shape, values = _parse(data, teams)
        reasons = shape
        if validate:
            reasons = shape + values or _loop_reasons(rules)
        if reasons:
            raise InvalidRuleSet(reasons)
        return cls(tuple(rules))


def validate_rule_set(data: Any, *, teams: Iterable[str] | None = None) -> list[str]:
    """Every reason the rules cannot be saved, for the admin to fix at once (empty: valid).

    Checks the shape, unknown fields and operators, values (priorities P1-P4, known channels, emails, known teams when
    `teams` is given), regular expressions, and loops (see `_loop_reasons`).
    """
    rules, shape, values = _parse(data, teams)
    # Loops are looked for once every rule is right on its own.
    return shape + values or _loop_reasons(rules)


# -- evaluation --------------------------------------------------------------------------------------------------
def _run(rule: Rule, facts: TicketFacts, state: _Fields, number: int) -> tuple[RuleTrace, _Fields]:
    current = replace(facts, priority=state.priority, category=state.category)
    try:
        conditions = tuple(_check(c, current) for c in rule.conditions)
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
            after = _apply(action, after)
    except (RuleError, re.error, TypeError, ValueError) as failure:
        detail = f"error: {failure}"
        return RuleTrace(rule.name, rule.position, number, RuleStatus.ERROR, detail, error=_error(failure)), state
    changes = tuple(
        FieldChange(name, getattr(state, name), getattr(after, name))
        for name in ("team", "priority", "category", "assignee", "tags", "notify")
        if getattr(state, name) != getattr(after, name)
    )
    detail = why + ("" if changes else "; nothing to change") + ("; stops the pass" if rule.stop else "")
    return RuleTrace(rule.name, rule.position, number, RuleStatus.FIRED, detail, conditions, changes), after


def _error(failure: Exception) -> dict[str, Any]:
    """A failed rule's error as a code and its parameters, for the reader's language."""
    if isinstance(failure, RuleError):
        return {"code": failure.code, **failure.params}
    if isinstance(failure, re.error):
        return {"code": "bad_pattern", "reason": str(failure)}
    return {"code": "invalid_value"}


def _apply(action: Action, state: _Fields) -> _Fields:
    if action.type is ActionType.SET_PRIORITY:
        return replace(state, priority=_priority(action.value))
    if action.type in _SETS:
        value = _nonempty_text(action.value, action.type.value)
        if action.type is ActionType.SET_ASSIGNEE:
            value = _email(value)
        return replace(state, **{_SETS[action.type]: value})
    if action.type is ActionType.ADD_TAGS:
        tags = [_nonempty_text(t, "tag") for t in _as_list(action.value)]
        return replace(state, tags=state.tags + tuple(t for t in dict.fromkeys(tags) if t not in state.tags))
    recipients = [_email(_nonempty_text(r, "recipient")) for r in _as_list(action.value)]
    return replace(state, notify=state.notify + tuple(r for r in dict.fromkeys(recipients) if r not in state.notify))


def _check(condition: Condition, facts: TicketFacts) -> ConditionTrace:
    raw = facts.value(condition.field)
    values = _texts(raw, condition.field)
    operator = Operator(condition.operator)
    shown = _shown(raw)

    def trace(matched: bool, detail: str) -> ConditionTrace:
        return ConditionTrace(condition.field, operator.value, condition.value, shown, matched, detail)

    if operator is Operator.EXISTS:
        wanted = True if condition.value is None else condition.value
        if not isinstance(wanted, bool):
            raise RuleError("exists_boolean", f"'exists' takes true or false, not {condition.value!r}")
        present = any(v.strip() for v in values)
        return trace(present == wanted, "is present" if present else "is missing or empty")
    positive = _NEGATION.get(operator, operator)
    negated = positive is not operator
    if not values:
        return trace(negated, "is missing")
    hit = _find(positive, values, condition.value)
    says, denies = _PHRASES[positive]
    detail = f"{says} {hit!r}" if hit is not None else denies
    return trace((hit is None) if negated else (hit is not None), detail)


def _find(operator: Operator, values: list[str], expected: Any) -> str | None:
    """The expected item (keyword, value or pattern) that one of the values satisfies, or None."""
    if operator is Operator.MATCHES:
        if not isinstance(expected, str):
            raise RuleError("matches_pattern", "'matches' takes a regular expression")
        pattern = _compiled(expected)
        return expected if any(pattern.search(_nfkc(v)) for v in values) else None
    if operator is Operator.IN and not isinstance(expected, list):
        raise RuleError("needs_list", f"'{operator}' takes a list of values", operator=str(operator))
    items = [str(x) if not isinstance(x, bool) else str(x).lower() for x in _as_list(expected)]
    folded = [_fold(v) for v in values]
    for item in items:
        needle = _fold(item)
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


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _fold(text: str) -> str:
    return _nfkc(text).casefold()


def _texts(value: Any, name: str) -> list[str]:
    """A field's value as texts: several for a multi-valued custom field, none when missing."""
    if value is None:
        return []
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, str | int | float):
        return [str(value)] if str(value) != "" else []
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item, name)]
    raise RuleError("not_comparable", f"{name} holds a {type(value).__name__}, which rules cannot compare", field=name)


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _TRACE_TEXT:
        return value[:_TRACE_TEXT] + "…"
    return value


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _nonempty_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError("empty_text", f"{what} must be a non-empty string, not {value!r}", what=what)
    return value.strip()


def _priority(value: Any) -> str:
    text = str(value).strip().upper() if isinstance(value, str) else None
    if text not in Priority.__members__:
        raise RuleError("unknown_priority", f"unknown priority {value!r} (P1, P2, P3, P4)", value=str(value))
    return text


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise RuleError("not_email", f"'{value}' is not an email address", value=str(value))
    return value.lower()


# -- parsing and validation --------------------------------------------------------------------------------------
def _parse(data: Any, teams: Iterable[str] | None = None) -> tuple[list[Rule], list[str], list[str]]:
    """Rules from JSON, the shape problems found (unknown keys, operators, action types, wrong types) without which
    the rules cannot even be run, and the problems in values (fields, patterns, priorities, emails, teams)."""
    known_teams = None if teams is None else set(teams)
    reasons: list[str] = []
    values: list[str] = []
    if isinstance(data, Mapping):
        reasons += [f"unknown setting '{k}'" for k in data if k != "rules"]
        data = data.get("rules", [])
    if not isinstance(data, list):
        return [], ["rules must be a list"], []
    if len(data) > MAX_RULES:
        reasons.append(f"at most {MAX_RULES} rules")
    rules = []
    for index, raw in enumerate(data):
        rule = _parse_rule(raw, f"rule {index + 1}", reasons, values, known_teams)
        if rule is not None:
            rules.append(rule)
    names = [r.name for r in rules if r.name]
    reasons += [f"two rules are named '{n}'" for n in sorted({n for n in names if names.count(n) > 1})]
    positions = [r.position for r in rules]
    reasons += [f"two rules share position {p}" for p in sorted({p for p in positions if positions.count(p) > 1})]
    return rules, reasons, values


def _parse_rule(
    raw: Any, where: str, reasons: list[str], values: list[str], known_teams: set[str] | None
) -> Rule | None:
    """The rule as far as it parses (so that its other parts are checked too); problems of shape go to `reasons`,
    of values to `values`."""
    if not isinstance(raw, Mapping):
        reasons.append(f"{where} must be an object")
        return None
    known = {"name", "position", "match", "conditions", "actions", "stop", "enabled"}
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        reasons.append(f"{where}: name must be a non-empty string")
        name = ""
    else:
        where = f"{where} ({name})"
    reasons += [f"{where}: unknown setting '{k}'" for k in raw if k not in known]
    position = raw.get("position")
    if not isinstance(position, int) or isinstance(position, bool):
        reasons.append(f"{where}: position must be a whole number")
        position = 0
    match = raw.get("match", Match.ALL.value)
    if match not in Match.__members__.values():
        reasons.append(f"{where}: match must be 'all' or 'any', not {match!r}")
        match = Match.ALL.value
    flags = {}
    for flag, default in (("stop", False), ("enabled", True)):
        flags[flag] = raw.get(flag, default)
        if not isinstance(flags[flag], bool):
            reasons.append(f"{where}: {flag} must be true or false")
            flags[flag] = default
    conditions = []
    raw_conditions = raw.get("conditions", [])
    if not isinstance(raw_conditions, list):
        reasons.append(f"{where}: conditions must be a list")
        raw_conditions = []
    for i, item in enumerate(raw_conditions, 1):
        spot = f"{where}: condition {i}"
        if not isinstance(item, Mapping) or not {"field", "operator"} <= set(item):
            reasons.append(f"{spot} must be an object with field, operator and (mostly) value")
            continue
        reasons += [f"{spot}: unknown setting '{k}'" for k in item if k not in {"field", "operator", "value"}]
        if not isinstance(item["field"], str):
            reasons.append(f"{spot}: field must be a string")
            continue
        if item["operator"] not in Operator.__members__.values():
            ops = ", ".join(o.value for o in Operator)
            reasons.append(f"{spot}: unknown operator {item['operator']!r} ({ops})")
            continue
        condition = Condition(item["field"], Operator(item["operator"]), item.get("value"))
        values += [f"{spot}: {r}" for r in _condition_reasons(condition)]
        conditions.append(condition)
    actions = []
    written: set[str] = set()
    raw_actions = raw.get("actions", [])
    if not isinstance(raw_actions, list) or not raw_actions:
        reasons.append(f"{where}: actions must be a non-empty list")
        raw_actions = []
    for i, item in enumerate(raw_actions, 1):
        spot = f"{where}: action {i}"
        if not isinstance(item, Mapping) or set(item) != {"type", "value"}:
            reasons.append(f"{spot} must be an object with type and value")
            continue
        if item["type"] not in ActionType.__members__.values():
            types = ", ".join(a.value for a in ActionType)
            reasons.append(f"{spot}: unknown action {item['type']!r} ({types})")
            continue
        action = Action(ActionType(item["type"]), item["value"])
        values += [f"{spot}: {r}" for r in _action_reasons(action, known_teams)]
        target = _SETS.get(action.type)
        if target in written:
            values.append(f"{where}: sets {target} twice")
        if target:
            written.add(target)
        actions.append(action)
    return Rule(name, position, tuple(conditions), tuple(actions), Match(match), **flags)


def _condition_reasons(condition: Condition) -> list[str]:
    name, operator, value = condition.field, condition.operator, condition.value
    if name.startswith(CUSTOM_PREFIX):
        if not _CUSTOM_NAME.match(name[len(CUSTOM_PREFIX) :]):
            return [f"bad custom field name in '{name}'"]
    elif name not in FactField.__members__.values():
        known = ", ".join(f.value for f in FactField)
        return [f"unknown field '{name}' ({known}, or custom_fields.<name>)"]
    if operator is Operator.EXISTS:
        return [] if value is None or isinstance(value, bool) else ["'exists' takes true or false"]
    if operator is Operator.MATCHES:
        if not isinstance(value, str) or not value:
            return ["'matches' takes a regular expression"]
        if len(value) > MAX_PATTERN_LENGTH:
            return [f"the pattern is longer than {MAX_PATTERN_LENGTH} characters"]
        try:
            re.compile(value)
        except re.error as bad:
            return [f"bad regular expression {value!r}: {bad}"]
        return []
    if operator in _LIST_OPERATORS:
        if not isinstance(value, list) or not value or not all(_scalar(v) for v in value):
            return [f"'{operator}' takes a non-empty list of values"]
        items = value
    elif operator in _TEXT_OPERATORS:
        items = _as_list(value)
        if not items or not all(isinstance(v, str) and v.strip() for v in items):
            return [f"'{operator}' takes a keyword or a list of keywords, none empty"]
    else:
        if not _scalar(value):
            return [f"'{operator}' takes one value"]
        items = [value]
    if operator in _TEXT_OPERATORS:
        return []
    if name == FactField.PRIORITY:
        bad = [v for v in items if not isinstance(v, str) or v.strip().upper() not in Priority.__members__]
        return [f"unknown priority {v!r} (P1, P2, P3, P4)" for v in bad]
    if name == FactField.CHANNEL:
        channels = {c.value for c in Channel}
        return [f"unknown channel {v!r} ({', '.join(sorted(channels))})" for v in items if str(v) not in channels]
    return []


def _action_reasons(action: Action, known_teams: set[str] | None) -> list[str]:
    try:
        if action.type is ActionType.SET_PRIORITY:
            _priority(action.value)
        elif action.type in (ActionType.ADD_TAGS, ActionType.NOTIFY):
            items = _as_list(action.value)
            if not items:
                return [f"{action.type} needs at least one value"]
            for item in items:
                text = _nonempty_text(item, "tag" if action.type is ActionType.ADD_TAGS else "recipient")
                if action.type is ActionType.NOTIFY:
                    _email(text)
        else:
            text = _nonempty_text(action.value, action.type.value)
            if action.type is ActionType.SET_ASSIGNEE:
                _email(text)
            if action.type is ActionType.SET_TEAM and known_teams is not None and text not in known_teams:
                return [f"unknown team '{text}'"]
    except RuleError as bad:
        return [str(bad)]
    return []


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _loop_reasons(rules: Sequence[Rule]) -> list[str]:
    """Refuse rule sets whose passes could keep changing a field forever.

    Actions write constants, so a set can fail to settle only if some field flips between values that different
    rules write, each rule firing again because of another's write. Only fields that actions write and conditions
    read (`priority`, `category`) carry such feedback.

    The check builds a graph of the enabled rules: an edge R -> S when R sets a feedback field to a value v and S's
    conditions on that field hold for v (all of them for an `all` rule, one for an `any` rule; S's conditions on
    other fields are taken as possibly true). R can thus make S fire. Rules that can, through each other, fire each
    other again form a strongly connected component with a cycle (Kosaraju's algorithm, linear in rules and edges).
    A component whose rules set one field to two different values can flip it forever: A sets category x, B on x
    sets y, C on y sets x gives B -> C -> B with category set to both x and y. A component that writes one value per
    field settles (a rule on category x that sets priority P1, and one on P1 that sets category x, agree), and so
    does a rule that re-triggers itself with the value it already set.

    The check reasons about values, not about the other conditions, so it may refuse a set whose rules could never
    all fire on one ticket; reordering or narrowing such rules (or merging them) satisfies it. The engine's bound on
    passes stays as the backstop for sets saved without validation.
    """
    active = [r for r in rules if r.enabled]
    writes = [
        {_SETS[a.type]: str(a.value).strip() for a in r.actions if _SETS.get(a.type) in _FEEDBACK_FIELDS}
        for r in active
    ]
    edges: list[set[int]] = [set() for _ in active]
    for i, written in enumerate(writes):
        for name, value in written.items():
            for j, rule in enumerate(active):
                if _could_fire(rule, name, value):
                    edges[i].add(j)
    reasons = []
    for component in _components(edges):
        if len(component) == 1 and component[0] not in edges[component[0]]:
            continue
        for name in sorted(_FEEDBACK_FIELDS):
            values = {_fold(writes[i][name]): writes[i][name] for i in sorted(component) if name in writes[i]}
            if len(values) > 1:
                involved = ", ".join(f"'{active[i].name}'" for i in sorted(component))
                reasons.append(
                    f"rules {involved} can keep changing {name} ({', '.join(values.values())}): "
                    "each can make another fire again"
                )
    return reasons


def _could_fire(rule: Rule, name: str, value: str) -> bool:
    relevant = [c for c in rule.conditions if c.field == name]
    if not relevant:
        return False
    facts = TicketFacts(**{name: value})
    results = []
    for condition in relevant:
        try:
            results.append(_check(condition, facts).matched)
        except (RuleError, re.error, TypeError, ValueError):
            results.append(True)  # unknown: assume it could
    return all(results) if rule.match is Match.ALL else any(results)


def _components(edges: list[set[int]]) -> list[list[int]]:
    """Strongly connected components (Kosaraju, iterative: no recursion limit on large rule sets)."""
    count = len(edges)
    seen = [False] * count
    order: list[int] = []
    for root in range(count):
        if seen[root]:
            continue
        seen[root] = True
        stack = [(root, iter(sorted(edges[root])))]
        while stack:
            node, successors = stack[-1]
            step = next((m for m in successors if not seen[m]), None)
            if step is None:
                stack.pop()
                order.append(node)
            else:
                seen[step] = True
                stack.append((step, iter(sorted(edges[step]))))
    reverse: list[set[int]] = [set() for _ in range(count)]
    for node, successors in enumerate(edges):
        for successor in successors:
            reverse[successor].add(node)
    assigned = [False] * count
    components = []
    for root in reversed(order):
        if assigned[root]:
            continue
        assigned[root] = True
        component, pending = [], [root]
        while pending:
            node = pending.pop()
            component.append(node)
            for predecessor in reverse[node]:
                if not assigned[predecessor]:
                    assigned[predecessor] = True
                    pending.append(predecessor)
        components.append(component)
    return components


# -- seed ---------------------------------------------------------------------------------------------------------
# The seeds' criteria (design section 1): money or security issues and core business down are P1 (紧急).
DEFAULT_RULES: dict[str, Any] = {
    "rules": [
        {
            "name": "资金或安全问题为紧急",
            "position": 10,
            "match": "any",
            "conditions": [
                {
                    "field": "text",
                    "operator": "contains",
                    "value": ["资金", "扣款", "盗刷", "被盗", "安全", "泄露", "异常交易", "重复扣费"],
                },
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["资金安全"]},
            ],
        },
        {
            "name": "核心业务中断为紧急",
            "position": 20,
            "match": "any",
            "conditions": [
                {
                    "field": "text",
                    "operator": "contains",
                    "value": ["系统瘫痪", "系统崩溃", "服务中断", "全面宕机", "大面积故障"],
                },
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["核心业务中断"]},
            ],
        },
        {
            "name": "所有用户无法登录为紧急",
            "position": 30,
            "match": "all",
            "conditions": [
                {"field": "text", "operator": "contains", "value": ["无法登录", "登录不了", "登不上"]},
                {"field": "text", "operator": "contains", "value": ["所有用户", "全部用户", "所有人", "全员"]},
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["核心业务中断"]},
            ],
        },
        {
            "name": "紧急工单通知主管",
            "position": 40,
            "conditions": [{"field": "priority", "operator": "equals", "value": "P1"}],
            "actions": [{"type": "notify", "value": "lead@demo.local"}],
        },
        {
            "name": "账务问题转账务组",
            "position": 50,
            "match": "any",
            "conditions": [
                {"field": "text", "operator": "contains", "value": ["退款", "发票", "账单", "扣款", "充值", "付款"]},
                {"field": "category", "operator": "equals", "value": "billing"},
            ],
            "actions": [{"type": "set_team", "value": "billing"}],
            "stop": True,
        },
        {
            "name": "其余转技术支持组",
            "position": 60,
            "conditions": [],
            "actions": [{"type": "set_team", "value": "tech"}],
        },
    ]
}


def default_rule_set() -> RuleSet:
    return RuleSet.from_dict(DEFAULT_RULES)
