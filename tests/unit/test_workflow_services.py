"""Triggers, automations and the closing review as services, on the in-memory fakes (tests/fakes.py): what each
writes, and that a redelivered event or a second sweep writes nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count

from infra.seed.demo import STAFF, TEAMS
from shared.clock import FixedClock
from shared.domain.access import Principal
from shared.domain.canned_replies import default_canned_replies
from shared.domain.events import AuditEvent, EventType
from shared.domain.requests import TicketDraft
from shared.domain.review import ReviewPolicy
from shared.domain.rules import RuleSet
from shared.domain.tickets import Priority, Status
from shared.services.automations import AutomationService
from shared.services.cursors import CursorCodec
from shared.services.effects import Effector
from shared.services.keeping import TicketKeeper
from shared.services.sla import SlaService
from shared.services.sla_sweep import SweepService
from shared.services.tickets import TicketService
from shared.services.triggers import TriggerService
from tests.fakes import Desk

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CUSTOMER = Principal.of("alice@example.com", "Alice", "customer")
AGENT = Principal.of("wangfang@demo.local", "王芳", "agent", ("tech",))
URGENT = RuleSet.from_dict(
    {
        "rules": [
            {
                "name": "加急",
                "position": 1,
                "event": "updated",
                "conditions": [{"field": "priority", "operator": "changed_to", "value": "P1"}],
                "actions": [{"type": "add_tags", "value": ["加急"]}, {"type": "escalate", "value": True}],
            },
            {
                "name": "回复客户",
                "position": 1,
                "event": "customer_replied",
                "conditions": [],
                "actions": [{"type": "send_canned_reply", "value": "need-info"}],
            },
        ]
    }
)


class World:
    def __init__(self, policy: ReviewPolicy | None = None) -> None:
        self.desk = Desk()
        self.clock = FixedClock(MONDAY)
        ids = count(1)
        self.new_id = lambda: f"{next(ids):032x}"
        for team in TEAMS:
            self.desk.directory.put_team(team)
        for agent in STAFF:
            self.desk.directory.put_agent(agent)
        self.sla = SlaService(self.desk.routing, self.clock)
        review = policy or ReviewPolicy()
        self.effector = Effector(default_canned_replies, lambda: review, new_id=self.new_id)
        self.automations = AutomationService(
            self.desk.routing, self.clock, lambda: dict(self.sla.config().policies.calendars), self.effector, list
        )
        self.keeper = TicketKeeper(self.sla, self.automations.automations)
        self.tickets = TicketService(
            self.desk.tickets,
            self.desk.writer,
            self.desk.directory,
            self.keeper,
            self.clock,
            CursorCodec(b"secret"),
            "Asia/Shanghai",
            new_id=self.new_id,
            review_policy=lambda: review,
        )
        self.triggers = TriggerService(
            self.desk.tickets, self.desk.writer, self.keeper, self.clock, lambda: URGENT, self.effector, self.new_id
        )
        self.sweep = SweepService(
            self.desk.tickets,
            self.desk.writer,
            self.desk.routing,
            self.sla,
            self.clock,
            self.new_id,
            keeper=self.keeper,
            automations=self.automations,
            message_part=self.desk.tickets.message_part,
        )

    def open(self, **draft: object) -> str:
        return self.tickets.create(CUSTOMER, TicketDraft(subject="无法登录", description="d", **draft)).ticket.id  # type: ignore[arg-type]

    def events(self, ticket_id: str) -> list[AuditEvent]:
        return self.desk.store.events[ticket_id]

    def answer(self, event: AuditEvent) -> list[str]:
        ticket = self.desk.tickets.get(event.ticket_id)
        assert ticket is not None
        return self.triggers.answer(event, ticket)


def test_a_trigger_answers_an_event_once_and_not_its_own_write() -> None:
    world = World()
    ticket_id = world.open()
    world.tickets.update(AGENT, ticket_id, {"priority": Priority.P1}, None)
    change = world.events(ticket_id)[-1]
    assert world.answer(change) and world.answer(change) == []  # redelivered: answered already
    own = world.events(ticket_id)[-1]
    assert own.actor.name == "加急" and own.changed("tags").new == ["加急"]  # type: ignore[union-attr]
    assert world.answer(own) == []  # its own change does not fire it again
    assert len(world.events(ticket_id)) == 3


def test_a_canned_reply_is_a_message_and_its_event_in_one_write() -> None:
    world = World()
    ticket_id = world.open()
    world.tickets.post_message(CUSTOMER, ticket_id, "还是不行", internal=False)
    writes = world.desk.store.writes
    world.answer(world.events(ticket_id)[-1])
    assert world.desk.store.writes == writes + 1
    kinds = [e.type for e in world.events(ticket_id)[-2:]]
    assert kinds == [EventType.TICKET_UPDATED, EventType.MESSAGE_ADDED]
    message = world.desk.store.messages[ticket_id][-1][1]
    assert message.author.role == "system" and "Alice" in message.body and not message.internal


def test_the_sweep_closes_once_and_holds_what_needs_review() -> None:
    world = World(ReviewPolicy(categories=("refund",)))
    plain, refund = world.open(), world.open(category="refund")
    for ticket_id in (plain, refund):
        world.tickets.update(AGENT, ticket_id, {"status": Status.RESOLVED}, None)
    world.clock.advance(timedelta(hours=72, minutes=1))
    first = world.sweep.sweep()
    assert world.sweep.sweep().acted == []
    assert len([line for line in first.acted if "结案" in line]) == 2
    assert world.desk.tickets.get(plain).status is Status.CLOSED  # type: ignore[union-attr]
    held = world.desk.tickets.get(refund)
    assert held is not None and held.status is Status.RESOLVED and held.review is not None and held.review.pending


def test_the_settings_a_write_reads_come_in_one_request() -> None:
    from shared.domain.settings import StoredConfig
    from shared.services.settings_cache import SettingsCache

    class Counting:
        def __init__(self) -> None:
            self.batches: list[list[str]] = []
            self.configs = {"SLA_POLICIES": StoredConfig({"a": 1}, 3, None, None)}

        def get_config(self, name: str) -> StoredConfig | None:
            raise AssertionError("read one by one")

        def get_configs(self, names: Sequence[str]) -> dict[str, StoredConfig]:
            self.batches.append(list(names))
            return {n: self.configs[n] for n in names if n in self.configs}

        def put_config(self, name: str, data: dict, expected: int | None, who: str, now: datetime) -> StoredConfig:
            self.configs[name] = StoredConfig(data, 4, now, who)
            return self.configs[name]

    store = Counting()
    ticks = [0.0]
    cache = SettingsCache(store, ("SLA_POLICIES", "AUTOMATIONS", "REVIEW_POLICY"), monotonic=lambda: ticks[0])
    assert cache.get_config("AUTOMATIONS") is None
    assert cache.get_config("SLA_POLICIES") == store.configs["SLA_POLICIES"]
    assert cache.get_config("REVIEW_POLICY") is None
    assert store.batches == [["AUTOMATIONS", "SLA_POLICIES", "REVIEW_POLICY"]]
    cache.put_config("SLA_POLICIES", {"a": 2}, 3, "admin", MONDAY)  # the saving process sees its save at once
    stored = cache.get_config("SLA_POLICIES")
    assert stored is not None and stored.version == 4 and len(store.batches) == 2
    ticks[0] = 31.0  # expired: one request again, for all three
    cache.get_config("AUTOMATIONS")
    assert len(store.batches) == 3


def test_a_trigger_naming_an_agent_who_left_changes_nothing_and_says_so() -> None:
    world = World()
    rules = RuleSet.from_dict(
        {
            "rules": [
                {
                    "name": "转给老同事",
                    "position": 1,
                    "event": "internal_note",
                    "conditions": [],
                    "actions": [
                        {"type": "set_assignee", "value": "gone@demo.local"},
                        {"type": "add_tags", "value": "x"},
                    ],
                }
            ]
        }
    )
    world.triggers = TriggerService(
        world.desk.tickets,
        world.desk.writer,
        world.keeper,
        world.clock,
        lambda: rules,
        world.effector,
        world.new_id,
        directory=world.desk.directory,
    )
    ticket_id = world.open()
    world.tickets.post_message(AGENT, ticket_id, "备注", internal=True)
    world.answer(world.events(ticket_id)[-1])
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.assignee is None and ticket.tags == ["x"]
    errors = world.events(ticket_id)[-1].changed("triggers.errors")
    assert errors is not None and errors.new == ["unknown assignee 'gone@demo.local'"]
