"""WechatInboundQueue (SQS FIFO) -> WeChat intake: each message the callback accepted becomes a ticket, a message in
one, or a change to its follower (shared/services/wechat_intake.py).

Powertools' SqsFifoPartialProcessor: a failed message is reported with the rest of its follower's group (their
order holds), the other followers' messages go on. Redeliveries are harmless: one MsgId makes one ticket or message,
and the welcome is sent once per subscription through Powertools Idempotency.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("wechat_intake")
metrics = Metrics(namespace="Helpdesk", service="wechat_intake")
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def record_handler(record: SQSRecord) -> None:
    from shared.domain.wechat.protocol import InboundMessage

    message = InboundMessage.from_json(json.loads(record.body))
    container = get_container()
    send_once = container.idempotent("wechat", container.send_wechat_job)
    result = container.wechat_intake(send=send_once).receive(message)
    logger.info(
        "wechat %s",
        result.outcome,
        extra={"key": message.dedupe_key(), "ticket_id": result.ticket_id, "msg_type": message.msg_type},
    )
    metrics.add_metric(name=f"Wechat_{result.outcome}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@traced(service="wechat_intake")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    get_container().register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
