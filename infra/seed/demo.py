"""Demo data for local mode: two teams, a supervisor, an admin and six agents with distinct skills."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.directory_store import DirectoryStore
from shared.adapters.routing_store import RoutingStore
from shared.domain.access import ADMIN, AGENT, SUPERVISOR, Principal
from shared.domain.directory import Agent, Team
from shared.domain.requests import TicketDraft
from shared.domain.rules import default_rule_set
from shared.domain.sla.policy import Escalation, SlaConfig, default_policies
from shared.domain.tickets import Channel, Person, Priority
from shared.services.routing import RULES
from shared.services.sla import SLA_POLICIES
from shared.services.tickets import TicketService

TEAMS = [
    Team("tech", "技术支持组", supervisor="lead@demo.local"),
    Team("billing", "账务组", supervisor="lead@demo.local"),
]

STAFF = [
    Agent("admin@demo.local", "系统管理员", ADMIN, teams=[], capacity=0),
    # Capacity 0: the supervisor takes tickets by hand (escalations, transfers), never by automatic assignment.
    Agent(
        "lead@demo.local", "李娜", SUPERVISOR, teams=["tech", "billing"], skills=["escalation"], senior=True, capacity=0
    ),
    Agent("zhangwei@demo.local", "张伟", AGENT, teams=["tech"], skills=["network", "hardware"], senior=True),
    Agent("wangfang@demo.local", "王芳", AGENT, teams=["tech"], skills=["software", "account"]),
    Agent("chenjing@demo.local", "陈静", AGENT, teams=["tech"], skills=["software"]),
    Agent("liqiang@demo.local", "李强", AGENT, teams=["billing"], skills=["refund", "invoice"], senior=True),
    Agent("liuyang@demo.local", "刘洋", AGENT, teams=["billing"], skills=["invoice"]),
    Agent("zhaomin@demo.local", "赵敏", AGENT, teams=["billing"], skills=["refund"], language="en"),
]

DEMO_TICKETS = [
    (
        "wang.xiaoming@example.com",
        "王小明",
        "无法登录系统",
        "输入正确的密码后仍提示“用户名或密码错误”，已尝试重置密码。",
        Priority.P2,
        "tech",
    ),
    (
        "chen.li@example.com",
        "陈丽",
        "发票抬头开错了",
        "订单 A20261101 的发票抬头应为“上海某某科技有限公司”，请重新开具。",
        Priority.P3,
        "billing",
    ),
    (
        "zhou.jie@example.com",
        "周杰",
        "退款还没到账",
        "11 月 3 日申请的退款至今未到账，请帮忙查询。",
        Priority.P2,
        "billing",
    ),
]


def seed(directory: DirectoryStore, tickets: TicketService, routing: RoutingStore | None = None) -> None:
    for team in TEAMS:
        directory.put_team(team)
    for agent in STAFF:
        directory.put_agent(agent)
    if routing is not None:
        # The product's default rules (money/security and outages are P1; billing words to 账务组) and SLA policies
        # (design section 7), saved as version 1 so that the admin screens start from them.
        now = datetime.now(UTC)
        if routing.get_config(RULES) is None:
            routing.put_config(RULES, default_rule_set().to_dict(), 0, "admin@demo.local", now)
        if routing.get_config(SLA_POLICIES) is None:
            defaults = SlaConfig(default_policies(), Escalation())
            routing.put_config(SLA_POLICIES, defaults.to_dict(), 0, "admin@demo.local", now)
    desk = Principal.of("admin@demo.local", "系统管理员", ADMIN)
    for email, name, subject, description, priority, team in DEMO_TICKETS:
        draft = TicketDraft(
            subject=subject,
            description=description,
            priority=priority,
            channel=Channel.WEB,
            requester=Person(email, name),
            team=team,
        )
        tickets.create(desk, draft)
