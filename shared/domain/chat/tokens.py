"""Conversation tokens: the visitor's right to resume their chat after a reconnect (docs/chat.md).

`<base64url(ticket id bytes + MAC)>`, the MAC an HMAC-SHA256 (first 12 bytes) under its own label, keyed with the
product's token secret: nothing is stored, only the product can make one, and it names exactly one ticket. A survey
token or a reply-address token, made under other labels, is never a conversation token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

_MAC_BYTES = 12
_LABEL = b"helpdesk-chat:"
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, _LABEL + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def make_conversation_token(ticket_id: str, secret: str) -> str:
    if not _HEX_ID.match(ticket_id) or not secret:
        raise ValueError("conversation tokens name a 32-hex ticket id and need a secret")
    payload = bytes.fromhex(ticket_id)
    return base64.urlsafe_b64encode(payload + _mac(secret.encode(), payload)).decode().rstrip("=")


def ticket_id_from_conversation_token(token: str, secret: str) -> str | None:
    """The ticket a token names, or None when it is malformed or forged."""
    if not secret or not _TOKEN.match(token or ""):
        return None
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    payload, mac = data[:-_MAC_BYTES], data[-_MAC_BYTES:]
    if len(payload) != 16 or not hmac.compare_digest(mac, _mac(secret.encode(), payload)):
        return None
    return payload.hex()
