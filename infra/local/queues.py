"""The queue pump: Lambda's SQS event source mapping, for local mode.

It receives from the emulated queue and invokes the same handler with Lambda's SQS event shape, honouring what
template.yaml configures: batch size and ReportBatchItemFailures. Messages the handler took are deleted; the ones
it reported (or all, when it raised) become visible again after a second, and the queue's own redrive policy moves
a message to its dead-letter queue after `maxReceiveCount` receives, as on AWS.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from infra.local.pump import Handler, LambdaContext, load_handler
from infra.local.stack import ACCOUNT, REGION, LocalStack, QueueSubscription

log = logging.getLogger("helpdesk.local.queues")
RETRY_AFTER_SECONDS = 1


def _lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    attributes = dict(message.get("Attributes") or {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": message.get("MessageAttributes") or {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


class QueuePump:
    def __init__(self, stack: LocalStack, subscription: QueueSubscription, handler: Handler | None = None) -> None:
        self._sub = subscription
        self._handler = handler or load_handler(subscription.handler)
        self._sqs = stack.client("sqs")
        self._url = self._sqs.get_queue_url(QueueName=subscription.queue)["QueueUrl"]
        self._arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{subscription.queue}"
        self._lock = threading.Lock()
        self.invocations = 0

    def drain(self, until: float | None = None, wait_seconds: int = 0) -> int:
        """Receive and deliver batches until the queue has nothing visible (or `until`, a monotonic deadline).
        `wait_seconds`: long-poll the first receive, as Lambda's pollers do (the emulator wakes on a new message).
        Returns the messages delivered."""
        delivered = 0
        with self._lock:
            while until is None or time.monotonic() < until:
                response = self._sqs.receive_message(
                    QueueUrl=self._url,
                    MaxNumberOfMessages=max(1, min(10, self._sub.batch_size)),
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                    WaitTimeSeconds=wait_seconds if delivered == 0 else 0,
                )
                messages = response.get("Messages") or []
                if not messages:
                    break
                self._deliver(messages)
                delivered += len(messages)
        return delivered

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        records = [_lambda_record(m, self._arn) for m in messages]
        self.invocations += 1
        failed: set[str]
        try:
            response = self._handler({"Records": records}, LambdaContext(self._sub.function))
        except Exception:
            log.exception("%s failed on a batch of %d", self._sub.function, len(records))
            failed = {r["messageId"] for r in records}
        else:
            failures = (response or {}).get("batchItemFailures") if self._sub.report_item_failures else None
            failed = {f.get("itemIdentifier") for f in failures or []}
        for record in records:
            if record["messageId"] in failed:
                # Lambda leaves it for the visibility timeout; a second here keeps local retries prompt.
                self._sqs.change_message_visibility(
                    QueueUrl=self._url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=RETRY_AFTER_SECONDS
                )
            else:
                self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=record["receiptHandle"])
