"""Custom fields (自定义字段) and ticket templates (工单模板): what a desk asks of a ticket beyond the fixed fields.

An admin defines the fields (a key, a label in both languages, a type, options, the categories that require it, and
whether customers see it) and the templates (a category, defaults for priority, subject and description, the fields
to fill). A ticket's `custom_fields` are checked against the definitions whenever a person writes them: an unknown
key, a wrong type, an option not in the list or a missing required field is refused with
`field="custom_fields.<key>"`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from shared.errors import InvalidInput

# Keys the product itself writes (a follow-up's origin; the customer facts older tickets carried): never refused.
SYSTEM_KEYS = frozenset({"follow_up_of", "customer_tier", "organization", "region"})
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
MAX_TEXT = 2000


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"
    MULTISELECT = "multiselect"
    CHECKBOX = "checkbox"


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    label: Mapping[str, str]
    type: FieldType
    options: tuple[str, ...] = ()
    required_for_categories: tuple[str, ...] = ()
    visible_to_customer: bool = False

    def required_for(self, category: str | None) -> bool:
        """`"*"` requires the field of every ticket; otherwise of tickets in the named categories."""
        return "*" in self.required_for_categories or (
            category is not None and category in self.required_for_categories
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": dict(self.label),
            "type": self.type.value,
            "visible_to_customer": self.visible_to_customer,
        }
        if self.options:
            data["options"] = list(self.options)
        if self.required_for_categories:
            data["required_for_categories"] = list(self.required_for_categories)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldDefinition:
        return cls(
            key=str(data["key"]),
            label=dict(data.get("label") or {}),
            type=FieldType(data["type"]),
            options=tuple(data.get("options") or ()),
            required_for_categories=tuple(data.get("required_for_categories") or ()),
            visible_to_customer=bool(data.get("visible_to_customer")),
        )


@dataclass(frozen=True)
class TicketTemplate:
    id: str
    name: str
    category: str
    priority: str | None = None
    subject: str | None = None
    description: str | None = None
    fields: tuple[str, ...] = ()
    visible_to_customer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "priority": self.priority,
            "subject": self.subject,
            "description": self.description,
            "fields": list(self.fields),
            "visible_to_customer": self.visible_to_customer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketTemplate:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            category=str(data["category"]),
            priority=data.get("priority"),
            subject=data.get("subject"),
            description=data.get("description"),
            fields=tuple(data.get("fields") or ()),
            visible_to_customer=bool(data.get("visible_to_customer")),
        )


@dataclass(frozen=True)
class DeskForms:
    """The saved field definitions and templates (each versioned on its own)."""

    fields: tuple[FieldDefinition, ...] = ()
    templates: tuple[TicketTemplate, ...] = ()
    fields_version: int = 0
    templates_version: int = 0
    by_key: Mapping[str, FieldDefinition] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        fields: Sequence[FieldDefinition],
        templates: Sequence[TicketTemplate],
        fields_version: int = 0,
        templates_version: int = 0,
    ) -> DeskForms:
        return cls(tuple(fields), tuple(templates), fields_version, templates_version, {f.key: f for f in fields})

    def template(self, template_id: str, for_customer: bool) -> TicketTemplate:
        found = next((t for t in self.templates if t.id == template_id), None)
        if found is None or (for_customer and not found.visible_to_customer):
            raise InvalidInput(f"no such template: {template_id!r}", field="template")
        return found


def check_definitions(fields: Sequence[FieldDefinition]) -> None:
    """What makes a set of definitions unusable, refused as a whole before it is saved."""
    seen: set[str] = set()
    for index, definition in enumerate(fields):
        where = f"{index}.key"
        if not _KEY.match(definition.key):
            raise InvalidInput("a key is lower-case letters, digits and _, starting with a letter", field=where)
        if definition.key in seen:
            raise InvalidInput(f"key {definition.key!r} is defined twice", field=where)
        if definition.key in SYSTEM_KEYS:
            raise InvalidInput(f"key {definition.key!r} is the product's own", field=where)
        seen.add(definition.key)
        choice = definition.type in (FieldType.SELECT, FieldType.MULTISELECT)
        if choice and not definition.options:
            raise InvalidInput(
                f"{definition.key}: a {definition.type.value} field needs options", field=f"{index}.options"
            )
        if not choice and definition.options:
            raise InvalidInput(f"{definition.key}: only select fields have options", field=f"{index}.options")
        if len(set(definition.options)) != len(definition.options):
            raise InvalidInput(f"{definition.key}: an option is listed twice", field=f"{index}.options")


def check_templates(templates: Sequence[TicketTemplate], fields: Sequence[FieldDefinition]) -> None:
    keys = {f.key for f in fields}
    seen: set[str] = set()
    for index, template in enumerate(templates):
        if template.id in seen:
            raise InvalidInput(f"template {template.id!r} is defined twice", field=f"{index}.id")
        seen.add(template.id)
        unknown = [k for k in template.fields if k not in keys]
        if unknown:
            raise InvalidInput(f"{template.id}: unknown field {unknown[0]!r}", field=f"{index}.fields")


def validate_custom_fields(
    forms: DeskForms,
    values: Mapping[str, Any],
    category: str | None,
    *,
    for_customer: bool,
    unchanged: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The values normalised (dates as ISO strings, multiselect as lists), or `InvalidInput` naming the first bad
    key. `unchanged`: the ticket's values before an edit; a key it already held with the same value passes (fields
    removed from the definitions since). The product's own keys pass for staff."""
    before = unchanged or {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        where = f"custom_fields.{key}"
        definition = forms.by_key.get(key)
        if definition is None or (for_customer and not definition.visible_to_customer):
            if key in before and before[key] == value:
                out[key] = value
                continue
            if key in SYSTEM_KEYS and not for_customer:
                out[key] = value  # staff and integrations may still pass them (the SLA tier before records)
                continue
            raise InvalidInput(f"unknown custom field {key!r}", field=where)
        if value is None or value == "" or value == []:
            continue  # cleared
        out[key] = _typed(definition, value, where)
    for definition in forms.fields:
        if not definition.required_for(category):
            continue
        if for_customer and not definition.visible_to_customer:
            continue  # the customer cannot fill it: staff will
        if definition.key not in out or (definition.type is FieldType.CHECKBOX and out[definition.key] is not True):
            raise InvalidInput(
                f"{definition.key} is required for this category", field=f"custom_fields.{definition.key}"
            )
    return out


def _typed(definition: FieldDefinition, value: Any, where: str) -> Any:
    kind = definition.type
    if kind is FieldType.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidInput(f"expected text of at most {MAX_TEXT} characters", field=where)
        return value
    if kind is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput("expected a number", field=where)
        return value
    if kind is FieldType.CHECKBOX:
        if not isinstance(value, bool):
            raise InvalidInput("expected true or false", field=where)
        return value
    if kind is FieldType.DATE:
        try:
            return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else _bad()
        except ValueError:
            raise InvalidInput("expected a date, YYYY-MM-DD", field=where) from None
    if kind is FieldType.SELECT:
        if not isinstance(value, str) or value not in definition.options:
            raise InvalidInput(f"expected one of {', '.join(definition.options)}", field=where)
        return value
    items = value if isinstance(value, list) else None
    if items is None or not all(isinstance(v, str) for v in items):
        raise InvalidInput("expected a list of options", field=where)
    wrong = [v for v in items if v not in definition.options]
    if wrong:
        raise InvalidInput(f"{wrong[0]!r} is not one of {', '.join(definition.options)}", field=where)
    return list(dict.fromkeys(items))


def _bad() -> str:
    raise ValueError("not a date")
