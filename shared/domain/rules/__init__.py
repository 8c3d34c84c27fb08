"""Routing rules (转办规则) and triggers (工单触发器): admin-configured conditions on a ticket's facts (and, for
triggers, on what an event changed) and actions that set its fields, reply, notify and escalate.

`model` holds the words (facts, conditions, actions, events, traces), `matching` checks one condition, `engine`
evaluates a set, `parsing` and `loops` validate it, `defaults` is the seed.
"""

from shared.domain.rules.defaults import DEFAULT_RULES, default_rule_set
from shared.domain.rules.engine import RuleSet, apply_action, validate_rule_set
from shared.domain.rules.model import (
    CUSTOM_PREFIX,
    FOLLOWER_TAG,
    TRACKED_FIELDS,
    Action,
    ActionType,
    Condition,
    FactField,
    InvalidRuleSet,
    Match,
    Operator,
    Outcome,
    Rule,
    RuleError,
    RuleStatus,
    RuleTrace,
    TicketFacts,
    TriggerEvent,
    facts_of,
)

__all__ = [
    "CUSTOM_PREFIX",
    "DEFAULT_RULES",
    "FOLLOWER_TAG",
    "TRACKED_FIELDS",
    "Action",
    "ActionType",
    "Condition",
    "FactField",
    "InvalidRuleSet",
    "Match",
    "Operator",
    "Outcome",
    "Rule",
    "RuleError",
    "RuleSet",
    "RuleStatus",
    "RuleTrace",
    "TicketFacts",
    "TriggerEvent",
    "apply_action",
    "default_rule_set",
    "facts_of",
    "validate_rule_set",
]
