"""The knowledge base and search through the API over moto, with the search function fed by the table's stream as
template.yaml configures it (its filter, batching and partial failures, via local mode's pump)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.search_index.handler import lambda_handler
from infra.local.pump import LambdaContext, StreamPump
from infra.seed.kb import seed_kb
from shared.adapters.items import HelpdeskItem, PostingItem

AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"
ADMIN = "admin@demo.local"
CUSTOMER = "alice@example.com"


def search_pump(env: Any, **kwargs: Any) -> StreamPump:
    (sub,) = [s for s in env.stack.streams if s.function == "SearchIndexFunction"]
    return StreamPump(env.stack, sub, starting_position="TRIM_HORIZON", **kwargs)


@pytest.fixture
def pump(env: Any) -> StreamPump:
    return search_pump(env)


@pytest.fixture
def seeded(env: Any, api: Any, pump: StreamPump) -> Any:
    seed_kb(env.container.kb)
    pump.drain()
    return api


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in response.json_body["items"]]


def test_drafts_never_leak_to_anonymous_or_customer_callers(env, seeded, pump):
    api = seeded
    created = api.call(
        "POST",
        "/api/kb/articles",
        AGENT,
        {"title": "VPN 新版客户端（草稿）", "body": "# 升级\n\n新版 VPN 客户端支持扫码登录。", "category": "网络与VPN"},
    )
    assert created.status_code == 201, created.body
    draft = created.json_body
    assert draft["status"] == "draft" and draft["version"] == 1 and created.headers["ETag"] == '"1"'
    assert "<h1>升级</h1>" in draft["html"]
    pump.drain()
    for who in (None, CUSTOMER):
        assert api.call("GET", f"/api/kb/articles/{draft['id']}", who).status_code == 404
        assert draft["id"] not in _ids(api.call("GET", "/api/kb/articles?limit=100", who))
        assert _ids(api.call("GET", "/api/kb/articles?status=draft", who)) == []
        assert draft["id"] not in _ids(api.call("GET", "/api/kb/search?q=VPN%20新版客户端", who))
    assert api.call("GET", f"/api/kb/articles/{draft['id']}", AGENT).status_code == 200
    assert draft["id"] in _ids(api.call("GET", "/api/kb/search?q=VPN%20新版客户端", AGENT))
    assert _ids(api.call("GET", "/api/kb/articles?status=draft", AGENT)) == [draft["id"]]
    # A bad token on a public route is 401, not silently anonymous.
    bad = api.call("GET", "/api/kb/articles", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401


def test_publishing_editing_and_deleting_with_if_match_and_history(env, seeded, pump):
    api = seeded
    draft = api.call(
        "POST", "/api/kb/articles", AGENT, {"title": "蓝牙耳机连不上", "body": "重新配对。", "category": "硬件与打印"}
    )
    article_id = draft.json_body["id"]
    refused = api.call("PATCH", f"/api/kb/articles/{article_id}", AGENT, {"status": "published"})
    assert refused.status_code == 403
    stale = api.call("PATCH", f"/api/kb/articles/{article_id}", LEAD, {"status": "published"}, {"If-Match": '"7"'})
    assert stale.status_code == 412
    published = api.call("PATCH", f"/api/kb/articles/{article_id}", LEAD, {"status": "published"}, {"If-Match": '"1"'})
    assert published.status_code == 200 and published.json_body["version"] == 2
    pump.drain()
    assert article_id in _ids(api.call("GET", "/api/kb/search?q=蓝牙耳机"))
    assert api.call("DELETE", f"/api/kb/articles/{article_id}", AGENT).status_code == 403
    assert api.call("DELETE", f"/api/kb/articles/{article_id}", ADMIN).status_code == 204
    pump.drain()
    assert api.call("GET", "/api/kb/search?q=蓝牙耳机").json_body["items"] == []
    assert api.call("GET", f"/api/kb/articles/{article_id}").status_code == 404
    history = api.call("GET", f"/api/kb/articles/{article_id}/history", LEAD).json_body["items"]
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "created", AGENT),
        (2, "published", LEAD),
        (3, "deleted", ADMIN),
    ]
    assert api.call("GET", f"/api/kb/articles/{article_id}/history", CUSTOMER).status_code == 404
    listed = api.call("GET", "/api/kb/categories")
    categories = {c["category"]: c for c in listed.json_body["items"]}
    assert categories["硬件与打印"]["published"] == 3 and len(categories) == 6


def test_search_is_chinese_aware_and_stop_words_find_nothing(seeded):
    api = seeded
    for query in ("重置密码", "密码重置", "我的密码怎么重置"):
        assert _ids(api.call("GET", f"/api/kb/search?q={query}&limit=5"))[0] == "reset-password"
    hits = api.call("GET", "/api/kb/search?q=VPN 连不上").json_body["items"]
    assert hits[0]["id"] == "vpn-connect" and hits[0]["snippet"] and hits[0]["score"] > 0
    assert set(hits[0]) >= {"id", "title", "snippet", "score"}
    assert api.call("GET", "/api/kb/search?q=的了吗").json_body == {"items": []}
    assert api.call("GET", "/api/kb/search?q=").status_code == 400


def test_views_feedback_deflections_and_the_rate_limit(env, seeded):
    api = seeded
    api.call("GET", "/api/kb/articles/sms-code")  # anonymous: a view
    api.call("GET", "/api/kb/articles/sms-code", AGENT)  # staff: not a view
    voted = api.call("POST", "/api/kb/articles/sms-code/feedback", None, {"helpful": True, "deflected": True})
    assert voted.status_code == 200 and voted.json_body == {
        "id": "sms-code",
        "helpful": 1,
        "not_helpful": 0,
        "deflections": 1,
    }
    assert api.call("GET", "/api/kb/articles/sms-code", AGENT).json_body["views"] == 1
    bad = api.call("POST", "/api/kb/articles/sms-code/feedback", None, {"helpful": "yes"})
    assert bad.status_code == 400
    for _ in range(19):
        assert api.call("POST", "/api/kb/articles/sms-code/feedback", None, {"helpful": False}).status_code == 200
    limited = api.call("POST", "/api/kb/articles/sms-code/feedback", None, {"helpful": False})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert api.call("POST", "/api/kb/articles/sms-code/feedback", CUSTOMER, {"helpful": True}).status_code == 200
    day = env.clock.now().date()
    report = env.container.kb.report(day, day).to_dict()
    assert (report["views"], report["helpful"], report["deflections"]) == (1, 2, 1)
    # The same counts in the day's report, the dashboard's `kb` section, with the article's title.
    section = api.call("GET", "/api/reports/day", LEAD).json_body["kb"]
    assert (section["views"], section["helpful"], section["not_helpful"], section["deflections"]) == (1, 2, 19, 1)
    assert section["articles"][0]["article_id"] == "sms-code" and section["articles"][0]["title"]


def test_a_message_is_found_by_ticket_search_and_customers_get_403(env, seeded, pump):
    api = seeded
    ticket = api.call("POST", "/api/tickets", CUSTOMER, {"subject": "无法登录系统", "description": "提示密码错误"})
    ticket_id = ticket.json_body["id"]
    api.call(
        "POST", f"/api/tickets/{ticket_id}/messages", AGENT, {"body": "内部：疑似 LDAP 同步延迟", "internal": True}
    )
    pump.drain()
    found = api.call("GET", "/api/search/tickets?q=LDAP 同步", AGENT)
    assert found.status_code == 200, found.body
    (hit,) = found.json_body["items"]
    assert hit["id"] == ticket_id and hit["number"].startswith("GD") and hit["matched"] == "internal"
    assert "LDAP" in hit["snippet"] and hit["articles"] == []
    assert api.call("GET", "/api/search/tickets?q=LDAP", CUSTOMER).status_code == 403
    assert api.call("GET", "/api/search/tickets?q=LDAP").status_code == 401
    assert api.call("GET", "/api/search/tickets?q=登录&status=closed", AGENT).json_body["items"] == []
    assert _ids(api.call("GET", "/api/search/tickets?q=登录&status=new", AGENT)) == [ticket_id]

    # An erased ticket disappears: its item's removal reaches the index through the stream.
    HelpdeskItem(f"TICKET#{ticket_id}", "TICKET").delete()
    pump.drain()
    assert api.call("GET", "/api/search/tickets?q=LDAP", AGENT).json_body["items"] == []
    assert not [p for p in PostingItem.query("IDX#TK#ldap")]


def test_the_same_records_delivered_twice_index_once(env, seeded):
    api = seeded
    api.call("POST", "/api/tickets", CUSTOMER, {"subject": "打印机卡纸", "description": "三楼打印机"})
    records: list[dict[str, Any]] = []

    def keep(event: dict[str, Any], context: Any) -> Any:
        records.extend(event["Records"])
        return lambda_handler(event, context)

    search_pump(env, handler=keep).drain()
    assert records and {r["dynamodb"]["NewImage"]["kind"]["S"] for r in records} <= {"ticket", "message", "kb_article"}
    postings = sorted((p.pk, p.sk) for p in PostingItem.query("IDX#TK#卡纸"))
    stats = env.container.search_index.documents("TK")
    assert lambda_handler({"Records": records}, LambdaContext("SearchIndexFunction")) == {"batchItemFailures": []}
    assert sorted((p.pk, p.sk) for p in PostingItem.query("IDX#TK#卡纸")) == postings and len(postings) == 1
    assert env.container.search_index.documents("TK") == stats == 1


def test_agents_link_articles_and_draft_from_a_resolved_ticket(env, seeded):
    api = seeded
    ticket = api.call("POST", "/api/tickets", CUSTOMER, {"subject": "打印机无法连接", "description": "点打印没反应"})
    ticket_id = ticket.json_body["id"]
    suggested = _ids(api.call("GET", f"/api/tickets/{ticket_id}/article-suggestions", AGENT))
    assert suggested[0] == "printer"
    assert api.call("GET", f"/api/tickets/{ticket_id}/article-suggestions", CUSTOMER).status_code == 403
    linked = api.call("POST", f"/api/tickets/{ticket_id}/articles", AGENT, {"article_id": "printer"})
    assert linked.status_code == 200 and linked.json_body["articles"] == ["printer"]
    assert api.call("GET", "/api/kb/articles/printer", AGENT).json_body["linked_tickets"] == 1
    missing = api.call("POST", f"/api/tickets/{ticket_id}/articles", AGENT, {"article_id": "nope"})
    assert missing.status_code == 404
    assert (
        api.call("POST", f"/api/tickets/{ticket_id}/articles", CUSTOMER, {"article_id": "printer"}).status_code == 403
    )
    events = api.call("GET", f"/api/tickets/{ticket_id}/events", AGENT).json_body["items"]
    assert {"field": "articles", "old": [], "new": ["printer"]} in events[-1]["changes"]
    unlinked = api.call("DELETE", f"/api/tickets/{ticket_id}/articles/printer", AGENT)
    assert unlinked.status_code == 200 and unlinked.json_body["articles"] == []
    assert api.call("GET", "/api/kb/articles/printer", AGENT).json_body["linked_tickets"] == 0

    assert api.call("POST", f"/api/tickets/{ticket_id}/kb-draft", AGENT).status_code == 409
    api.call("POST", f"/api/tickets/{ticket_id}/messages", AGENT, {"body": "请在设置中删除打印机后重新添加。"})
    api.call("PATCH", f"/api/tickets/{ticket_id}", AGENT, {"status": "resolved"})
    draft = api.call("POST", f"/api/tickets/{ticket_id}/kb-draft", AGENT)
    assert draft.status_code == 201 and draft.json_body["status"] == "draft"
    assert draft.json_body["source_ticket"] == ticket_id and "重新添加" in draft.json_body["body"]


def test_admins_save_search_terms(seeded):
    api = seeded
    assert api.call("GET", "/api/admin/search-terms", AGENT).json_body == {"terms": [], "synonyms": [], "version": 0}
    body = {"terms": ["云打印"], "synonyms": [["云打印", "打印机"]]}
    assert api.call("PUT", "/api/admin/search-terms", LEAD, body).status_code == 403
    saved = api.call("PUT", "/api/admin/search-terms", ADMIN, body, {"If-Match": '"0"'})
    assert saved.status_code == 200 and saved.json_body["version"] == 1
    bad = api.call("PUT", "/api/admin/search-terms", ADMIN, {"terms": [], "synonyms": [["只有一个"]]})
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "invalid_search_terms"
    assert api.call("GET", "/api/admin/search-terms", CUSTOMER).status_code == 403


def test_the_sample_event_indexes_a_ticket_and_its_internal_note(env, api):
    """events/search_index/ticket_and_note.json is what `sam local invoke SearchIndexFunction -e ...` is given."""
    import json
    from pathlib import Path

    event = json.loads((Path(__file__).resolve().parents[2] / "events/search_index/ticket_and_note.json").read_text())
    assert lambda_handler(event, LambdaContext("SearchIndexFunction")) == {"batchItemFailures": []}
    assert lambda_handler(event, LambdaContext("SearchIndexFunction")) == {"batchItemFailures": []}
    search = env.container.search_index
    (ticket_part,) = [p for p in search.parts("ticket", "0f6c1d5e8a7b4c3d9e2f1a0b5c6d7e8f") if p.part == "t"]
    assert "登录" in ticket_part.impacts and search.documents("TK") == 1
    note = search.part("ticket", "0f6c1d5e8a7b4c3d9e2f1a0b5c6d7e8f", "m3c2b1a0f9e8d4c7b8a6f5e4d3c2b1a09")
    assert note is not None and note.label == "internal" and "ldap" in note.impacts
