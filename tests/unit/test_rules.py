"""Routing rules: matching Chinese text, stop and continue, the dry-run trace, validation and loops; pure domain."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from shared.domain.rules import (
    DEFAULT_RULES,
    InvalidRuleSet,
    RuleSet,
    RuleStatus,
    TicketFacts,
    default_rule_set,
    validate_rule_set,
)
from shared.domain.tickets import Channel, Person, Priority, Ticket
from shared.errors import InvalidInput


def rule(name, position, conditions, actions, match="all", stop=False, **extra):
    return {
        "name": name,
        "position": position,
        "match": match,
        "conditions": [{"field": f, "operator": o, "value": v} for f, o, v in conditions],
        "actions": [{"type": t, "value": v} for t, v in actions],
        "stop": stop,
        **extra,
    }


def rules(*items, validate=True) -> RuleSet:
    return RuleSet.from_dict({"rules": list(items)}, validate=validate)


# -- matching -----------------------------------------------------------------------------------------------------
def test_chinese_keywords_match_inside_text_without_spaces():
    security = rules(rule("盗刷", 1, [("text", "contains", ["盗刷", "泄露"])], [("set_priority", "P1")]))
    assert security.evaluate(TicketFacts(subject="我的银行卡昨晚被盗刷了", priority="P3")).priority == "P1"
    assert security.evaluate(TicketFacts(description="客户资料疑似泄露到外网", priority="P3")).priority == "P1"
    assert security.evaluate(TicketFacts(subject="发票抬头开错了", priority="P3")).priority == "P3"


def test_latin_letters_match_whatever_their_case_or_width():
    vpn = rules(rule("vpn", 1, [("subject", "contains", "vpn")], [("set_category", "network")]))
    for subject in ("VPN连不上", "公司vpn断开", "ＶＰＮ无法连接", "Vpn"):
        assert vpn.evaluate(TicketFacts(subject=subject)).category == "network", subject
    assert vpn.evaluate(TicketFacts(subject="V P N")).category is None


def test_a_keyword_does_not_span_subject_and_description():
    split = rules(rule("登录", 1, [("text", "contains", "登录")], [("add_tags", ["login"])]))
    assert split.evaluate(TicketFacts(subject="无法登", description="录")).tags == ()
    assert split.evaluate(TicketFacts(subject="问题", description="无法登录")).tags == ("login",)


def test_operators_on_every_kind_of_field():
    facts = TicketFacts(
        subject="订单退款",
        channel="wechat",
        customer_tier="VIP",
        organization="上海某某科技有限公司",
        requester_email="Wang@Example.COM",
        region="上海",
        custom_fields={"order_no": "A20261101", "amount": 1999, "products": ["会员", "云盘"]},
    )

    def fires(field, operator, value=None) -> bool:
        condition = {"field": field, "operator": operator}
        if value is not None:
            condition["value"] = value
        data = {"name": "r", "position": 1, "conditions": [condition], "actions": [{"type": "add_tags", "value": "x"}]}
        return bool(RuleSet.from_dict([data]).evaluate(facts).fired)

    assert fires("channel", "equals", "wechat")
    assert fires("channel", "in", ["chat", "wechat"])
    assert fires("channel", "not_in", ["phone", "email"])
    assert not fires("channel", "not_equals", "wechat")
    assert fires("customer_tier", "equals", "vip")
    assert fires("organization", "ends_with", "有限公司")
    assert fires("organization", "starts_with", ["北京", "上海"])
    assert fires("requester_domain", "equals", "example.com")
    assert fires("requester_email", "ends_with", "@example.com")
    assert fires("region", "in", ["上海", "杭州"])
    assert fires("custom_fields.order_no", "matches", r"^a\d{8}$")
    assert fires("custom_fields.amount", "equals", 1999)
    assert fires("custom_fields.products", "contains", "云盘")  # a multi-valued field: any value
    assert fires("custom_fields.order_no", "exists")
    assert fires("custom_fields.coupon", "exists", False)
    assert fires("custom_fields.coupon", "not_contains", "x")  # missing: every negative holds, no positive
    assert not fires("custom_fields.coupon", "contains", "x")
    assert not fires("category", "equals", "billing")
    assert fires("text", "not_contains", ["发票", "账单"])


def test_any_and_all():
    both = [("text", "contains", "无法登录"), ("text", "contains", ["所有用户", "全员"])]
    all_rule = rules(rule("all", 1, both, [("set_priority", "P1")]))
    any_rule = rules(rule("any", 1, both, [("set_priority", "P1")], match="any"))
    one_user = TicketFacts(subject="无法登录系统", priority="P3")
    everyone = TicketFacts(subject="所有用户无法登录", priority="P3")
    assert all_rule.evaluate(one_user).priority == "P3"
    assert all_rule.evaluate(everyone).priority == "P1"
    assert any_rule.evaluate(one_user).priority == "P1"


def test_a_rule_without_conditions_always_fires():
    fallback = rules(rule("默认", 1, [], [("set_team", "tech")]))
    assert fallback.evaluate(TicketFacts()).team == "tech"


# -- order, stop and passes ---------------------------------------------------------------------------------------
def test_stop_ends_the_pass_and_continue_lets_later_rules_run():
    refund = [("text", "contains", "退款")]
    stopping = rules(
        rule("账务", 10, refund, [("set_team", "billing")], stop=True),
        rule("标签", 20, refund, [("add_tags", ["退款"])]),
        rule("兜底", 30, [], [("set_team", "tech")]),
    )
    outcome = stopping.evaluate(TicketFacts(subject="退款还没到账"))
    assert (outcome.team, outcome.tags) == ("billing", ())
    assert [t.status for t in outcome.trace if t.pass_number == 1] == [
        RuleStatus.FIRED,
        RuleStatus.SKIPPED,
        RuleStatus.SKIPPED,
    ]
    assert outcome.trace[1].detail == "not evaluated: '账务' stopped the pass"

    continuing = rules(
        rule("账务", 10, refund, [("set_team", "billing")]),
        rule("标签", 20, refund, [("add_tags", ["退款"])]),
        rule("兜底", 30, [], [("set_team", "tech")]),
    )
    outcome = continuing.evaluate(TicketFacts(subject="退款还没到账"))
    assert (outcome.team, outcome.tags) == ("tech", ("退款",))  # a later rule overrides an earlier one
    assert outcome.fired == ("账务", "标签", "兜底")


def test_rules_run_in_position_order_whatever_the_list_order():
    ordered = rules(
        rule("second", 20, [], [("set_team", "billing")]),
        rule("first", 10, [], [("set_team", "tech")], stop=True),
    )
    assert ordered.evaluate(TicketFacts()).team == "tech"
    assert [r["name"] for r in ordered.to_dict()["rules"]] == ["first", "second"]


def test_a_change_re_evaluates_until_nothing_changes():
    chained = rules(
        rule("紧急通知主管", 10, [("priority", "equals", "P1")], [("notify", "lead@demo.local")]),
        rule("资金为紧急", 20, [("text", "contains", "资金")], [("set_priority", "P1")]),
    )
    outcome = chained.evaluate(TicketFacts(subject="资金未到账", priority="P3"))
    assert outcome.notify == ("lead@demo.local",)
    assert outcome.passes == 3 and outcome.converged  # P1 in pass 1, the notice in pass 2, nothing in pass 3
    first = [t for t in outcome.trace if t.rule == "紧急通知主管"]
    assert [t.status for t in first] == [RuleStatus.NOT_MATCHED, RuleStatus.FIRED, RuleStatus.FIRED]


# -- the dry run --------------------------------------------------------------------------------------------------
def test_the_dry_run_trace_explains_each_rule():
    outcome = default_rule_set().evaluate(
        TicketFacts(subject="信用卡被盗刷", description="请尽快冻结", priority="P3", channel="phone")
    )
    assert (outcome.priority, outcome.team, outcome.tags) == ("P1", "tech", ("资金安全",))
    first = outcome.trace[0]
    assert (first.rule, first.status, first.pass_number) == ("资金或安全问题为紧急", RuleStatus.FIRED, 1)
    assert first.detail == "text: contains '盗刷'"
    (condition,) = first.conditions
    assert condition.matched and condition.actual == "信用卡被盗刷\n请尽快冻结"
    assert [(c.field, c.old, c.new) for c in first.changes] == [
        ("priority", "P3", "P1"),
        ("tags", (), ("资金安全",)),
    ]
    login = next(t for t in outcome.trace if t.rule == "所有用户无法登录为紧急")
    assert login.status is RuleStatus.NOT_MATCHED
    assert login.detail == "text: contains none of the keywords"
    assert [(c.field, c.old, c.new) for c in outcome.changes] == [
        ("team", None, "tech"),
        ("priority", "P3", "P1"),
        ("tags", (), ("资金安全",)),
        ("notify", (), ("lead@demo.local",)),
    ]
    body = outcome.to_dict()
    json.dumps(body, ensure_ascii=False)  # the API's answer is plain JSON
    assert body["trace"][0]["fired"] is True and body["trace"][0]["pass"] == 1


def test_a_failing_rule_is_recorded_and_the_others_go_on():
    mixed = rules(
        rule("坏正则", 10, [("subject", "matches", "([")], [("set_team", "security")]),
        rule("未知字段", 20, [("titel", "contains", "x")], [("set_team", "security")]),
        rule("坏优先级", 30, [], [("set_priority", "P9")]),
        rule("订单号", 40, [("custom_fields.order_no", "exists", True)], [("add_tags", ["有订单号"])]),
        rule("兜底", 50, [], [("set_team", "tech")]),
        validate=False,  # stored before validation caught them
    )
    outcome = mixed.evaluate(TicketFacts(subject="账号异常", priority="P3"))
    assert (outcome.team, outcome.priority, outcome.tags) == ("tech", "P3", ())
    by_rule = {t.rule: t for t in outcome.trace if t.pass_number == 1}
    assert by_rule["坏正则"].status is RuleStatus.ERROR and "error:" in by_rule["坏正则"].detail
    assert by_rule["未知字段"].status is RuleStatus.ERROR
    assert by_rule["未知字段"].detail == "error: unknown field 'titel'"
    assert by_rule["坏优先级"].detail == "error: unknown priority 'P9' (P1, P2, P3, P4)"
    # The same, structured for a reader's language (the SPA words the code).
    assert by_rule["坏正则"].error is not None and by_rule["坏正则"].error["code"] == "bad_pattern"
    assert by_rule["未知字段"].error == {"code": "unknown_field", "field": "titel"}
    assert by_rule["坏优先级"].to_dict()["error"] == {"code": "unknown_priority", "value": "P9"}
    assert by_rule["兜底"].to_dict()["error"] is None
    assert by_rule["订单号"].status is RuleStatus.NOT_MATCHED
    assert by_rule["订单号"].conditions[0].detail == "is missing or empty"
    assert by_rule["兜底"].status is RuleStatus.FIRED


def test_disabled_rules_do_nothing():
    off = rules(rule("off", 1, [], [("set_team", "tech")], enabled=False))
    outcome = off.evaluate(TicketFacts())
    assert outcome.team is None and outcome.trace[0].status is RuleStatus.DISABLED


# -- validation ---------------------------------------------------------------------------------------------------
def test_validation_lists_every_reason():
    reasons = validate_rule_set(
        {
            "rules": [
                rule(
                    "坏规则",
                    1,
                    [
                        ("titel", "contains", "退款"),
                        ("text", "like", "退款"),
                        ("subject", "matches", "(["),
                        ("priority", "equals", "P5"),
                        ("channel", "in", ["wechat", "fax"]),
                        ("text", "contains", ""),
                    ],
                    [("set_priority", "urgent"), ("notify", "not-an-email"), ("set_team", "nowhere")],
                ),
                rule("坏规则", 1, [], [("explode", True)]),
            ]
        },
        teams=["tech", "billing"],
    )
    assert "rule 1 (坏规则): condition 2: unknown operator 'like'" in reasons[0]
    expected = [
        "condition 1: unknown field 'titel'",
        "condition 3: bad regular expression '(['",
        "condition 4: unknown priority 'P5' (P1, P2, P3, P4)",
        "condition 5: unknown channel 'fax'",
        "condition 6: 'contains' takes a keyword or a list of keywords, none empty",
        "action 1: unknown priority 'urgent' (P1, P2, P3, P4)",
        "action 2: 'not-an-email' is not an email address",
        "action 3: unknown team 'nowhere'",
        "rule 2 (坏规则): action 1: unknown action 'explode'",
        "two rules are named '坏规则'",
        "two rules share position 1",
    ]
    for part in expected:
        assert any(part in r for r in reasons), part
    with pytest.raises(InvalidRuleSet) as refused:
        RuleSet.from_dict({"rules": [rule("r", 1, [("titel", "contains", "x")], [("set_team", "tech")])]})
    assert isinstance(refused.value, InvalidInput) and isinstance(refused.value, ValueError)
    assert len(refused.value.reasons) == 1


def test_the_default_rules_are_valid_and_round_trip():
    assert validate_rule_set(DEFAULT_RULES, teams=["tech", "billing"]) == []
    loaded = default_rule_set()
    assert RuleSet.from_dict(loaded.to_dict()) == loaded
    assert loaded.to_dict() == json.loads(json.dumps(loaded.to_dict()))


# -- loops --------------------------------------------------------------------------------------------------------
def test_rules_that_can_flip_a_field_forever_are_refused():
    cycle = {
        "rules": [
            rule("A", 1, [], [("set_category", "x")]),
            rule("B", 2, [("category", "equals", "x")], [("set_category", "y")]),
            rule("C", 3, [("category", "equals", "y")], [("set_category", "x")]),
        ]
    }
    reasons = validate_rule_set(cycle)
    assert reasons == ["rules 'B', 'C' can keep changing category (y, x): each can make another fire again"]
    with pytest.raises(InvalidRuleSet):
        RuleSet.from_dict(cycle)


def test_a_loop_through_two_fields_is_refused():
    reasons = validate_rule_set(
        [
            rule("1", 1, [("priority", "equals", "P1")], [("set_category", "a")]),
            rule("2", 2, [("category", "equals", "a")], [("set_priority", "P2")]),
            rule("3", 3, [("priority", "in", ["P2"])], [("set_category", "b")]),
            rule("4", 4, [("category", "equals", "b")], [("set_priority", "P1")]),
        ]
    )
    assert len(reasons) == 2
    assert "can keep changing category (a, b)" in reasons[0]
    assert "can keep changing priority (P2, P1)" in reasons[1]


def test_chains_and_agreeing_cycles_are_accepted():
    assert (
        validate_rule_set(
            [
                # A reclassification chain: x -> y -> z, never back.
                rule("1", 1, [("category", "equals", "x")], [("set_category", "y")]),
                rule("2", 2, [("category", "equals", "y")], [("set_category", "z")]),
                # A rule that re-triggers itself with the value it set.
                rule("3", 3, [("category", "not_equals", "vip")], [("set_priority", "P2")]),
                # Two rules feeding each other with the values they already agree on.
                rule("4", 4, [("category", "equals", "z")], [("set_priority", "P1")]),
                rule("5", 5, [("priority", "equals", "P1")], [("set_category", "z")]),
            ]
        )
        == []
    )


def test_the_passes_are_bounded_for_sets_saved_without_validation():
    flip = rules(
        rule("B", 1, [("category", "equals", "x")], [("set_category", "y")], stop=True),
        rule("C", 2, [("category", "equals", "y")], [("set_category", "x")]),
        validate=False,
    )
    outcome = flip.evaluate(TicketFacts(category="x"))
    assert not outcome.converged and outcome.passes == flip.max_passes == 3
    assert validate_rule_set(flip.to_dict()) != []


# -- facts --------------------------------------------------------------------------------------------------------
def test_facts_of_a_ticket_and_from_json():
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    ticket = Ticket(
        id="a" * 32,
        number="GD20261123001",
        subject="退款还没到账",
        description="11 月 3 日申请的退款至今未到账",
        requester=Person("zhou.jie@example.com", "周杰"),
        created_at=now,
        updated_at=now,
        priority=Priority.P2,
        channel=Channel.EMAIL,
        custom_fields={"order_no": "A1"},
    )
    facts = TicketFacts.of_ticket(ticket, customer_tier="gold", region="上海")
    assert (facts.channel, facts.priority, facts.requester_domain) == ("email", "P2", "example.com")
    assert TicketFacts.from_dict(facts.to_dict()) == facts
    with pytest.raises(InvalidInput):
        TicketFacts.from_dict({"subjct": "typo"})
    assert default_rule_set().evaluate(facts).team == "billing"


def test_the_demo_tickets_route_as_expected():
    seeds = default_rule_set()
    single_login = seeds.evaluate(
        TicketFacts(subject="无法登录系统", description="输入正确的密码后仍提示错误", priority="P2")
    )
    assert (single_login.priority, single_login.team) == ("P2", "tech")
    everyone = seeds.evaluate(TicketFacts(subject="系统瘫痪", description="全部门店无法下单", priority="P3"))
    assert everyone.priority == "P1" and "核心业务中断" in everyone.tags
    invoice = seeds.evaluate(TicketFacts(subject="发票抬头开错了", priority="P3"))
    assert (invoice.priority, invoice.team) == ("P3", "billing")


def test_evaluation_does_not_change_the_rule_data():
    data = copy.deepcopy(DEFAULT_RULES)
    RuleSet.from_dict(data).evaluate(TicketFacts(subject="资金"))
    assert data == DEFAULT_RULES
