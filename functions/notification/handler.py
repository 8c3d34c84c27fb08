"""Ticket stream -> notifications: the requester's mail or WeChat texts (acknowledgment, replies, resolution),
agents' in-app notices, and the report facts (per-day counters, shared/services/report_facts.py: this function reads
the stream for them too, since a stream serves two readers per shard without throttling and the table has two).

Partial batch failures are reported per record (ReportBatchItemFailures); mail is sent once per domain event
through Powertools Idempotency, because the stream delivers at least once.
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

logger = service_logger("notification")
metrics = Metrics(namespace="Helpdesk", service="notification")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    event = domain_event_of(record)
    if event is None:
        return
    container = get_container()
    deliver_once = container.idempotent("notification", container.send_mail_job)
    # WeChat texts share the intake's prefix: one key (the event's) sends one customer-service message.
    wechat_once = container.idempotent("wechat", container.send_wechat_job)
    done = container.notifications(deliver=deliver_once, wechat_send=wechat_once).handle(event)
    done += container.report_facts.record(event)  # once per event, keyed on it like the mail
    for line in done:
        logger.info(line, extra={"event_id": event.id, "ticket_id": event.ticket_id})
    metrics.add_metric(name="EventsHandled", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@traced(service="notification")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    get_container().register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
