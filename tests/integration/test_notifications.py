"""The event-driven spine: ticket stream -> notification function -> SES and in-app notifications."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

from functions.notification.handler import lambda_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext, StreamPump, _lambda_record

ALICE = "alice@example.com"
AGENT = "wangfang@demo.local"
LEAD = "lead@demo.local"


def _stream_event(env) -> dict[str, Any]:
    """Everything on the ticket stream so far, as Lambda would deliver it."""
    streams = env.stack.client("dynamodbstreams")
    arn = env.stack.client("dynamodb").describe_table(TableName=env.stack.names["TicketsTable"])["Table"][
        "LatestStreamArn"
    ]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return {"Records": [_lambda_record(r, arn) for r in records]}


def _mails(env) -> list[email.message.EmailMessage]:
    return [
        email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
        for item in env.outbox.items()
    ]


def test_acknowledgment_once_even_when_the_batch_comes_twice(api, env):
    ticket = api.call("POST", "/api/tickets", ALICE, {"subject": "无法登录", "description": "密码错误"}).json_body
    event = _stream_event(env)
    first = lambda_handler(event, LambdaContext("NotificationFunction"))
    second = lambda_handler(event, LambdaContext("NotificationFunction"))
    assert first == second == {"batchItemFailures": []}
    mails = _mails(env)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["To"] == ALICE
    assert mail["Subject"] == f"[{ticket['number']}] 我们已收到您的工单：无法登录"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert f"<ticket-{ticket['id']}@demo.local>" in mail["References"]
    kinds = {part.get_content_type() for part in mail.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert ticket["number"] in mail.get_body(("plain",)).get_content()


def test_english_template_for_an_english_customer(env):
    from shared.domain.access import Principal
    from shared.domain.requests import TicketDraft

    customer = Principal.of("jane@example.com", "Jane", "customer")
    draft = TicketDraft(subject="Cannot log in", description="Password rejected", language="en")
    env.container.tickets.create(customer, draft)
    env.pump().drain()
    (mail,) = _mails(env)
    assert mail["Subject"].endswith("We received your request: Cannot log in")


def test_assignment_notifies_the_agent_in_app_once(api, env):
    ticket = api.call("POST", "/api/tickets", ALICE, {"subject": "s", "description": "d"}).json_body
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"assignee": AGENT})
    event = _stream_event(env)
    lambda_handler(event, LambdaContext("NotificationFunction"))
    lambda_handler(event, LambdaContext("NotificationFunction"))
    inbox = api.call("GET", "/api/notifications", AGENT).json_body["items"]
    assert [(n["type"], n["ticket_number"]) for n in inbox] == [("ticket.assigned", ticket["number"])]
    assert api.call("GET", "/api/notifications", LEAD).json_body["items"] == []
    assert api.call("GET", "/api/notifications", ALICE).status_code == 403


def test_public_replies_are_mailed_internal_notes_are_not(api, env):
    ticket = api.call("POST", "/api/tickets", ALICE, {"subject": "打印机", "description": "d"}).json_body
    path = f"/api/tickets/{ticket['id']}/messages"
    api.call("POST", path, AGENT, {"body": "内部：已联系厂商", "internal": True})
    api.call("POST", path, AGENT, {"body": "您好，已为您更换硒鼓。"})
    api.call("POST", path, ALICE, {"body": "谢谢"})
    env.pump().drain()
    mails = _mails(env)
    assert [m["Subject"] for m in mails] == [
        f"[{ticket['number']}] 我们已收到您的工单：打印机",
        f"Re: [{ticket['number']}] 打印机",
    ]
    reply = mails[1]
    assert "您好，已为您更换硒鼓。" in reply.get_body(("plain",)).get_content()
    assert "内部" not in reply.as_string()
    assert "Auto-Submitted" not in reply  # a person wrote it


def test_pump_retries_from_the_failed_record_then_dead_letters(env):
    from shared.domain.access import Principal
    from shared.domain.requests import TicketDraft

    customer = Principal.of(ALICE, "Alice", "customer")
    for i in range(3):
        env.container.tickets.create(customer, TicketDraft(subject=f"t{i}", description="d"))
    seen: list[list[str]] = []
    poison: list[str] = []

    def flaky(event: dict[str, Any], context: Any) -> dict[str, Any]:
        sequence = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        seen.append(sequence)
        poison[:] = poison or sequence[1:2]  # the batch's second record fails every time
        return {"batchItemFailures": [{"itemIdentifier": s} for s in sequence if s in poison]}

    pump = StreamPump(env.stack, env.stack.streams[0], handler=flaky, starting_position="TRIM_HORIZON", retry_delay=0)
    pump.drain()
    retries = env.stack.streams[0].maximum_retry_attempts
    first_batch = [s for s in seen if s[0] == seen[0][0]]
    assert len(first_batch) == 1
    # Retried from the failed record (never from the start of the batch), as many times as configured.
    assert seen[1 : 1 + retries] == [seen[0][1:]] * retries
    assert pump.dead_letters == 1
    queue = env.stack.client("sqs")
    url = queue.get_queue_url(QueueName=env.stack.streams[0].on_failure_queue)["QueueUrl"]
    (message,) = queue.receive_message(QueueUrl=url)["Messages"]
    info = json.loads(message["Body"])["DDBStreamBatchInfo"]
    assert info["startSequenceNumber"] == poison[0]


def test_a_function_error_bisects_the_batch(env):
    from shared.domain.access import Principal
    from shared.domain.requests import TicketDraft

    customer = Principal.of(ALICE, "Alice", "customer")
    env.container.tickets.create(customer, TicketDraft(subject="t", description="d"))
    sizes: list[int] = []

    def crashing(event: dict[str, Any], context: Any) -> dict[str, Any]:
        sizes.append(len(event["Records"]))
        if len(event["Records"]) > 1:
            raise RuntimeError("boom")
        return {"batchItemFailures": []}

    StreamPump(
        env.stack, env.stack.streams[0], handler=crashing, starting_position="TRIM_HORIZON", retry_delay=0
    ).drain()
    assert sizes[0] > 1 and sizes.count(1) == sizes[0]  # halved down to single records, each then delivered


def test_the_sample_event_sends_one_acknowledgment(env):
    """events/ticket_stream/ticket_created.json is what `sam local invoke NotificationFunction -e ...` is given."""
    event = json.loads((ROOT / "events" / "ticket_stream" / "ticket_created.json").read_text())
    assert lambda_handler(event, LambdaContext("NotificationFunction")) == {"batchItemFailures": []}
    assert lambda_handler(event, LambdaContext("NotificationFunction")) == {"batchItemFailures": []}
    mails = _mails(env)
    assert [(m["To"], m["Subject"]) for m in mails] == [
        ("wang.xiaoming@example.com", "[GD20261123001] 我们已收到您的工单：无法登录系统")
    ]
