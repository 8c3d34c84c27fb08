"""Client input never produces a 500: each mistake gets its 4xx in the error shape."""

from __future__ import annotations

import jwt
import pytest

from tests.integration.conftest import TOKEN_SECRET

ALICE = "alice@example.com"
AGENT = "wangfang@demo.local"
GOOD = {"subject": "s", "description": "d"}


def _error(response, status, code=None, field=None):
    assert response.status_code == status, response.body
    error = response.json_body["error"]
    assert set(error) <= {"code", "message", "field"} and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert error["field"] == field
    return error


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        (b"{not json", "invalid_json", None),
        (b"", "validation_error", "body"),
        (b"[1, 2]", "validation_error", "body"),
        (b'{"subject": "s"}', "validation_error", "description"),
        (b'{"subject": 5, "description": "d"}', "validation_error", "subject"),
        (b'{"subject": "s", "description": "d", "priority": "P9"}', "validation_error", "priority"),
        (b'{"subject": "s", "description": "d", "priority": 1}', "validation_error", "priority"),
        (b'{"subject": "s", "description": "d", "channel": "fax"}', "validation_error", "channel"),
        (b'{"subject": "s", "description": "d", "colour": "red"}', "validation_error", "colour"),
        (b'{"subject": "   ", "description": "d"}', "validation_error", "subject"),
        (b'{"subject": "s", "description": "d", "tags": "a,b"}', "validation_error", "tags"),
        (
            b'{"subject": "s", "description": "d", "custom_fields": {"k": {"deep": 1}}}',
            "validation_error",
            None,
        ),
        (b"\xff\xfe\x00", "invalid_json", None),
    ],
)
def test_bad_create_bodies(api, raw, code, field):
    _error(api.call("POST", "/api/tickets", ALICE, raw=raw), 400, code, field)


def test_bad_patches(api):
    ticket = api.call("POST", "/api/tickets", ALICE, GOOD).json_body
    path = f"/api/tickets/{ticket['id']}"
    _error(api.call("PATCH", path, AGENT, {"status": "done"}), 400, "validation_error", "status")
    _error(api.call("PATCH", path, AGENT, {"priority": "urgent"}), 400, "validation_error", "priority")
    _error(api.call("PATCH", path, AGENT, {"assignee": "nobody@demo.local"}), 400, "validation_error", "assignee")
    _error(api.call("PATCH", path, AGENT, {"team": "marketing", "priority": "P1"}), 400, "validation_error", "team")
    unchanged = api.call("GET", path, AGENT).json_body
    assert unchanged["version"] == 1 and unchanged["assignee"] is None and unchanged["priority"] == "P3"
    _error(api.call("PATCH", path, AGENT, {"subject": "renamed"}), 400, "validation_error", "subject")
    _error(api.call("PATCH", path, AGENT, {"status": "new"}, {"If-Match": "banana"}), 400, "invalid_header")
    api.call("PATCH", path, AGENT, {"status": "resolved"})
    _error(api.call("PATCH", path, AGENT, {"status": "waiting_customer"}), 409, "invalid_transition", "status")


def test_bad_queries(api):
    _error(api.call("GET", "/api/tickets?view=everything", AGENT), 400, "validation_error", "view")
    _error(api.call("GET", "/api/tickets?status=open", AGENT), 400, "validation_error", "status")
    _error(api.call("GET", "/api/tickets?limit=0", AGENT), 400, "validation_error", "limit")
    _error(api.call("GET", "/api/tickets?limit=abc", AGENT), 400, "validation_error", "limit")
    _error(api.call("GET", "/api/tickets?cursor=%25%25%25", AGENT), 400, "invalid_cursor")
    _error(api.call("GET", "/api/tickets/not-a-ticket", AGENT), 404, "not_found")
    _error(api.call("GET", "/api/tickets/GD20990101001", AGENT), 404, "not_found")


def test_a_body_over_256_kb(api):
    big = {"subject": "s", "description": "长" * 100_000}  # 300 KB of UTF-8
    _error(api.call("POST", "/api/tickets", ALICE, big), 413, "payload_too_large")


def test_missing_forged_and_expired_tokens(api):
    _error(api.call("GET", "/api/tickets"), 401, "unauthenticated")
    _error(api.call("GET", "/api/tickets", headers={"Authorization": "Basic abc"}), 401, "unauthenticated")
    _error(api.call("GET", "/api/tickets", headers={"Authorization": "Bearer not.a.jwt"}), 401, "unauthenticated")
    now = int(api.clock.now().timestamp())
    claims = {"iss": "helpdesk-local", "sub": "admin@demo.local", "role": "admin", "exp": now + 3600}
    forged = jwt.encode(claims, "guessed-secret-guessed-secret-guessed", algorithm="HS256")
    _error(api.call("GET", "/api/tickets", headers={"Authorization": f"Bearer {forged}"}), 401)
    unsigned = jwt.encode(claims, None, algorithm="none")
    _error(api.call("GET", "/api/tickets", headers={"Authorization": f"Bearer {unsigned}"}), 401)
    expired = jwt.encode({**claims, "exp": now - 1}, TOKEN_SECRET, algorithm="HS256")
    _error(api.call("GET", "/api/tickets", headers={"Authorization": f"Bearer {expired}"}), 401)
    valid = jwt.encode(claims, TOKEN_SECRET, algorithm="HS256")
    assert api.call("GET", "/api/tickets", headers={"Authorization": f"Bearer {valid}"}).status_code == 200


def test_public_routes_need_no_token(api):
    assert api.call("GET", "/api/health").json_body == {"status": "ok"}
    assert api.call("GET", "/api/openapi.json").status_code == 200
