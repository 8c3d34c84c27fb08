"""Local mode's server as a browser and a client meet it: security headers on the SPA, 405 for other methods."""

from __future__ import annotations

import http.client
import re

import requests

from infra.local.process import LocalStackProcess


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
