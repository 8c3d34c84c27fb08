"""Personal data (个人信息保护法): what an erasure leaves of a customer, as pure rules.

An erased customer's tickets stay as anonymous statistics: their numbers, times, status, priority, channel, team,
assignee, category and SLA results are kept (the reports count them), while everything that says who the person was
or what they wrote is replaced. The person becomes a pseudonym derived from the address (the same one every time, so
an erasure repeated changes nothing), their messages' bodies are redacted, and every other string that still names
them (a staff reply quoting their phone number, an audit event's snapshot) has those identifiers replaced.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REDACTED = "[已删除]"
PSEUDONYM_DOMAIN = "erased.invalid"  # a domain that can never receive mail (RFC 2606)


@dataclass(frozen=True)
class Pseudonym:
    email: str
    name: str


def subject_hash(email: str) -> str:
    """Stands for the person in the erasure's own record and logs (never the address itself)."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def pseudonym_for(email: str) -> Pseudonym:
    tag = subject_hash(email)[:12]
    return Pseudonym(f"erased-{tag}@{PSEUDONYM_DOMAIN}", f"已删除用户-{tag[:6]}")


def is_pseudonym(email: str) -> bool:
    return email.lower().endswith("@" + PSEUDONYM_DOMAIN)


class Scrubber:
    """Replaces a person's identifiers (address, names, phone numbers, postal address) wherever they appear in a
    JSON-like value. Case-insensitive; a phone number is matched on its digits whatever separates them."""

    def __init__(self, pseudonym: Pseudonym, email: str, names: Iterable[str] = (), phones: Iterable[str] = ()):
        self.pseudonym = pseudonym
        self.email = email.strip().lower()
        patterns = [re.escape(self.email)]
        patterns += [re.escape(n.strip()) for n in names if n and len(n.strip()) >= 2 and n.strip() != pseudonym.name]
        for phone in phones:
            digits = [d for d in phone or "" if d.isdigit()]
            if len(digits) >= 6:
                patterns.append(r"[\s\-+()]*".join(digits))
        self._email = re.compile(re.escape(self.email), re.IGNORECASE)
        self._others = re.compile("|".join(patterns), re.IGNORECASE)

    def text(self, value: str) -> str:
        value = self._email.sub(self.pseudonym.email, value)
        return self._others.sub(self.pseudonym.name, value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value

    def names_person(self, address: str | None) -> bool:
        return (address or "").strip().lower() == self.email


def redacted_mail(email: dict[str, Any] | None) -> dict[str, Any] | None:
    """What stays of an inbound email's details: that it was one, its Message-ID (threading), nothing of its text,
    addresses or files."""
    if email is None:
        return None
    kept = {k: email[k] for k in ("message_id", "threaded_by") if k in email}
    return {**kept, "redacted": True, "attachments": []}
