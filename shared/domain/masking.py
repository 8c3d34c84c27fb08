"""Masking (脱敏) customers' contact details for staff without `customers.contact`, and redacting logs.

Pure functions: an address keeps its first two characters and its domain (`wa***@example.com`), a phone number its
first three and last four digits (`138****5678`). Text is scanned for both, so an address or a number quoted in a
subject, a reply or a note is masked too. Staff addresses are kept (`keep`): who holds a ticket is not a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# An address as it appears in text (RFC 5322's common subset; IDN domains as Unicode letters).
EMAIL_IN_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A mainland mobile (with or without +86, spaces or dashes), or a landline with its area code.
PHONE_IN_TEXT = re.compile(
    r"(?<![\w*])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}[- ]?\d{3,4}[- ]?\d{4})(?![\w*])"
)
MASKED_EMAIL = re.compile(r"^[^@]{0,2}\*{3}@")


def mask_email(address: str) -> str:
    """`wangfang@example.com` -> `wa***@example.com` (a masked address stays as it is)."""
    local, at, domain = address.partition("@")
    if not at:
        return address
    if MASKED_EMAIL.match(address):
        return address
    return f"{local[:2]}***@{domain}"


def mask_phone(number: str) -> str:
    """`13812345678` -> `138****5678`; `+86 138-1234-5678` -> `+86 138****5678`; short numbers keep 2 digits."""
    digits = re.sub(r"\D", "", number)
    prefix = ""
    if len(digits) > 11 and digits.startswith(("86", "0086")) and digits[-11] == "1":
        prefix, digits = "+86 ", digits[-11:]
    if len(digits) >= 7:
        return f"{prefix}{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_text(text: str, keep: Callable[[str], bool] = lambda _address: False) -> str:
    """Every address (but the ones `keep` says) and every phone number in `text`, masked."""
    if "@" in text:
        text = EMAIL_IN_TEXT.sub(lambda m: m.group(0) if keep(m.group(0).lower()) else mask_email(m.group(0)), text)
    if any(ch.isdigit() for ch in text):
        text = PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    return text


def mask_value(value: Any, keep: Callable[[str], bool] = lambda _address: False) -> Any:
    """A JSON value with every string in it masked (keys stay: they are the API's names, not customer data)."""
    if isinstance(value, str):
        return mask_text(value, keep)
    if isinstance(value, list):
        return [mask_value(v, keep) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v, keep) for k, v in value.items()}
    return value


# -- logs -------------------------------------------------------------------------------------------------------------
JWT = re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
BEARER = re.compile(r"(?i)\b(bearer)\s+[\w.~+/=-]{8,}")
# Tokens the product hands out in links and keys: survey and conversation tokens, sign-in codes in their field.
SECRET_FIELD = re.compile(
    r"""(?ix)(["']?\b(?:token|code|password|secret|authorization|signature|msg_signature|body|description|
    text|content|comment|note|excerpt|html)\b["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,&;}]+)"""
)
TOKEN_IN_PATH = re.compile(r"(/(?:surveys|conversations?|t)/)[\w.~-]{12,}")
LONG_TOKEN = re.compile(r"\b[A-Za-z0-9_-]{32,}\b")


def redact(text: str) -> str:
    """A log line without a full address, phone number, token or message body: addresses and numbers masked,
    tokens and the values of body-like fields replaced."""
    text = JWT.sub("[token]", text)
    text = BEARER.sub(r"\1 [token]", text)
    text = TOKEN_IN_PATH.sub(r"\1[token]", text)
    text = SECRET_FIELD.sub(lambda m: m.group(1) + "[redacted]", text)
    text = LONG_TOKEN.sub("[token]", text)
    return mask_text(text)
