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
                (self._folder / f"{index:06d}-{message.id}.eml").write_text(raw, encoding="utf-8")
            self._seen = len(sent)

    def items(self) -> list[dict[str, Any]]:
        self.sync()
        items = []
        for path in sorted(self._folder.glob("*.eml")):
            raw = path.read_text(encoding="utf-8")
            parsed = email.message_from_string(raw, policy=email.policy.default)
            items.append(
                {
                    "to": [str(a) for a in parsed.get_all("To", [])],
                    "subject": str(parsed.get("Subject", "")),
                    "message_id": str(parsed.get("Message-ID", "")),
                    "raw": raw,
                }
            )
        return items
