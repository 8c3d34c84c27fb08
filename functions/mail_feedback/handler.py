"""SES configuration-set events (bounces, complaints) via SNS -> the address is marked undeliverable and the ticket
gets an internal note (shared/services/mail_feedback.py), once per SES message and event type."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container

logger = Logger(service="mail_feedback")
metrics = Metrics(namespace="Helpdesk", service="mail_feedback")


@logger.inject_lambda_context
@traced(service="mail_feedback")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    done = []
    for record in event.get("Records") or []:
        try:
            notification = json.loads((record.get("Sns") or {}).get("Message") or "{}")
        except ValueError:
            logger.warning("not an SES notification", extra={"message_id": (record.get("Sns") or {}).get("MessageId")})
            continue
        done.append(get_container().mail_feedback.handle(notification if isinstance(notification, dict) else {}))
        metrics.add_metric(name="FeedbackHandled", unit=MetricUnit.Count, value=1)
    for line in done:
        logger.info(line)
    return {"done": done}
