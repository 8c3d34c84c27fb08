"""Abuse limits per customer: over the hour's limit a customer gets 429 in the error shape with `Retry-After`; other
customers and staff are unaffected; the next window lets them in again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from shared.container import Container, set_container

LEAD = "lead@demo.local"
A, B = "busy@example.com", "calm@example.com"


@pytest.fixture
def limited(env):
    """The app with small limits (as a deployment would configure them)."""
    settings = dataclasses.replace(
        env.container.settings,
        limit_tickets_per_hour=3,
        limit_messages_per_hour=2,
        limit_uploads_per_hour=2,
        limit_sign_in_codes_per_hour=2,
    )
    container = Container(settings, env.clock)
    set_container(container)
    env.container = container
    return env


def _ticket(api, who: str, n: int):
    return api.call("POST", "/api/tickets", who, json={"subject": f"第 {n} 张", "description": "d"})


def _assert_limited(response) -> None:
    assert response.status_code == 429
    assert response.json_body["error"]["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_ticket_creation_is_limited_per_customer(api, limited):
    assert [_ticket(api, A, n).status_code for n in range(3)] == [201, 201, 201]
    _assert_limited(_ticket(api, A, 4))
    assert _ticket(api, B, 1).status_code == 201  # another customer is unaffected
    body = {"subject": "代客建单", "description": "d", "requester": {"email": A}}
    assert all(api.call("POST", "/api/tickets", LEAD, json=body).status_code == 201 for _ in range(4))  # staff
    api.clock.advance(timedelta(hours=1))
    assert _ticket(api, A, 5).status_code == 201  # the next window


def test_messages_uploads_and_sign_in_codes_are_limited(api, limited):
    ticket = _ticket(api, A, 1).json_body
    post = {"body": "补充"}
    assert [api.call("POST", f"/api/tickets/{ticket['id']}/messages", A, json=post).status_code for _ in range(2)] == [
        201,
        201,
    ]
    _assert_limited(api.call("POST", f"/api/tickets/{ticket['id']}/messages", A, json=post))
    assert api.call("POST", f"/api/tickets/{ticket['id']}/messages", LEAD, json=post).status_code == 201

    upload = {"filename": "a.png", "content_type": "image/png", "size": 100}
    assert [api.call("POST", "/api/uploads", A, json=upload).status_code for _ in range(2)] == [201, 201]
    _assert_limited(api.call("POST", "/api/uploads", A, json=upload))
    assert api.call("POST", "/api/uploads", B, json=upload).status_code == 201

    codes = []
    for _ in range(3):
        codes.append(api.call("POST", "/api/auth/code", json={"email": B}))
        api.clock.advance(timedelta(minutes=2))  # past the resend pause: only the hourly limit stops the third
    assert [r.status_code for r in codes[:2]] == [202, 202]
    _assert_limited(codes[2])
    assert api.call("POST", "/api/auth/code", json={"email": A}).status_code == 202


def test_limits_live_in_one_window_item_per_customer_with_a_ttl(api, limited):
    from shared.adapters.items import RateItem

    _ticket(api, A, 1)
    (window,) = list(RateItem.query(f"RATE#ticket#{A}"))
    assert int(window.count) == 1 and window.expires_at is not None


def test_the_limits_are_deployment_parameters():
    from infra.template import load_template

    template = load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    for variable, parameter in {
        "HELPDESK_LIMIT_TICKETS_PER_HOUR": "CustomerTicketsPerHour",
        "HELPDESK_LIMIT_MESSAGES_PER_HOUR": "CustomerMessagesPerHour",
        "HELPDESK_LIMIT_UPLOADS_PER_HOUR": "CustomerUploadsPerHour",
        "HELPDESK_LIMIT_SIGN_IN_CODES_PER_HOUR": "SignInCodesPerHour",
    }.items():
        assert variables[variable] == {"Ref": parameter}
        assert template["Parameters"][parameter]["Type"] == "Number"
