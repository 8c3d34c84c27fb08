"""What every ticket-stream consumer shares: reading domain events off records, and doing a thing once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from shared.adapters.tickets_store import parse_event_image
from shared.container import Container
from shared.domain.events import AuditEvent


def domain_event_of(record: DynamoDBRecord) -> AuditEvent | None:
    """The audit event a record inserted, or None for any other change (tickets, counters, messages...)."""
    if record.event_name is None or record.event_name.name != "INSERT" or record.dynamodb is None:
        return None
    image = record.raw_event["dynamodb"].get("NewImage") or {}
    if image.get("kind", {}).get("S") != "event":
        return None
    return parse_event_image(image)


def once_per_key(
    container: Container, function: str, action: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`action(job)` at most once per `job["idempotency_key"]`, recorded by Powertools Idempotency."""
    return container.idempotent(function, action)
