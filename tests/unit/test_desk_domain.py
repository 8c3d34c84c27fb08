"""The desk's pure rules: custom field values, what an upload may be, a ticket's customer facts, a bulk edit's
change for one ticket, a saved view's query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.customers import CustomerRecord, customer_facts, lookup_terms
from shared.domain.fields import DeskForms, FieldDefinition, FieldType, check_definitions, validate_custom_fields
from shared.domain.rules import facts_of
from shared.domain.tickets import Person, Ticket
from shared.domain.uploads import blocked_name, content_problem
from shared.domain.views import ticket_query
from shared.errors import InvalidInput
from shared.services.bulk import _for

FORMS = DeskForms.of(
    [
        FieldDefinition("order_no", {"zh-CN": "订单号", "en": "Order"}, FieldType.TEXT, (), ("refund",), True),
        FieldDefinition("amount", {"zh-CN": "金额", "en": "Amount"}, FieldType.NUMBER, visible_to_customer=True),
        FieldDefinition("due", {"zh-CN": "期限", "en": "Due"}, FieldType.DATE),
        FieldDefinition("store", {"zh-CN": "门店", "en": "Store"}, FieldType.SELECT, ("上海", "北京")),
        FieldDefinition("risk", {"zh-CN": "风险", "en": "Risk"}, FieldType.MULTISELECT, ("a", "b")),
        FieldDefinition("agreed", {"zh-CN": "同意", "en": "Agreed"}, FieldType.CHECKBOX, (), ("*",)),
    ],
    [],
)


def _field_error(values: dict, category: str | None = None, customer: bool = False, **kw) -> str | None:
    try:
        validate_custom_fields(FORMS, values, category, for_customer=customer, **kw)
    except InvalidInput as error:
        return error.field
    return None


def test_custom_field_values_are_checked_by_type_option_and_category():
    ok = {"agreed": True}
    assert _field_error({**ok, "amount": 3.5, "due": "2026-12-01", "store": "上海", "risk": ["a"]}) is None
    assert _field_error({**ok, "amount": True}) == "custom_fields.amount"  # a boolean is not a number
    assert _field_error({**ok, "due": "12/01/2026"}) == "custom_fields.due"
    assert _field_error({**ok, "store": "广州"}) == "custom_fields.store"
    assert _field_error({**ok, "risk": "a"}) == "custom_fields.risk"
    assert _field_error({**ok, "ghost": 1}) == "custom_fields.ghost"
    assert _field_error({}) == "custom_fields.agreed"  # "*": every category
    assert _field_error({"agreed": False}) == "custom_fields.agreed"  # a required checkbox is ticked
    assert _field_error(ok, "refund") == "custom_fields.order_no"
    # Customers: hidden fields are unknown to them, and a hidden required field is left to staff.
    assert _field_error({"store": "上海"}, customer=True) == "custom_fields.store"
    assert _field_error({"order_no": "A1"}, "refund", customer=True) is None
    # An edit keeps what the ticket already held, and the product's own keys.
    assert _field_error({**ok, "old": 1}, unchanged={"old": 1}) is None
    assert _field_error({**ok, "follow_up_of": "GD1"}, unchanged={}) is None


def test_definitions_that_cannot_work_are_refused():
    with pytest.raises(InvalidInput) as bad:
        check_definitions([FieldDefinition("Bad Key", {}, FieldType.TEXT)])
    assert bad.value.field == "0.key"
    with pytest.raises(InvalidInput):
        check_definitions([FieldDefinition("pick", {}, FieldType.SELECT)])
    with pytest.raises(InvalidInput):
        check_definitions([FieldDefinition("follow_up_of", {}, FieldType.TEXT)])


@pytest.mark.parametrize("name", ["a.exe", "A.EXE", "x.bat", "run.ps1", "invoice.pdf.exe", "photo.exe.png", "s.js"])
def test_programs_and_scripts_are_refused_by_name(name):
    assert blocked_name(name)


def test_content_is_checked_by_its_first_bytes():
    assert blocked_name("报告.pdf") is False
    assert content_problem("a.txt", "text/plain", b"MZ\x90\x00") is not None
    assert content_problem("a.txt", "text/plain", b"#!/bin/sh\n") is not None
    assert content_problem("a.png", "image/png", b"<svg onload=alert(1)>") is not None
    assert content_problem("a.png", "image/png", b"\x89PNG\r\n\x1a\n....") is None
    assert content_problem("notes.txt", "text/plain", b"hello") is None


def _ticket(**kw) -> Ticket:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    return Ticket("t" * 32, "GD20261206001", "s", "d", Person("a@example.com"), now, now, **kw)


def test_rules_and_sla_read_the_customer_record_copied_onto_the_ticket():
    ticket = _ticket(customer={"tier": "VIP", "region": "华东"}, custom_fields={"region": "华北"})
    facts = facts_of(ticket)
    assert (facts.customer_tier, facts.region) == ("VIP", "华东")  # the record wins over an old field
    assert customer_facts({}, {"customer_tier": "gold"})["tier"] == "gold"  # tickets from before records
    record = CustomerRecord("A@Example.com", "陈 静", phone="+86 138-0013")
    assert lookup_terms(record) == {"email": "a@example.com", "name": "陈 静", "phone": "861380013"}


def test_a_bulk_change_for_one_ticket():
    ticket = _ticket(tags=["old", "keep"], team="tech", assignee="x@demo.local")
    edit = _for(ticket, {"team": "billing", "add_tags": ["VIP", "keep"], "remove_tags": ["old"]})
    assert edit == {"team": "billing", "tags": ["keep", "VIP"], "assignee": None}
    assert _for(ticket, {"team": "billing", "assignee": "y@demo.local"})["assignee"] == "y@demo.local"


def test_a_saved_view_is_a_list_query():
    query = ticket_query(
        {"view": "all", "tag": "VIP", "status": "new,in_progress", "created_from": "2026-12-01T00:00:00+08:00"}, 100
    )
    assert query.view == "all" and [s.value for s in query.statuses] == ["new", "in_progress"]
    assert query.filters.tag == "VIP" and query.filters.created_from is not None and query.limit == 100


def test_sla_policies_read_the_tier_from_the_customer_record():
    from shared.domain.sla.keeper import refreshed
    from shared.domain.sla.policy import (
        CALENDAR_24X7,
        Escalation,
        SlaConfig,
        SlaPolicy,
        SlaPolicySet,
        Target,
        default_policies,
    )
    from shared.domain.tickets import Priority

    base = default_policies()
    vip = SlaPolicy("P3 VIP", Priority.P3, Target.minutes(30), Target.hours(8), CALENDAR_24X7, tier="VIP")
    config = SlaConfig(SlaPolicySet((*base.policies, vip), base.calendars), Escalation())
    opened = _ticket(customer={"tier": "VIP"})
    sla, _ = refreshed(opened, config, opened.created_at)
    assert sla.policy == "P3 VIP" and sla.first_response_due_at == opened.created_at + timedelta(minutes=30)
    plain, _ = refreshed(_ticket(), config, opened.created_at)
    assert plain.policy != "P3 VIP"
