"""Which stream records change the search index, and how: a record in, one call of the search service out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from shared.domain.search.index import ARTICLES, TICKETS, message_part
from shared.services.search import SearchService

Change = Callable[[SearchService], str]
INDEXED_KINDS = ("ticket", "message", "kb_article")
# The article fields its index entry is made of: a view or a vote (a counter) changes none of them.
ARTICLE_TEXT = ("title", "body", "category", "tags", "summary", "status")


def change_of(record: DynamoDBRecord) -> Change | None:
    raw = record.raw_event.get("dynamodb", {})
    new, old = raw.get("NewImage") or {}, raw.get("OldImage") or {}
    kind = (new or old).get("kind", {}).get("S")
    if kind not in INDEXED_KINDS or record.event_name is None:
        return None
    removed = record.event_name.name == "REMOVE"
    if kind == "ticket":
        return _ticket(new, old, removed)
    if kind == "message":
        return _message(new, old, removed)
    return _article(new, old, removed)


def _ticket(new: dict[str, Any], old: dict[str, Any], removed: bool) -> Change | None:
    if removed:
        ticket_id = old["id"]["S"]
        return lambda search: search.remove(TICKETS, ticket_id)
    if old and all(old.get(f) == new.get(f) for f in ("subject", "description")):
        return None  # a status, an assignee, an SLA change: nothing the index holds
    from shared.adapters.ticket_mapping import TicketItem, from_item  # PynamoDB loads with the first ticket

    ticket = from_item(TicketItem.from_raw_data(new))
    return lambda search: search.index_ticket(ticket)


def _message(new: dict[str, Any], old: dict[str, Any], removed: bool) -> Change | None:
    if removed:
        ticket_id, message_id = old["ticket_id"]["S"], old["id"]["S"]
        return lambda search: search.remove(TICKETS, ticket_id, message_part(message_id))
    if old and old.get("body") == new.get("body") and old.get("internal") == new.get("internal"):
        return None
    from shared.adapters.ticket_mapping import MessageItem, to_message

    message = to_message(MessageItem.from_raw_data(new))
    return lambda search: search.index_message(message)


def _article(new: dict[str, Any], old: dict[str, Any], removed: bool) -> Change | None:
    if removed:
        article_id = old["id"]["S"]
        return lambda search: search.remove(ARTICLES, article_id)
    if old and all(old.get(f) == new.get(f) for f in ARTICLE_TEXT):
        return None
    from shared.adapters.kb_store import parse_article_image

    article = parse_article_image(new)
    return lambda search: search.index_article(article)
