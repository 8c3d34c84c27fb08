"""SLA policies and the SLA clock over a ticket's timeline, pure domain."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.events import AuditEvent, EventType
from shared.domain.sla.clock import CheckpointKind, ClockState, PriorityChanged, Responded, SlaClock, StatusChanged
from shared.domain.sla.policy import (
    CALENDAR_24X7,
    CALENDAR_BUSINESS,
    BreachReason,
    InvalidSlaPolicies,
    SlaPolicy,
    SlaPolicySet,
    Target,
    TargetKind,
    default_calendars,
    default_policies,
)
from shared.domain.tickets import Channel, Person, Priority, Status, StatusEntry, Ticket
from shared.errors import InvalidInput

SH = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
M = timedelta(minutes=1)
FR, RES = TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION


def at(day: str, hhmm: str = "00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SH)


@pytest.fixture(scope="module")
def policies() -> SlaPolicySet:
    return default_policies()


def clock(policies, created, priority=Priority.P3, channel=Channel.WEB, *events, tier=None) -> SlaClock:
    return SlaClock(policies, created, priority, channel, tier, tuple(events))


# -- policies -----------------------------------------------------------------------------------------------------
def test_default_targets(policies):
    p1_phone = policies.targets_for("P1", "phone")
    assert (p1_phone.first_response, p1_phone.resolution) == (15 * M, 4 * H)
    assert p1_phone.calendar.always_open
    for online in ("web", "chat", "wechat", "app", "api"):
        assert policies.targets_for("P1", online).first_response == 10 * M
    assert policies.targets_for("P1", "email").first_response == 15 * M  # the P1 fallback
    p2 = policies.targets_for("P2", "web")
    assert (p2.first_response, p2.resolution, p2.policy.calendar) == (2 * H, 24 * H, CALENDAR_BUSINESS)
    p3 = policies.targets_for("P3", "email")
    assert (p3.first_response, p3.resolution) == (8 * H, 27 * H)  # 3 working days of 9 h
    p4 = policies.targets_for("P4", "phone")
    assert (p4.first_response, p4.resolution) == (24 * H, 45 * H)


def test_the_most_specific_policy_wins():
    calendars = default_calendars()
    base = default_policies().policies
    vip = SlaPolicy("P2 VIP", Priority.P2, Target.minutes(30), Target.hours(8), CALENDAR_24X7, tier="vip")
    vip_phone = SlaPolicy(
        "P2 VIP 电话",
        Priority.P2,
        Target.minutes(15),
        Target.hours(8),
        CALENDAR_24X7,
        frozenset({Channel.PHONE}),
        "vip",
    )
    wechat = SlaPolicy("P2 微信", Priority.P2, Target.hours(1), Target.hours(24), channels=frozenset({Channel.WECHAT}))
    policies = SlaPolicySet((*base, vip, vip_phone, wechat), calendars)
    assert policies.lookup("P2", "phone", "vip").name == "P2 VIP 电话"  # tier + channel + priority
    assert policies.lookup("P2", "wechat", "vip").name == "P2 VIP"  # the tier outranks the channel
    assert policies.lookup("P2", "wechat", "gold").name == "P2 微信"
    assert policies.lookup("P2", "phone").name == "P2 重要"  # priority only


def test_working_days_are_the_standard_day_of_business_time(policies):
    # 3 working days of 09:00-18:00 = 27 business hours: Monday 10:00 -> Thursday 10:00.
    reading = clock(policies, at("2025-11-17", "10:00")).reading(at("2025-11-17", "10:00"))
    assert reading.resolution.due_at == at("2025-11-20", "10:00")
    # Friday 17:00: 1 h Friday, 9 Monday, 9 Tuesday, 8 Wednesday.
    reading = clock(policies, at("2025-11-14", "17:00")).reading(at("2025-11-14", "17:00"))
    assert reading.resolution.due_at == at("2025-11-19", "17:00")


def test_round_trip_and_validation():
    policies = default_policies()
    assert SlaPolicySet.from_dict(policies.to_dict()) == policies
    data = policies.to_dict()
    data["policies"].append(
        {
            "name": "P3 again",
            "priority": "P3",
            "channels": [],
            "first_response": {"hours": 4},
            "resolution": {"working_days": 3},
            "calendar": CALENDAR_BUSINESS,
        }
    )
    data["policies"].append(
        {"name": "odd", "priority": "P5", "first_response": {"weeks": 1}, "resolution": {"hours": 0}, "calendar": "x"}
    )
    with pytest.raises(InvalidSlaPolicies) as refused:
        SlaPolicySet.from_dict(data)
    reasons = refused.value.reasons
    assert "policy 'odd': unknown priority 'P5' (P1, P2, P3, P4)" in reasons
    assert "policy 'odd': first_response: unknown unit 'weeks' (minutes, hours, working_days)" in reasons
    assert "policy 'odd': resolution: hours must be a positive whole number" in reasons
    assert isinstance(refused.value, InvalidInput)
    # Valid shapes that do not make a usable table:
    with pytest.raises(InvalidSlaPolicies) as refused:
        SlaPolicySet(
            (
                *[p for p in policies.policies if p.priority is not Priority.P4],
                SlaPolicy("P3 again", Priority.P3, Target.hours(4), Target.working_days(3)),
                SlaPolicy(
                    "P2 slow", Priority.P2, Target.working_days(2), Target.hours(4), channels=frozenset({Channel.WEB})
                ),
                SlaPolicy("P2 nowhere", Priority.P2, Target.hours(1), Target.hours(4), "nowhere", tier="vip"),
                SlaPolicy("P1 forever", Priority.P1, Target.hours(1), Target.working_days(1000), tier="vip"),
            ),
            default_calendars(),
        )
    reasons = refused.value.reasons
    assert "policies 'P3 一般' and 'P3 again' match the same tickets" in reasons
    assert "no policy for every P4 ticket (one with no channels and no tier)" in reasons
    assert "policy 'P2 slow': first response (2 working_days) is longer than resolution" in reasons
    assert "policy 'P2 nowhere' counts in an unknown calendar 'nowhere'" in reasons
    assert "policy 'P1 forever': resolution (1000 working_days) is longer than a year of working time" in reasons


# -- the clock ----------------------------------------------------------------------------------------------------
def test_p3_across_the_national_day_holiday(policies):
    created = at("2025-09-30", "17:00")
    reading = clock(policies, created).reading(created)
    assert reading.first_response.due_at == at("2025-10-09", "16:00")
    # 27 h: 1 on 30 September, 9 on 9 and 10 October, 8 on Saturday 11 October (调休).
    assert reading.resolution.due_at == at("2025-10-11", "17:00")
    during = clock(policies, created).reading(at("2025-10-05", "12:00"))
    assert during.first_response.used == H and during.first_response.share == pytest.approx(1 / 8)


def test_p3_created_on_a_saturday_starts_on_the_sunday_make_up_day(policies):
    reading = clock(policies, at("2025-09-27", "10:00")).reading(at("2025-09-27", "10:00"))
    assert reading.first_response.due_at == at("2025-09-28", "17:00")
    assert reading.first_response.used == timedelta()


def test_p1_counts_around_the_clock(policies):
    created = at("2025-10-01", "02:00")  # a holiday night
    phone = clock(policies, created, Priority.P1, Channel.PHONE).reading(created)
    assert phone.first_response.due_at == at("2025-10-01", "02:15")
    assert phone.resolution.due_at == at("2025-10-01", "06:00")
    chat = clock(policies, created, Priority.P1, Channel.CHAT).reading(created)
    assert chat.first_response.due_at == at("2025-10-01", "02:10")


def test_waiting_for_the_customer_pauses_and_resuming_shifts_the_due_times(policies):
    created = at("2025-11-18", "10:00")  # Tuesday, P2: 2 h / 24 h business
    paused = StatusChanged(at("2025-11-18", "10:30"), Status.WAITING_CUSTOMER)
    resumed = StatusChanged(at("2025-11-19", "10:00"), Status.IN_PROGRESS)
    sla = clock(policies, created, Priority.P2, Channel.WEB, paused, resumed)
    while_paused = sla.reading(at("2025-11-18", "16:00"))
    assert while_paused.first_response.state is ClockState.PAUSED
    assert while_paused.first_response.due_at is None
    assert while_paused.first_response.used == 30 * M
    assert sla.next_checkpoint(at("2025-11-18", "16:00")) is None  # nothing to sweep while paused
    after = sla.reading(at("2025-11-19", "10:00"))
    assert after.first_response.state is ClockState.RUNNING
    assert after.first_response.due_at == at("2025-11-19", "11:30")
    # 23.5 h left from Wednesday 10:00: 8 on Wednesday, 9 on Thursday, 6.5 on Friday.
    assert after.resolution.due_at == at("2025-11-21", "15:30")


def test_a_priority_change_retargets_from_the_start(policies):
    created = at("2025-11-18", "10:00")
    raised = PriorityChanged(at("2025-11-18", "11:00"), Priority.P1)
    sla = clock(policies, created, Priority.P3, Channel.WEB, raised)
    before = sla.reading(at("2025-11-18", "10:30"))
    assert before.priority is Priority.P3 and before.first_response.due_at == at("2025-11-18", "18:00")
    now = at("2025-11-18", "11:00")
    after = sla.reading(now)
    assert after.priority is Priority.P1 and after.policy.name == "P1 紧急 在线"
    assert after.first_response.breached  # an hour used against 10 minutes
    assert after.first_response.due_at == at("2025-11-18", "10:10")  # when it was missed
    assert after.resolution.due_at == at("2025-11-18", "14:00")
    lowered = sla.with_events(PriorityChanged(at("2025-11-18", "11:30"), Priority.P4)).reading(
        at("2025-11-18", "11:30")
    )
    assert lowered.first_response.due_at == at("2025-11-20", "16:00")  # 24 business hours from creation
    assert not lowered.first_response.breached


def test_checkpoints_warn_then_breach_in_order(policies):
    created = at("2025-11-18", "10:00")  # P2 web
    sla = clock(policies, created, Priority.P2)
    points = sla.checkpoints(created)
    assert [(c.target, c.kind, c.at) for c in points] == [
        (FR, CheckpointKind.WARNING, at("2025-11-18", "11:30")),
        (FR, CheckpointKind.BREACH, at("2025-11-18", "12:00")),
        (RES, CheckpointKind.WARNING, at("2025-11-20", "10:00")),  # 18 of 24 business hours
        (RES, CheckpointKind.BREACH, at("2025-11-20", "16:00")),
    ]
    assert sla.next_checkpoint(created) == points[0]
    assert sla.next_checkpoint(at("2025-11-18", "11:30")) == points[1]  # strictly after the instant
    late_sweep = sla.due_checkpoints(None, at("2025-11-18", "13:00"))
    assert [c.kind for c in late_sweep] == [CheckpointKind.WARNING, CheckpointKind.BREACH]
    assert sla.due_checkpoints(at("2025-11-18", "11:30"), at("2025-11-18", "13:00")) == [points[1]]
    assert sla.reading(at("2025-11-18", "11:30")).first_response.share == pytest.approx(0.75)
    # A reply in time removes the breach; the past warning keeps its instant (and its key).
    replied = sla.with_events(Responded(at("2025-11-18", "11:45")))
    later = replied.checkpoints(at("2025-11-18", "11:45"))
    assert [(c.target, c.kind) for c in later] == [
        (FR, CheckpointKind.WARNING),
        (RES, CheckpointKind.WARNING),
        (RES, CheckpointKind.BREACH),
    ]
    assert later[0].key == points[0].key
    assert replied.next_checkpoint(at("2025-11-18", "11:45")) == points[2]


def test_warning_share_is_configurable():
    policies = SlaPolicySet(default_policies().policies, default_calendars(), warning_share=0.5)
    created = at("2025-11-18", "10:00")
    warning = SlaClock(policies, created, Priority.P2, Channel.WEB).next_checkpoint(created)
    assert (warning.kind, warning.at) == (CheckpointKind.WARNING, at("2025-11-18", "11:00"))
    with pytest.raises(InvalidSlaPolicies):
        SlaPolicySet(default_policies().policies, default_calendars(), warning_share=1.5)


def test_met_and_missed_at_resolution(policies):
    created = at("2025-11-18", "10:00")  # P2 web: 2 h first response, 24 h resolution
    responded = Responded(at("2025-11-18", "11:00"))
    resolved = StatusChanged(at("2025-11-19", "15:00"), Status.RESOLVED)
    sla = clock(policies, created, Priority.P2, Channel.WEB, responded, resolved)
    assert sla.outcome(at("2025-11-19", "14:00")) is None  # still open
    outcome = sla.outcome(at("2025-11-19", "15:00"))
    assert outcome.first_response_met and outcome.resolution_met
    assert (outcome.met, outcome.label_zh, outcome.needs_reason) == (True, "达标", False)
    assert outcome.resolved_at == at("2025-11-19", "15:00")

    late = clock(
        policies,
        created,
        Priority.P2,
        Channel.WEB,
        Responded(at("2025-11-18", "13:00")),
        StatusChanged(at("2025-11-21", "10:00"), Status.CLOSED),
    )
    outcome = late.outcome(at("2025-11-21", "10:00"))
    assert not outcome.first_response_met and not outcome.resolution_met
    assert (outcome.label_zh, outcome.needs_reason) == ("未达标", True)
    reading = late.reading(at("2025-11-21", "10:00"))
    assert reading.resolution.state is ClockState.STOPPED and reading.resolution.breached
    assert reading.resolution.due_at == at("2025-11-20", "16:00")  # when it was missed


def test_resolving_without_a_reply_judges_first_response_at_resolution(policies):
    created = at("2025-11-18", "10:00")
    sla = clock(policies, created, Priority.P2, Channel.WEB, StatusChanged(at("2025-11-18", "11:00"), Status.RESOLVED))
    assert sla.outcome(at("2025-11-18", "11:00")).met


def test_reopening_resumes_with_the_time_used(policies):
    created = at("2025-11-18", "10:00")
    sla = clock(
        policies,
        created,
        Priority.P2,
        Channel.WEB,
        Responded(at("2025-11-18", "10:30")),
        StatusChanged(at("2025-11-18", "14:00"), Status.RESOLVED),
        StatusChanged(at("2025-11-19", "10:00"), Status.IN_PROGRESS),
    )
    reading = sla.reading(at("2025-11-19", "10:00"))
    assert reading.resolution.state is ClockState.RUNNING and reading.resolution.met is None
    assert reading.resolution.used == 4 * H
    assert reading.resolution.due_at == at("2025-11-21", "12:00")  # 20 h left: 8 Wed, 9 Thu, 3 Fri
    assert reading.first_response.state is ClockState.STOPPED and reading.first_response.met
    assert sla.outcome(at("2025-11-19", "10:00")) is None


def test_breach_reasons():
    assert [r.value for r in BreachReason] == [
        "incomplete_info",
        "complex_process",
        "insufficient_resources",
        "other",
    ]
    assert [r.label_zh for r in BreachReason] == ["信息不全", "流程复杂", "资源不足", "其他"]


def test_the_clock_of_a_ticket_from_its_audit_trail(policies):
    created = at("2025-11-18", "10:00")
    ticket = Ticket(
        id="a" * 32,
        number="GD20251118001",
        subject="s",
        description="d",
        requester=Person("c@example.com"),
        created_at=created,
        updated_at=created,
        priority=Priority.P3,
        status_history=[StatusEntry(Status.NEW, created)],
    )
    actor = Person("zhangwei@demo.local", "张伟", "agent")
    events = []
    for when, change in (
        (at("2025-11-18", "10:20"), {"status": Status.WAITING_CUSTOMER}),
        (at("2025-11-18", "11:20"), {"status": Status.IN_PROGRESS}),
        (at("2025-11-18", "11:30"), {"priority": Priority.P2}),
    ):
        applied = ticket.apply_changes(change, when)
        events.append(AuditEvent(f"e{len(events)}", ticket.id, EventType.TICKET_UPDATED, actor, when, tuple(applied)))
    sla = SlaClock.for_ticket(policies, ticket, events)
    assert sla.priority is Priority.P3  # as created
    reading = sla.reading(at("2025-11-18", "11:30"))
    assert reading.priority is Priority.P2
    assert reading.first_response.used == 30 * M  # 20 min, paused an hour, 10 min
    assert reading.first_response.due_at == at("2025-11-18", "13:00")  # 90 min left at 11:30
    # Without the audit trail the ticket's own history gives the same pauses (but only its current priority).
    assert SlaClock.for_ticket(policies, ticket).reading(at("2025-11-18", "11:30")).first_response.used == 30 * M
