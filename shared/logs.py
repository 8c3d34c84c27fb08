"""The one logging setup: every log line, from the Powertools Logger or the standard library, is redacted before it
is written (no full email address, phone number, token or message body: shared/domain/masking.py `redact`).

Records are redacted where they are made (a log record factory), so a line logged through any logger, handler or
formatter is covered; the Powertools formatter redacts its structured JSON once more (extra keys, exceptions).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from shared.domain.masking import redact

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

_installed = False


def install_redaction() -> None:
    """Every LogRecord made from now on carries a redacted message and traceback (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def redacted(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), None
        except Exception:  # a message that does not format is logged as its template, redacted
            record.msg, record.args = redact(str(record.msg)), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(redacted)
    _installed = True


def service_logger(service: str) -> Logger:
    """A function's Powertools Logger, redacting what it writes."""
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class RedactingFormatter(LambdaPowertoolsFormatter):
        def serialize(self, log: dict[str, Any]) -> str:
            return redact(super().serialize(log))

    install_redaction()
    return Logger(service=service, logger_formatter=RedactingFormatter())
