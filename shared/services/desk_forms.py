"""Custom field definitions and ticket templates: stored, versioned, cached; applied to new tickets and checked on
every person's write of `custom_fields` (shared/domain/fields.py)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.fields import (
    DeskForms,
    FieldDefinition,
    TicketTemplate,
    check_definitions,
    check_templates,
    validate_custom_fields,
)
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Priority, Ticket
from shared.errors import Forbidden, InvalidInput
from shared.services.ports import ConfigStore

FIELDS = "FIELDS"
TEMPLATES = "TICKET_TEMPLATES"
CACHE_SECONDS = 30.0


class FormsService:
    def __init__(self, store: ConfigStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._cached: tuple[float, DeskForms] | None = None

    def forms(self) -> DeskForms:
        """Both sets, read with the other settings a write needs (one BatchGetItem, `SettingsCache`) and kept 30 s
        per process; a save clears this process's copy."""
        if self._cached is not None and time.monotonic() - self._cached[0] < CACHE_SECONDS:
            return self._cached[1]
        stored = self._store.get_configs([FIELDS, TEMPLATES])
        fields = stored.get(FIELDS)
        templates = stored.get(TEMPLATES)
        forms = DeskForms.of(
            [FieldDefinition.from_dict(f) for f in (fields.data.get("items") if fields else None) or []],
            [TicketTemplate.from_dict(t) for t in (templates.data.get("items") if templates else None) or []],
            fields.version if fields else 0,
            templates.version if templates else 0,
        )
        self._cached = (time.monotonic(), forms)
        return forms

    # -- reading and saving ---------------------------------------------------------------------------
    def fields(self, principal: Principal) -> tuple[list[FieldDefinition], int]:
        forms = self.forms()
        staff = principal.is_staff
        return [f for f in forms.fields if staff or f.visible_to_customer], forms.fields_version

    def put_fields(
        self, principal: Principal, items: Sequence[Mapping[str, Any]], expected: int | None
    ) -> tuple[list[FieldDefinition], int]:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        fields = [FieldDefinition.from_dict(i) for i in items]
        check_definitions(fields)
        check_templates(self.forms().templates, fields)  # a template must not name a field removed here
        saved = self._store.put_config(
            FIELDS, {"items": [f.to_dict() for f in fields]}, expected, principal.email, self._clock.now()
        )
        self._cached = None
        return fields, saved.version

    def templates(self, principal: Principal) -> tuple[list[TicketTemplate], int]:
        forms = self.forms()
        staff = principal.is_staff
        return [t for t in forms.templates if staff or t.visible_to_customer], forms.templates_version

    def put_templates(
        self, principal: Principal, items: Sequence[Mapping[str, Any]], expected: int | None
    ) -> tuple[list[TicketTemplate], int]:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        templates = [TicketTemplate.from_dict(i) for i in items]
        check_templates(templates, self.forms().fields)
        saved = self._store.put_config(
            TEMPLATES, {"items": [t.to_dict() for t in templates]}, expected, principal.email, self._clock.now()
        )
        self._cached = None
        return templates, saved.version

    # -- applying them ----------------------------------------------------------------------------------
    def prepare(self, principal: Principal, draft: TicketDraft) -> TicketDraft:
        """A new ticket's draft with its template applied (the request's own values win) and its custom fields
        checked against the definitions."""
        forms = self.forms()
        customer = not principal.is_staff
        if draft.template:
            template = forms.template(draft.template, for_customer=customer)
            draft = replace(
                draft,
                category=draft.category or template.category,
                priority=draft.priority or (Priority(template.priority) if template.priority else None),
                subject=draft.subject or template.subject or "",
                description=draft.description or template.description or "",
            )
        if not draft.subject:
            raise InvalidInput("subject: required", field="subject")
        if not draft.description:
            raise InvalidInput("description: required", field="description")
        values = validate_custom_fields(forms, draft.custom_fields, draft.category, for_customer=customer)
        return replace(draft, custom_fields=values)

    def check_edit(self, principal: Principal, ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The custom fields a staff edit leaves on the ticket, checked (for the category it leaves it in)."""
        values = changes.get("custom_fields")
        values = dict(ticket.custom_fields) if values is None else dict(values)
        category = changes.get("category", ticket.category)
        return validate_custom_fields(
            self.forms(), values, category, for_customer=not principal.is_staff, unchanged=ticket.custom_fields
        )
