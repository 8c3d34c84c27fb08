"""Local mode's outbox: every mail the product sent through (emulated) SES, as .eml files and a list."""

from __future__ import annotations

import email
import email.policy
import threading
from pathlib import Path
from typing import Any

from moto.ses.models import ses_backends

from infra.local.stack import ACCOUNT, REGION


class Outbox:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._seen = 0

    def _backend(self) -> Any:
        return ses_backends[ACCOUNT][REGION]

    def sync(self) -> None:
        """Write what SES accepted since the last sync; the files outlive restarts, SES's memory does not."""
        with self._lock:
            sent = self._backend().sent_messages
            for message in sent[self._seen :]:
                raw = getattr(message, "raw_data", None)
                if raw is None:
                    continue
                index = len(list(self._folder.glob("*.eml"))) + 1
                # surrogateescape: a mail holding bytes that are not UTF-8 is kept as it was sent, not lost.
                (self._folder / f"{index:06d}-{message.id}.eml").write_text(
                    raw, encoding="utf-8", errors="surrogateescape"
                )
            self._seen = len(sent)

    def items(self) -> list[dict[str, Any]]:
        self.sync()
        return [read_mail(path) for path in sorted(self._folder.glob("*.eml"))]


def read_mail(path: Path) -> dict[str, Any]:
    """One sent mail as the outbox lists it. A malformed one (an unparsable address, bytes that are not UTF-8) is
    listed with what can be read of it and `malformed` saying why: it never hides the others."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    item: dict[str, Any] = {"to": [], "subject": "", "message_id": "", "raw": raw}
    try:
        parsed = email.message_from_string(raw, policy=email.policy.default)
        item["subject"] = _header(parsed, "Subject")
        item["message_id"] = _header(parsed, "Message-ID")
        item["to"] = [str(address) for address in parsed.get_all("To", [])]
    except Exception as error:  # the email package raises IndexError, ValueError... on a broken header
        item["malformed"] = f"{type(error).__name__}: {error}"
        # The undecoded header still says whom it was for.
        compat = email.message_from_string(raw, policy=email.policy.compat32)
        item["to"] = item["to"] or [str(value) for value in compat.get_all("To", [])]
    return item


def _header(parsed: Any, name: str) -> str:
    try:
        return str(parsed.get(name, ""))
    except Exception:  # a header the modern parser cannot turn into text
        return ""
