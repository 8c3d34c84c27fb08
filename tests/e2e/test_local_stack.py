"""The local-mode contract (design section 3), checked over HTTP as an outside client would."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import requests

from infra.local.process import LocalStackProcess, wait_for

SEEDED_STAFF = {
    "admin@demo.local": "admin",
    "lead@demo.local": "supervisor",
    "zhangwei@demo.local": "agent",
    "wangfang@demo.local": "agent",
    "liqiang@demo.local": "agent",
    "liuyang@demo.local": "agent",
}


def test_health_and_the_spa_placeholder(stack: LocalStackProcess):
    assert requests.get(f"{stack.url}/api/health", timeout=5).json() == {"status": "ok"}
    page = requests.get(f"{stack.url}/", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert requests.get(f"{stack.url}/config.json", timeout=5).json() == {"auth": "local", "chat_url": stack.chat_url}
    missing = requests.get(f"{stack.url}/api/no-such-thing", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong_method = requests.delete(f"{stack.url}/api/tickets", timeout=5)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_seeded_staff_sign_in_with_their_roles(stack: LocalStackProcess):
    for email, role in SEEDED_STAFF.items():
        body = requests.post(f"{stack.url}/api/dev/login", json={"email": email}, timeout=5).json()
        assert body["user"]["role"] == role and body["token"]
    teams = stack.get(stack.login("lead@demo.local"), "/api/teams").json()["items"]
    assert len(teams) >= 2
    agents = stack.get(stack.login("lead@demo.local"), "/api/agents").json()["items"]
    assert len([a for a in agents if a["role"] == "agent"]) >= 4
    customer = requests.post(f"{stack.url}/api/dev/login", json={"email": "new.person@example.com"}, timeout=5)
    assert customer.json()["user"]["role"] == "customer"


def test_acknowledgment_reaches_the_outbox_within_seconds_exactly_once(stack: LocalStackProcess):
    customer = stack.login("e2e.customer@example.com")
    lead = stack.login("lead@demo.local")
    ticket = stack.post(customer, "/api/tickets", json={"subject": "发票重开", "description": "抬头错误"}).json()

    def acks() -> list[dict]:
        items = stack.get(lead, "/api/dev/outbox").json()["items"]
        return [m for m in items if ticket["number"] in m["subject"]]

    started = time.monotonic()
    assert wait_for(acks, timeout=5), "no acknowledgment within 5 s"
    assert time.monotonic() - started < 5
    time.sleep(1)  # any duplicate would have arrived by now
    (mail,) = acks()
    assert mail["to"] == ["e2e.customer@example.com"] and mail["raw"] and mail["message_id"]
    outbox = stack.state / "outbox"
    assert any(ticket["number"] in path.read_text() for path in outbox.glob("*.eml"))
    assert stack.get(customer, "/api/dev/outbox").status_code == 403


def test_the_clock_moves_forward(stack: LocalStackProcess):
    lead = stack.login("lead@demo.local")
    before = stack.advance_clock(lead, 0).json()["now"]
    after = stack.advance_clock(lead, 90).json()["now"]
    assert after > before and after.endswith("+08:00")
    assert stack.advance_clock(lead, -5).status_code == 400


def test_a_request_over_256_kb_is_refused_whole(stack: LocalStackProcess):
    customer = stack.login("big@example.com")
    response = stack.post(customer, "/api/tickets", json={"subject": "s", "description": "x" * 300_000})
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert stack.get(customer, "/api/tickets").json()["items"] == []


def test_state_survives_a_restart(tmp_path):
    stack = LocalStackProcess(tmp_path / "state")
    stack.start()
    try:
        customer = stack.login("keep@example.com")
        ticket = stack.post(customer, "/api/tickets", json={"subject": "保留", "description": "重启后还在"}).json()
        lead = stack.login("lead@demo.local")
        stack.advance_clock(lead, 120)
        wait_for(
            lambda: any(ticket["number"] in m["subject"] for m in stack.get(lead, "/api/dev/outbox").json()["items"])
        )
    finally:
        stack.stop()
    stack.start()
    try:
        customer = stack.login("keep@example.com")
        again = stack.get(customer, f"/api/tickets/{ticket['number']}")
        assert again.status_code == 200 and again.json()["id"] == ticket["id"]
        lead = stack.login("lead@demo.local")
        now = stack.advance_clock(lead, 0).json()["now"]
        created = datetime.fromisoformat(ticket["created_at"])
        assert datetime.fromisoformat(now) >= created + timedelta(minutes=120)  # the clock kept its offset
        time.sleep(1)
        mails = [m for m in stack.get(lead, "/api/dev/outbox").json()["items"] if ticket["number"] in m["subject"]]
        assert len(mails) == 1  # restored events are not handled again
        fresh = stack.post(customer, "/api/tickets", json={"subject": "新的", "description": "d"}).json()
        assert fresh["number"] != ticket["number"]
    finally:
        stack.stop()


def test_a_customer_signs_in_with_an_emailed_code(stack: LocalStackProcess):
    import re
    import uuid

    email = f"otp.{uuid.uuid4().hex[:8]}@example.com"
    lead = stack.login("lead@demo.local")
    sent = requests.post(f"{stack.url}/api/auth/code", json={"email": email}, timeout=5)
    assert sent.status_code == 202
    again = requests.post(f"{stack.url}/api/auth/code", json={"email": email}, timeout=5)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
    mails = wait_for(lambda: [m for m in stack.get(lead, "/api/dev/outbox").json()["items"] if m["to"] == [email]])
    (mail,) = mails
    code = re.search(r"(\d{6})", mail["subject"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    refused = requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": wrong}, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
    signed_in = requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": code}, timeout=5)
    assert signed_in.status_code == 200 and signed_in.json()["user"]["role"] == "customer"
    token = signed_in.json()["token"]
    me = requests.get(f"{stack.url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.json()["email"] == email
    reused = requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": code}, timeout=5)
    assert reused.status_code == 401  # a code signs in once


def test_wrong_codes_lock_the_code(stack: LocalStackProcess):
    import uuid

    email = f"guess.{uuid.uuid4().hex[:8]}@example.com"
    assert requests.post(f"{stack.url}/api/auth/code", json={"email": email}, timeout=5).status_code == 202
    lead = stack.login("lead@demo.local")
    (mail,) = wait_for(lambda: [m for m in stack.get(lead, "/api/dev/outbox").json()["items"] if m["to"] == [email]])
    code = mail["subject"].rsplit("：", 1)[-1].strip()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (
            requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": wrong}, timeout=5).status_code
            == 401
        )
    locked = requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": code}, timeout=5)
    assert locked.status_code == 401 and "too many" in locked.json()["error"]["message"]
    bad = requests.post(f"{stack.url}/api/auth/verify", json={"email": email, "code": "12"}, timeout=5)
    assert bad.status_code == 400
