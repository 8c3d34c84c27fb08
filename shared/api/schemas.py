"""Request and response bodies of API v1. The OpenAPI document is generated from these models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from shared.domain.access import Principal
from shared.domain.directory import Agent, Team
from shared.domain.events import AuditEvent, Message
from shared.domain.mail.addresses import normalize_address
from shared.domain.requests import TicketFilter
from shared.domain.tickets import Channel, Priority, Status, Ticket

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# Whitespace spelled out: `\s` means different characters to Python's re (the fuzzer's and jsonschema's reading of
# the document), Rust's regex (pydantic's) and ECMAScript (clients'); this set is the union of all three, so every
# reader of the pattern agrees on it. A tag is taken as the pattern says, not stripped first: a tag with whitespace
# at either end is refused as the document says, rather than quietly taken without it.
_WHITESPACE = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
Tag = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=rf"^[^{_WHITESPACE},]+$")]
# An address a mail system accepts (shared/domain/mail/addresses.py: email-validator, IDN domains allowed, internal
# domains such as .local too), stored lower case. The document says `format: email`, which is what clients can check.
EmailStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(normalize_address),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]


def _rfc3339(pattern: re.Pattern[str], what: str) -> BeforeValidator:
    """A query string's date or time exactly as the document's `format` says (RFC 3339): the lax parsing pydantic
    applies to query strings would also take unix timestamps and a date for a time."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and not pattern.fullmatch(value):
            raise ValueError(f"expected {what}")
        return value

    return BeforeValidator(check)


# format: date-time with its offset (2026-11-23T00:00:00+08:00) and format: date (2026-11-23).
QueryDateTime = Annotated[
    datetime,
    _rfc3339(
        re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII),
        "a time with its offset, e.g. 2026-11-23T00:00:00+08:00",
    ),
]
QueryDate = Annotated[date, _rfc3339(re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII), "a day, YYYY-MM-DD")]
FieldValue = str | int | float | bool | list[Annotated[str, StringConstraints(max_length=100)]] | None
UploadId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class Strict(BaseModel):
    # Validators are built on first use, not at import: cold starts stay short.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Out(BaseModel):
    model_config = ConfigDict(defer_build=True)


class RequesterIn(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class TicketCreate(Strict):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        defer_build=True,
        json_schema_extra={"anyOf": [{"required": ["subject"]}, {"required": ["template"]}]},
    )

    # Required unless a template gives them (the service says which is missing).
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100_000)] | None = (
        None
    )
    priority: Priority | None = None
    category: ShortText | None = None
    channel: Channel | None = None
    requester: RequesterIn | None = None
    custom_fields: dict[ShortText, FieldValue] = Field(default_factory=dict, max_length=50)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    team: ShortText | None = None
    template: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,48}$")] | None = Field(
        default=None, description="a ticket template's id: its category, priority, subject and description fill in"
    )
    attachments: list[UploadId] = Field(default_factory=list, description="upload ids (POST /api/uploads)")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


# A field that may be left out of a PATCH but never set to null (there is no "no status").
NOT_NULL = Field(default=None, json_schema_extra=_no_default)


class TicketPatch(Strict):
    status: Status = NOT_NULL
    priority: Priority = NOT_NULL
    team: ShortText | None = None
    assignee: EmailStr | None = None
    category: ShortText | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    custom_fields: dict[ShortText, FieldValue] | None = Field(default=None, max_length=50)
    breach_reason: Literal["incomplete_info", "complex_process", "insufficient_resources", "other"] | None = None


class MessageCreate(Strict):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100_000)]
    internal: bool = False
    attachments: list[UploadId] = Field(default_factory=list, description="upload ids (POST /api/uploads)")


class DevLogin(Strict):
    email: EmailStr


class CodeRequest(Strict):
    email: EmailStr


class CodeVerify(Strict):
    email: EmailStr
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6,8}$")]


class DevClock(Strict):
    advance_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 366)]


# -- responses ------------------------------------------------------------------------------------


class PersonOut(Out):
    email: str
    name: str
    role: str | None = None


class RequesterOut(Out):
    email: str
    name: str


class SlaOut(Out):
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    paused: bool
    state: Literal["running", "paused", "stopped"] = "running"
    warned: bool = False
    breached: bool = False
    first_response_met: bool | None = None
    resolution_met: bool | None = None
    breach_reason: str | None = None


class SatisfactionAnswerOut(Out):
    score: int
    comment: str
    rated_at: datetime


class NextAutomationOut(Out):
    id: str
    name: str
    at: datetime = Field(description="when the sweep acts (it runs every minute)")


class ReviewOut(Out):
    state: Literal["pending", "approved", "rejected"]
    requested_by: str = Field(description="who asked to close it: an email, or the automation's or rule's name")
    requested_at: datetime
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    comment: str = ""


class AttachmentOut(Out):
    id: str
    filename: str
    content_type: str
    size: int
    inline: bool
    url: str | None = Field(
        default=None, description="an image's presigned URL (WeChat, web uploads), to show it inline"
    )


class StatusEntryOut(Out):
    status: Status
    at: datetime


class MergeLinkOut(Out):
    id: str
    number: str


class TicketOut(Out):
    id: str
    number: str
    subject: str
    description: str
    status: Status
    priority: Priority
    channel: Channel
    requester: RequesterOut
    team: str | None
    assignee: str | None
    category: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    next_statuses: list[Status]
    status_history: list[StatusEntryOut]
    sla: SlaOut
    cc: list[str] = Field(default_factory=list, description="addresses kept on an email ticket")
    articles: list[str] = Field(default_factory=list, description="ids of the knowledge-base articles linked to it")
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledge_due_at: datetime | None = None
    satisfaction: SatisfactionAnswerOut | None = None
    next_automation: NextAutomationOut | None = Field(
        default=None, description="the automation that acts next on this ticket, and when"
    )
    review: ReviewOut | None = Field(default=None, description="结案审核: the closing review, once asked for")
    followers: list[str] = Field(default_factory=list, description="staff who follow the ticket")
    merged_into: MergeLinkOut | None = Field(default=None, description="closed as a duplicate of this ticket")
    merged_from: list[MergeLinkOut] = Field(default_factory=list, description="duplicates merged into this ticket")
    open_subtasks: int = Field(default=0, description="sub-tasks not done yet")
    customer: dict[str, str] = Field(
        default_factory=dict, description="the requester's record as the ticket was opened: tier, region, organization"
    )
    attachments: list[AttachmentOut] = Field(
        default_factory=list,
        description="files attached when it was opened (download: /messages/<ticket id>/attachments/<id>)",
    )


class TicketPage(Out):
    items: list[TicketOut]
    next_cursor: str | None


class DeliveryOut(Out):
    status: str = Field(description="undelivered")
    channel: str = Field(description="the requester's channel that refused it: wechat")
    reason: str = Field(description="window_closed (48 hours since the customer's last message), unsubscribed, ...")
    at: datetime


class MessageOut(Out):
    id: str
    ticket_id: str
    author: PersonOut
    body: str
    internal: bool
    created_at: datetime
    channel: str = "web"
    html: str | None = Field(default=None, description="sanitized HTML of the new part; cid: images resolved")
    quoted_text: str | None = Field(default=None, description="folded quoted history and signature")
    attachments: list[AttachmentOut] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    has_raw: bool = False
    delivery: DeliveryOut | None = Field(default=None, description="set when the reply could not be delivered")
    wechat: dict[str, Any] | None = Field(default=None, description="WeChat messages: msg_id, msg_type, problems")
    merged_from: str | None = Field(default=None, description="copied from this merged duplicate (its number)")


class AttachmentLink(Out):
    url: str
    filename: str
    content_type: str
    size: int
    expires_at: datetime


class RawLink(Out):
    url: str
    expires_at: datetime


class MessagePage(Out):
    items: list[MessageOut]
    next_cursor: str | None


class ChangeOut(Out):
    field: str
    old: Any
    new: Any


class EventOut(Out):
    id: str
    ticket_id: str
    type: str
    actor: PersonOut
    at: datetime
    changes: list[ChangeOut]
    message_id: str | None = None
    internal: bool | None = None


class EventPage(Out):
    items: list[EventOut]
    next_cursor: str | None


class AgentOut(Out):
    email: str
    name: str
    role: str
    teams: list[str]
    skills: list[str]
    capacity: int
    availability: str
    senior: bool
    language: str
    chat_capacity: int = Field(default=3, description="live chats at once, apart from tickets")
    load: int | None = None  # open tickets held now, in the directory listing


class AgentIn(Strict):
    """An agent as an admin sets them up (PUT /api/admin/agents/{email})."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    # agent, supervisor, admin, or a custom role's id (GET /api/admin/roles)
    role: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    teams: list[ShortText] = Field(default_factory=list, max_length=20)
    skills: list[Tag] = Field(default_factory=list, max_length=30)
    capacity: int = Field(default=8, ge=0, le=100)
    senior: bool = False
    language: Literal["zh-CN", "en"] = "zh-CN"
    availability: Literal["online", "away", "offline"] | None = None
    chat_capacity: int = Field(default=3, ge=0, le=20, description="live chats at once, apart from tickets")


class TeamIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    supervisor: EmailStr | None = None


class AgentList(Out):
    items: list[AgentOut]


class TeamOut(Out):
    id: str
    name: str
    members: list[str]
    supervisor: str | None


class TeamList(Out):
    items: list[TeamOut]


class NotificationOut(Out):
    id: str
    type: str
    ticket_id: str
    ticket_number: str
    subject: str
    at: datetime
    read: bool
    message_id: str | None = Field(default=None, description="a mention: the note that named the reader")
    note: str | None = Field(default=None, description="a mention: the start of that note")


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None


class UserOut(Out):
    email: str
    name: str
    role: str
    teams: list[str]
    permissions: list[str]
    language: str | None = None  # a staff member's language from their profile; the SPA starts in it


class LoginOut(Out):
    token: str
    user: UserOut


class Health(Out):
    status: str


class ErrorBody(Out):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Out):
    error: ErrorBody


# -- mapping the domain to responses -----------------------------------------------------------------


def ticket_out(ticket: Ticket, tz: Any, staff: bool = True) -> TicketOut:
    """The ticket as the API shows it; a customer (`staff=False`) is not shown its followers or sub-task count."""

    def local(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(tz)

    sla = ticket.sla
    return TicketOut(
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status,
        priority=ticket.priority,
        channel=ticket.channel,
        requester=RequesterOut(email=ticket.requester.email, name=ticket.requester.name),
        team=ticket.team,
        assignee=ticket.assignee,
        category=ticket.category,
        tags=ticket.tags,
        custom_fields=ticket.custom_fields,
        created_at=local(ticket.created_at),  # type: ignore[arg-type]
        updated_at=local(ticket.updated_at),  # type: ignore[arg-type]
        version=ticket.version,
        next_statuses=list(ticket.next_statuses),
        status_history=[StatusEntryOut(status=e.status, at=local(e.at)) for e in ticket.status_history],  # type: ignore[arg-type]
        sla=SlaOut(
            first_response_due_at=local(sla.first_response_due_at),
            resolution_due_at=local(sla.resolution_due_at),
            first_responded_at=local(sla.first_responded_at),
            resolved_at=local(sla.resolved_at),
            paused=sla.paused,
            state=sla.state,  # type: ignore[arg-type]
            warned=sla.warned,
            breached=sla.breached,
            first_response_met=sla.first_response_met,
            resolution_met=sla.resolution_met,
            breach_reason=sla.breach_reason,
        ),
        cc=list(ticket.cc),
        articles=list(ticket.articles),
        assigned_at=local(sla.assigned_at),
        acknowledged_at=local(sla.acknowledged_at),
        acknowledge_due_at=local(sla.acknowledge_due_at),
        satisfaction=(
            SatisfactionAnswerOut(
                score=ticket.satisfaction.score,
                comment=ticket.satisfaction.comment,
                rated_at=ticket.satisfaction.rated_at.astimezone(tz),
            )
            if ticket.satisfaction
            else None
        ),
        next_automation=_next_automation(ticket, tz),
        review=_review(ticket, tz),
        followers=list(ticket.followers) if staff else [],
        merged_into=MergeLinkOut(id=ticket.merged_into.id, number=ticket.merged_into.number)
        if ticket.merged_into
        else None,
        merged_from=[MergeLinkOut(id=m.id, number=m.number) for m in ticket.merged_from],
        open_subtasks=len(ticket.open_subtasks) if staff else 0,
        customer=dict(ticket.customer),
        attachments=[_attachment(a) for a in ticket.attachments],
    )


def _attachment(a: dict[str, Any]) -> AttachmentOut:
    return AttachmentOut(
        id=a["id"],
        filename=a.get("filename", ""),
        content_type=a.get("content_type", "application/octet-stream"),
        size=int(a.get("size", 0)),
        inline=bool(a.get("inline")),
        url=a.get("url"),
    )


def _next_automation(ticket: Ticket, tz: Any) -> NextAutomationOut | None:
    state = ticket.automation
    if state.next_at is None or state.next_id is None:
        return None
    return NextAutomationOut(id=state.next_id, name=state.next_name or state.next_id, at=state.next_at.astimezone(tz))


def _review(ticket: Ticket, tz: Any) -> ReviewOut | None:
    review = ticket.review
    if review is None:
        return None
    return ReviewOut(
        state=review.state.value,  # type: ignore[arg-type]
        requested_by=review.requested_by,
        requested_at=review.requested_at.astimezone(tz),
        reviewer=review.reviewer,
        reviewed_at=review.reviewed_at.astimezone(tz) if review.reviewed_at else None,
        comment=review.comment,
    )


def message_out(message: Message, tz: Any) -> MessageOut:
    author = message.author
    email = message.email or message.wechat or {}
    wechat = message.wechat
    return MessageOut(
        id=message.id,
        ticket_id=message.ticket_id,
        author=PersonOut(email=author.email, name=author.name, role=author.role),
        body=message.body,
        internal=message.internal,
        created_at=message.created_at.astimezone(tz),
        channel=message.channel,
        html=email.get("html"),
        quoted_text=email.get("quoted_text"),
        attachments=[_attachment(a) for a in (email.get("attachments") or message.files or [])],
        cc=list(email.get("cc") or []),
        has_raw=bool(email.get("raw_key")),
        delivery=DeliveryOut.model_validate(message.delivery) if message.delivery else None,
        wechat={k: wechat[k] for k in ("msg_id", "msg_type", "problems") if k in wechat} if wechat else None,
        merged_from=message.merged_from,
    )


def event_out(event: AuditEvent, tz: Any) -> EventOut:
    actor = event.actor
    return EventOut(
        id=event.id,
        ticket_id=event.ticket_id,
        type=event.type.value,
        actor=PersonOut(email=actor.email, name=actor.name, role=actor.role),
        at=event.at.astimezone(tz),
        changes=[ChangeOut(field=c.field, old=c.old, new=c.new) for c in event.changes],
        message_id=event.message_id,
        internal=event.internal,
    )


def user_out(principal: Principal, language: str | None = None) -> UserOut:
    return UserOut(
        email=principal.email,
        name=principal.name,
        role=principal.role,
        teams=list(principal.teams),
        permissions=sorted(p.value for p in principal.permissions),
        language=language,
    )


def agent_out(agent: Agent, load: int | None = None) -> AgentOut:
    return AgentOut(
        email=agent.email,
        name=agent.name,
        role=agent.role,
        teams=agent.teams,
        skills=agent.skills,
        capacity=agent.capacity,
        availability=agent.availability.value,
        senior=agent.senior,
        language=agent.language,
        chat_capacity=agent.chat_capacity,
        load=load,
    )


def team_out(team: Team) -> TeamOut:
    return TeamOut(id=team.id, name=team.name, members=team.members, supervisor=team.supervisor)


# -- query strings ----------------------------------------------------------------------------------


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _check_members(name: str, value: str | None, enum: Any) -> None:
    for part in _csv(value):
        if part not in enum._value2member_map_:
            allowed = ", ".join(m.value for m in enum)
            raise ValueError(f"unknown {name} {part!r}; expected one of {allowed}")


def _members_of(name: str, enum: Any) -> AfterValidator:
    def check(value: str | None) -> str | None:
        _check_members(name, value, enum)
        return value

    return AfterValidator(check)


def _csv_schema(enum: Any) -> WithJsonSchema:
    """The document's word for a comma-separated list of members: a pattern clients can check."""
    one = "|".join(re.escape(m.value) for m in enum)
    pattern = f"^(|({one})(,({one}))*)$"  # empty: no filter
    return WithJsonSchema({"anyOf": [{"type": "string", "pattern": pattern}, {"type": "null"}]})


# Query filters of comma-separated values, each checked against its enum.
StatusList = Annotated[
    str | None, _members_of("status", Status), _csv_schema(Status), Field(description="comma-separated statuses")
]
PriorityList = Annotated[
    str | None,
    _members_of("priority", Priority),
    _csv_schema(Priority),
    Field(description="comma-separated priorities"),
]


class TicketListQuery(Out):
    # Unknown parameters are ignored (cache busters), known ones validated.
    model_config = ConfigDict(extra="ignore")

    view: (
        Literal[
            "mine",
            "team",
            "unassigned",
            "all",
            "requested",
            "at_risk",
            "breached",
            "review",
            "subtasks",
            "collaborating",
        ]
        | None
    ) = None
    status: StatusList = None
    priority: PriorityList = None
    team: ShortText | None = None
    requester: EmailStr | None = Field(default=None, description="with view=requested: the tickets this person opened")
    tag: Tag | None = None
    category: ShortText | None = None
    channel: Annotated[str | None, WithJsonSchema({"type": "string", "enum": [c.value for c in Channel]})] = Field(
        default=None, description="one channel: email, web, wechat, ..."
    )
    assignee: EmailStr | None = Field(
        default=None, description="the agent's tickets (their queue), narrowed by the view"
    )
    created_from: QueryDateTime | None = Field(default=None, description="created at or after (ISO-8601)")
    created_to: QueryDateTime | None = Field(default=None, description="created at or before (ISO-8601)")
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None

    def statuses(self) -> tuple[Status, ...]:
        return tuple(Status(s) for s in _csv(self.status))

    def priorities(self) -> tuple[Priority, ...]:
        return tuple(Priority(p) for p in _csv(self.priority))

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value not in Channel._value2member_map_:
            raise ValueError(f"unknown channel {value!r}; expected one of {', '.join(c.value for c in Channel)}")
        return value

    @field_validator("created_from", "created_to")
    @classmethod
    def _with_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-11-23T00:00:00+08:00")
        return value

    def filters(self) -> TicketFilter:
        return TicketFilter(
            tag=self.tag,
            category=self.category,
            channel=self.channel,
            created_from=self.created_from,
            created_to=self.created_to,
        )


class PageQuery(Out):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(default=100, ge=1, le=200)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None
