"""EventBridge `rate(1 minute)` -> the SLA sweep: acknowledgment time-outs, warnings and breaches that fell due,
each acted on exactly once even when the schedule fires twice (shared/services/sla_sweep.py); then the staff alert
digest, one mail per person (shared/services/staff_alerts.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("sla-sweep")
metrics = Metrics(namespace="Helpdesk", service="sla-sweep")


@logger.inject_lambda_context
@traced(service="sla-sweep")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    container = get_container()
    container.register_lambda_context(context)  # the digest mail's idempotency record expires with the invocation
    report = container.sla_sweep.sweep()
    for line in report.acted:
        logger.info(line)
    metrics.add_metric(name="CheckpointsDue", unit=MetricUnit.Count, value=report.due)
    metrics.add_metric(name="IndexItemsRead", unit=MetricUnit.Count, value=report.index_items_read)
    return {
        "due": report.due,
        "acted": len(report.acted),
        "index_items_read": report.index_items_read,
        "tickets_read": report.tickets_read,
    }
