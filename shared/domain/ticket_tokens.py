"""Signed tokens naming one ticket: `<base64url(ticket id bytes + MAC)>`, the MAC an HMAC-SHA256 (first 12 bytes)
over a label and the id. Nothing is stored, only the product can make one, and each kind has its own label, so a
survey token is never a conversation token nor the other way round (the reply address's token is another scheme:
shared/domain/mail/threads.py)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

_MAC_BYTES = 12
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")


@dataclass(frozen=True)
class TicketToken:
    label: bytes  # e.g. b"helpdesk-survey:"

    def _mac(self, secret: str, payload: bytes) -> bytes:
        return hmac.new(secret.encode(), self.label + payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def make(self, ticket_id: str, secret: str) -> str:
        if not _HEX_ID.match(ticket_id) or not secret:
            raise ValueError("ticket tokens name a 32-hex ticket id and need a secret")
        payload = bytes.fromhex(ticket_id)
        return base64.urlsafe_b64encode(payload + self._mac(secret, payload)).decode().rstrip("=")

    def ticket_id(self, token: str, secret: str) -> str | None:
        """The ticket a token names, or None when it is malformed, forged or of another kind."""
        if not secret or not _TOKEN.match(token or ""):
            return None
        try:
            data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        payload, mac = data[:-_MAC_BYTES], data[-_MAC_BYTES:]
        if len(payload) != 16 or not hmac.compare_digest(mac, self._mac(secret, payload)):
            return None
        return payload.hex()
