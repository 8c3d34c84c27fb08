"""EventBridge cron, 01:00 tenant time -> the nightly report: yesterday's day report (and last week's on Mondays,
last month's on the 1st) to the reports bucket as JSON, CSV and HTML, and a summary mailed to supervisors and admins
once per report, even when the schedule fires twice (shared/services/nightly_report.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("nightly-report")
metrics = Metrics(namespace="Helpdesk", service="nightly-report")


def scheduled_at(event: dict[str, Any]) -> datetime | None:
    """EventBridge's event time is the scheduled time: a late or repeated run reports the same days."""
    raw = event.get("time")
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if isinstance(raw, str) and raw else None


@logger.inject_lambda_context
@traced(service="nightly-report")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    container = get_container()
    container.register_lambda_context(context)
    deliver_once = container.idempotent("nightly-report", container.send_mail_job)
    run = container.nightly_report(deliver=deliver_once).run(scheduled_at(event))
    for line in run.mailed:
        logger.info(line)
    metrics.add_metric(name="ReportsWritten", unit=MetricUnit.Count, value=len(run.spans))
    return {
        "reports": [f"{s.period.value}:{s.start.isoformat()}" for s in run.spans],
        "keys": run.keys,
        "mailed": len(run.mailed),
    }
