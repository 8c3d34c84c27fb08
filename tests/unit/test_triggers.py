"""Triggers, pure domain: which events call for which rules, conditions on what changed, new actions, the marks
that keep triggers from answering themselves, validation of events and loops across a chain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.events import AuditEvent, EventType
from shared.domain.rules import RuleSet, TicketFacts, TriggerEvent, validate_rule_set
from shared.domain.tickets import FieldChange, Person, Ticket
from shared.domain.triggers import MAX_CHAIN, trigger_actor, trigger_call
from shared.domain.workflow import AUTOMATIC_MAIL, DEPTH, STOPPED, TRIGGERS

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AGENT = Person("wangfang@demo.local", "王芳", "agent")
CUSTOMER = Person("alice@example.com", "Alice", "customer")


def _ticket() -> Ticket:
    return Ticket("a" * 32, "GD20261123001", "无法登录", "d", CUSTOMER, NOW, NOW)


def _event(kind: EventType, actor: Person = AGENT, changes=(), internal=None) -> AuditEvent:
    return AuditEvent.of(_ticket(), kind, actor, NOW, list(changes), id="e1", message_id="m1", internal=internal)


def rule(name, conditions, actions, event="updated", position=1, **extra):
    return {
        "name": name,
        "position": position,
        "event": event,
        "conditions": [
            {"field": f, "operator": o, **({"value": v} if v is not None else {})} for f, o, v in conditions
        ],
        "actions": [{"type": t, "value": v} for t, v in actions],
        **extra,
    }


# -- which triggers an event calls for -------------------------------------------------------------------------
def test_events_map_to_trigger_events():
    assert trigger_call(_event(EventType.TICKET_CREATED)).events == frozenset()
    assert trigger_call(_event(EventType.MESSAGE_ADDED, CUSTOMER, internal=False)).events == {
        TriggerEvent.CUSTOMER_REPLIED
    }
    assert trigger_call(_event(EventType.MESSAGE_ADDED, AGENT, internal=False)).events == {TriggerEvent.AGENT_REPLIED}
    assert trigger_call(_event(EventType.MESSAGE_ADDED, AGENT, internal=True)).events == {TriggerEvent.INTERNAL_NOTE}
    # A customer's reply that reopens the ticket is also a change.
    reopened = _event(EventType.MESSAGE_ADDED, CUSTOMER, [FieldChange("status", "resolved", "new")], internal=False)
    assert trigger_call(reopened).events == {TriggerEvent.CUSTOMER_REPLIED, TriggerEvent.UPDATED}
    # An out-of-office answer kept in the conversation, a bounce note, an SLA warning: nothing.
    automatic = [FieldChange(AUTOMATIC_MAIL, None, "auto_submitted")]
    assert not trigger_call(_event(EventType.MESSAGE_ADDED, CUSTOMER, automatic, internal=False)).events
    assert not trigger_call(_event(EventType.MESSAGE_ADDED, Person("ses", "邮件系统", "system"), internal=True)).events
    assert not trigger_call(_event(EventType.SLA_WARNING, changes=[FieldChange("sla.warning", None, "x")])).events
    breach = _event(EventType.SLA_BREACH, changes=[FieldChange("priority", "P2", "P1")])
    assert trigger_call(breach).events == {TriggerEvent.UPDATED}


def test_a_triggers_write_names_its_rules_and_depth():
    marks = [FieldChange("tags", [], ["加急"]), FieldChange(TRIGGERS, None, ["甲", "乙"]), FieldChange(DEPTH, None, 2)]
    call = trigger_call(_event(EventType.TICKET_UPDATED, trigger_actor(("甲", "乙")), marks))
    assert call.skip == {"甲", "乙"} and call.depth == 2 and not call.at_limit
    deep = [FieldChange("tags", [], ["x"]), FieldChange(DEPTH, None, MAX_CHAIN)]
    assert trigger_call(_event(EventType.TICKET_UPDATED, changes=deep)).at_limit
    stopped = [FieldChange(STOPPED, None, ["丙"])]
    assert not trigger_call(_event(EventType.TICKET_UPDATED, changes=stopped)).events
    assert trigger_actor(("甲", "乙")).name == "甲、乙"


# -- evaluation --------------------------------------------------------------------------------------------------
def test_conditions_on_what_changed():
    rules = RuleSet.from_dict(
        {
            "rules": [
                rule("to P1", [("priority", "changed_to", "P1")], [("add_tags", ["加急"])]),
                rule(
                    "from new",
                    [("status", "changed_from", ["new", "in_progress"])],
                    [("add_tags", ["动了"])],
                    position=2,
                ),
                rule("team moved", [("team", "changed", None)], [("add_tags", ["转组"])], position=3),
                rule("vip added", [("tags", "changed_to", "vip")], [("set_priority", "P2")], position=4),
            ]
        }
    )
    facts = TicketFacts(priority="P1", status="in_progress", changes={"priority": ("P3", "P1")})
    assert rules.evaluate(facts, TriggerEvent.UPDATED).fired == ("to P1",)
    assert rules.evaluate(facts, TriggerEvent.CREATED).fired == ()  # the created rules only
    moved = TicketFacts(status="resolved", changes={"status": ("new", "resolved"), "team": (None, "tech")})
    assert rules.evaluate(moved, TriggerEvent.UPDATED).fired == ("from new", "team moved")
    tagged = TicketFacts(priority="P3", tags=("vip", "a"), changes={"tags": (["a"], ["vip", "a"])})
    outcome = rules.evaluate(tagged, TriggerEvent.UPDATED)
    assert outcome.fired == ("vip added",) and outcome.priority == "P2"
    untagged = TicketFacts(tags=("a",), changes={"tags": (["vip", "a"], ["a"])})
    assert rules.evaluate(untagged, TriggerEvent.UPDATED).fired == ()
    trace = next(t for t in rules.evaluate(facts, TriggerEvent.UPDATED).trace if t.rule == "to P1")
    assert trace.conditions[0].detail == "changed to 'P1'"


def test_a_trigger_sits_out_the_event_it_made():
    rules = RuleSet.from_dict({"rules": [rule("to P1", [("priority", "changed_to", "P1")], [("add_tags", ["加急"])])]})
    facts = TicketFacts(priority="P1", changes={"priority": ("P3", "P1")})
    assert rules.evaluate(facts, TriggerEvent.UPDATED, skip={"to P1"}).fired == ()


def test_the_new_actions():
    rules = RuleSet.from_dict(
        {
            "rules": [
                rule(
                    "all of them",
                    [],
                    [
                        ("set_status", "waiting_customer"),
                        ("send_canned_reply", "need-info"),
                        ("add_follower", ["Lead@demo.local"]),
                        ("escalate", True),
                        ("escalate", "请尽快处理"),
                    ],
                    event="customer_replied",
                )
            ]
        }
    )
    outcome = rules.evaluate(TicketFacts(status="in_progress"), TriggerEvent.CUSTOMER_REPLIED)
    assert outcome.status == "waiting_customer" and outcome.replies == ("need-info",)
    assert outcome.tags == ("follower:lead@demo.local",) and outcome.escalate == ("", "请尽快处理")
    body = outcome.to_dict()
    assert body["event"] == "customer_replied" and body["status"] == "waiting_customer"
    fields = [c["field"] for c in body["changes"]]
    assert fields == ["status", "tags", "replies", "escalate"]


def test_status_team_and_tags_are_facts_too():
    rules = RuleSet.from_dict(
        {
            "rules": [
                rule(
                    "resolved in billing",
                    [("status", "equals", "resolved"), ("team", "equals", "billing")],
                    [("add_tags", ["回访"])],
                    event="agent_replied",
                ),
                rule("vip", [("tags", "contains", "vip")], [("set_priority", "P2")], event="agent_replied", position=2),
            ]
        }
    )
    facts = TicketFacts(status="resolved", team="billing", tags=("vip",), priority="P3")
    assert rules.evaluate(facts, TriggerEvent.AGENT_REPLIED).fired == ("resolved in billing", "vip")


# -- validation --------------------------------------------------------------------------------------------------
def test_validation_of_events_changes_and_actions():
    reasons = validate_rule_set(
        {
            "rules": [
                rule("a", [("priority", "changed_to", "P1")], [("add_tags", ["x"])], event="created"),
                rule("b", [("subject", "changed", None)], [("add_tags", ["x"])], position=2),
                rule("c", [("priority", "changed_to", "P7")], [("set_status", "done")], position=3),
                rule("d", [], [("escalate", 5), ("add_follower", "not-an-email"), ("send_mail", "x")], position=4),
                rule("e", [], [("send_canned_reply", "nope")], event="someday", position=5),
                rule("f", [("priority", "changed", "P1")], [("add_tags", ["x"])], position=6),
            ]
        },
        canned=["need-info"],
    )
    joined = " | ".join(reasons)
    for part in (
        "rule 1 (a): condition 1: 'changed_to' is for updated triggers",
        "'changed' looks at assignee, category, priority, status, tags, team, not 'subject'",
        "unknown priority 'P7'",
        "unknown status 'done'",
        "unknown action 'send_mail'",
        "unknown event 'someday'",
        "'changed' takes no value",
    ):
        assert part in joined, part
    # Positions order the rules of one event: the same position under two events is fine.
    two = {"rules": [rule("x", [], [("add_tags", ["a"])]), rule("y", [], [("add_tags", ["b"])], event="created")]}
    assert validate_rule_set(two) == []
    assert "two updated rules share position 1" in " ".join(
        validate_rule_set({"rules": [rule("x", [], [("add_tags", ["a"])]), rule("y", [], [("add_tags", ["b"])])]})
    )
    assert validate_rule_set({"rules": [rule("x", [], [("escalate", 5)])]}) == [
        "rule 1 (x): action 1: escalate takes true or a note of up to 1000 characters"
    ]


def test_loops_across_a_chain_of_triggers_are_refused():
    flip = {
        "rules": [
            rule("up", [("priority", "changed_to", "P2")], [("set_priority", "P1")]),
            rule("down", [("priority", "changed_to", "P1")], [("set_priority", "P2")], position=2),
        ]
    }
    reasons = validate_rule_set(flip)
    assert reasons and "can keep changing priority (P1, P2)" in reasons[0]
    # A created rule's write is a change the updated triggers answer; nothing answers back into created rules.
    feed = {
        "rules": [
            rule("route", [], [("set_category", "billing")], event="created"),
            rule("after", [("category", "changed_to", "billing")], [("set_category", "refund")]),
        ]
    }
    assert validate_rule_set(feed) == []
    status_flip = {
        "rules": [
            rule("reopen", [("status", "changed_to", "resolved")], [("set_status", "in_progress")]),
            rule("resolve", [("status", "changed_to", "in_progress")], [("set_status", "resolved")], position=2),
        ]
    }
    assert "can keep changing status" in " ".join(validate_rule_set(status_flip))


@pytest.mark.parametrize("stored", [{"rules": [rule("old", [], [("set_team", "tech")], event="created")]}])
def test_rules_saved_before_events_are_created_rules(stored):
    old = {"rules": [{k: v for k, v in r.items() if k != "event"} for r in stored["rules"]]}
    assert RuleSet.from_dict(old).rules[0].event is TriggerEvent.CREATED
    assert RuleSet.from_dict(old).to_dict()["rules"][0]["event"] == "created"
