"""Fault injection: DynamoDB throttling and 5xx, SES 5xx, under the stream consumers, the SLA sweep and the email
intake (tests/faults.py answers matching requests with AWS's own error responses at the HTTP edge; botocore and
the product react as on AWS). What fails is retried; after the bound it is parked in the dead-letter queue; once
the fault is gone, nothing is lost and no mail goes out twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from infra.local.pump import StreamPump
from infra.template import load_template, resources_of_type
from tests.faults import Faults
from tests.integration.mail_support import Mailroom, mail
from tests.integration.routing_helpers import sweep

LEAD = "lead@demo.local"
CUSTOMER = "fault.customer@example.com"


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    # SES's client (made lazily) retries a 5xx once more before the function sees it; PynamoDB's keeps its own
    # standard retries (4 attempts).
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    injected = Faults()
    injected.install(monkeypatch)
    yield injected
    injected.clear()


def _notification_pump(env: Any) -> StreamPump:
    sub = next(s for s in env.stack.streams if s.function == "NotificationFunction")
    return StreamPump(env.stack, sub, starting_position="TRIM_HORIZON", retry_delay=0)


def _mails_to(env: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in env.outbox.items() if any(address in to for to in m["to"])]


def _open(api: Any, subject: str = "无法登录") -> dict[str, Any]:
    response = api.call("POST", "/api/tickets", CUSTOMER, {"subject": subject, "description": "d", "priority": "P1"})
    assert response.status_code == 201, response.body
    return response.json_body


def test_ses_failing_for_a_while_under_the_notification_consumer_retries_and_mails_once(api, env, faults):
    _open(api)
    outage = faults.fail("ses", "SendEmail", "5xx", times=3)
    pump = _notification_pump(env)
    pump.drain()
    assert outage.hits == 3  # botocore's own retry, then the stream's retry of the failed record
    assert pump.invocations >= 2 and pump.dead_letters == 0
    assert len(_mails_to(env, CUSTOMER)) == 1  # the acknowledgment, once
    _notification_pump(env).drain()  # the whole stream delivered again: still once
    assert len(_mails_to(env, CUSTOMER)) == 1


def test_ses_down_parks_the_batch_in_the_dead_letter_queue_and_a_replay_loses_nothing(api, env, faults):
    ticket = _open(api)
    faults.fail("ses", "SendEmail", "5xx")  # until cleared
    pump = _notification_pump(env)
    pump.drain()
    sub = next(s for s in env.stack.streams if s.function == "NotificationFunction")
    assert pump.dead_letters >= 1
    assert pump.invocations >= 1 + sub.maximum_retry_attempts  # retried up to the template's bound
    sqs = env.stack.client("sqs")
    url = sqs.get_queue_url(QueueName=sub.on_failure_queue)["QueueUrl"]
    parked = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert parked and json.loads(parked[0]["Body"])["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert _mails_to(env, CUSTOMER) == []

    faults.clear()  # SES is back: the parked range is replayed (infra/deploy/replay_dlq.py re-runs its records)
    _notification_pump(env).drain()
    _notification_pump(env).drain()
    mails = _mails_to(env, CUSTOMER)
    assert len(mails) == 1 and ticket["number"] in mails[0]["subject"]


@pytest.mark.parametrize("kind", ["throttling", "5xx"])
def test_dynamodb_failing_under_the_email_intake_makes_the_ticket_once_when_retried(api, env, faults, kind):
    room = Mailroom(env)
    event = room.event(
        mail(f"Fault <{CUSTOMER}>", "邮件进不来", "请处理。", message_id="<fault-1@example.com>").as_bytes()
    )
    outage = faults.fail("dynamodb", "TransactWriteItems", kind)
    with pytest.raises(Exception):  # noqa: B017 - whatever the intake raises, Lambda retries the invocation
        room.invoke(event)
    assert outage.hits >= 2  # PynamoDB's own retries first
    assert api.call("GET", "/api/tickets?view=requested", CUSTOMER).json_body["items"] == []
    faults.clear()
    assert room.invoke(event)["outcome"] == "ticket"  # Lambda's retry of the same SES event
    assert room.invoke(event)["outcome"] != "ticket"  # and one more: the Message-ID was claimed
    assert len(api.call("GET", "/api/tickets?view=requested", CUSTOMER).json_body["items"]) == 1


def test_dynamodb_failing_under_the_sweep_breaches_each_ticket_once_when_it_recovers(api, env, faults):
    ticket = _open(api, "系统宕机")
    env.clock.advance(timedelta(days=2))  # far past every target
    faults.fail("dynamodb", "TransactWriteItems", "5xx")
    try:
        failed = sweep()
    except Exception:
        failed = None
    assert failed is None or failed["acted"] == 0
    events = api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]
    assert not [e for e in events if e["type"] == "sla.breach"]
    faults.clear()
    assert sweep()["acted"] >= 1
    assert sweep()["acted"] == 0  # the schedule fires again: nothing twice
    events = api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]
    breaches = [json.dumps(e["changes"], sort_keys=True) for e in events if e["type"] == "sla.breach"]
    assert breaches and len(breaches) == len(set(breaches))  # each target breached once (first response, resolution)


def test_every_event_source_has_a_bounded_retry_and_a_place_to_park_failures():
    template = load_template()
    functions = resources_of_type(template, "AWS::Serverless::Function")
    queues = resources_of_type(template, "AWS::SQS::Queue")
    for name, function in functions.items():
        props = function["Properties"]
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "DynamoDB":
                assert 0 <= event["Properties"]["MaximumRetryAttempts"] <= 10, name
                assert "Destination" in event["Properties"]["DestinationConfig"]["OnFailure"], name
            if event["Type"] == "SQS":
                queue = event["Properties"]["Queue"]["Fn::GetAtt"][0]
                assert "RedrivePolicy" in queues[queue]["Properties"], name
        if "EventInvokeConfig" in props:  # invoked asynchronously (SES, SNS)
            config = props["EventInvokeConfig"]
            assert 0 <= config["MaximumRetryAttempts"] <= 2, name
            assert "Destination" in config["DestinationConfig"]["OnFailure"], name
