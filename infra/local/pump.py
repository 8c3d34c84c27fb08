"""The stream pump: Lambda's DynamoDB-stream event source mapping, for local mode.

It polls the emulated stream and invokes the same handler with the same event shape, honouring what template.yaml
configures: batch size and window, ReportBatchItemFailures (retry from the first failed record), bisecting a batch
on a function error, a bounded number of retries, and the on-failure SQS destination.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infra.local.stack import ACCOUNT, REGION, LocalStack, StreamSubscription

log = logging.getLogger("helpdesk.local.pump")
Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """What the Lambda runtime passes a handler, enough for Powertools."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: float = field(default_factory=lambda: time.monotonic() + 60)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def load_handler(path: str) -> Handler:
    """`functions/notification/handler.lambda_handler` -> the function object."""
    module_path, _, name = path.rpartition(".")
    module = importlib.import_module(module_path.replace("/", "."))
    return getattr(module, name)


def _lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    record = dict(record)
    dynamodb = dict(record.get("dynamodb", {}))
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    record["dynamodb"] = dynamodb
    record["eventSourceARN"] = stream_arn
    record.setdefault("awsRegion", REGION)
    return record


class StreamPump:
    def __init__(
        self,
        stack: LocalStack,
        subscription: StreamSubscription,
        handler: Handler | None = None,
        starting_position: str | None = None,
        retry_delay: float = 0.05,
    ) -> None:
        self._stack = stack
        self._sub = subscription
        self._handler = handler or load_handler(subscription.handler)
        self._streams = stack.client("dynamodbstreams")
        self._sqs = stack.client("sqs")
        table = stack.client("dynamodb").describe_table(TableName=subscription.table)["Table"]
        self._stream_arn = table["LatestStreamArn"]
        self._position = starting_position or subscription.starting_position
        self._iterators: dict[str, str] = {}
        self._pending: list[dict[str, Any]] = []
        self._retry_delay = retry_delay
        self._lock = threading.Lock()
        self.invocations = 0
        self.dead_letters = 0

    def _fetch(self) -> None:
        shards = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=self._position
                )["ShardIterator"]
            response = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=1000)
            self._iterators[shard_id] = response["NextShardIterator"]
            records = [_lambda_record(r, self._stream_arn) for r in response.get("Records", [])]
            # Records the event source's filter drops are never delivered (and never retried), as on Lambda.
            self._pending += [r for r in records if self._sub.accepts(r)]

    def drain(self, until: float | None = None) -> int:
        """Fetch what the stream holds and deliver it, batch by batch: all of it, or what fits before `until` (a
        `time.monotonic()` deadline; the rest stays pending for the next drain). Returns records delivered."""
        with self._lock:
            self._fetch()
            delivered = 0
            while self._pending and (until is None or time.monotonic() < until):
                batch = self._pending[: self._sub.batch_size]
                self._pending = self._pending[len(batch) :]
                self._deliver(batch)
                delivered += len(batch)
            return delivered

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        retries = 0
        while batch:
            self.invocations += 1
            try:
                response = self._handler({"Records": batch}, LambdaContext(self._sub.function))
            except Exception:
                log.exception("%s failed on a batch of %d", self._sub.function, len(batch))
                if self._sub.bisect_on_error and len(batch) > 1:
                    middle = len(batch) // 2
                    self._deliver(batch[:middle])
                    self._deliver(batch[middle:])
                    return
                failed_from = 0
            else:
                failures = (response or {}).get("batchItemFailures") if self._sub.report_item_failures else None
                if not failures:
                    return
                failed = {f.get("itemIdentifier") for f in failures}
                failed_from = next((i for i, r in enumerate(batch) if r["dynamodb"].get("SequenceNumber") in failed), 0)
            # Lambda checkpoints before the first failed record and retries from there.
            batch = batch[failed_from:]
            retries += 1
            limit = self._sub.maximum_retry_attempts
            if limit >= 0 and retries > limit:
                self._dead_letter(batch)
                return
            time.sleep(self._retry_delay * retries)

    def _dead_letter(self, batch: list[dict[str, Any]]) -> None:
        """What Lambda sends to an on-failure destination: the batch's coordinates, not its records."""
        self.dead_letters += 1
        log.error("%s gave up on %d records; sent to its dead-letter queue", self._sub.function, len(batch))
        if not self._sub.on_failure_queue:
            return
        url = self._sqs.get_queue_url(QueueName=self._sub.on_failure_queue)["QueueUrl"]
        sequence = [r["dynamodb"].get("SequenceNumber") for r in batch]
        body = {
            "requestContext": {"condition": "RetryAttemptsExhausted", "functionArn": self._sub.function},
            "DDBStreamBatchInfo": {
                "streamArn": self._stream_arn,
                "startSequenceNumber": sequence[0],
                "endSequenceNumber": sequence[-1],
                "batchSize": len(batch),
            },
        }
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
