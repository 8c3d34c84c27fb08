"""The knowledge base and search on the local stack, over HTTP as an outside client would: the seed, drafts that
never leak, and a message found by ticket search within seconds of being posted (the stream pump drives the search
function)."""

from __future__ import annotations

import time
import uuid

import requests

from infra.local.process import LocalStackProcess, wait_for


def test_local_mode_seeds_chinese_articles_in_several_categories(stack: LocalStackProcess):
    articles = requests.get(f"{stack.url}/api/kb/articles?limit=100", timeout=10).json()["items"]
    assert len(articles) >= 15 and len({a["category"] for a in articles}) >= 5
    categories = requests.get(f"{stack.url}/api/kb/categories", timeout=10).json()["items"]
    assert sum(c["published"] for c in categories) == len(articles)
    hits = wait_for(
        lambda: requests.get(f"{stack.url}/api/kb/search", params={"q": "我的密码怎么重置"}, timeout=10).json()["items"]
    )
    assert hits[0]["id"] == "reset-password"


def test_a_draft_never_shows_to_anonymous_or_customer_callers(stack: LocalStackProcess):
    agent = stack.login("chenjing@demo.local")
    customer = stack.login(f"kb.{uuid.uuid4().hex[:6]}@example.com")
    word = f"草稿{uuid.uuid4().hex[:6]}"
    body = {"title": f"内部草稿 {word}", "body": f"{word} 仅供内部参考", "category": "软件使用"}
    draft = stack.post(agent, "/api/kb/articles", json=body).json()
    assert draft["status"] == "draft"
    assert wait_for(lambda: stack.get(agent, "/api/kb/search", params={"q": word}).json()["items"], timeout=5)
    anonymous = requests.Session()
    for who in (anonymous, customer):
        assert who.get(f"{stack.url}/api/kb/articles/{draft['id']}", timeout=10).status_code == 404
        listed = who.get(f"{stack.url}/api/kb/articles", params={"limit": 100}, timeout=10).json()["items"]
        assert draft["id"] not in [a["id"] for a in listed]
        assert who.get(f"{stack.url}/api/kb/search", params={"q": word}, timeout=10).json()["items"] == []


def test_a_posted_message_is_found_by_ticket_search_within_5_seconds(stack: LocalStackProcess):
    requester = f"search.{uuid.uuid4().hex[:6]}@example.com"
    customer = stack.login(requester)
    agent = stack.login("zhangwei@demo.local")
    ticket = stack.post(customer, "/api/tickets", json={"subject": "系统报错", "description": "打开页面报错"}).json()
    code = f"E{uuid.uuid4().int % 10**8:08d}"
    posted = time.monotonic()
    reply = stack.post(
        agent, f"/api/tickets/{ticket['id']}/messages", json={"body": f"错误码 {code}，请清除缓存后重试"}
    )
    assert reply.status_code == 201

    def found() -> list:
        return stack.get(agent, "/api/search/tickets", params={"q": f"{code} 缓存"}).json()["items"]

    hits = wait_for(found, timeout=5, step=0.2)
    elapsed = time.monotonic() - posted
    assert [h["id"] for h in hits] == [ticket["id"]], f"not found within 5 s ({elapsed:.1f} s)"
    assert code in hits[0]["snippet"] and hits[0]["matched"] == "message"
    assert stack.get(customer, "/api/search/tickets", params={"q": code}).status_code == 403
    # Done with: the session's other tests share the agents' capacity.
    assert agent.patch(f"{stack.url}/api/tickets/{ticket['id']}", json={"status": "closed"}, timeout=10).ok
