"""The knowledge base and search services on in-memory fakes (tests/fakes.py, tests/kb_fakes.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from infra.seed.kb import seed_kb
from shared.domain.access import Principal
from shared.domain.events import EventType
from shared.domain.kb import ArticleStatus
from shared.domain.lifecycle import Status
from shared.domain.search.index import ARTICLES, TICKETS
from shared.domain.search.text import Segmenter
from shared.errors import Forbidden, InvalidInput, NotFound, NotResolved, RateLimited, VersionConflict
from shared.services.cursors import CursorCodec
from shared.services.kb import KnowledgeBaseService
from shared.services.search import SearchService
from tests.kb_fakes import InMemoryArticles, InMemorySearchIndex, KbState
from tests.unit.test_services import AGENT, CUSTOMER, World

ANONYMOUS = Principal.of("anonymous@invalid", "anonymous", "anonymous")
LEAD = Principal.of("lead@demo.local", "李娜", "supervisor", ("tech", "billing"))
ADMIN = Principal.of("admin@demo.local", "系统管理员", "admin")
SEGMENTER = Segmenter()  # one per process, as in a Lambda


class Desk(World):
    def __init__(self) -> None:
        super().__init__()
        self.kb_state = KbState()
        self.articles = InMemoryArticles(self.kb_state)
        self.index = InMemorySearchIndex(self.kb_state, self.desk.writer)
        self.kb = KnowledgeBaseService(
            self.articles,
            self.desk.writer,
            self.desk.tickets,
            self.tickets.get,
            self.sla,
            self.clock,
            CursorCodec(b"secret"),
            "Asia/Shanghai",
            new_id=self.new_id,
        )
        self.search = SearchService(
            self.index, self.articles, self.desk.tickets, self.desk.routing, SEGMENTER, self.clock, CursorCodec(b"s")
        )

    def reindex(self) -> None:
        """What the search function does on the stream: every article and ticket as stored now."""
        for article in self.kb_state.articles.values():
            self.search.index_article(article)
        for ticket in self.desk.store.tickets.values():
            self.search.index_ticket(ticket)
        for messages in self.desk.store.messages.values():
            for _, message in messages:
                self.search.index_message(message)


@pytest.fixture
def desk() -> Desk:
    return Desk()


def _draft(desk: Desk, title: str = "VPN 客户端升级说明", who: Principal = AGENT) -> str:
    body = "新版 VPN 客户端 6.0 支持扫码登录。"
    return desk.kb.create(who, {"title": title, "body": body, "category": "网络与VPN"}).id


# -- writing and publishing --------------------------------------------------------------------------------------
def test_agents_write_drafts_and_supervisors_publish(desk: Desk) -> None:
    article_id = _draft(desk)
    with pytest.raises(Forbidden):
        desk.kb.update(AGENT, article_id, {"status": "published"}, None)
    with pytest.raises(Forbidden):
        desk.kb.create(AGENT, {"title": "t", "body": "b", "category": "c", "status": "published"})
    with pytest.raises(Forbidden):
        desk.kb.create(CUSTOMER, {"title": "t", "body": "b", "category": "c"})
    published = desk.kb.update(LEAD, article_id, {"status": "published"}, 1)
    assert published.status is ArticleStatus.PUBLISHED and published.version == 2
    with pytest.raises(Forbidden):  # a published article is a publisher's to change
        desk.kb.update(AGENT, article_id, {"title": "改了"}, None)
    with pytest.raises(VersionConflict):
        desk.kb.update(LEAD, article_id, {"title": "改了"}, 1)
    with pytest.raises(Forbidden):
        desk.kb.delete(AGENT, article_id)
    desk.kb.delete(ADMIN, article_id)
    actions = [e.action for e in desk.kb_state.history[article_id]]
    assert actions == ["created", "published", "deleted"]
    assert desk.articles.categories() == [("网络与VPN", 0, 0)]


def test_drafts_never_leak_to_anonymous_or_customer_callers(desk: Desk) -> None:
    seed_kb(desk.kb)
    draft = _draft(desk, "内部草稿：VPN 新版本")
    desk.reindex()
    for outsider in (ANONYMOUS, CUSTOMER):
        with pytest.raises(NotFound):
            desk.kb.get(outsider, draft)
        listed, cursor = desk.kb.list(outsider, None, None, 100, None)
        assert draft not in [a.id for a in listed] and cursor is None
        assert desk.kb.list(outsider, None, ArticleStatus.DRAFT, 100, None) == ([], None)
        assert draft not in [h.article.id for h in desk.search.search_articles(outsider, "VPN 新版本", 20)]
        with pytest.raises(NotFound):
            desk.kb.history(outsider, draft, 10, None)
        with pytest.raises(NotFound):
            desk.kb.feedback(outsider, "ip:1", draft, True, False)
    assert desk.kb.get(AGENT, draft).id == draft
    assert draft in [h.article.id for h in desk.search.search_articles(AGENT, "VPN 新版本", 20)]
    first, cursor = desk.kb.list(AGENT, None, None, 100, None)
    assert [a.id for a in first] == [draft] and cursor is not None  # drafts first, then published
    rest, cursor = desk.kb.list(AGENT, None, None, 100, cursor)
    assert len(rest) == 21 and cursor is None


def test_an_article_unpublished_meanwhile_is_not_shown_from_a_stale_index(desk: Desk) -> None:
    seed_kb(desk.kb)
    desk.reindex()
    desk.kb.update(LEAD, "vpn-connect", {"status": "draft"}, None)  # the stream has not caught up yet
    assert "vpn-connect" not in [h.article.id for h in desk.search.search_articles(CUSTOMER, "VPN 连不上", 5)]


def test_views_votes_and_deflections_are_counted_and_reported(desk: Desk) -> None:
    seed_kb(desk.kb)
    desk.kb.get(CUSTOMER, "reset-password")
    desk.kb.get(ANONYMOUS, "reset-password")
    desk.kb.get(AGENT, "reset-password")  # staff reading is not a view
    desk.kb.feedback(CUSTOMER, CUSTOMER.email, "reset-password", True, True)
    desk.kb.feedback(ANONYMOUS, "ip:10.0.0.1", "sms-code", False, False)
    with pytest.raises(InvalidInput):
        desk.kb.feedback(ANONYMOUS, "ip:10.0.0.1", "sms-code", False, True)
    article = desk.kb.get(AGENT, "reset-password")
    assert (article.views, article.helpful, article.deflections) == (2, 1, 1)
    today = date(2026, 11, 23)
    report = desk.kb.report(today - timedelta(days=6), today)
    assert (report.views, report.helpful, report.not_helpful, report.deflections) == (2, 1, 1, 1)
    assert report.to_dict()["articles"][0] == {
        "article_id": "reset-password",
        "views": 2,
        "helpful": 1,
        "not_helpful": 0,
        "deflections": 1,
    }


def test_votes_are_rate_limited_per_caller(desk: Desk) -> None:
    seed_kb(desk.kb)
    for _ in range(20):
        desk.kb.feedback(ANONYMOUS, "ip:10.0.0.9", "sms-code", True, False)
    with pytest.raises(RateLimited) as limited:
        desk.kb.feedback(ANONYMOUS, "ip:10.0.0.9", "sms-code", True, False)
    assert 0 < limited.value.retry_after <= 601
    desk.kb.feedback(ANONYMOUS, "ip:10.0.0.10", "sms-code", True, False)  # another caller is not limited


# -- articles on tickets -----------------------------------------------------------------------------------------
def test_linking_an_article_is_a_ticket_change_with_its_count(desk: Desk) -> None:
    seed_kb(desk.kb)
    ticket_id = desk.open("打印机无法连接")
    ticket = desk.kb.link(AGENT, ticket_id, "printer")
    assert ticket.articles == ["printer"] and desk.articles.get("printer").linked_tickets == 1  # type: ignore[union-attr]
    assert desk.kb.link(AGENT, ticket_id, "printer").version == ticket.version  # again: nothing changes
    events = desk.desk.store.events[ticket_id]
    assert events[-1].type is EventType.TICKET_UPDATED and events[-1].changes[0].field == "articles"
    with pytest.raises(NotFound):
        desk.kb.link(AGENT, ticket_id, "no-such-article")
    with pytest.raises(Forbidden):
        desk.kb.link(CUSTOMER, ticket_id, "paper-jam")
    assert desk.kb.unlink(AGENT, ticket_id, "printer").articles == []
    assert desk.articles.get("printer").linked_tickets == 0  # type: ignore[union-attr]


def test_a_resolved_tickets_answer_becomes_a_draft_without_the_customers_details(desk: Desk) -> None:
    ticket_id = desk.open("发票抬头开错了")
    desk.tickets.post_message(CUSTOMER, ticket_id, "我的手机 13812345678，订单 A20261101", False)
    desk.tickets.post_message(AGENT, ticket_id, "已为您红冲原发票，新发票将发到 alice@example.com。", False)
    desk.tickets.post_message(AGENT, ticket_id, "内部：财务已处理", True)
    with pytest.raises(NotResolved):
        desk.kb.draft_from_ticket(AGENT, ticket_id)
    desk.tickets.update(AGENT, ticket_id, {"status": "resolved"}, None)
    draft = desk.kb.draft_from_ticket(AGENT, ticket_id)
    assert draft.status is ArticleStatus.DRAFT and draft.source_ticket == ticket_id and draft.title == "发票抬头开错了"
    assert "红冲原发票" in draft.body and "[邮箱]" in draft.body
    assert "alice@example.com" not in draft.body and "财务已处理" not in draft.body and "13812345678" not in draft.body


# -- ticket search -----------------------------------------------------------------------------------------------
def test_ticket_search_finds_subjects_messages_and_internal_notes_for_staff_only(desk: Desk) -> None:
    printer = desk.open("打印机无法连接")
    refund = desk.open("退款还没到账")
    desk.tickets.post_message(AGENT, refund, "内部备注：财务系统对账延迟", True)
    desk.reindex()
    hits, _ = desk.search.search_tickets(AGENT, "打印机 连接", (), 10, None)
    assert [h.ticket.id for h in hits] == [printer] and hits[0].matched == "subject"
    hits, _ = desk.search.search_tickets(AGENT, "对账延迟", (), 10, None)
    assert [h.ticket.id for h in hits] == [refund] and hits[0].matched == "internal" and "对账" in hits[0].snippet
    with pytest.raises(Forbidden):
        desk.search.search_tickets(CUSTOMER, "打印机", (), 10, None)
    assert desk.search.search_tickets(AGENT, "打印机", (Status.RESOLVED,), 10, None)[0] == []
    desk.search.remove(TICKETS, refund)  # an erased ticket
    assert desk.search.search_tickets(AGENT, "对账延迟", (), 10, None)[0] == []
    assert desk.kb_state.documents["TK"] == 1


def test_ticket_search_pages_with_a_signed_cursor(desk: Desk) -> None:
    ids = [desk.open(f"VPN 连接失败 第{n}次") for n in range(5)]
    desk.reindex()
    first, cursor = desk.search.search_tickets(AGENT, "VPN", (), 3, None)
    second, end = desk.search.search_tickets(AGENT, "VPN", (), 3, cursor)
    assert len(first) == 3 and len(second) == 2 and end is None
    assert {h.ticket.id for h in first + second} == set(ids)
    with pytest.raises(InvalidInput):
        desk.search.search_tickets(AGENT, "打印机", (), 3, cursor)  # a cursor of another query


def test_reindexing_is_idempotent_and_a_removal_deletes_every_posting(desk: Desk) -> None:
    seed_kb(desk.kb)
    desk.reindex()
    written = desk.kb_state.posting_writes
    desk.reindex()  # the same records delivered again
    assert desk.kb_state.posting_writes == written and desk.kb_state.documents["KB"] == 21
    desk.kb.update(LEAD, "printer", {"status": "draft"}, None)
    desk.search.index_article(desk.articles.get("printer"))  # type: ignore[arg-type]
    assert (desk.kb_state.documents["KB"], desk.kb_state.documents["KBD"]) == (20, 1)
    desk.search.remove(ARTICLES, "printer")
    assert not [k for k, v in desk.kb_state.postings.items() if ("printer", "a") in v]


def test_admins_extend_the_dictionary_and_synonyms(desk: Desk) -> None:
    seed_kb(desk.kb)
    desk.reindex()
    assert SEGMENTER.words("云打印")[0] != "云打印"
    with pytest.raises(Forbidden):
        desk.search.save_terms(LEAD, ["云打印"], [], None)
    terms, synonyms, version = desk.search.save_terms(ADMIN, ["云打印"], [["云打印", "打印机"]], None)
    assert (terms, synonyms, version) == (["云打印"], [["云打印", "打印机"]], 1)
    found = desk.search.search_articles(CUSTOMER, "云打印", 5)  # the next search reads the saved terms
    assert SEGMENTER.words("云打印怎么设置")[0] == "云打印"
    assert found[0].article.id in ("printer", "paper-jam")
    desk.search.save_terms(ADMIN, [], [], 1)
    desk.search.search_articles(CUSTOMER, "打印", 5)
    assert SEGMENTER.words("云打印")[0] != "云打印"
