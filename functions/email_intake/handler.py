"""SES receipt rule -> email intake: the raw MIME the rule's S3 action stored becomes a ticket, a message, a bounce
note or a recorded rejection (shared/services/email_intake.py).

Invoked asynchronously by SES (Lambda action, InvocationType Event): an exception makes Lambda retry the event,
then send it to the on-failure queue. Redeliveries are harmless: one Message-ID makes one ticket or message.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container

logger = Logger(service="email_intake")
metrics = Metrics(namespace="Helpdesk", service="email_intake")


@logger.inject_lambda_context
@traced(service="email_intake")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from shared.services.email_intake import inbound_from_ses

    results = []
    for record in event.get("Records") or []:
        inbound = inbound_from_ses(record)
        result = get_container().email_intake.receive(inbound)
        logger.info(
            "mail %s",
            result.outcome,
            extra={"key": inbound.key, "ticket_id": result.ticket_id, "reason": result.reason},
        )
        metrics.add_metric(name=f"Mail_{result.outcome}", unit=MetricUnit.Count, value=1)
        results.append({"key": inbound.key, **result.__dict__})
    return {"results": results}
