"""SES receipt rule -> email intake: the raw MIME the rule's S3 action stored becomes a ticket, a message, a bounce
note or a recorded rejection (shared/services/email_intake.py).

Invoked asynchronously by SES (Lambda action, InvocationType Event): an exception makes Lambda retry the event,
then send it to the on-failure queue. Redeliveries are harmless: one Message-ID makes one ticket or message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

if TYPE_CHECKING:
    from shared.services.email_intake import InboundMail

logger = service_logger("email_intake")
metrics = Metrics(namespace="Helpdesk", service="email_intake")
INBOUND_PREFIX = "inbound/"  # the SES receipt rule's S3 action stores raw MIME under it (template.yaml)


def inbound_from_ses(record: dict[str, Any], now: datetime) -> InboundMail:
    """One record of the SES receipt event. With the rule's S3 action the event names the bucket and key; with
    the Lambda action that follows it, the key is the prefix plus SES's message id. `now` stands in for a missing
    or unreadable timestamp."""
    from shared.services.email_intake import InboundMail

    ses = record.get("ses") or {}
    mail = ses.get("mail") or {}
    receipt = ses.get("receipt") or {}
    action = receipt.get("action") or {}
    message_id = str(mail.get("messageId") or "")
    if action.get("type") == "S3" and action.get("objectKey"):
        bucket, key = action.get("bucketName"), str(action["objectKey"])
    else:
        bucket, key = None, f"{INBOUND_PREFIX}{message_id}"
    if not message_id and not key.strip("/"):
        raise ValueError("the SES record names no message")
    timestamp = str(mail.get("timestamp") or receipt.get("timestamp") or "")
    try:
        received_at = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        received_at = now
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    recipients = receipt.get("recipients") or mail.get("destination") or []
    return InboundMail(
        key=key,
        recipients=[str(r) for r in recipients],
        ses_message_id=message_id or key.rsplit("/", 1)[-1],
        received_at=received_at,
        bucket=str(bucket) if bucket else None,
    )


@logger.inject_lambda_context
@traced(service="email_intake")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    container = get_container()
    results = []
    for record in event.get("Records") or []:
        inbound = inbound_from_ses(record, container.clock.now())
        result = container.email_intake.receive(inbound)
        logger.info(
            "mail %s",
            result.outcome,
            extra={"key": inbound.key, "ticket_id": result.ticket_id, "reason": result.reason},
        )
        metrics.add_metric(name=f"Mail_{result.outcome}", unit=MetricUnit.Count, value=1)
        results.append({"key": inbound.key, **result.__dict__})
    return {"results": results}
