"""The queue between WeChat's callback and the intake function (template.yaml: WechatInboundQueue, SQS FIFO).

One message group per follower keeps a follower's messages in order (their first message opens the ticket the
second one joins); the deduplication id is the MsgId's, so WeChat's retries within SQS's five minutes are dropped
by the queue itself (the intake's MsgId claim covers the rest).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any

from shared.domain.wechat.protocol import InboundMessage


class SqsInboundQueue:
    def __init__(self, sqs: Any, queue: str) -> None:
        self._sqs = sqs
        self._queue = queue

    @cached_property
    def _url(self) -> str:
        # The template passes the queue's URL (its Ref); a bare name is looked up once.
        if self._queue.startswith(("http://", "https://")):
            return self._queue
        return str(self._sqs.get_queue_url(QueueName=self._queue)["QueueUrl"])

    def put(self, message: InboundMessage) -> None:
        self._sqs.send_message(
            QueueUrl=self._url,
            MessageBody=json.dumps(message.to_json(), ensure_ascii=False),
            MessageGroupId=message.openid,
            MessageDeduplicationId=hashlib.sha256(message.dedupe_key().encode("utf-8")).hexdigest(),
        )
