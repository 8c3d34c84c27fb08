"""The words of rules and triggers: what a rule looks at (`TicketFacts`), its conditions and actions, the event it
answers, and how an evaluation explains itself (traces, `Outcome`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from shared.domain.customers import customer_facts
from shared.domain.tickets import FieldChange
from shared.errors import InvalidInput

if TYPE_CHECKING:
    from shared.domain.tickets import Ticket

CUSTOM_PREFIX = "custom_fields."
MAX_PATTERN_LENGTH = 500
MAX_RULES = 500
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CUSTOM_NAME = re.compile(r"^[\w.-]{1,64}$")
TRACE_TEXT = 200  # characters of a long value shown in a trace
FOLLOWER_TAG = "follower:"  # followers are kept as tags until tickets have followers of their own


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


class TriggerEvent(StrEnum):
    """What a rule answers (工单触发器的触发事件). Rules saved before events existed are `created` rules."""

    CREATED = "created"  # a new ticket (routing)
    UPDATED = "updated"  # a field changed: status, priority, team, assignee, category, tags
    CUSTOMER_REPLIED = "customer_replied"
    AGENT_REPLIED = "agent_replied"  # a public reply by staff
    INTERNAL_NOTE = "internal_note"


class FactField(StrEnum):
    CHANNEL = "channel"
    CATEGORY = "category"
    SUBJECT = "subject"
    DESCRIPTION = "description"
    TEXT = "text"  # subject or description
    PRIORITY = "priority"
    STATUS = "status"
    TEAM = "team"
    ASSIGNEE = "assignee"
    TAGS = "tags"
    CUSTOMER_TIER = "customer_tier"
    ORGANIZATION = "organization"
    REQUESTER_EMAIL = "requester_email"
    REQUESTER_DOMAIN = "requester_domain"
    REGION = "region"  # the customer's region or city


# Fields whose change an `updated` trigger can name (the changes of an audit event).
TRACKED_FIELDS = frozenset({"status", "priority", "team", "assignee", "category", "tags"})


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
    # What the event changed (`updated` triggers only):
    CHANGED = "changed"  # the field changed at all
    CHANGED_FROM = "changed_from"  # it changed, and its old value is one of these (a tag: removed)
    CHANGED_TO = "changed_to"  # it changed, and its new value is one of these (a tag: added)


CHANGE_OPERATORS = frozenset({Operator.CHANGED, Operator.CHANGED_FROM, Operator.CHANGED_TO})


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
    SET_STATUS = "set_status"  # closing is held for review when the ticket needs it (结案审核)
    SEND_CANNED_REPLY = "send_canned_reply"  # a canned reply's id: a public reply to the requester, mailed
    ADD_FOLLOWER = "add_follower"  # an email or a list: kept as `follower:<email>` tags
    ESCALATE = "escalate"  # true or a note: the supervisor of the ticket's team is alerted
    SEND_MAIL = "send_mail"  # automations only: one of the product's notices to the requester (a template's name)


RULE_ACTIONS = tuple(a for a in ActionType if a is not ActionType.SEND_MAIL)


class RuleStatus(StrEnum):
    FIRED = "fired"
    NOT_MATCHED = "not_matched"
    ERROR = "error"
    SKIPPED = "skipped"  # an earlier rule stopped the pass
    DISABLED = "disabled"


# The field each "set" action writes.
SETS = {
    ActionType.SET_TEAM: "team",
    ActionType.SET_PRIORITY: "priority",
    ActionType.SET_CATEGORY: "category",
    ActionType.SET_ASSIGNEE: "assignee",
    ActionType.SET_STATUS: "status",
}
# Fields that "set" actions write and conditions read: only these can make rules feed each other with different
# values (tags only grow, so they settle).
FEEDBACK_FIELDS = frozenset({"priority", "category", "team", "assignee", "status"})
# What actions change, in the order outcomes and traces list them.
OUTCOME_FIELDS = ("team", "priority", "category", "assignee", "status", "tags", "notify", "replies", "escalate")


@dataclass(frozen=True)
class TicketFacts:
    """What rules look at: the ticket's text and attributes, the customer's, and (for triggers) what the event
    changed. Actions change the ticket's attributes."""

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
    status: str | None = None
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)

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
        changes: Mapping[str, tuple[Any, Any]] | None = None,
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
            status=ticket.status.value,
            changes=dict(changes or {}),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketFacts:
        """Facts from the dry-run request's JSON: the same names as the rule fields (unknown names are refused), and
        `changes` as the audit trail lists them (`[{"field", "old", "new"}]`)."""
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise InvalidInput(f"unknown ticket facts: {', '.join(unknown)}", field=unknown[0])
        values = dict(data)
        if "tags" in values:
            values["tags"] = tuple(values["tags"] or ())
        if "changes" in values:
            values["changes"] = {c["field"]: (c.get("old"), c.get("new")) for c in values["changes"] or ()}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        data["custom_fields"] = dict(self.custom_fields)
        data["changes"] = [{"field": k, "old": old, "new": new} for k, (old, new) in self.changes.items()]
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


def facts_of(ticket: Ticket, changes: Sequence[FieldChange] = ()) -> TicketFacts:
    """What rules see of a ticket (and of the change an event made to it): the customer's tier, organization and
    region come from the copy of the customer's record the ticket was opened with (shared/domain/customers.py)."""
    record = customer_facts(ticket.customer, ticket.custom_fields)
    changed = {c.field: (c.old, c.new) for c in changes if c.field in TRACKED_FIELDS}
    return TicketFacts.of_ticket(
        ticket,
        changes=changed,
        customer_tier=record["tier"],
        organization=record["organization"],
        region=record["region"],
    )


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
    event: TriggerEvent = TriggerEvent.CREATED

    @property
    def teams(self) -> set[str]:
        """The teams this rule routes tickets to."""
        return {str(a.value) for a in self.actions if a.type is ActionType.SET_TEAM}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "position": self.position,
            "event": self.event.value,
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
    status: str | None = None
    replies: tuple[str, ...] = ()  # canned replies to send the requester, by id
    escalate: tuple[str, ...] = ()  # notes for the supervisor ("" when none was given)
    event: TriggerEvent = TriggerEvent.CREATED

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event.value,
            "team": self.team,
            "priority": self.priority,
            "category": self.category,
            "assignee": self.assignee,
            "status": self.status,
            "tags": list(self.tags),
            "notify": list(self.notify),
            "replies": list(self.replies),
            "escalate": list(self.escalate),
            "changes": [asdict(c) for c in self.changes],
            "fired": list(self.fired),
            "passes": self.passes,
            "converged": self.converged,
            "trace": [t.to_dict() for t in self.trace],
        }
