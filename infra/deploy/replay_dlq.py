"""Replay the notification dead-letter queue: re-run the stream records of each failed batch.

When the NotificationFunction gives up on a batch (retries exhausted, or records older than the
mapping's maximum age), Lambda puts a message in NotificationDeadLetterQueue that names the batch: its
stream, shard and sequence range (`DDBStreamBatchInfo`), not the records. This script reads each message,
fetches that range from the DynamoDB stream (which keeps records for 24 hours), and invokes the function
with them in the event shape Lambda uses, one record per invocation. A message is deleted only when every
one of its records succeeded; otherwise it stays in the queue and the script says why. Replaying is safe:
the function's side effects are idempotent.

    make dlq-replay                       # dry run: lists what would be replayed
    make dlq-replay DLQ_REPLAY_ARGS=--apply

Options: --stack-name (default helpdesk) finds the queue and the function from the stack; --queue-url
and --function-name name them directly; --max-messages bounds one run; --region. AWS credentials come
from the usual places (environment, profile). Runs with the tools venv's Python (boto3 comes with SAM).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

# Long polling per receive; an empty receive ends the run.
WAIT_SECONDS = 1


def _jsonable(value: Any) -> Any:
    """A GetRecords record as Lambda's event has it: binary attributes base64, times as epoch seconds."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    event_record = _jsonable(record)
    event_record["eventSourceARN"] = stream_arn
    return event_record


def stream_records(streams: Any, info: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The records of one failed batch, read from its shard between start and end sequence numbers."""
    start, end = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    iterator = streams.get_shard_iterator(
        StreamArn=info["streamArn"],
        ShardId=info["shardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=info["startSequenceNumber"],
    ).get("ShardIterator")
    empty_reads = 0
    while iterator and empty_reads < 5:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        records = page.get("Records", [])
        empty_reads = 0 if records else empty_reads + 1
        for record in records:
            sequence = int(record["dynamodb"]["SequenceNumber"])
            if sequence > end:
                return
            if sequence >= start:
                yield record
            if sequence >= end:
                return
        iterator = page.get("NextShardIterator")


class Replayer:
    def __init__(
        self,
        sqs: Any,
        streams: Any,
        invoke: Callable[[dict[str, Any]], tuple[bool, str]],
        queue_url: str,
        apply: bool,
        out: Callable[[str], None] = print,
    ) -> None:
        self.sqs, self.streams, self.invoke = sqs, streams, invoke
        self.queue_url, self.apply, self.out = queue_url, apply, out

    def run(self, max_messages: int) -> tuple[int, int]:
        """Replay up to max_messages messages; return (replayed, left in the queue)."""
        replayed = left = 0
        seen: set[str] = set()
        while replayed + left < max_messages:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, max_messages - replayed - left),
                WaitTimeSeconds=WAIT_SECONDS,
                # Long enough to replay a batch; an unfinished message comes back for the next run.
                VisibilityTimeout=300 if self.apply else 0,
            ).get("Messages", [])
            fresh = [m for m in batch if m["MessageId"] not in seen]
            if not fresh:
                break
            for message in fresh:
                seen.add(message["MessageId"])
                if self._replay(message):
                    replayed += 1
                else:
                    left += 1
        return replayed, left

    def _replay(self, message: dict[str, Any]) -> bool:
        message_id = message["MessageId"]
        try:
            body = json.loads(message["Body"])
            info = body["DDBStreamBatchInfo"]
        except (ValueError, KeyError, TypeError):
            self.out(f"{message_id}: not a DynamoDB stream failure record; left in the queue")
            return False
        span = f"{info['startSequenceNumber']}..{info['endSequenceNumber']}"
        label = f"{message_id}: shard {info['shardId']} {span}"
        try:
            records = [lambda_record(r, info["streamArn"]) for r in stream_records(self.streams, info)]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            self.out(f"{label}: cannot read the stream ({code}); records older than 24 h are gone: left")
            return False
        if not records:
            self.out(f"{label}: no records left in the stream (older than 24 h?): left in the queue")
            return False
        if not self.apply:
            names = ", ".join(f"{r.get('eventName')} {r['dynamodb'].get('Keys')}" for r in records)
            self.out(f"{label}: would replay {len(records)} record(s): {names}")
            return True
        # One record per call: a record is at most 400 KB, far below Lambda's 6 MB payload limit, and one bad
        # record does not hide the others.
        failures = []
        for record in records:
            ok, detail = self.invoke({"Records": [record]})
            if not ok:
                failures.append(f"{record['dynamodb']['SequenceNumber']} ({detail})")
        if failures:
            self.out(f"{label}: {len(failures)} of {len(records)} failed again: {'; '.join(failures)}")
            return False
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        self.out(f"{label}: replayed {len(records)} record(s); message deleted")
        return True


def lambda_invoker(client: Any, function_name: str) -> Callable[[dict[str, Any]], tuple[bool, str]]:
    def invoke(event: dict[str, Any]) -> tuple[bool, str]:
        response = client.invoke(FunctionName=function_name, Payload=json.dumps(event).encode("utf-8"))
        payload = response["Payload"].read().decode("utf-8") or "null"
        if response.get("FunctionError"):
            return False, payload[:300]
        result = json.loads(payload)
        if isinstance(result, dict) and result.get("batchItemFailures"):
            return False, "reported as a batch item failure"
        return True, ""

    return invoke


def _from_stack(session: Any, stack_name: str) -> tuple[str, str]:
    cloudformation = session.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    function = cloudformation.describe_stack_resource(StackName=stack_name, LogicalResourceId="NotificationFunction")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    return outputs["NotificationDeadLetterQueueUrl"], function


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-name", default="helpdesk")
    parser.add_argument("--queue-url")
    parser.add_argument("--function-name")
    parser.add_argument("--region")
    parser.add_argument("--max-messages", type=int, default=100)
    parser.add_argument("--apply", action="store_true", help="invoke and delete; without it, a dry run")
    args = parser.parse_args(argv)

    session = boto3.Session(region_name=args.region)
    queue_url, function_name = args.queue_url, args.function_name
    if not (queue_url and function_name):
        stack_queue, stack_function = _from_stack(session, args.stack_name)
        queue_url, function_name = queue_url or stack_queue, function_name or stack_function
    replayer = Replayer(
        sqs=session.client("sqs"),
        streams=session.client("dynamodbstreams"),
        invoke=lambda_invoker(session.client("lambda"), function_name),
        queue_url=queue_url,
        apply=args.apply,
    )
    replayed, left = replayer.run(args.max_messages)
    verb = "replayed" if args.apply else "replayable"
    hint = "" if args.apply else " (dry run: add --apply)"
    print(f"{verb}: {replayed}; left in the queue: {left}{hint}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
