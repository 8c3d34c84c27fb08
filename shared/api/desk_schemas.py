"""Bodies and answers of the desk's routes: bulk edits, custom fields, ticket templates, uploads, customer records
and saved views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from shared.api.schemas import EmailStr, Out, PriorityList, ShortText, StatusList, Strict, Tag
from shared.domain.tickets import Priority, Status
from shared.domain.uploads import MAX_UPLOAD_BYTES

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
TicketRef = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([0-9a-f]{32}|GD\d{11,})$")]


# -- bulk edits ----------------------------------------------------------------------------------------------------
class BulkChanges(Strict):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        defer_build=True,
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                for name in ("status", "priority", "team", "assignee", "add_tags", "remove_tags")
            ]
        },
    )
    status: Status | None = None
    priority: Priority | None = None
    team: ShortText | None = None
    assignee: EmailStr | None = None
    add_tags: list[Tag] | None = Field(default=None, max_length=20)
    remove_tags: list[Tag] | None = Field(default=None, max_length=20)


class BulkBody(Strict):
    ids: list[TicketRef] = Field(min_length=1)
    changes: BulkChanges


class BulkResult(Out):
    id: str
    status: int = Field(description="200 changed (or nothing to change), 404, 409, 412, or 400 for a bad value")
    error: dict[str, Any] | None = Field(default=None, description="{code, message, field?} when refused")


class BulkOut(Out):
    results: list[BulkResult]


# -- custom fields and templates -----------------------------------------------------------------------------------
class FieldLabel(Strict):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True, populate_by_name=True)

    zh_cn: Label = Field(alias="zh-CN")
    en: Label


class FieldIn(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
    label: FieldLabel
    type: Literal["text", "number", "date", "select", "multiselect", "checkbox"]
    options: list[Option] | None = Field(default=None, max_length=100)
    required_for_categories: list[ShortText] | None = Field(default=None, max_length=50)
    visible_to_customer: bool = False


class FieldsBody(Strict):
    """The body is the list itself (the router reads a JSON array into `fields`)."""

    list_body: ClassVar[str] = "fields"
    fields: list[FieldIn] = Field(max_length=100)


class FieldOut(Out):
    key: str
    label: dict[str, str]
    type: str
    options: list[str] | None = None
    required_for_categories: list[str] | None = None
    visible_to_customer: bool


class FieldsOut(Out):
    list_body: ClassVar[str] = "fields"
    fields: list[FieldOut]


class TemplateIn(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,48}$")]
    name: Label
    category: ShortText
    priority: Priority | None = None
    subject: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)] | None = None
    fields: list[ShortText] = Field(default_factory=list, max_length=50)
    visible_to_customer: bool = False


class TemplatesBody(Strict):
    list_body: ClassVar[str] = "templates"
    templates: list[TemplateIn] = Field(max_length=100)


class TemplateOut(Out):
    id: str
    name: str
    category: str
    priority: str | None = None
    subject: str | None = None
    description: str | None = None
    fields: list[str]
    visible_to_customer: bool


class TemplatesOut(Out):
    list_body: ClassVar[str] = "templates"
    templates: list[TemplateOut]


# -- uploads -------------------------------------------------------------------------------------------------------
class UploadBody(Strict):
    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    content_type: Annotated[
        str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")
    ]
    size: int = Field(ge=1, le=MAX_UPLOAD_BYTES, description="bytes; an empty file is refused, 25 MB at most")


class UploadOut(Out):
    id: str
    url: str
    method: Literal["POST"]
    fields: dict[str, str] | None = Field(default=None, description="form fields to send before the file")
    expires_at: datetime


# -- customer records ----------------------------------------------------------------------------------------------
class CustomerIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^[0-9+() -]*$")] | None = (
        None
    )
    organization: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    tier: ShortText | None = None
    region: ShortText | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    notes: OptionalText | None = None


class CustomerOut(Out):
    email: str
    name: str
    phone: str | None = None
    organization: str | None = None
    tier: str | None = None
    region: str | None = None
    address: str | None = None
    notes: str | None = None
    saved: bool = Field(default=True, description="false: no record yet, only the name their tickets carry")


class CustomerList(Out):
    items: list[CustomerOut]


class CustomerQuery(Out):
    model_config = ConfigDict(extra="ignore")

    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


# -- saved views ---------------------------------------------------------------------------------------------------
class ViewFilters(Strict):
    """The list's query parameters a view keeps (GET /api/tickets takes the same)."""

    view: Literal["mine", "team", "unassigned", "all", "at_risk", "breached", "review"] | None = None
    status: StatusList = None
    priority: PriorityList = None
    team: ShortText | None = None
    tag: Tag | None = None
    category: ShortText | None = None
    channel: Literal["email", "web", "phone", "chat", "wechat", "app", "api"] | None = None
    assignee: EmailStr | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    @field_validator("created_from", "created_to")
    @classmethod
    def _with_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2026-11-23T00:00:00+08:00")
        return value

    def as_strings(self) -> dict[str, str]:
        out = {}
        for key, value in self.model_dump(exclude_none=True).items():
            out[key] = value.isoformat() if isinstance(value, datetime) else str(getattr(value, "value", value))
        return out


class ViewBody(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    filters: ViewFilters
    team: ShortText | None = Field(default=None, description="share with this team (its supervisor or an admin)")


class ViewOut(Out):
    id: str
    name: str
    owner: str
    filters: dict[str, str]
    team: str | None
    shared: bool
    count: int | None = Field(default=None, description="tickets it lists, counted up to 100 (with counts=true)")
    more: bool | None = Field(default=None, description="more than `count`")


class ViewList(Out):
    items: list[ViewOut]


class ViewsQuery(Out):
    model_config = ConfigDict(extra="ignore")

    counts: Literal["true", "false", "1", "0"] | None = None
