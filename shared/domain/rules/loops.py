"""Refusing rule sets whose actions could keep making each other fire forever."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from shared.domain.rules.matching import check, fold
from shared.domain.rules.model import (
    FEEDBACK_FIELDS,
    SETS,
    Condition,
    Match,
    Operator,
    Rule,
    RuleError,
    TicketFacts,
    TriggerEvent,
)

# Which rules a rule's writes can make fire: `created` rules repeat passes within the routing write; every write a
# rule makes is also a change that `updated` triggers answer. Nothing a rule does is a reply or a note.
_FED_BY_ANY = frozenset({TriggerEvent.UPDATED})


def loop_reasons(rules: Sequence[Rule]) -> list[str]:
    """Refuse rule sets whose passes (or chains of triggers) could keep changing a field forever.

    Actions write constants, so a set can fail to settle only if some field flips between values that different
    rules write, each rule firing again because of another's write. Only fields that "set" actions write and
    conditions read (`FEEDBACK_FIELDS`) carry such feedback.

    The check builds a graph of the enabled rules: an edge R -> S when R sets a feedback field to a value v, S can
    answer R's write (S is a `created` rule like R, or an `updated` trigger) and S's conditions on that field hold
    for v (all of them for an `all` rule, one for an `any` rule; S's conditions on other fields are taken as possibly
    true; a trigger's "changed" conditions as holding). R can thus make S fire. Rules that can, through each other,
    fire each other again form a strongly connected component with a cycle (Kosaraju's algorithm, linear in rules
    and edges). A component whose rules set one field to two different values can flip it forever: A sets category
    x, B on x sets y, C on y sets x gives B -> C -> B with category set to both x and y. A component that writes one
    value per field settles (a rule on category x that sets priority P1, and one on P1 that sets category x, agree),
    and so does a rule that re-triggers itself with the value it already set.

    The check reasons about values, not about the other conditions, so it may refuse a set whose rules could never
    all fire on one ticket; reordering or narrowing such rules (or merging them) satisfies it. The engine's bound on
    passes, and the chain depth of triggers, stay as the backstop for sets saved without validation.
    """
    active = [r for r in rules if r.enabled]
    writes = [
        {SETS[a.type]: str(a.value).strip() for a in r.actions if SETS.get(a.type) in FEEDBACK_FIELDS} for r in active
    ]
    edges: list[set[int]] = [set() for _ in active]
    for i, written in enumerate(writes):
        for name, value in written.items():
            for j, rule in enumerate(active):
                feeds = rule.event in _FED_BY_ANY or rule.event is active[i].event is TriggerEvent.CREATED
                if feeds and _could_fire(rule, name, value):
                    edges[i].add(j)
    reasons = []
    for component in _components(edges):
        if len(component) == 1 and component[0] not in edges[component[0]]:
            continue
        for name in sorted(FEEDBACK_FIELDS):
            values = {fold(writes[i][name]): writes[i][name] for i in sorted(component) if name in writes[i]}
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
    given: dict[str, Any] = {name: value, "changes": {name: (None, value)}}
    facts = TicketFacts(**given)
    results = [_could_hold(condition, facts) for condition in relevant]
    return all(results) if rule.match is Match.ALL else any(results)


def _could_hold(condition: Condition, facts: TicketFacts) -> bool:
    if condition.operator is Operator.CHANGED_FROM:
        return True  # the old value is not known here
    try:
        return check(condition, facts).matched
    except (RuleError, re.error, TypeError, ValueError):
        return True  # unknown: assume it could


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
