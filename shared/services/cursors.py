"""Opaque, tamper-proof page cursors: the store's last key, bound to the query it came from and signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from shared.errors import InvalidCursor


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("a cursor secret is required")
        self._secret = secret

    def _sign(self, scope: str, payload: bytes) -> bytes:
        return hmac.new(self._secret, scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]

    def encode(self, scope: str, key: dict[str, Any] | None) -> str | None:
        if not key:
            return None
        payload = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(payload)}.{_b64(self._sign(scope, payload))}"

    def decode(self, scope: str, cursor: str | None) -> dict[str, Any] | None:
        """The key a cursor stands for; a cursor from another query, or altered, is refused."""
        if not cursor:
            return None
        try:
            payload_text, signature_text = cursor.split(".", 1)
            payload, signature = _unb64(payload_text), _unb64(signature_text)
        except (ValueError, TypeError) as error:
            raise InvalidCursor("the cursor is not valid for this query", field="cursor") from error
        if not hmac.compare_digest(signature, self._sign(scope, payload)):
            raise InvalidCursor("the cursor is not valid for this query", field="cursor")
        key = json.loads(payload)
        if not isinstance(key, dict):
            raise InvalidCursor("the cursor is not valid for this query", field="cursor")
        return key
