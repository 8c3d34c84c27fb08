"""Email addresses as a mail system accepts them (email-validator: RFC 5321/5322 syntax, IDN domains)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Support desks run on internal domains (demo.local, *.test) that email-validator refuses as special-use by default;
# its documented switch is to take them off SPECIAL_USE_DOMAIN_NAMES. localhost, invalid, onion and arpa stay refused.
_INTERNAL_DOMAINS = ("local", "test")
# A WeChat follower's stand-in address (shared/domain/wechat/followers.py, requester_address): base32 of the openid at
# a reserved domain no mail is ever sent to. Staff filter tickets by it; no other .invalid address is taken.
_WECHAT_FOLLOWER = re.compile(r"[a-z2-7]{1,200}@wechat\.invalid")
# A chat visitor who gave no address (shared/domain/chat/visitors.py): the ticket's id at another reserved domain.
_CHAT_VISITOR = re.compile(r"[a-z0-9_-]{1,64}@chat\.invalid")


@cache
def _validator() -> Any:
    # Loaded on the first address, not at import: the API function's cold start stays short.
    import email_validator

    for name in _INTERNAL_DOMAINS:
        if name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(name)
    return email_validator


def normalize_address(value: str) -> str:
    """The address as stored (lower case, IDN domain in Unicode), or ValueError saying why a mail system refuses it.

    No DNS lookup (an address is checked when it is taken, not whether its domain has mail servers today), and no
    display names, comments or quoted local parts: only `local@domain`."""
    if _WECHAT_FOLLOWER.fullmatch(value.lower()) or _CHAT_VISITOR.fullmatch(value.lower()):
        return value.lower()
    validator = _validator()
    try:
        checked = validator.validate_email(value, check_deliverability=False, allow_quoted_local=False)
    except validator.EmailNotValidError as error:
        raise ValueError(f"not an email address a mail system accepts: {error}") from None
    return str(checked.normalized).lower()
