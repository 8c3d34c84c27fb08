"""SES configuration-set events (bounces, complaints) via SNS -> the address is marked undeliverable and the ticket
gets an internal note (shared/services/mail_feedback.py), once per SES message and event type."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

if TYPE_CHECKING:
    from shared.services.mail_feedback import Feedback

logger = service_logger("mail_feedback")
metrics = Metrics(namespace="Helpdesk", service="mail_feedback")


def read_feedback(notification: dict[str, Any]) -> Feedback | None:
    """An SES event (`eventType`) or notification (`notificationType`) of a bounce or complaint; None otherwise."""
    from shared.domain.mail.threads import ticket_numbers_in_subject
    from shared.services.mail_feedback import Feedback

    kind = str(notification.get("eventType") or notification.get("notificationType") or "").lower()
    mail = notification.get("mail") or {}
    headers = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in mail.get("headers") or []}
    common = mail.get("commonHeaders") or {}
    numbers = ticket_numbers_in_subject(headers.get("x-helpdesk-ticket", "") or str(common.get("subject") or ""))
    base = {
        "ses_message_id": str(mail.get("messageId") or ""),
        "ticket_number": numbers[0] if numbers else None,
        "message_id": headers.get("message-id") or common.get("messageId"),
    }
    if kind == "bounce":
        bounce = notification.get("bounce") or {}
        recipients = [str(r.get("emailAddress", "")).lower() for r in bounce.get("bouncedRecipients") or []]
        detail = "; ".join(str(r.get("diagnosticCode", "")) for r in bounce.get("bouncedRecipients") or [])
        permanent = str(bounce.get("bounceType", "")) == "Permanent"
        detail = f"{bounce.get('bounceType', '')}/{bounce.get('bounceSubType', '')} {detail}".strip()
        return Feedback("bounce", recipients=[r for r in recipients if r], permanent=permanent, detail=detail, **base)
    if kind == "complaint":
        complaint = notification.get("complaint") or {}
        recipients = [str(r.get("emailAddress", "")).lower() for r in complaint.get("complainedRecipients") or []]
        detail = str(complaint.get("complaintFeedbackType") or "complaint")
        return Feedback("complaint", recipients=[r for r in recipients if r], permanent=True, detail=detail, **base)
    return None


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
        feedback = read_feedback(notification if isinstance(notification, dict) else {})
        done.append(get_container().mail_feedback.handle(feedback))
        metrics.add_metric(name="FeedbackHandled", unit=MetricUnit.Count, value=1)
    for line in done:
        logger.info(line)
    return {"done": done}
