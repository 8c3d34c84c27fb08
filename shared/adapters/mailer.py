"""Outbound mail through SES v2, as raw MIME so that our threading headers survive."""

from __future__ import annotations

from typing import Any


class SesMailer:
    def __init__(self, ses_client: Any, configuration_set: str | None = None) -> None:
        self._ses = ses_client
        self._configuration_set = configuration_set

    def send(self, sender: str, recipients: list[str], raw: bytes) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": recipients},
            "Content": {"Raw": {"Data": raw}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        return str(self._ses.send_email(**request)["MessageId"])
