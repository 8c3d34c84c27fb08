"""Automations and the closing review, pure domain: when an automation is due, once per ticket and condition,
business hours, validation; holding, deciding and settling a review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.automations import (
    DEFAULT_AUTOMATIONS,
    AutomationSet,
    default_automations,
    done_key,
    due_now,
    scheduled,
)
from shared.domain.effects import of_actions
from shared.domain.review import ReviewPolicy, close, decide, hold, settle
from shared.domain.sla.policy import default_calendars
from shared.domain.tickets import Person, Priority, Status, Ticket
from shared.domain.workflow import ReviewState
from shared.errors import AutomationsRejected, NotInReview, ReviewPolicyRejected

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CALENDARS = default_calendars()
DEFAULTS = default_automations()


def _ticket(**fields) -> Ticket:
    ticket = Ticket("a" * 32, "GD20261123001", "无法登录", "d", Person("c@example.com"), MONDAY, MONDAY, **fields)
    ticket.status_history = []
    return ticket


def _move(ticket: Ticket, status: Status, at: datetime) -> Ticket:
    ticket.apply_changes({"status": status}, at)
    return ticket


def test_a_resolved_ticket_is_due_to_close_72_hours_after_it_was_resolved():
    ticket = _move(_ticket(), Status.RESOLVED, MONDAY)
    state = scheduled(ticket, DEFAULTS, CALENDARS)
    assert (state.next_id, state.next_at) == ("close-resolved", MONDAY + timedelta(hours=72))
    assert due_now(ticket, DEFAULTS, CALENDARS, MONDAY + timedelta(hours=71)) == []
    due = due_now(ticket, DEFAULTS, CALENDARS, MONDAY + timedelta(hours=72))
    assert [a.id for a in due] == ["close-resolved"]
    effects = of_actions(due[0].actions, ticket)
    assert effects.status == "closed" and effects.mails == ("closing_notice",)


def test_once_per_ticket_and_condition():
    ticket = _move(_ticket(), Status.WAITING_CUSTOMER, MONDAY)
    late = MONDAY + timedelta(days=8)  # a sweep that runs late finds both due, in order
    assert [a.id for a in due_now(ticket, DEFAULTS, CALENDARS, late)] == ["remind-waiting", "resolve-waiting"]
    reminder = DEFAULTS.get("remind-waiting")
    assert reminder is not None
    ticket.automation = replace(ticket.automation, done=(done_key(reminder, ticket),))
    assert [a.id for a in due_now(ticket, DEFAULTS, CALENDARS, late)] == ["resolve-waiting"]
    assert scheduled(ticket, DEFAULTS, CALENDARS).next_id == "resolve-waiting"
    # The customer answers, and the ticket waits again later: a new condition, the timers start afresh.
    _move(ticket, Status.IN_PROGRESS, MONDAY + timedelta(hours=50))
    assert scheduled(ticket, DEFAULTS, CALENDARS).next_at is None
    again = MONDAY + timedelta(hours=60)
    _move(ticket, Status.WAITING_CUSTOMER, again)
    state = scheduled(ticket, DEFAULTS, CALENDARS)
    assert state.done == () and (state.next_id, state.next_at) == ("remind-waiting", again + timedelta(hours=48))


def test_business_hours_conditions_and_disabled_automations():
    items = [dict(a) for a in DEFAULT_AUTOMATIONS]
    items[1] = {**items[1], "when": {**items[1]["when"], "hours": 9, "business_hours": True}}
    items[2] = {
        **items[2],
        "when": {**items[2]["when"], "conditions": [{"field": "priority", "operator": "equals", "value": "P1"}]},
    }
    items[0] = {**items[0], "enabled": False}
    automations = AutomationSet.from_list(items, calendars=CALENDARS)
    waiting = _move(_ticket(), Status.WAITING_CUSTOMER, MONDAY)
    # 9 working hours from Monday 10:00 (09:00-18:00): Tuesday 10:00 Shanghai.
    assert scheduled(waiting, automations, CALENDARS).next_at == MONDAY + timedelta(days=1)
    assert [a.id for a in due_now(waiting, automations, CALENDARS, MONDAY + timedelta(days=30))] == ["remind-waiting"]
    waiting.priority = Priority.P1
    assert len(due_now(waiting, automations, CALENDARS, MONDAY + timedelta(days=30))) == 2
    resolved = _move(_ticket(), Status.RESOLVED, MONDAY)
    assert scheduled(resolved, automations, CALENDARS).next_at is None
    closed = _move(_move(_ticket(), Status.RESOLVED, MONDAY), Status.CLOSED, MONDAY)
    assert scheduled(closed, DEFAULTS, CALENDARS).next_at is None


def test_the_defaults_round_trip_and_bad_sets_say_everything():
    assert AutomationSet.from_list(DEFAULTS.to_list(), calendars=CALENDARS) == DEFAULTS
    with pytest.raises(AutomationsRejected) as refused:
        AutomationSet.from_list(
            [
                {"id": "a b", "name": "", "when": {"status": "closed", "hours_since": "resolved_at", "hours": 0}},
                {
                    "name": "loop 1",
                    "when": {"status": "resolved", "hours_since": "resolved_at", "hours": 1, "calendar": "moon"},
                    "actions": [{"type": "set_status", "value": "in_progress"}],
                },
                {
                    "name": "loop 2",
                    "when": {"status": "in_progress", "hours_since": "updated_at", "hours": 1},
                    "actions": [{"type": "set_status", "value": "resolved"}, {"type": "send_mail", "value": "hi"}],
                },
            ],
            calendars=CALENDARS,
            new_id=lambda: "generated",
        )
    reasons = " | ".join(refused.value.reasons)
    for part in (
        "automation 1: name must be a text",
        "id must be 1-40 letters",
        "when.hours must be a number",
        "actions must be a non-empty list",
        "a closed ticket is final",
        "when.calendar names no business calendar",
        "send_mail takes one of closing_notice, waiting_reminder, auto_resolved",
        "two automations have the id 'generated'",
        "automations move tickets from in_progress round back to in_progress",
    ):
        assert part in reasons, part


# -- the closing review -------------------------------------------------------------------------------------------
POLICY = ReviewPolicy(categories=("refund",), priorities=(Priority.P1,))


def test_closing_a_ticket_that_needs_review():
    ticket = _ticket(category="refund", status=Status.IN_PROGRESS, assignee="wangfang@demo.local")
    changes = close(ticket, POLICY, MONDAY, "wangfang@demo.local", may_approve=False)
    assert ticket.status is Status.RESOLVED and ticket.review is not None and ticket.review.pending
    assert [(c.field, c.new) for c in changes] == [("status", "resolved"), ("review", "pending")]
    assert close(ticket, POLICY, MONDAY, "automation", may_approve=False) == []  # held already
    assert settle(ticket) == []
    decide(ticket, False, "lead@demo.local", "再确认一下", MONDAY)
    assert ticket.status is Status.IN_PROGRESS and ticket.review.state is ReviewState.REJECTED
    with pytest.raises(NotInReview):
        decide(ticket, True, "lead@demo.local", "", MONDAY)
    hold(ticket, MONDAY, "wangfang@demo.local")
    decide(ticket, True, "lead@demo.local", "", MONDAY)
    assert ticket.status is Status.CLOSED and ticket.review.reviewer == "lead@demo.local"

    plain = _ticket(category="other", status=Status.IN_PROGRESS)
    close(plain, POLICY, MONDAY, "x", may_approve=False)
    assert plain.status is Status.CLOSED and plain.review is None
    direct = _ticket(priority=Priority.P1)
    close(direct, POLICY, MONDAY, "lead@demo.local", may_approve=True)
    assert direct.status is Status.CLOSED and direct.review.state is ReviewState.APPROVED


def test_a_held_ticket_that_reopens_leaves_the_list():
    ticket = _move(_ticket(category="refund"), Status.RESOLVED, MONDAY)
    hold(ticket, MONDAY, "x")
    ticket.record_customer_reply(MONDAY + timedelta(hours=1))
    assert [(c.field, c.old, c.new) for c in settle(ticket)] == [("review", "pending", None)]
    assert ticket.review is None


def test_the_policy_is_checked():
    assert ReviewPolicy.from_dict({"categories": ["refund", "refund"], "priorities": ["P1"]}).categories == ("refund",)
    with pytest.raises(ReviewPolicyRejected) as refused:
        ReviewPolicy.from_dict({"categories": "refund", "priorities": ["P0"], "extra": 1})
    assert len(refused.value.reasons) == 3
