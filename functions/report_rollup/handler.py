"""EventBridge `rate(1 minute)` -> the report rollup: the report facts of closed one-minute windows folded into
per-day rollups, each window into each rollup exactly once even when the schedule fires twice, two runs overlap or a
run dies half-way (shared/services/report_rollup.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("report-rollup")
metrics = Metrics(namespace="Helpdesk", service="report-rollup")


@logger.inject_lambda_context
@traced(service="report-rollup")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = get_container().report_rollup.run()
    if run.behind:
        logger.warning("more facts waiting than one run folds: the next runs catch up", extra={"through": run.through})
    metrics.add_metric(name="FactsFolded", unit=MetricUnit.Count, value=run.facts_read)
    metrics.add_metric(name="RollupsSaved", unit=MetricUnit.Count, value=run.rollups_saved)
    metrics.add_metric(name="RollupBehind", unit=MetricUnit.Count, value=int(run.behind))
    return {"facts_read": run.facts_read, "rollups_saved": run.rollups_saved, "behind": run.behind}
