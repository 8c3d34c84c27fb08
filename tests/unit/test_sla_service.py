"""The ticket's SLA kept in step with the policies (SlaService.refresh) and the policy set's escalation settings,
with the in-memory configuration store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.sla_storage import AT_RISK, BREACHED, SHARDS, checkpoint_key, due_bound, shard_of, sla_index_keys
from shared.clock import FixedClock
from shared.domain.sla.keeper import ack_name
from shared.domain.sla.policy import Escalation, SlaConfig, default_policies
from shared.domain.tickets import FieldChange, Person, Priority, Status, StatusEntry, Ticket
from shared.errors import SlaPoliciesRejected
from shared.services.assignment import required_skills
from shared.services.sla import SlaService
from tests.fakes import Desk

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _ticket(**fields: Any) -> Ticket:
    return Ticket(
        id="a" * 32,
        number="GD20261123001",
        subject="s",
        description="d",
        requester=Person("c@example.com"),
        created_at=MONDAY,
        updated_at=MONDAY,
        status_history=[StatusEntry(Status.NEW, MONDAY)],
        **fields,
    )


@pytest.fixture
def service() -> SlaService:
    return SlaService(Desk().routing, FixedClock(MONDAY))


def test_due_times_and_the_next_checkpoint(service):
    ticket = _ticket()
    service.refresh(ticket, MONDAY)
    sla = ticket.sla
    assert sla.first_response_due_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, 8 h on
    assert sla.policy == "P3 一般" and sla.state == "running" and not sla.warned and not sla.breached
    assert sla.next_checkpoint_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the 75% warning, 16:00
    shard, key, view = sla_index_keys(ticket)
    assert shard == shard_of(ticket.id) and key == checkpoint_key(sla.next_checkpoint_at, ticket.id) and view is None
    assert key <= due_bound(sla.next_checkpoint_at) and key > due_bound(sla.next_checkpoint_at - timedelta(seconds=1))
    # Once the sweep recorded the warning, the breach is next.
    ticket.sla = replace(ticket.sla, done=("first_response.warning",))
    service.refresh(ticket, MONDAY)
    assert ticket.sla.next_checkpoint_at == sla.first_response_due_at


def test_an_assignment_starts_the_acknowledgment_clock(service):
    ticket = _ticket(assignee="a@demo.local", status=Status.IN_PROGRESS)
    service.refresh(ticket, MONDAY, [FieldChange("assignee", None, "a@demo.local")])
    due = MONDAY + timedelta(minutes=10)
    assert ticket.sla.assigned_at == MONDAY and ticket.sla.acknowledge_due_at == due
    assert ticket.sla.next_checkpoint_at == due
    ticket.sla = replace(ticket.sla, done=(ack_name(due),))
    service.refresh(ticket, MONDAY)
    assert ticket.sla.next_checkpoint_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    ticket.assignee = None
    service.refresh(ticket, MONDAY, [FieldChange("assignee", "a@demo.local", None)])
    assert ticket.sla.acknowledge_due_at is None


def test_views_and_closed_tickets_leave_the_indexes(service):
    ticket = _ticket()
    service.refresh(ticket, MONDAY + timedelta(hours=7))  # 17:00: past 75% of 8 h
    assert ticket.sla.warned and sla_index_keys(ticket)[2] == AT_RISK
    ticket.sla = replace(ticket.sla, breached=True)
    assert sla_index_keys(ticket)[2] == BREACHED
    ticket.status = Status.CLOSED
    assert sla_index_keys(ticket) == (None, None, None)
    assert len({shard_of(f"{i:032x}") for i in range(200)}) == SHARDS


def test_escalation_settings_are_validated_with_the_policies():
    defaults = default_policies().to_dict()
    config = SlaConfig.from_dict({**defaults, "escalation": {"ack_timeout_minutes": 5, "reassign_on_breach": True}}, 10)
    assert config.escalation == Escalation(5, False, True) and config.ack_timeout == timedelta(minutes=5)
    assert SlaConfig.from_dict(defaults, 12).escalation.ack_timeout_minutes == 12
    with pytest.raises(SlaPoliciesRejected) as refused:
        bad = {**defaults, "warning_share": "most", "escalation": {"ack_timeout_minutes": -1, "x": 1}}
        SlaConfig.from_dict(bad, 10)
    assert len(refused.value.reasons) == 3 and refused.value.code == "invalid_sla_policies"
    round_trip = SlaConfig.from_dict(config.to_dict(), 10)
    assert round_trip.to_dict() == config.to_dict()


def test_required_skills_come_from_skill_tags():
    assert required_skills(_ticket(tags=["skill:refund", "VIP", "skill:", "skill:Invoice"])) == {"refund", "Invoice"}
    assert _ticket(priority=Priority.P1).priority is Priority.P1
