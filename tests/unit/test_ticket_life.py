"""The ticket's life, pure domain: statuses, transitions, and its SLA kept in step by the one SLA model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.sla.keeper import refreshed
from shared.domain.sla.policy import SlaConfig, default_calendars, default_policies
from shared.domain.tickets import (
    TRANSITIONS,
    Channel,
    Person,
    Priority,
    Status,
    StatusEntry,
    Ticket,
    ticket_number,
)
from shared.errors import InvalidTransition, TicketClosed

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
CONFIG = SlaConfig.defaults(10)
BUSINESS = default_calendars()["business"]


def _keep(ticket: Ticket, now: datetime) -> None:
    """What every writer does after its changes: bring the SLA in step, once."""
    ticket.sla, _ = refreshed(ticket, CONFIG, now)


def _ticket(priority: Priority = Priority.P3, channel: Channel = Channel.WEB) -> Ticket:
    ticket = Ticket(
        id="a" * 32,
        number="GD20261123001",
        subject="s",
        description="d",
        requester=Person("c@example.com", "C"),
        created_at=T0,
        updated_at=T0,
        priority=priority,
        channel=channel,
        status_history=[StatusEntry(Status.NEW, T0)],
    )
    _keep(ticket, T0)
    return ticket


def test_numbers():
    assert ticket_number(date(2024, 5, 1), 1) == "GD20240501001"
    assert ticket_number(date(2024, 5, 1), 1234) == "GD202405011234"


def test_closed_is_final_and_every_other_status_can_close():
    assert TRANSITIONS[Status.CLOSED] == ()
    for status in Status:
        if status is not Status.CLOSED:
            assert Status.CLOSED in TRANSITIONS[status]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.CLOSED, Status.IN_PROGRESS),
        (Status.RESOLVED, Status.WAITING_CUSTOMER),
        (Status.CLOSED, Status.RESOLVED),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(start, target):
    ticket = _ticket()
    ticket.status = start
    with pytest.raises(InvalidTransition):
        ticket.apply_changes({"status": target, "priority": Priority.P1}, T0)
    assert ticket.status is start


def test_taking_and_returning_a_ticket():
    ticket = _ticket()
    changes = ticket.apply_changes({"assignee": "a@demo.local"}, T0)
    assert ticket.status is Status.IN_PROGRESS
    assert [c.field for c in changes] == ["assignee", "status"]
    ticket.apply_changes({"assignee": None}, T0)
    assert ticket.status is Status.NEW


def test_default_targets_follow_channel_and_priority():
    targets = default_policies().targets_for
    assert targets("P1", "phone").first_response == timedelta(minutes=15)
    assert targets("P1", "chat").first_response == timedelta(minutes=10)
    assert targets("P2", "email").resolution == timedelta(hours=24)


def test_waiting_for_the_customer_pauses_the_clock():
    ticket = _ticket(Priority.P2)
    due = ticket.sla.resolution_due_at
    ticket.apply_changes({"status": Status.WAITING_CUSTOMER}, T0 + timedelta(minutes=30))
    _keep(ticket, T0 + timedelta(minutes=30))
    assert ticket.sla.paused
    ticket.record_customer_reply(T0 + timedelta(hours=3, minutes=30))
    _keep(ticket, T0 + timedelta(hours=3, minutes=30))
    assert ticket.status is Status.NEW and not ticket.sla.paused
    # Three working hours paused (10:30-13:30): the target moves by three working hours.
    assert ticket.sla.resolution_due_at == BUSINESS.add_business_time(due, timedelta(hours=3))


def test_a_priority_change_recomputes_due_times_keeping_paused_time():
    ticket = _ticket(Priority.P3)
    ticket.apply_changes({"status": Status.WAITING_CUSTOMER}, T0)
    ticket.apply_changes({"status": Status.IN_PROGRESS}, T0 + timedelta(hours=1))
    ticket.apply_changes({"priority": Priority.P1}, T0 + timedelta(hours=2))
    _keep(ticket, T0 + timedelta(hours=2))
    assert ticket.sla.first_response_due_at == T0 + timedelta(minutes=10) + timedelta(hours=1)


def test_first_response_is_recorded_once():
    ticket = _ticket()
    assert ticket.record_staff_reply(T0 + timedelta(minutes=5))
    assert ticket.record_staff_reply(T0 + timedelta(minutes=9)) == []
    assert ticket.sla.first_responded_at == T0 + timedelta(minutes=5)


def test_resolution_and_reopening():
    ticket = _ticket()
    ticket.apply_changes({"status": Status.RESOLVED}, T0 + timedelta(hours=1))
    _keep(ticket, T0 + timedelta(hours=1))
    assert ticket.sla.resolved_at == T0 + timedelta(hours=1)
    ticket.record_customer_reply(T0 + timedelta(hours=2))
    _keep(ticket, T0 + timedelta(hours=2))
    assert ticket.status is Status.NEW and ticket.sla.resolved_at is None
    ticket.apply_changes({"status": Status.CLOSED}, T0 + timedelta(hours=3))
    with pytest.raises(TicketClosed):
        ticket.record_customer_reply(T0 + timedelta(hours=4))
