"""Pushing chat frames to open connections (docs/chat.md): the management API of API Gateway's WebSocket API on
AWS, the local WebSocket server's own sockets in local mode. Both raise `ConnectionGone` for a connection that is no
longer there, so the caller deletes it instead of retrying.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from shared.errors import ConnectionGone


class ManagementApiPush:
    """`post_to_connection` on `https://<api id>.execute-api.<region>.amazonaws.com/<stage>`."""

    def __init__(self, client: Callable[[], Any]) -> None:
        self._client = client  # created on the first push: a frame that pushes nothing loads no client

    def post(self, connection_id: str, data: str) -> None:
        client = self._client()
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data.encode("utf-8"))
        except client.exceptions.GoneException as error:
            raise ConnectionGone(connection_id) from error


class LocalSockets:
    """Local mode: the WebSocket server registers each open socket's sender here; a push to an unknown id is a gone
    connection, as API Gateway answers 410."""

    def __init__(self) -> None:
        self._senders: dict[str, Callable[[str], None]] = {}
        self._lock = threading.Lock()

    def register(self, connection_id: str, send: Callable[[str], None]) -> None:
        with self._lock:
            self._senders[connection_id] = send

    def unregister(self, connection_id: str) -> None:
        with self._lock:
            self._senders.pop(connection_id, None)

    def post(self, connection_id: str, data: str) -> None:
        with self._lock:
            send = self._senders.get(connection_id)
        if send is None:
            raise ConnectionGone(connection_id)
        send(data)
