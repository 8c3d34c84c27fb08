"""Conversation tokens: the visitor's right to resume their chat after a reconnect (docs/chat.md).

`<base64url(ticket id bytes + MAC)>`, the MAC an HMAC-SHA256 (first 12 bytes) under its own label, keyed with the
product's token secret: nothing is stored, only the product can make one, and it names exactly one ticket. A survey
token or a reply-address token, made under other labels, is never a conversation token.
"""

from __future__ import annotations

from shared.domain.ticket_tokens import TicketToken

_CONVERSATION = TicketToken(b"helpdesk-chat:")


def make_conversation_token(ticket_id: str, secret: str) -> str:
    return _CONVERSATION.make(ticket_id, secret)


def ticket_id_from_conversation_token(token: str, secret: str) -> str | None:
    """The ticket a token names, or None when it is malformed or forged."""
    return _CONVERSATION.ticket_id(token, secret)
