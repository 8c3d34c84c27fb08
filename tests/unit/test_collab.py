"""Working together, over the in-memory desk: mentions, followers (and the old follower tags), sub-tasks holding back
resolving, collaboration answers, merging, the notices table's new rows and the sweep's overdue sub-tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.access import Principal
from shared.domain.collab import Channels, channels_for, mentioned, work_lists
from shared.domain.events import AuditEvent, EventType
from shared.domain.notices import Sender, notices_for
from shared.domain.tickets import FieldChange, Person, Status
from shared.errors import Forbidden, InvalidTransition, MergeRefused, NotFound, OpenSubtasks
from shared.services.collaboration import CollaborationService
from shared.services.merge import MergeService
from tests.unit.test_services import AGENT, CUSTOMER, World

BILLING = Principal.of("liuyang@demo.local", "刘洋", "agent", ("billing",))
ZHANG = "zhangwei@demo.local"


@pytest.fixture
def world() -> World:
    return World()


def _collab(world: World) -> CollaborationService:
    return CollaborationService(
        world.tickets.get,
        world.desk.tickets,
        world.desk.work,
        world.desk.writer,
        world.desk.directory,
        world.sla,
        world.clock,
        world.new_id,
    )


def test_mentions_are_addresses_once_each_in_order() -> None:
    body = "@zhangwei@demo.local 看看，还有 @LiQiang@demo.local。邮箱 a@b.com 不算，@zhangwei@demo.local 重复"
    assert mentioned(body) == ["zhangwei@demo.local", "liqiang@demo.local"]
    assert mentioned("no one here") == []


def test_an_internal_note_mentions_staff_only_and_makes_them_followers(world: World) -> None:
    ticket_id = world.open()
    world.tickets.post_message(AGENT, ticket_id, f"@{ZHANG} @stranger@example.com 请看", internal=True)
    world.tickets.post_message(CUSTOMER, ticket_id, f"@{ZHANG} hello", internal=False)
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.followers == [ZHANG]
    events = world.desk.store.events[ticket_id]
    assert [e.changed("mentions").new for e in events if e.changed("mentions")] == [[ZHANG]]  # type: ignore[union-attr]


def test_follower_tags_become_followers(world: World) -> None:
    ticket_id = world.open()
    world.tickets.update(AGENT, ticket_id, {"tags": ["vip", "follower:Lead@demo.local"]}, None)
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None and ticket.tags == ["vip"] and ticket.followers == ["lead@demo.local"]


def test_open_subtasks_hold_back_resolving_and_fill_the_assignees_list(world: World) -> None:
    ticket_id = world.open()
    collab = _collab(world)
    first = collab.add_subtask(AGENT, ticket_id, "核对账单", "liuyang@demo.local", "billing", None)
    assert world.desk.work.list_work("subtasks", "liuyang@demo.local", 10, None).items[0].id == ticket_id
    with pytest.raises(OpenSubtasks):
        world.tickets.update(AGENT, ticket_id, {"status": Status.RESOLVED}, None)
    collab.edit_subtask(AGENT, ticket_id, first.id, {"status": "done"})
    assert world.desk.work.list_work("subtasks", "liuyang@demo.local", 10, None).items == []
    assert world.tickets.update(AGENT, ticket_id, {"status": Status.RESOLVED}, None).status is Status.RESOLVED
    with pytest.raises(NotFound):
        collab.subtasks(CUSTOMER, ticket_id)


def test_only_the_asked_team_answers_a_request_once(world: World) -> None:
    ticket_id = world.open()
    collab = _collab(world)
    asked = collab.request(AGENT, ticket_id, "billing", "请核实退款", None)
    with pytest.raises(Forbidden):
        collab.answer(AGENT, ticket_id, asked.id, "done", "我来")
    answered = collab.answer(BILLING, ticket_id, asked.id, "done", "已到账")
    assert answered.answered_by == BILLING.email
    with pytest.raises(InvalidTransition):
        collab.answer(BILLING, ticket_id, asked.id, "declined", None)
    notes = [m for _, m in world.desk.store.messages[ticket_id] if m.internal]
    assert len(notes) == 1 and "已到账" in notes[0].body


def test_a_merge_moves_the_conversation_and_refuses_loops(world: World) -> None:
    source, target = world.open("一"), world.open("二")
    world.tickets.post_message(CUSTOMER, source, "补充信息", internal=False)
    merges = MergeService(
        world.tickets.get, world.desk.tickets, world.desk.work, world.desk.writer, world.sla, world.clock, world.new_id
    )
    merged = merges.merge(AGENT, source, target)
    assert merged.source.status is Status.CLOSED and merged.target.merged_from[0].id == source
    copied = [m for _, m in world.desk.store.messages[target] if m.merged_from]
    assert [m.body for m in copied] == ["补充信息"]
    for into in (source, target):
        with pytest.raises(MergeRefused):
            merges.merge(AGENT, source, into)
    with pytest.raises(Forbidden):
        merges.merge(CUSTOMER, target, source)
    # A portal reply to the source lands on the target.
    assert world.tickets.post_message(CUSTOMER, source, "还在吗", internal=False).ticket_id == target


def test_the_sweep_tells_of_an_overdue_subtask_once(world: World) -> None:
    ticket_id = world.open()
    _collab(world).add_subtask(AGENT, ticket_id, "退款", ZHANG, None, world.clock.now() + timedelta(minutes=5))
    world.clock.advance(timedelta(minutes=6))
    world.sweep().sweep()
    world.sweep().sweep()
    assert world.events(ticket_id).count(EventType.SUBTASK_OVERDUE) == 1


def test_the_notices_table_answers_the_new_events() -> None:
    actor = Person(AGENT.email, AGENT.name, "agent")

    def event(kind: EventType, *changes: FieldChange, internal: bool | None = None) -> AuditEvent:
        from datetime import UTC, datetime

        return AuditEvent("e", "t", kind, actor, datetime(2026, 1, 1, tzinfo=UTC), tuple(changes), internal=internal)

    mention = event(EventType.MESSAGE_ADDED, FieldChange("mentions", None, [ZHANG]), internal=True)
    assert [n.kind for n in notices_for(mention, Sender.NOTIFICATION)] == ["mention"]
    request = event(EventType.COLLABORATION_REQUESTED, FieldChange("collaboration", None, {"team": "billing"}))
    assert [n.kind for n in notices_for(request, Sender.NOTIFICATION)] == ["collaboration.requested"]
    reassigned = event(EventType.SUBTASK_UPDATED, FieldChange("subtask", {"assignee": "a"}, {"assignee": "b"}))
    assert [n.kind for n in notices_for(reassigned, Sender.NOTIFICATION)] == ["subtask.assigned"]
    done = event(EventType.SUBTASK_UPDATED, FieldChange("subtask", {"assignee": "a"}, {"assignee": "a"}))
    assert notices_for(done, Sender.NOTIFICATION) == []


def test_channels_default_breaches_to_both_and_keep_a_choice() -> None:
    assert channels_for("sla.breach", {}) is Channels.BOTH
    assert channels_for("subtask.assigned", {}) is Channels.IN_APP
    assert channels_for("sla.breach", {"sla.breach": "none"}) is Channels.NONE
    assert channels_for("sla.breach", {"sla.breach": "loud"}) is Channels.BOTH


def test_work_lists_follow_open_subtasks_and_pending_requests(world: World) -> None:
    ticket_id = world.open()
    collab = _collab(world)
    collab.add_subtask(AGENT, ticket_id, "a", ZHANG, None, None)
    collab.request(AGENT, ticket_id, "billing", "b", None)
    ticket = world.desk.tickets.get(ticket_id)
    assert ticket is not None
    assert work_lists(ticket) == {("subtasks", ZHANG), ("collaborating", "billing")}
