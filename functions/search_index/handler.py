"""Ticket stream -> the search index (docs/search.md): tickets, their messages (internal notes included) and
knowledge-base articles are indexed when written, re-indexed when an article changes, and removed when deleted.

It reads the items' own records rather than the audit events: the index mirrors items (an erased ticket or a deleted
article has no event to follow), and the images carry all the text, so no read is needed. Every record is applied
idempotently (the index holds what the latest image says), so a batch delivered twice changes nothing more.
Partial batch failures are reported per record (ReportBatchItemFailures).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.search_index.records import change_of
from functions.tracing import traced
from shared.container import get_container
from shared.logs import service_logger

logger = service_logger("search-index")
metrics = Metrics(namespace="Helpdesk", service="search-index")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    change = change_of(record)
    if change is None:
        return
    line = change(get_container().search)
    logger.info(line)
    metrics.add_metric(name="IndexChanges", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@traced(service="search-index")
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
