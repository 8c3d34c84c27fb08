"""Which ticket an incoming mail belongs to (design section 6), in order:

1. a signed token in our reply address (`support+<token>@...`): only we can make one;
2. a ticket number in the subject (`Re: [GD20240501001] ...`), accepted only from the ticket's requester or a CC,
   so a stranger quoting a number cannot write into someone else's ticket;
3. `In-Reply-To`, then `References` (newest first), against the Message-IDs we stored. SES replaces the Message-ID
   of mail it sends, so our own id travels in `References` and is found there.

Tokens are base32, lower-case: some servers lower-case local parts, and `support+` plus a token for a 32-hex ticket
id stays well under the 64 characters a local part may have.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shared.domain.mail.parsing import ParsedMail

Secret = str | bytes
# Several secrets verify (the first signs), so a secret can be rotated without orphaning replies in flight.
Secrets = Secret | Sequence[Secret]

MAX_LOCAL_PART = 64
_MAC_BYTES = 10  # 80 bits: forging a token means guessing this
_HEX_ID = re.compile(r"^(?:[0-9a-f]{2})+$")
_TICKET_NUMBER = re.compile(r"(?<![A-Za-z0-9])GD(\d{8})(\d{3,6})(?!\d)", re.IGNORECASE)
_MAX_SUBJECT_NUMBERS = 3
_MAX_REFERENCES = 20  # a hostile References header must not cost a thousand reads


class ThreadRule(StrEnum):
    REPLY_ADDRESS = "reply_address"
    SUBJECT_NUMBER = "subject_number"
    IN_REPLY_TO = "in_reply_to"
    REFERENCES = "references"


@dataclass(frozen=True)
class ThreadMatch:
    ticket_id: str
    rule: ThreadRule
    matched: str = ""  # the number or Message-ID that matched, for the audit trail


@dataclass(frozen=True)
class TicketParties:
    """Who may thread into a ticket by its number: the requester and the CCs."""

    ticket_id: str
    requester: str
    cc: tuple[str, ...] = ()

    def includes(self, address: str) -> bool:
        address = address.strip().lower()
        return address == self.requester.strip().lower() or address in {c.strip().lower() for c in self.cc}


class ThreadLookups(Protocol):
    """Reads the caller provides (one item each, by key)."""

    def ticket_by_number(self, number: str) -> TicketParties | None: ...

    def ticket_by_message_id(self, message_id: str) -> str | None:
        """The ticket id a stored Message-ID (`<id@host>`, ours or a customer's) belongs to."""
        ...


# -- reply-address tokens --------------------------------------------------------------------------------------------


def make_reply_token(ticket_id: str, secret: Secrets) -> str:
    """A token naming the ticket, signed with the secret: `1` + base32(id bytes + MAC), lower-case."""
    version, payload = ("1", bytes.fromhex(ticket_id)) if _HEX_ID.match(ticket_id) else ("2", ticket_id.encode())
    data = payload + _mac(_signing_secret(secret), version, payload)
    return version + base64.b32encode(data).decode("ascii").rstrip("=").lower()


def ticket_id_from_token(token: str, secret: Secrets) -> str | None:
    """The ticket id a token names, or None when it is malformed or not signed with the secret."""
    token = token.strip().lower()
    version, body = token[:1], token[1:].upper()
    if version not in ("1", "2") or not body or not re.fullmatch(r"[A-Z2-7]+", body):
        return None
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None
    payload, mac = data[:-_MAC_BYTES], data[-_MAC_BYTES:]
    if not payload or not any(hmac.compare_digest(mac, _mac(key, version, payload)) for key in _all_secrets(secret)):
        return None
    if version == "1":
        return payload.hex()
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def make_reply_address(ticket_id: str, secret: Secrets, support_address: str) -> str:
    """`support+<token>@domain`: replies to it thread by the token alone."""
    local, _, domain = support_address.strip().rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an address: {support_address!r}")
    reply_local = f"{local.split('+', 1)[0]}+{make_reply_token(ticket_id, secret)}"
    if len(reply_local) > MAX_LOCAL_PART:
        raise ValueError(f"reply address local part longer than {MAX_LOCAL_PART} characters for this ticket id")
    return f"{reply_local}@{domain}"


def ticket_id_from_recipients(recipients: Iterable[str], secret: Secrets, support_address: str) -> str | None:
    """The ticket named by the first validly signed `support+<token>` among the recipients."""
    local, _, domain = support_address.strip().lower().rpartition("@")
    base = local.split("+", 1)[0]
    for recipient in recipients:
        address = recipient.strip().strip("<>").lower()
        recipient_local, _, recipient_domain = address.rpartition("@")
        if recipient_domain != domain or "+" not in recipient_local:
            continue
        recipient_base, _, token = recipient_local.partition("+")
        if recipient_base != base:
            continue
        ticket_id = ticket_id_from_token(token, secret)
        if ticket_id is not None:
            return ticket_id
    return None


def _mac(key: bytes, version: str, payload: bytes) -> bytes:
    return hmac.new(key, b"helpdesk-reply-token:" + version.encode() + b":" + payload, hashlib.sha256).digest()[
        :_MAC_BYTES
    ]


def _all_secrets(secret: Secrets) -> list[bytes]:
    items = [secret] if isinstance(secret, str | bytes) else list(secret)
    keys = [item.encode() if isinstance(item, str) else bytes(item) for item in items]
    if not keys or not all(keys):
        raise ValueError("reply tokens need a non-empty secret")
    return keys


def _signing_secret(secret: Secrets) -> bytes:
    return _all_secrets(secret)[0]


# -- ticket numbers --------------------------------------------------------------------------------------------------


def ticket_numbers_in_subject(subject: str) -> list[str]:
    """GD numbers in a subject, in order, each once: "Re: [GD20240501001] ...", "回复：GD20240501001"."""
    # NFKC reads full-width ＧＤ２０２４… (typed with a Chinese IME) as GD2024…
    text = unicodedata.normalize("NFKC", subject)
    numbers: list[str] = []
    for match in _TICKET_NUMBER.finditer(text):
        try:
            datetime.strptime(match.group(1), "%Y%m%d")
        except ValueError:
            continue  # GD followed by digits that are not a date: an order number, not ours
        number = f"GD{match.group(1)}{match.group(2)}"
        if number not in numbers:
            numbers.append(number)
    return numbers


# -- resolving -------------------------------------------------------------------------------------------------------


def resolve_thread(
    parsed: ParsedMail,
    lookups: ThreadLookups,
    *,
    secret: Secrets,
    support_address: str,
    envelope_recipients: Iterable[str] = (),
) -> ThreadMatch | None:
    """The ticket this mail continues and the rule that found it; None for a new conversation.

    `envelope_recipients` are the SMTP recipients (SES gives them), which include a Bcc'd reply address.
    """
    recipients = [*envelope_recipients, *(address.email for address in [*parsed.to, *parsed.cc])]
    ticket_id = ticket_id_from_recipients(recipients, secret, support_address)
    if ticket_id is not None:
        return ThreadMatch(ticket_id, ThreadRule.REPLY_ADDRESS)
    sender = parsed.sender.email.lower() if parsed.sender else ""
    if sender:
        for number in ticket_numbers_in_subject(parsed.subject)[:_MAX_SUBJECT_NUMBERS]:
            parties = lookups.ticket_by_number(number)
            if parties is not None and parties.includes(sender):
                return ThreadMatch(parties.ticket_id, ThreadRule.SUBJECT_NUMBER, number)
    if parsed.in_reply_to:
        ticket_id = lookups.ticket_by_message_id(parsed.in_reply_to)
        if ticket_id is not None:
            return ThreadMatch(ticket_id, ThreadRule.IN_REPLY_TO, parsed.in_reply_to)
    for message_id in reversed(parsed.references[-_MAX_REFERENCES:]):
        if message_id == parsed.in_reply_to:
            continue
        ticket_id = lookups.ticket_by_message_id(message_id)
        if ticket_id is not None:
            return ThreadMatch(ticket_id, ThreadRule.REFERENCES, message_id)
    return None
