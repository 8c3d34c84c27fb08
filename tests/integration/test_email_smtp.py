"""Local mode's SMTP intake, a real aiosmtpd server over moto: stored whole then handed to the intake handler,
552 over the limit, 451 when it cannot store or take the message in (so an accepted message is never lost)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.policy import SMTP as SMTP_POLICY  # CRLF line ends, as mail servers send
from typing import Any

import pytest

from functions.email_intake.handler import lambda_handler
from infra.local.process import free_port
from infra.local.pump import LambdaContext
from infra.local.smtp import LocalSmtpIntake
from tests.integration.mail_support import SUPPORT, mail

LEAD = "lead@demo.local"


def _server(env: Any, bucket: str | None = None, handler: Any = None, max_bytes: int = 1024 * 1024) -> LocalSmtpIntake:
    return LocalSmtpIntake(
        env.stack.client("s3"),
        bucket or env.container.settings.mail_bucket,
        handler or (lambda event: lambda_handler(event, LambdaContext("EmailIntakeFunction"))),
        env.clock,
        SUPPORT,
        free_port(),
        max_bytes,
    )


@pytest.fixture
def smtp(env: Any) -> Iterator[LocalSmtpIntake]:
    server = _server(env)
    server.start()
    yield server
    server.stop()


def _keys(env: Any) -> list[str]:
    listed = env.stack.client("s3").list_objects_v2(Bucket=env.container.settings.mail_bucket, Prefix="inbound/")
    return [o["Key"] for o in listed.get("Contents", [])]


def test_an_accepted_message_is_stored_and_becomes_a_ticket(api, env, smtp):
    raw = mail("alice@example.com", "SMTP 进来的邮件", "你好").as_bytes(policy=SMTP_POLICY)
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        refused = client.sendmail("alice@example.com", [SUPPORT], raw)
    assert refused == {}
    (key,) = _keys(env)
    stored = env.stack.client("s3").get_object(Bucket=smtp.bucket, Key=key)["Body"].read()
    assert stored.replace(b"\r\n", b"\n").rstrip() == raw.replace(b"\r\n", b"\n").rstrip()
    (ticket,) = api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]
    assert (ticket["subject"], ticket["channel"]) == ("SMTP 进来的邮件", "email")


def test_envelope_recipients_reach_the_handler(api, env, smtp):
    first = mail("alice@example.com", "first", "hello", message_id="<env-1@example.com>")
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.sendmail("alice@example.com", [SUPPORT], first.as_bytes(policy=SMTP_POLICY))
    (ticket,) = api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]
    address = env.container.reply_address(ticket["id"])
    # The reply address is only in the envelope (a Bcc): the token still threads it.
    answer = mail("bob@example.com", "unrelated subject", "from a colleague", message_id="<env-2@example.com>")
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.sendmail("bob@example.com", [address], answer.as_bytes(policy=SMTP_POLICY))
    assert len(api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]) == 1
    messages = api.call("GET", f"/api/tickets/{ticket['id']}/messages", LEAD).json_body["items"]
    assert [m["author"]["email"] for m in messages] == ["alice@example.com", "bob@example.com"]


def test_oversized_mail_is_refused_at_data_with_552_and_nothing_is_stored(api, env, smtp):
    big = mail("alice@example.com", "big", "x" * 10).as_bytes(policy=SMTP_POLICY) + (b"y" * 76 + b"\r\n") * 30_000
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.ehlo()
        client.mail("alice@example.com")  # no SIZE parameter: the limit is enforced while DATA is read
        client.rcpt(SUPPORT)
        code, _ = client.data(big)
    assert code == 552
    assert _keys(env) == []
    assert api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"] == []


def test_a_declared_size_over_the_limit_is_refused_up_front(env, smtp):
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.ehlo()
        code, _ = client.mail("alice@example.com", options=[f"SIZE={5 * 1024 * 1024}"])
    assert code == 552


def test_451_when_the_message_cannot_be_stored(api, env):
    server = _server(env, bucket="no-such-bucket")
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", server.port) as client, pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail(
                "alice@example.com", [SUPPORT], mail("alice@example.com", "s", "b").as_bytes(policy=SMTP_POLICY)
            )
    finally:
        server.stop()
    assert refused.value.smtp_code == 451
    assert api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"] == []


def test_451_when_the_intake_fails_and_the_retry_makes_one_ticket(api, env):
    calls: list[int] = []

    def flaky(event: dict[str, Any]) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the table is unavailable")
        return lambda_handler(event, LambdaContext("EmailIntakeFunction"))

    server = _server(env, handler=flaky)
    server.start()
    raw = mail("alice@example.com", "重试", "第一次失败", message_id="<retry@example.com>").as_bytes(policy=SMTP_POLICY)
    try:
        with smtplib.SMTP("127.0.0.1", server.port) as client:
            with pytest.raises(smtplib.SMTPDataError) as refused:
                client.sendmail("alice@example.com", [SUPPORT], raw)
            assert refused.value.smtp_code == 451
            assert client.sendmail("alice@example.com", [SUPPORT], raw) == {}
    finally:
        server.stop()
    assert len(api.call("GET", "/api/tickets?view=all", LEAD).json_body["items"]) == 1


def test_mail_for_other_domains_is_not_relayed(env, smtp):
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.ehlo()
        client.mail("alice@example.com")
        code, _ = client.rcpt("someone@elsewhere.example")
    assert code == 550
