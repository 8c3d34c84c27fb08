"""Local mode's WebSocket server for live chat (docs/chat.md): what API Gateway's WebSocket API does on AWS.

Each connection gets an id in API Gateway's style; the opening handshake becomes a `$connect` event (refused with the
status the handler answers), each text frame a `$default` event with its own `messageId`, the close a `$disconnect`
event. The same `ChatSocketFunction` handler takes them. Frames the product pushes (`post_to_connection` on AWS)
reach the socket through `LocalSockets`, where each open socket registers its sender; a socket that has closed is
not there, which the product sees as API Gateway's 410 Gone.

The `websockets` library's threading server: one thread per connection calls the handler as Lambda would, so a
slow write never holds the other conversations.
"""

from __future__ import annotations

import base64
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from shared.adapters.chat_push import LocalSockets

log = logging.getLogger("helpdesk.local.chat")
Handler = Callable[[dict[str, Any]], dict[str, Any]]
# API Gateway's limit on one WebSocket message; the product refuses frames over 8 KB itself, with an error frame.
GATEWAY_FRAME_LIMIT = 128 * 1024
STAGE = "chat"


def new_connection_id() -> str:
    """API Gateway's connection ids are 12 random bytes, base64 (`Q1aBcdEfSQ0CIfA=`)."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def _context(route: str, event_type: str, connection_id: str, host: str, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    request_id = base64.b64encode(secrets.token_bytes(9)).decode()
    return {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": STAGE,
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "identity": {"sourceIp": "127.0.0.1"},
        "requestId": request_id,
        "domainName": host,
        "connectionId": connection_id,
        "apiId": "local",
        **extra,
    }


def connect_event(connection_id: str, path: str, headers: Headers, host: str, connected_at: int) -> dict[str, Any]:
    query = dict(parse_qsl(urlsplit(path).query))
    event: dict[str, Any] = {
        "headers": {name: value for name, value in headers.raw_items()},
        "multiValueHeaders": {name: headers.get_all(name) for name in headers},
        "requestContext": _context("$connect", "CONNECT", connection_id, host, connectedAt=connected_at),
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    return event


def message_event(connection_id: str, body: str, host: str, connected_at: int) -> dict[str, Any]:
    message_id = base64.b64encode(secrets.token_bytes(10)).decode()
    context = _context("$default", "MESSAGE", connection_id, host, connectedAt=connected_at, messageId=message_id)
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def disconnect_event(connection_id: str, host: str, connected_at: int, code: int | None) -> dict[str, Any]:
    context = _context(
        "$disconnect",
        "DISCONNECT",
        connection_id,
        host,
        connectedAt=connected_at,
        disconnectStatusCode=code or 1006,
        disconnectReason="",
    )
    return {"headers": {}, "multiValueHeaders": {}, "requestContext": context, "isBase64Encoded": False}


class LocalChatServer:
    def __init__(self, handler: Handler, sockets: LocalSockets, host: str, port: int) -> None:
        self._handler = handler
        self._sockets = sockets
        self._server: Server = serve(
            self._connection,
            host,
            port,
            process_request=self._connect,
            max_size=GATEWAY_FRAME_LIMIT,
            compression=None,
        )
        self._thread: threading.Thread | None = None
        self._ids: dict[int, tuple[str, int]] = {}
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self._server.socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="chat-websocket", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        if self._thread:
            self._thread.join(timeout=5)

    def _host(self) -> str:
        return f"127.0.0.1:{self.port}"

    # -- $connect: during the opening handshake, so a refusal is an HTTP status, as on AWS -------------------------
    def _connect(self, connection: ServerConnection, request: Request) -> Response | None:
        connection_id = new_connection_id()
        connected_at = int(datetime.now(UTC).timestamp() * 1000)
        event = connect_event(connection_id, request.path, request.headers, self._host(), connected_at)
        try:
            status = int(self._handler(event).get("statusCode", 500))
        except Exception:  # a failing $connect is API Gateway's 500 to the handshake
            log.exception("chat $connect failed")
            status = 500
        if status != 200:
            return connection.respond(HTTPStatus(status), f"{HTTPStatus(status).phrase}\n")
        with self._lock:
            self._ids[id(connection)] = (connection_id, connected_at)
        # Registered before the handshake completes: a push right after it finds the socket.
        self._sockets.register(connection_id, lambda data: connection.send(data))
        return None

    # -- frames and the close ---------------------------------------------------------------------------------------
    def _connection(self, connection: ServerConnection) -> None:
        with self._lock:
            connection_id, connected_at = self._ids.pop(id(connection))
        code: int | None = None
        try:
            for frame in connection:
                body = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                try:
                    self._handler(message_event(connection_id, body, self._host(), connected_at))
                except Exception:  # API Gateway drops the invocation's error; the socket stays open
                    log.exception("chat $default failed")
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        finally:
            self._sockets.unregister(connection_id)
            code = code or connection.close_code
            try:
                self._handler(disconnect_event(connection_id, self._host(), connected_at, code))
            except Exception:
                log.exception("chat $disconnect failed")


def lambda_handler_for_local() -> Handler:
    """ChatSocketFunction's handler, called as Lambda calls it."""
    from functions.chat_socket.handler import lambda_handler
    from infra.local.pump import LambdaContext

    context = LambdaContext("ChatSocketFunction")
    return lambda event: lambda_handler(event, context)
