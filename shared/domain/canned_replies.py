"""Canned replies (快捷回复): prepared answers an agent inserts into a reply, with placeholders the console fills in
({customer_name}, {ticket_number}, {agent_name}). The desk's list is one ordered, versioned set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

MAX_REPLIES = 200
MAX_TITLE = 60
MAX_BODY = 10_000
PLACEHOLDERS = ("customer_name", "ticket_number", "agent_name")


@dataclass(frozen=True)
class CannedReply:
    id: str
    title: str
    body: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def canned_reply_reasons(items: Sequence[CannedReply]) -> list[str]:
    """Everything wrong with a set at once, for the editor to fix together; empty when it can be saved."""
    reasons: list[str] = []
    if len(items) > MAX_REPLIES:
        reasons.append(f"at most {MAX_REPLIES} canned replies")
    seen_titles: set[str] = set()
    seen_ids: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"reply {number}" + (f" ({item.title})" if item.title else "")
        if not item.title:
            reasons.append(f"{where}: the title is empty")
        elif len(item.title) > MAX_TITLE:
            reasons.append(f"{where}: the title is over {MAX_TITLE} characters")
        elif item.title in seen_titles:
            reasons.append(f"{where}: another reply has this title")
        if not item.body:
            reasons.append(f"{where}: the text is empty")
        elif len(item.body) > MAX_BODY:
            reasons.append(f"{where}: the text is over {MAX_BODY} characters")
        if item.id in seen_ids:
            reasons.append(f"{where}: another reply has the id '{item.id}'")
        seen_titles.add(item.title)
        seen_ids.add(item.id)
    return reasons


def default_canned_replies() -> list[CannedReply]:
    """What a new desk starts with: the answers every Chinese support team writes first."""
    return [
        CannedReply(
            "greeting",
            "问候与受理",
            "您好 {customer_name}，感谢您的耐心等待。您的工单 {ticket_number} 已由我（{agent_name}）负责处理，"
            "我会尽快给您答复。",
        ),
        CannedReply(
            "need-info",
            "请补充信息",
            "您好 {customer_name}，为了尽快定位问题，麻烦您补充以下信息：\n"
            "1. 问题出现的时间；\n2. 相关订单号或账号；\n3. 截图或报错提示。\n收到后我们会第一时间处理。",
        ),
        CannedReply(
            "resolved-check",
            "已处理，请确认",
            "您好 {customer_name}，您反馈的问题已处理完毕，请您确认是否恢复正常。"
            "如仍有问题，直接回复本工单即可，我们会继续跟进。",
        ),
        CannedReply(
            "refund-progress",
            "退款进度说明",
            "您好 {customer_name}，您的退款申请已提交财务处理，一般 3-5 个工作日原路退回，"
            "请留意银行或支付账户的到账通知。工单号：{ticket_number}。",
        ),
    ]
