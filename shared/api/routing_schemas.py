"""Request and response bodies of the routing and SLA routes (rules, dry run, SLA policies, availability,
acknowledge, transfer, urge). The rule and policy shapes are the domain's own `to_dict()` forms, validated by the
domain (every reason at once), so their items are plain JSON objects here."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints

from shared.api.schemas import EmailStr, Out, ShortText, Strict

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class RuleSetBody(Strict):
    rules: list[dict[str, Any]] = Field(max_length=500)


class RuleSetOut(Out):
    rules: list[dict[str, Any]]
    version: int = Field(default=0, description="the stored version (0: the product's defaults)")


class DryRunTicket(Strict):
    subject: Annotated[str, StringConstraints(max_length=200)] = ""
    description: Annotated[str, StringConstraints(max_length=100_000)] = ""
    channel: str | None = None
    priority: str | None = None
    category: str | None = None
    requester_email: str | None = None
    custom_fields: dict[str, str | int | float | bool | None] = Field(default_factory=dict, max_length=50)
    customer_tier: str | None = None
    organization: str | None = None
    region: str | None = None
    status: str | None = None
    team: str | None = None
    assignee: str | None = None
    tags: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(default=None, max_length=100)


ChangedValue = str | list[str] | None


class DryRunChange(Strict):
    field: Literal["status", "priority", "team", "assignee", "category", "tags"]
    old: ChangedValue = None
    new: ChangedValue = None


TriggerEventName = Literal["created", "updated", "customer_replied", "agent_replied", "internal_note"]


class DryRunBody(Strict):
    ticket: DryRunTicket
    rules: dict[str, Any] | None = Field(default=None, description="an unsaved rule set to try instead")
    event: TriggerEventName = Field(default="created", description="the event the rules answer")
    changes: list[DryRunChange] = Field(
        default_factory=list, max_length=10, description="for `updated`: what the event changed, old -> new"
    )


class DryRunOut(Out):
    event: str = "created"
    team: str | None
    priority: str | None
    category: str | None
    assignee: str | None
    status: str | None = None
    tags: list[str]
    notify: list[str]
    replies: list[str] = Field(default_factory=list, description="canned replies sent to the requester (ids)")
    escalate: list[str] = Field(default_factory=list, description="notes for the supervisor")
    changes: list[dict[str, Any]]
    fired: list[str]
    passes: int
    converged: bool
    trace: list[dict[str, Any]]


class SlaPoliciesBody(Strict):
    warning_share: float | int | None = None
    calendars: list[Any] = Field(default_factory=list, max_length=50)
    policies: list[Any] = Field(default_factory=list, max_length=500)
    escalation: dict[str, Any] | None = None


class SlaPoliciesOut(Out):
    warning_share: float
    calendars: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    escalation: dict[str, Any]
    version: int = 0


class AutomationIn(Strict):
    """One automation as GET returns it; the domain checks the rest (every reason at once, 400
    `invalid_automations`)."""

    id: str | None = None
    name: Any = None
    enabled: Any = True
    when: dict[str, Any]
    actions: list[dict[str, Any]] = Field(max_length=20)


class AutomationsBody(Strict):
    """The body is the list itself, as GET answers it (the router reads a JSON array into `automations`)."""

    list_body: ClassVar[str] = "automations"
    automations: list[AutomationIn] = Field(max_length=100)


class AutomationOut(Out):
    id: str
    name: str
    enabled: bool
    when: dict[str, Any] = Field(
        description='{"status", "hours_since": "resolved_at|updated_at|waiting_since|created_at", "hours", '
        '"business_hours", "calendar"?, "conditions"?, "match"?}'
    )
    actions: list[dict[str, Any]]


class AutomationsOut(Out):
    """The answer is the list itself (`automations`, as the OpenAPI document says)."""

    list_body: ClassVar[str] = "automations"
    automations: list[AutomationOut]


class ReviewPolicyBody(Strict):
    categories: list[Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"\S")]] = Field(
        default_factory=list, max_length=200
    )
    priorities: list[Literal["P1", "P2", "P3", "P4"]] = Field(default_factory=list, max_length=4)


class ReviewPolicyOut(Out):
    categories: list[str]
    priorities: list[str]
    version: int = Field(default=0, description="the stored version (0: nothing needs review yet)")


class ReviewBody(Strict):
    approve: bool
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class AvailabilityBody(Strict):
    availability: Literal["online", "away", "offline"]


class TransferBody(Strict):
    team: ShortText | None = None
    assignee: EmailStr | None = None
    reason: Reason


class UrgeBody(Strict):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class CannedReplyIn(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")] | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100_000)]


class CannedRepliesBody(Strict):
    items: list[CannedReplyIn] = Field(max_length=1000)


class CannedReplyOut(Out):
    id: str
    title: str
    body: str


class CannedRepliesOut(Out):
    items: list[CannedReplyOut]
    version: int = Field(default=0, description="the stored version (0: the product's defaults)")
