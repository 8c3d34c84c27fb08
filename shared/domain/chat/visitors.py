"""Who a chat visitor is when they give no address: a stand-in at a reserved domain that can never receive mail."""

from __future__ import annotations

ANONYMOUS_DOMAIN = "chat.invalid"


def anonymous_address(ticket_id: str) -> str:
    return f"{ticket_id}@{ANONYMOUS_DOMAIN}"


def is_anonymous(address: str) -> bool:
    """A visitor who gave no address: never mailed, shown without one."""
    return address.lower().endswith("@" + ANONYMOUS_DOMAIN)
