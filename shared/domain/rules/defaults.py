"""The product's default routing rules (seeded; admins edit them)."""

from __future__ import annotations

from typing import Any

from shared.domain.rules.engine import RuleSet

# The seeds' criteria (design section 1): money or security issues and core business down are P1 (紧急).
DEFAULT_RULES: dict[str, Any] = {
    "rules": [
        {
            "name": "资金或安全问题为紧急",
            "position": 10,
            "match": "any",
            "conditions": [
                {
                    "field": "text",
                    "operator": "contains",
                    "value": ["资金", "扣款", "盗刷", "被盗", "安全", "泄露", "异常交易", "重复扣费"],
                },
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["资金安全"]},
            ],
        },
        {
            "name": "核心业务中断为紧急",
            "position": 20,
            "match": "any",
            "conditions": [
                {
                    "field": "text",
                    "operator": "contains",
                    "value": ["系统瘫痪", "系统崩溃", "服务中断", "全面宕机", "大面积故障"],
                },
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["核心业务中断"]},
            ],
        },
        {
            "name": "所有用户无法登录为紧急",
            "position": 30,
            "match": "all",
            "conditions": [
                {"field": "text", "operator": "contains", "value": ["无法登录", "登录不了", "登不上"]},
                {"field": "text", "operator": "contains", "value": ["所有用户", "全部用户", "所有人", "全员"]},
            ],
            "actions": [
                {"type": "set_priority", "value": "P1"},
                {"type": "add_tags", "value": ["核心业务中断"]},
            ],
        },
        {
            "name": "紧急工单通知主管",
            "position": 40,
            "conditions": [{"field": "priority", "operator": "equals", "value": "P1"}],
            "actions": [{"type": "notify", "value": "lead@demo.local"}],
        },
        {
            "name": "账务问题转账务组",
            "position": 50,
            "match": "any",
            "conditions": [
                {"field": "text", "operator": "contains", "value": ["退款", "发票", "账单", "扣款", "充值", "付款"]},
                {"field": "category", "operator": "equals", "value": "billing"},
            ],
            "actions": [{"type": "set_team", "value": "billing"}],
            "stop": True,
        },
        {
            "name": "其余转技术支持组",
            "position": 60,
            "conditions": [],
            "actions": [{"type": "set_team", "value": "tech"}],
        },
    ]
}


def default_rule_set() -> RuleSet:
    return RuleSet.from_dict(DEFAULT_RULES)
