"""Live chat in real browsers against the local stack: /widget.js on a plain page of another site (its own origin,
allowed through HELPDESK_CHAT_ORIGINS) and the console side by side. The visitor starts a chat; an agent takes it
from the chat queue (or finds it already assigned to them); lines and typing go both ways and show on both sides;
the agent ends it and the visitor is told."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from infra.local.process import LocalStackProcess, free_port, wait_for
from tests.e2e.test_browser import _sign_in

AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"
TIMEOUT = 20_000


class CompanySite:
    """A company's own page on another origin, with the one tag the product asks it to add."""

    def __init__(self, port: int, widget_src: str) -> None:
        body = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>某某商城</title>'
            "<body><h1>某某商城</h1><p>欢迎光临。</p>"
            f'<script src="{widget_src}" data-lang="zh-CN" async></script></body></html>'
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.httpd.serve_forever, name="company-site", daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Iterator[LocalStackProcess]:
    """A stack of its own, started with the company's site as an allowed origin of the chat's WebSocket."""
    process = LocalStackProcess(tmp_path_factory.mktemp("chat") / "state")
    with mock.patch.dict(os.environ, {"HELPDESK_CHAT_ORIGINS": f"http://127.0.0.1:{site_port}"}):
        process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def site(chat_stack: LocalStackProcess, site_port: int) -> Iterator[str]:
    company = CompanySite(site_port, f"{chat_stack.url}/widget.js")
    yield company.url
    company.stop()


def _context(browser: Browser, base_url: str) -> BrowserContext:
    return browser.new_context(
        base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 860}
    )


def _chat_of(stack: LocalStackProcess, number: str) -> dict[str, Any] | None:
    lead = stack.login(LEAD)
    items = stack.get(lead, "/api/chats?state=all").json()["items"]
    return next((c for c in items if c["ticket_number"] == number), None)


def _number_of_visitor(stack: LocalStackProcess, name: str) -> str:
    lead = stack.login(LEAD)
    items = stack.get(lead, "/api/chats?state=all").json()["items"]
    return next(c["ticket_number"] for c in items if c["visitor_name"] == name)


def _agent_name(stack: LocalStackProcess, email: str) -> str:
    agents = stack.get(stack.login(LEAD), "/api/agents").json()["items"]
    return next(a["name"] for a in agents if a["email"] == email)


def _set_everyone(stack: LocalStackProcess, availability: str) -> None:
    lead = stack.login(LEAD)
    for a in stack.get(lead, "/api/agents").json()["items"]:
        response = lead.put(
            f"{stack.url}/api/agents/{a['email']}/availability", json={"availability": availability}, timeout=10
        )
        assert response.status_code == 200, response.text


def test_local_mode_serves_the_widget_and_a_config_other_sites_may_read(chat_stack: LocalStackProcess, site: str):
    config = requests.get(f"{chat_stack.url}/config.json", headers={"Origin": site}, timeout=5)
    assert config.headers["Access-Control-Allow-Origin"] == "*"
    assert config.json()["chat_url"] == chat_stack.chat_url
    widget = requests.get(f"{chat_stack.url}/widget.js", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5)
    assert widget.status_code == 200 and widget.headers["Content-Type"].endswith("/javascript")
    assert widget.headers["Cache-Control"] == "no-cache"  # its name never changes: a new build must reach pages
    # what the company's page downloads before the chat window opens: the one file, gzip (as CloudFront sends it)
    assert widget.headers["Content-Encoding"] == "gzip" and len(widget.raw.read()) < 15 * 1024


def test_a_visitor_and_an_agent_chat_both_ways(
    browser: Browser, chat_stack: LocalStackProcess, site: str, screenshots: Path
) -> None:
    visitor_context = _context(browser, site)
    agent_context = _context(browser, chat_stack.url)
    try:
        visitor: Page = visitor_context.new_page()
        agent: Page = agent_context.new_page()

        # The visitor, on the company's page: the button, then the start form.
        visitor.goto("/")
        expect(visitor.get_by_role("heading", name="某某商城")).to_be_visible()
        launcher = visitor.get_by_test_id("chat-launcher")
        expect(launcher).to_have_text("在线客服")
        launcher.click()
        visitor.get_by_test_id("chat-name").fill("赵先生")
        visitor.get_by_test_id("chat-first-text").fill("我的订单三天没发货了")
        visitor.get_by_test_id("chat-start").click()
        status = visitor.get_by_test_id("chat-status")
        # "Ticket created" shows until an agent is assigned, which may already have happened: either will do.
        expect(status).to_contain_text(re.compile("已为您创建工单|正在为您服务"), timeout=TIMEOUT)
        number = _number_of_visitor(chat_stack, "赵先生")
        token = visitor.evaluate("() => Object.values(localStorage).join(' ')")
        assert "conversation" in token, "the conversation token is not kept in the page's storage"

        # The agent: the chat queue (or the chat already assigned to them), then the live conversation.
        chat = wait_for(lambda: _chat_of(chat_stack, number), timeout=10)
        assert chat, f"{number} is not among the open chats"
        # The ticket is routed as any other: it may be assigned automatically (then its agent finds it under 我的会话),
        # else it waits in the queue for someone to accept it.
        assigned = wait_for(lambda: (c := _chat_of(chat_stack, number)) and c["assignee_id"], timeout=6)
        answerer = assigned or AGENT
        _sign_in(agent, answerer)
        agent.goto("/console/chats")
        expect(agent.get_by_test_id("chat-queue")).to_be_visible()
        if assigned:
            agent.get_by_test_id(f"chat-open-{number}").click()
        else:
            row = agent.get_by_test_id("chat-waiting").get_by_test_id(f"chat-row-{number}")
            expect(row.get_by_test_id("chat-waited")).to_contain_text("已等待", timeout=TIMEOUT)
            agent.screenshot(path=str(screenshots / "chat-queue.png"), full_page=True)
            agent.get_by_test_id(f"chat-accept-{number}").click()
        expect(agent.get_by_test_id("chat-page")).to_be_visible()
        expect(agent.get_by_test_id("chat-watch-state")).to_have_attribute("data-state", "watching", timeout=TIMEOUT)
        lines = agent.get_by_test_id("chat-lines")
        expect(lines).to_contain_text("我的订单三天没发货了", timeout=TIMEOUT)
        lead = chat_stack.login(LEAD)
        assert chat_stack.get(lead, f"/api/tickets/{chat['ticket_id']}").json()["assignee"] == answerer
        expect(status).to_contain_text(f"客服 {_agent_name(chat_stack, answerer)} 正在为您服务", timeout=TIMEOUT)

        # Visitor -> agent: typing, then a line, live on the console (no reload).
        visitor_input = visitor.get_by_test_id("chat-input")
        visitor_input.press_sequentially("订单号 A123")
        expect(agent.get_by_test_id("chat-visitor-typing")).to_have_text("访客正在输入…", timeout=TIMEOUT)
        visitor_input.press("Enter")
        expect(lines.get_by_test_id("chat-line-visitor").filter(has_text="订单号 A123")).to_have_count(
            1, timeout=TIMEOUT
        )

        # Agent -> visitor: typing, then a reply through the API, pushed to the widget.
        reply = agent.get_by_test_id("chat-reply")
        reply.press_sequentially("您好，我马上查")
        expect(visitor.get_by_test_id("chat-typing")).to_have_text("客服正在输入…", timeout=TIMEOUT)
        reply.press("Enter")
        expect(visitor.get_by_test_id("chat-log").get_by_test_id("chat-line-agent")).to_contain_text(
            "您好，我马上查", timeout=TIMEOUT
        )
        expect(lines.get_by_test_id("chat-line-agent").filter(has_text="您好，我马上查")).to_have_count(
            1, timeout=TIMEOUT
        )
        # Text stays text on both sides.
        visitor_input.fill("<b>谢谢</b>")
        visitor_input.press("Enter")
        expect(lines.get_by_test_id("chat-line-visitor").filter(has_text="<b>谢谢</b>")).to_have_count(
            1, timeout=TIMEOUT
        )
        expect(visitor.get_by_test_id("chat-log").locator("b")).to_have_count(0)

        visitor.screenshot(path=str(screenshots / "chat-widget.png"))
        agent.screenshot(path=str(screenshots / "chat-console.png"), full_page=True)

        # The lines are the ticket's messages.
        bodies = [m["body"] for m in chat_stack.get(lead, f"/api/tickets/{chat['ticket_id']}/messages").json()["items"]]
        assert bodies[:1] == ["我的订单三天没发货了"] and "订单号 A123" in bodies and "您好，我马上查" in bodies

        # The agent ends it; the visitor is told and can start anew.
        agent.get_by_test_id("chat-end").click()
        expect(agent.get_by_test_id("chat-ended")).to_be_visible()
        expect(status).to_have_text("对话已结束，感谢您的咨询。", timeout=TIMEOUT)
        expect(visitor.get_by_test_id("chat-again")).to_be_visible()
    finally:
        visitor_context.close()
        agent_context.close()


def test_with_every_agent_offline_the_chat_waits_and_an_agent_accepts_it(
    browser: Browser, chat_stack: LocalStackProcess, site: str, screenshots: Path
) -> None:
    """Nobody online: the visitor is told the team will answer by mail, the chat waits in the queue with its waiting
    time; an agent accepts it there, the visitor hears who answers; a reload of the visitor's page resumes."""
    _set_everyone(chat_stack, "offline")
    visitor_context = _context(browser, site)
    agent_context = _context(browser, chat_stack.url)
    try:
        visitor = visitor_context.new_page()
        agent = agent_context.new_page()
        visitor.goto("/")
        visitor.get_by_test_id("chat-launcher").click()
        visitor.get_by_test_id("chat-name").fill("钱女士")
        visitor.get_by_test_id("chat-first-text").fill("发票抬头开错了")
        visitor.get_by_test_id("chat-start").click()
        status = visitor.get_by_test_id("chat-status")
        expect(status).to_contain_text("当前没有客服在线", timeout=TIMEOUT)

        _sign_in(agent, AGENT)
        agent.goto("/console/chats")
        row = agent.get_by_test_id("chat-waiting").locator("li", has_text="发票抬头开错了")
        expect(row).to_have_count(1, timeout=TIMEOUT)
        waited = row.get_by_test_id("chat-waited")
        expect(waited).to_contain_text("已等待")
        first = waited.inner_text()
        expect(waited).not_to_have_text(first, timeout=5000)  # the waiting time runs on its own
        agent.screenshot(path=str(screenshots / "chat-queue.png"), full_page=True)
        row.get_by_role("button").click()  # 接入
        expect(agent.get_by_test_id("chat-page")).to_be_visible()
        expect(agent.get_by_test_id("chat-assignee")).to_have_text("王芳")
        expect(status).to_contain_text("客服 王芳 正在为您服务", timeout=TIMEOUT)

        # The visitor reloads the page: the widget resumes the same conversation from its stored token.
        visitor.reload()
        visitor.get_by_test_id("chat-launcher").click()
        log = visitor.get_by_test_id("chat-log")
        expect(log).to_contain_text("发票抬头开错了", timeout=TIMEOUT)
        expect(agent.get_by_test_id("chat-watch-state")).to_have_attribute("data-state", "watching", timeout=TIMEOUT)
        visitor.get_by_test_id("chat-input").fill("抬头应为某某科技有限公司")
        visitor.get_by_test_id("chat-send").click()
        lines = agent.get_by_test_id("chat-lines")
        expect(lines).to_contain_text("抬头应为某某科技有限公司", timeout=TIMEOUT)
        agent.get_by_test_id("chat-reply").fill("好的，马上为您重开")
        agent.get_by_test_id("chat-send").click()
        expect(log.get_by_test_id("chat-line-agent")).to_contain_text("好的，马上为您重开", timeout=TIMEOUT)
    finally:
        visitor_context.close()
        agent_context.close()
        _set_everyone(chat_stack, "online")
