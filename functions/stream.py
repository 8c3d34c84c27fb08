"""What every ticket-stream consumer shares: reading the domain events off the records."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from shared.domain.events import AuditEvent


def domain_event_of(record: DynamoDBRecord) -> AuditEvent | None:
    """The audit event a record inserted, or None for any other change (tickets, counters, messages...)."""
    if record.event_name is None or record.event_name.name != "INSERT":
        return None
    image = record.raw_event.get("dynamodb", {}).get("NewImage") or {}
    if image.get("kind", {}).get("S") != "event":
        return None
    from shared.adapters.ticket_mapping import parse_event_image  # PynamoDB loads with the first event

    return parse_event_image(image)
