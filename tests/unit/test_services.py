"""The services on in-memory fakes of their ports (tests/fakes.py): the use cases without DynamoDB, in milliseconds.

The same behaviours are proven again over moto in tests/integration; these pin down what each service decides.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from infra.seed.demo import STAFF, TEAMS
from shared.clock import FixedClock
from shared.domain.access import Principal
from shared.domain.directory import Agent, Team
from shared.domain.events import EventType
from shared.domain.requests import TicketDraft
from shared.domain.rules import RuleSet
from shared.domain.tickets import Channel, Person, Priority, Status
from shared.errors import IdempotencyKeyReused, InvalidInput, TicketClosed, VersionConflict
from shared.services.assignment import AssignmentService
from shared.services.cursors import CursorCodec
from shared.services.email_intake import EmailIntakeService, InboundMail
from shared.services.mail import MailComposer
from shared.services.mail_feedback import Feedback, MailFeedbackService
from shared.services.notifications import NotificationService
from shared.services.sla import SlaService
from shared.services.sla_sweep import SweepService
from shared.services.tickets import TicketService
from tests.fakes import Desk

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CUSTOMER = Principal.of("alice@example.com", "Alice", "customer")
AGENT = Principal.of("wangfang@demo.local", "王芳", "agent", ("tech",))
ROUTE_ALL_TO_TECH = RuleSet.from_dict(
    {
        "rules": [
            {"name": "all to tech", "position": 1, "conditions": [], "actions": [{"type": "set_team", "value": "tech"}]}
        ]
    }
)


class World:
    """The services wired over one fake desk, with a clock that stands still until moved."""

    def __init__(self) -> None:
        self.desk = Desk()
        self.clock = FixedClock(MONDAY)
        ids = count(1)
        self.new_id = lambda: f"{next(ids):032x}"
        for team in TEAMS:
            self.desk.directory.put_team(team)
        for agent in STAFF:
            self.desk.directory.put_agent(agent)
        self.sla = SlaService(self.desk.routing, self.clock)
        self.tickets = TicketService(
            self.desk.tickets,
            self.desk.writer,
            self.desk.directory,
            self.sla,
            self.clock,
            CursorCodec(b"secret"),
            "Asia/Shanghai",
            new_id=self.new_id,
        )
        self.mailed: list[dict[str, object]] = []

    def assignment(self, rules: RuleSet = ROUTE_ALL_TO_TECH) -> AssignmentService:
        return AssignmentService(
            self.desk.tickets,
            self.desk.writer,
            self.desk.routing,
            self.desk.directory,
            self.desk.inbox,
            self.sla,
            self.clock,
            lambda: rules,
            new_id=self.new_id,
        )

    def sweep(self) -> SweepService:
        return SweepService(self.desk.tickets, self.desk.writer, self.desk.routing, self.sla, self.clock, self.new_id)

    def notifications(self) -> NotificationService:
        def deliver(job: dict[str, object]) -> dict[str, object]:
            self.mailed.append(job)
            return {"message_id": f"ses-{len(self.mailed)}"}

        return NotificationService(
            self.desk.tickets,
            self.desk.inbox,
            MailComposer("support@demo.local", "http://127.0.0.1:8000"),
            deliver,
            CursorCodec(b"secret"),
            mail=self.desk.mail,
        )

    def open(self, subject: str = "无法登录", who: Principal = CUSTOMER) -> str:
        return self.tickets.create(who, TicketDraft(subject=subject, description="提示密码错误")).ticket.id

    def events(self, ticket_id: str) -> list[EventType]:
        return [e.type for e in self.desk.store.events[ticket_id]]


@pytest.fixture
def world() -> World:
    return World()


# -- tickets ----------------------------------------------------------------------------------------------------
def test_a_new_ticket_is_numbered_started_and_audited_in_one_write(world: World) -> None:
    created = world.tickets.create(CUSTOMER, TicketDraft(subject="无法登录", description="d", priority=Priority.P2))
    ticket = created.ticket
    assert ticket.number == "GD20261123001" and ticket.version == 1 and ticket.channel is Channel.WEB
    assert ticket.sla.policy == "P2 重要" and ticket.sla.first_response_due_at == MONDAY + timedelta(hours=2)
    assert world.events(ticket.id) == [EventType.TICKET_CREATED] and world.desk.store.writes == 1
    assert world.open() != ticket.id and world.desk.store.numbers.keys() == {"GD20261123001", "GD20261123002"}


def test_an_idempotency_key_replays_and_refuses_another_request(world: World) -> None:
    draft = TicketDraft(subject="发票", description="d")
    first = world.tickets.create(CUSTOMER, draft, "key-1")
    again = world.tickets.create(CUSTOMER, draft, "key-1")
    assert again.replayed and again.ticket.id == first.ticket.id and len(world.desk.store.tickets) == 1
    with pytest.raises(IdempotencyKeyReused):
        world.tickets.create(CUSTOMER, replace(draft, subject="别的"), "key-1")


def test_an_edit_names_the_version_it_read_and_existing_people(world: World) -> None:
    ticket_id = world.open()
    with pytest.raises(VersionConflict):
        world.tickets.update(AGENT, ticket_id, {"priority": Priority.P1}, expected_version=7)
    with pytest.raises(InvalidInput) as missing:
        world.tickets.update(AGENT, ticket_id, {"assignee": "nobody@demo.local"}, expected_version=1)
    assert missing.value.field == "assignee"
    ticket = world.tickets.update(AGENT, ticket_id, {"assignee": AGENT.email}, expected_version=1)
    assert ticket.status is Status.IN_PROGRESS and ticket.sla.acknowledge_due_at == MONDAY + timedelta(minutes=10)
    assert world.desk.store.tickets[ticket_id].version == 2


def test_replies_move_the_ticket_and_the_first_response_once(world: World) -> None:
    ticket_id = world.open()
    world.clock.advance(timedelta(minutes=5))
    world.tickets.post_message(AGENT, ticket_id, "您好，请重置密码", internal=False)
    world.tickets.update(AGENT, ticket_id, {"status": Status.RESOLVED}, None)
    world.tickets.post_message(CUSTOMER, ticket_id, "还是不行", internal=False)
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.status is Status.NEW
    assert ticket.sla.first_responded_at == MONDAY + timedelta(minutes=5) and ticket.sla.resolved_at is None
    messages = world.desk.tickets.list_messages(ticket_id, 10, None, include_internal=False).items
    assert [m.body for m in messages] == ["您好，请重置密码", "还是不行"]
    world.tickets.update(AGENT, ticket_id, {"status": Status.CLOSED}, None)
    with pytest.raises(TicketClosed):
        world.tickets.post_message(CUSTOMER, ticket_id, "再问一下", internal=False)


# -- assignment -------------------------------------------------------------------------------------------------
def test_a_new_ticket_is_routed_and_assigned_once_when_its_event_comes_twice(world: World) -> None:
    ticket_id = world.open()
    created = world.desk.store.events[ticket_id][0]
    assignment = world.assignment()
    assignment.handle(created)
    assignment.handle(created)  # the stream delivers at least once
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.team == "tech" and ticket.assignee is not None
    assert world.desk.routing.claim_of(ticket_id) is not None
    assert sum(sum(by.values()) for by in world.desk.store.loads.values()) == 1
    assert world.events(ticket_id).count(EventType.TICKET_UPDATED) == 1


def test_full_agents_queue_the_ticket_and_a_release_serves_it(world: World) -> None:
    world.desk.directory.put_team(Team("ops", "运维", supervisor="lead@demo.local"))
    world.desk.directory.put_agent(Agent("ops0@demo.local", "运维0", "agent", teams=["ops"], capacity=1))
    rules = RuleSet.from_dict(
        {"rules": [{"name": "ops", "position": 1, "conditions": [], "actions": [{"type": "set_team", "value": "ops"}]}]}
    )
    assignment = world.assignment(rules)
    first, second = world.open("一"), world.open("二")
    for ticket_id in (first, second):
        assignment.handle(world.desk.store.events[ticket_id][0])
    assert [w.ticket_id for w in world.desk.routing.waiting("ops")] == [second]
    holder = Principal.of("ops0@demo.local", "运维0", "agent", ("ops",))
    world.tickets.update(holder, first, {"status": Status.RESOLVED}, None)
    assignment.handle(world.desk.store.events[first][-1])  # the resolution frees the slot: the queue is served
    served = world.desk.tickets.get(second)
    assert served is not None and served.assignee == "ops0@demo.local"
    assert world.desk.routing.waiting("ops") == []


# -- the SLA sweep -----------------------------------------------------------------------------------------------
def test_the_sweep_warns_and_breaches_once_each(world: World) -> None:
    ticket_id = world.open()  # P3: 8 business hours, warned at 75% (16:00), breached Tuesday 09:00
    sweep = world.sweep()
    world.clock.advance(timedelta(hours=6, minutes=1))
    assert [line.split()[1] for line in sweep.sweep().acted] == ["sla.warning"]
    assert sweep.sweep().acted == []
    world.clock.advance(timedelta(hours=17))
    assert [line.split()[1] for line in sweep.sweep().acted] == ["sla.breach"]
    assert world.events(ticket_id).count(EventType.SLA_BREACH) == 1
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.sla.breached and ticket.sla.next_checkpoint_at is not None


def test_a_missed_acknowledgment_passes_the_agent_over(world: World) -> None:
    ticket_id = world.open()
    world.tickets.update(AGENT, ticket_id, {"assignee": AGENT.email}, None)
    world.clock.advance(timedelta(minutes=11))
    world.sweep().sweep()
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.assignee is None and ticket.sla.passed_over == (AGENT.email,)
    assert EventType.TICKET_ACK_TIMEOUT in world.events(ticket_id)


# -- email ---------------------------------------------------------------------------------------------------------
def _intake(world: World) -> EmailIntakeService:
    return EmailIntakeService(
        world.tickets,
        world.desk.tickets,
        world.desk.writer,
        world.desk.mail,
        world.desk.blobs,
        world.clock,
        "support@demo.local",
        "reply-secret",
        40 * 1024 * 1024,
        25 * 1024 * 1024,
    )


def _mail(key: str) -> InboundMail:
    """The receipt of a raw message stored under `key` (SES's message id is the key's)."""
    return InboundMail(key, ["support@demo.local"], key, MONDAY)


def test_a_mail_opens_one_ticket_and_its_reply_joins_it(world: World) -> None:
    intake = _intake(world)
    raw = (
        "From: 王先生 <wang@example.com>\r\nTo: support@demo.local\r\nSubject: 打印机无法连接\r\n"
        "Message-ID: <m1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n办公室的打印机连不上。\r\n"
    ).encode()
    world.desk.blobs.put("inbound/1", raw, "message/rfc822")
    first = intake.receive(_mail("inbound/1"))
    assert first.outcome == "ticket" and first.ticket_id is not None
    assert intake.receive(_mail("inbound/1")).outcome == "duplicate"
    ticket = world.desk.tickets.get(first.ticket_id)
    assert (
        ticket is not None
        and ticket.channel is Channel.EMAIL
        and ticket.requester == Person("wang@example.com", "王先生")
    )
    reply = (
        f"From: wang@example.com\r\nTo: support@demo.local\r\nSubject: Re: [{ticket.number}] 打印机无法连接\r\n"
        "Message-ID: <m2@example.com>\r\nIn-Reply-To: <m1@example.com>\r\n\r\n重启后还是不行。\r\n"
    ).encode()
    world.desk.blobs.put("inbound/2", reply, "message/rfc822")
    second = intake.receive(_mail("inbound/2"))
    assert (second.outcome, second.ticket_id) == ("message", ticket.id)
    assert world.desk.store.mail_roots[ticket.id] == "<m1@example.com>"
    assert len(world.desk.store.messages[ticket.id]) == 2


def test_a_bounce_notes_the_ticket_once(world: World) -> None:
    ticket_id = world.open()
    number = world.desk.store.tickets[ticket_id].number
    feedback = Feedback("bounce", "ses-1", ["alice@example.com"], True, "550 5.1.1", number, None)
    service = MailFeedbackService(world.desk.tickets, world.desk.writer, world.desk.mail, world.clock)
    assert service.handle(feedback) == f"bounce noted on {number}"
    assert service.handle(feedback) == "already noted"
    assert world.desk.mail.undeliverable("alice@example.com") == "bounce"
    notes = [m for _, m in world.desk.store.messages[ticket_id]]
    assert len(notes) == 1 and notes[0].internal


# -- notifications -----------------------------------------------------------------------------------------------
def test_notifications_follow_the_table_once_per_event(world: World) -> None:
    ticket_id = world.open()
    notifications = world.notifications()
    created = world.desk.store.events[ticket_id][0]
    assert [line.split()[0] for line in notifications.handle(created)] == ["acknowledgment"]
    world.tickets.update(AGENT, ticket_id, {"assignee": "zhangwei@demo.local"}, None)
    assigned = world.desk.store.events[ticket_id][-1]
    assert notifications.handle(assigned) == ["notified zhangwei@demo.local"]
    assert notifications.handle(assigned) == []  # the same event again: the notice is there already
    assert world.desk.inbox.kinds("zhangwei@demo.local") == [("ticket.assigned", created.snapshot["number"])]
    assert [job["idempotency_key"] for job in world.mailed] == [f"{created.id}#acknowledgment"]
