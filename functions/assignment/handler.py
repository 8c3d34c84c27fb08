"""Ticket stream -> routing: rules on new tickets, agent choice with capacity claims, team queues, and the in-app
notifications of routing and SLA events (shared/services/assignment.py).

Partial batch failures are reported per record (ReportBatchItemFailures): a ticket whose routing fails is retried
alone, the rest of the batch goes on. Every side effect is keyed on the domain event or the ticket, so a batch
delivered twice assigns once and notifies once.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.stream import domain_event_of
from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("assignment")
metrics = Metrics(namespace="Helpdesk", service="assignment")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    container = get_container()
    stream = record.dynamodb
    new_image = (stream.new_image if stream else None) or {}
    if new_image.get("kind") == "agent" and record.event_name and record.event_name.name != "REMOVE":
        # An agent came online, got more room, joined a team or learned a skill: serve their teams' queues.
        done = container.assignment.agent_changed((stream.old_image if stream else None) or None, new_image)
        for line in done:
            logger.info(line)
        return
    event = domain_event_of(record)
    if event is None:
        return
    for line in container.assignment.handle(event):
        logger.info(line, extra={"event_id": event.id, "ticket_id": event.ticket_id})
    metrics.add_metric(name="EventsRouted", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@traced(service="assignment")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
