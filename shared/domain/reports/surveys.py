"""Satisfaction survey links: a signed token naming the ticket, so a requester answers with one click, unsigned in.

`<base64url(ticket id bytes + MAC)>`, the MAC an HMAC-SHA256 (first 12 bytes) keyed with the survey secret: only
the product can make one, and a token names exactly one ticket. Like the reply address's token
(`shared/domain/mail/threads.py`), with its own key and label, so neither token works as the other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

SCORES = range(1, 6)
_MAC_BYTES = 12
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"helpdesk-survey:" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def make_survey_token(ticket_id: str, secret: str) -> str:
    if not _HEX_ID.match(ticket_id) or not secret:
        raise ValueError("survey tokens name a 32-hex ticket id and need a secret")
    payload = bytes.fromhex(ticket_id)
    return base64.urlsafe_b64encode(payload + _mac(secret.encode(), payload)).decode().rstrip("=")


def ticket_id_from_survey_token(token: str, secret: str) -> str | None:
    """The ticket a token names, or None when it is malformed or not ours."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    payload, mac = data[:-_MAC_BYTES], data[-_MAC_BYTES:]
    if len(payload) != 16 or not hmac.compare_digest(mac, _mac(secret.encode(), payload)):
        return None
    return payload.hex()


def survey_links(base_url: str, token: str) -> list[dict[str, object]]:
    """The five one-click links of the resolution notice, 1 very dissatisfied ... 5 very satisfied."""
    return [{"score": n, "url": f"{base_url.rstrip('/')}/survey/{token}?score={n}"} for n in SCORES]
