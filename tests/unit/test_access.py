"""Sign-in and permissions, without AWS: tokens, claims, roles, cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.clock import FixedClock
from shared.domain.access import ADMIN, BUILTIN_ROLES, Permission, Principal
from shared.domain.directory import Agent
from shared.errors import InvalidCursor, Unauthenticated
from shared.services.auth import Authenticator
from shared.services.cursors import CursorCodec

SECRET = "unit-test-secret-unit-test-secret-0123"


class Directory:
    """An in-memory directory, standing in for the DynamoDB one."""

    def get_agent(self, email: str) -> Agent | None:
        if email == "lead@demo.local":
            return Agent(email, "李娜", "supervisor", teams=["tech"])
        return None


def _auth(clock: FixedClock, mode: str = "local") -> Authenticator:
    return Authenticator(mode, Directory(), clock, secret=SECRET, ttl=timedelta(hours=1))  # type: ignore[arg-type]


def test_roles_nest():
    assert BUILTIN_ROLES["customer"] < BUILTIN_ROLES["agent"] < BUILTIN_ROLES["supervisor"] <= BUILTIN_ROLES[ADMIN]
    customer = Principal.of("C@Example.com", "c", "customer")
    assert customer.email == "c@example.com" and not customer.is_staff
    assert not customer.can(Permission.MESSAGE_INTERNAL)
    assert Principal.of("x@y.z", "x", "no-such-role").permissions == BUILTIN_ROLES["customer"]


def test_local_tokens_round_trip_and_expire_by_the_product_clock():
    clock = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
    auth = _auth(clock)
    token, principal = auth.sign_in_local("Lead@Demo.Local")
    assert principal.role == "supervisor" and principal.teams == ("tech",)
    assert auth.principal(None, f"Bearer {token}") == principal
    stranger = auth.principal(None, f"Bearer {auth.sign_in_local('someone@example.com')[0]}")
    assert stranger.role == "customer"
    clock.advance(timedelta(hours=1))
    with pytest.raises(Unauthenticated):
        auth.principal(None, f"Bearer {token}")


@pytest.mark.parametrize("header", [None, "", "Bearer", "Token abc", "Bearer a.b.c"])
def test_malformed_headers(header):
    with pytest.raises(Unauthenticated):
        _auth(FixedClock(datetime(2026, 1, 1, tzinfo=UTC))).principal(None, header)


def test_a_token_signed_with_another_key_is_refused():
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    claims = {"iss": "helpdesk-local", "sub": "admin@demo.local", "role": "admin", "exp": 2_000_000_000}
    with pytest.raises(Unauthenticated):
        _auth(clock).principal(None, "Bearer " + jwt.encode(claims, "x" * 40, algorithm="HS256"))


def test_cognito_claims_map_to_the_highest_group():
    auth = _auth(FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), mode="cognito")
    principal = auth.principal({"email": "A@demo.local", "cognito:groups": "[agent supervisor]"}, None)
    assert principal.role == "supervisor" and principal.email == "a@demo.local"
    assert auth.principal({"email": "c@example.com"}, None).role == "customer"
    with pytest.raises(Unauthenticated):
        auth.principal(None, "Bearer whatever")  # on AWS only the authorizer's claims count


def test_cursors_are_bound_to_their_query():
    codec = CursorCodec(b"k")
    key = {"pk": {"S": "TICKET#1"}, "sk": {"S": "TICKET"}}
    cursor = codec.encode("tickets|all", key)
    assert codec.decode("tickets|all", cursor) == key
    assert codec.encode("tickets|all", None) is None
    for scope, value in [("tickets|mine", cursor), ("tickets|all", cursor + "x"), ("tickets|all", "garbage")]:
        with pytest.raises(InvalidCursor):
            codec.decode(scope, value)
    with pytest.raises(InvalidCursor):
        CursorCodec(b"other").decode("tickets|all", cursor)
