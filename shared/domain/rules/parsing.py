"""Reading rules from JSON and saying everything wrong with them at once: shape problems (without which the rules
cannot even run) apart from problems of values (fields, patterns, priorities, emails, teams, canned replies)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from shared.domain.lifecycle import Channel, Priority, Status
from shared.domain.rules.matching import (
    LIST_OPERATORS,
    TEXT_OPERATORS,
    as_list,
    email_value,
    escalation_note,
    nonempty_text,
    priority_value,
    status_value,
)
from shared.domain.rules.model import (
    CHANGE_OPERATORS,
    CUSTOM_NAME,
    CUSTOM_PREFIX,
    MAX_PATTERN_LENGTH,
    MAX_RULES,
    RULE_ACTIONS,
    SETS,
    TRACKED_FIELDS,
    Action,
    ActionType,
    Condition,
    FactField,
    Match,
    Operator,
    Rule,
    RuleError,
    TriggerEvent,
)

_RULE_KEYS = {"name", "position", "event", "match", "conditions", "actions", "stop", "enabled"}


def parse(
    data: Any, teams: Iterable[str] | None = None, canned: Iterable[str] | None = None
) -> tuple[list[Rule], list[str], list[str]]:
    """Rules from JSON, the shape problems found (unknown keys, events, operators, action types, wrong types), and
    the problems in values."""
    known_teams = None if teams is None else set(teams)
    known_canned = None if canned is None else set(canned)
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
        rule = _parse_rule(raw, f"rule {index + 1}", reasons, values, known_teams, known_canned)
        if rule is not None:
            rules.append(rule)
    names = [r.name for r in rules if r.name]
    reasons += [f"two rules are named '{n}'" for n in sorted({n for n in names if names.count(n) > 1})]
    # Positions order the rules answering one event; rules of different events never run together.
    spots = [(r.event, r.position) for r in rules]
    for event, p in sorted({s for s in spots if spots.count(s) > 1}):
        which = "" if event is TriggerEvent.CREATED else f"{event.value} "
        reasons.append(f"two {which}rules share position {p}")
    return rules, reasons, values


def _parse_rule(
    raw: Any,
    where: str,
    reasons: list[str],
    values: list[str],
    known_teams: set[str] | None,
    known_canned: set[str] | None,
) -> Rule | None:
    """The rule as far as it parses (so that its other parts are checked too); problems of shape go to `reasons`,
    of values to `values`."""
    if not isinstance(raw, Mapping):
        reasons.append(f"{where} must be an object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        reasons.append(f"{where}: name must be a non-empty string")
        name = ""
    else:
        where = f"{where} ({name})"
    reasons += [f"{where}: unknown setting '{k}'" for k in raw if k not in _RULE_KEYS]
    position = raw.get("position")
    if not isinstance(position, int) or isinstance(position, bool):
        reasons.append(f"{where}: position must be a whole number")
        position = 0
    event = raw.get("event", TriggerEvent.CREATED.value)
    if event not in TriggerEvent.__members__.values():
        reasons.append(f"{where}: unknown event {event!r} ({', '.join(e.value for e in TriggerEvent)})")
        event = TriggerEvent.CREATED.value
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
    conditions = parse_conditions(raw.get("conditions", []), where, reasons, values, TriggerEvent(event))
    actions = parse_actions(raw.get("actions", []), where, reasons, values, known_teams, known_canned, RULE_ACTIONS)
    return Rule(name, position, tuple(conditions), tuple(actions), Match(match), event=TriggerEvent(event), **flags)


def parse_conditions(
    raw_conditions: Any, where: str, reasons: list[str], values: list[str], event: TriggerEvent | None
) -> list[Condition]:
    """Conditions as far as they parse. `event` None: no event (automations), so nothing changed to look at."""
    if not isinstance(raw_conditions, list):
        reasons.append(f"{where}: conditions must be a list")
        return []
    conditions = []
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
        if condition.operator in CHANGE_OPERATORS and event is not TriggerEvent.UPDATED:
            reasons.append(f"{spot}: '{condition.operator}' is for updated triggers, which see what changed")
            continue
        values += [f"{spot}: {r}" for r in _condition_reasons(condition)]
        conditions.append(condition)
    return conditions


def parse_actions(
    raw_actions: Any,
    where: str,
    reasons: list[str],
    values: list[str],
    known_teams: set[str] | None,
    known_canned: set[str] | None,
    allowed: Iterable[ActionType] = RULE_ACTIONS,
) -> list[Action]:
    allowed = tuple(allowed)
    actions = []
    written: set[str] = set()
    if not isinstance(raw_actions, list) or not raw_actions:
        reasons.append(f"{where}: actions must be a non-empty list")
        return []
    for i, item in enumerate(raw_actions, 1):
        spot = f"{where}: action {i}"
        if not isinstance(item, Mapping) or set(item) != {"type", "value"}:
            reasons.append(f"{spot} must be an object with type and value")
            continue
        if item["type"] not in {a.value for a in allowed}:
            types = ", ".join(a.value for a in allowed)
            reasons.append(f"{spot}: unknown action {item['type']!r} ({types})")
            continue
        action = Action(ActionType(item["type"]), item["value"])
        values += [f"{spot}: {r}" for r in action_reasons(action, known_teams, known_canned)]
        target = SETS.get(action.type)
        if target in written:
            values.append(f"{where}: sets {target} twice")
        if target:
            written.add(target)
        actions.append(action)
    return actions


def _condition_reasons(condition: Condition) -> list[str]:
    name, operator, value = condition.field, condition.operator, condition.value
    if operator in CHANGE_OPERATORS:
        if name not in TRACKED_FIELDS:
            return [f"'{operator}' looks at {', '.join(sorted(TRACKED_FIELDS))}, not '{name}'"]
        if operator is Operator.CHANGED:
            return [] if value is None else ["'changed' takes no value"]
        items = as_list(value)
        if value is None or not items or not all(_scalar(v) and str(v).strip() for v in items):
            return [f"'{operator}' takes a value or a list of values"]
        return _known_values(name, items)
    if name.startswith(CUSTOM_PREFIX):
        if not CUSTOM_NAME.match(name[len(CUSTOM_PREFIX) :]):
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
    if operator in LIST_OPERATORS:
        if not isinstance(value, list) or not value or not all(_scalar(v) for v in value):
            return [f"'{operator}' takes a non-empty list of values"]
        items = value
    elif operator in TEXT_OPERATORS:
        items = as_list(value)
        if not items or not all(isinstance(v, str) and v.strip() for v in items):
            return [f"'{operator}' takes a keyword or a list of keywords, none empty"]
    else:
        if not _scalar(value):
            return [f"'{operator}' takes one value"]
        items = [value]
    if operator in TEXT_OPERATORS:
        return []
    return _known_values(name, items)


def _known_values(name: str, items: list[Any]) -> list[str]:
    if name == FactField.PRIORITY:
        bad = [v for v in items if not isinstance(v, str) or v.strip().upper() not in Priority.__members__]
        return [f"unknown priority {v!r} (P1, P2, P3, P4)" for v in bad]
    if name == FactField.STATUS:
        statuses = {s.value for s in Status}
        return [f"unknown status {v!r} ({', '.join(s.value for s in Status)})" for v in items if v not in statuses]
    if name == FactField.CHANNEL:
        channels = {c.value for c in Channel}
        return [f"unknown channel {v!r} ({', '.join(sorted(channels))})" for v in items if str(v) not in channels]
    return []


def action_reasons(action: Action, known_teams: set[str] | None, known_canned: set[str] | None = None) -> list[str]:
    kind = action.type
    try:
        if kind is ActionType.SET_PRIORITY:
            priority_value(action.value)
        elif kind is ActionType.SET_STATUS:
            status_value(action.value)
        elif kind is ActionType.ESCALATE:
            escalation_note(action.value)
        elif kind in (ActionType.ADD_TAGS, ActionType.NOTIFY, ActionType.ADD_FOLLOWER):
            items = as_list(action.value)
            if not items:
                return [f"{kind} needs at least one value"]
            for item in items:
                text = nonempty_text(item, "tag" if kind is ActionType.ADD_TAGS else "recipient")
                if kind is not ActionType.ADD_TAGS:
                    email_value(text)
        else:
            text = nonempty_text(action.value, kind.value)
            if kind is ActionType.SET_ASSIGNEE:
                email_value(text)
            if kind is ActionType.SET_TEAM and known_teams is not None and text not in known_teams:
                return [f"unknown team '{text}'"]
            if kind is ActionType.SEND_CANNED_REPLY and known_canned is not None and text not in known_canned:
                return [f"unknown canned reply '{text}'"]
    except RuleError as bad:
        return [str(bad)]
    return []


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)
