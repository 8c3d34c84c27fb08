"""API Gateway WebSocket API -> live chat (shared/services/chat.py, docs/chat.md).

One function for the three routes: `requestContext.routeKey` says which. `$connect` answers 403 to a site that may
not open a chat (API Gateway then refuses the upgrade) and 200 otherwise; `$disconnect` deletes the connection;
`$default` hands the frame to the service, which answers the visitor through the management API. Nothing a visitor
sends makes this function fail: bad frames are answered with error frames.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tracing import traced
from shared.container import get_container
from shared.errors import Forbidden

logger = Logger(service="chat_socket")


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def handle(event: dict[str, Any]) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    route = context.get("routeKey")
    connection_id = str(context.get("connectionId") or "")
    chat = get_container().chat
    if not connection_id:
        return {"statusCode": 400}
    if route == "$connect":
        token = (event.get("queryStringParameters") or {}).get("token")
        try:
            chat.connect(connection_id, _header(event, "origin"), token)
        except Forbidden as refused:
            logger.info("chat connect refused", extra={"reason": str(refused)})
            return {"statusCode": 403}
        return {"statusCode": 200}
    if route == "$disconnect":
        chat.disconnect(connection_id)
        return {"statusCode": 200}
    body = event.get("body")
    if event.get("isBase64Encoded") and isinstance(body, str):
        import base64

        body = base64.b64decode(body).decode("utf-8", "replace")
    # API Gateway's id of this delivery of the frame; a redelivery of the same frame keeps it.
    delivery = str(context.get("messageId") or context.get("requestId") or "")
    try:
        chat.receive(connection_id, body, delivery)
    except Exception:  # a fault of ours (storage unreachable, a lost race): the visitor is told, then it is raised
        logger.exception("chat frame failed", extra={"connection_id": connection_id})
        chat.apologize(connection_id)
        raise
    return {"statusCode": 200}


@logger.inject_lambda_context
@traced(service="chat_socket")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    get_container().register_lambda_context(context)
    return handle(event)
