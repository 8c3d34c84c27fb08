"""Local mode's SMTP intake (aiosmtpd): what SES's receipt rule does on AWS.

Each message is stored whole in the mail bucket (`inbound/<id>`, the S3 action), then the email intake handler is
called with the receipt event SES would send (S3 action, envelope recipients in `receipt.recipients`). The answer
to DATA says what happened:

- 552 when the message is over the limit: aiosmtpd counts while it reads and discards the data, nothing is stored;
- 451 when it cannot be stored, or the handler fails (the object, if written, is harmless: the sender retries and
  one Message-ID makes one ticket), so a message is only ever accepted (250) once it was stored and taken in;
- 550 for recipients outside the support domain (no relaying).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from infra.local import bucket_state
from shared.clock import Clock

log = logging.getLogger("helpdesk.local.smtp")
Handler = Callable[[dict[str, Any]], Any]


def receipt_event(bucket: str, key: str, ses_id: str, sender: str, recipients: list[str], at: str) -> dict[str, Any]:
    """The SES receipt event of a rule whose S3 action stored the message (see docs/email.md)."""
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": at,
                        "source": sender,
                        "messageId": ses_id,
                        "destination": recipients,
                        "headersTruncated": False,
                        "headers": [],
                        "commonHeaders": {},
                    },
                    "receipt": {
                        "timestamp": at,
                        "recipients": recipients,
                        "processingTimeMillis": 0,
                        "spamVerdict": {"status": "PASS"},
                        "virusVerdict": {"status": "PASS"},
                        "spfVerdict": {"status": "GRAY"},
                        "dkimVerdict": {"status": "GRAY"},
                        "dmarcVerdict": {"status": "GRAY"},
                        "action": {
                            "type": "S3",
                            "topicArn": None,
                            "bucketName": bucket,
                            "objectKeyPrefix": "inbound/",
                            "objectKey": key,
                        },
                    },
                },
            }
        ]
    }


class _IntakeHandler:
    def __init__(self, intake: LocalSmtpIntake) -> None:
        self._intake = intake

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        domain = address.rpartition("@")[2].strip("<> ").lower()
        if domain != self._intake.domain:
            return "550 5.7.1 relaying denied: this server only takes mail for " + self._intake.domain
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        if isinstance(data, str):  # pragma: no cover - decode_data is off
            data = data.encode("utf-8", errors="surrogateescape")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, self._intake.accept, bytes(data), str(envelope.mail_from or ""), list(envelope.rcpt_tos)
        )


class LocalSmtpIntake:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        handler: Handler,
        clock: Clock,
        support_address: str,
        port: int,
        max_bytes: int,
        host: str = "127.0.0.1",
        spool: Path | None = None,
    ) -> None:
        self._spool = spool  # where local mode keeps the bucket's files across restarts (infra/local/bucket_state.py)
        self._s3 = s3
        self.bucket = bucket
        self._handler = handler
        self._clock = clock
        self.domain = support_address.rpartition("@")[2].lower()
        self.port = port
        self._controller = Controller(
            _IntakeHandler(self),
            hostname=host,
            port=port,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            ident="helpdesk local SMTP intake",
        )

    def start(self) -> None:
        self._controller.start()
        log.info("SMTP intake on %s:%d", self._controller.hostname, self.port)

    def stop(self) -> None:
        self._controller.stop()

    def accept(self, raw: bytes, sender: str, recipients: list[str]) -> str:
        """Store, then hand over; the reply code is what the sender is told."""
        ses_id = f"local-{uuid.uuid4().hex}"
        key = f"inbound/{ses_id}"
        try:
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=raw, ServerSideEncryption="AES256")
            if self._spool is not None:
                bucket_state.keep(self._spool, key, raw)
        except Exception:
            log.exception("could not store an inbound message")
            return "451 4.3.0 the message could not be stored; try again later"
        at = self._clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        try:
            self._handler(receipt_event(self.bucket, key, ses_id, sender, recipients, at))
        except Exception:
            log.exception("the intake handler failed for %s", key)
            return "451 4.3.0 the message could not be taken in; try again later"
        return f"250 2.0.0 OK queued as {ses_id}"
