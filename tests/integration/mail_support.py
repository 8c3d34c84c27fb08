"""Delivering mail the way SES does: the raw MIME into the mail bucket, then the receipt event to the intake."""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from functions.email_intake.handler import lambda_handler
from infra.local.pump import LambdaContext
from infra.local.smtp import receipt_event

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
SUPPORT = "support@demo.local"


class Mailroom:
    def __init__(self, env: Any) -> None:
        self.env = env
        self.bucket = env.container.settings.mail_bucket
        self.s3 = env.stack.client("s3")
        self.count = 0

    def store(self, raw: bytes) -> tuple[str, str]:
        self.count += 1
        ses_id = hashlib.sha1(raw + str(self.count).encode()).hexdigest()
        key = f"inbound/{ses_id}"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=raw)
        return key, ses_id

    def event(self, raw: bytes, recipients: list[str] | None = None) -> dict[str, Any]:
        key, ses_id = self.store(raw)
        at = self.env.clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return receipt_event(self.bucket, key, ses_id, "sender@example.com", recipients or [SUPPORT], at)

    def deliver(self, raw: bytes | EmailMessage, recipients: list[str] | None = None) -> dict[str, Any]:
        data = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
        return self.invoke(self.event(data, recipients))

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        result = lambda_handler(event, LambdaContext("EmailIntakeFunction"))
        return result["results"][0]

    def raw(self, key: str) -> bytes:
        return bytes(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def outbox(self) -> list[EmailMessage]:
        self.env.pump().drain()
        return [
            email.message_from_string(item["raw"], policy=email.policy.default)  # type: ignore[misc]
            for item in self.env.outbox.items()
        ]


def mail(
    sender: str,
    subject: str,
    body: str,
    *,
    to: str = SUPPORT,
    cc: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    at: Any = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = (
        message_id or f"<{hashlib.sha1((sender + subject + body).encode()).hexdigest()}@example.com>"
    )
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    if at is not None:
        message["Date"] = format_datetime(at)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message
