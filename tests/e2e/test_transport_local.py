"""Local mode's server as a browser and a client meet it: security headers on the SPA, 405 for other methods."""

from __future__ import annotations

import http.client
import re

import requests

from infra.local.process import LocalStackProcess, wait_for


def test_the_spa_is_served_with_its_security_headers(stack: LocalStackProcess):
    index = requests.get(f"{stack.url}/", timeout=10)
    assert index.status_code == 200
    csp = index.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert index.headers["Referrer-Policy"] == "no-referrer"
    assert index.headers["X-Frame-Options"] == "DENY"
    if "<script" in index.text:  # the built SPA (not the placeholder): every script is a file of ours
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", index.text)
        asset = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
        assert asset
        script = requests.get(f"{stack.url}{asset.group(1)}", timeout=10)
        assert script.headers["X-Content-Type-Options"] == "nosniff"
        assert script.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))


def _raw(stack: LocalStackProcess, method: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    connection.request(method, path)
    return connection.getresponse()


def test_trace_and_other_methods_are_405_with_allow_not_501(stack: LocalStackProcess):
    for method in ("TRACE", "PUT", "PROPFIND"):
        response = _raw(stack, method, "/api/tickets")
        body = response.read().decode()
        assert response.status == 405, (method, response.status, body)
        assert set(response.getheader("Allow", "").replace(" ", "").split(",")) == {"GET", "POST"}
        assert '"method_not_allowed"' in body
    page = _raw(stack, "TRACE", "/")
    assert page.status == 405 and page.getheader("Allow") == "GET, HEAD"


def test_the_outbox_answers_after_a_malformed_mail(stack: LocalStackProcess):
    """The reported bug, end to end: a mail the outbox cannot parse no longer makes every read a 500."""
    session = stack.login("lead@demo.local")
    folder = stack.state / "outbox"  # where local mode keeps sent mail (infra/local/outbox.py)
    (folder / "999999-malformed.eml").write_bytes(
        b"From: support@demo.local\r\nTo: =?utf-8?b?5L2g?=@\r\nSubject: caf\xe9\r\n\r\nbody\r\n"
    )
    response = stack.get(session, "/api/dev/outbox")
    assert response.status_code == 200, response.text
    bad = [item for item in response.json()["items"] if item["to"] == ["=?utf-8?b?5L2g?=@"]]
    assert bad and bad[0]["malformed"]


def test_smtp_intake_takes_a_mail_with_nul_and_invalid_bytes_in_its_headers(stack: LocalStackProcess):
    """Safely decoded, nothing lost: a ticket whose subject holds no NUL and no lone surrogate."""
    import smtplib
    import uuid

    sender = f"odd-{uuid.uuid4().hex[:8]}@example.com"
    raw = (
        f"From: {sender}\r\nTo: support@demo.local\r\nMessage-ID: <{uuid.uuid4().hex}@example.com>\r\n"
        "Subject: bad\x00subject \xff\xfe caf\xe9\r\nX-Note: a\x00b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "\r\nbody \x00 text\r\n"
    ).encode("latin-1")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as client:
        refused = client.sendmail(sender, ["support@demo.local"], raw)
    assert refused == {}
    session = stack.login(sender)
    tickets = wait_for(lambda: stack.get(session, "/api/tickets?view=requested").json()["items"], timeout=30)
    assert len(tickets) == 1
    subject = tickets[0]["subject"]
    assert "bad" in subject and "\x00" not in subject
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in subject)
