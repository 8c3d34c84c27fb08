"""Refuse DynamoDB Scan in this process: no request, stream or schedule path may issue one.

A botocore event hook registered for every session created afterwards (boto3's and PynamoDB's alike).
"""

from __future__ import annotations

from typing import Any

import botocore.handlers

SCANS: list[str] = []


class ScanForbidden(RuntimeError):
    pass


def _refuse_scan(params: Any = None, model: Any = None, **kwargs: Any) -> None:
    table = (params or {}).get("TableName", "?") if isinstance(params, dict) else "?"
    SCANS.append(str(table))
    raise ScanForbidden(f"Scan on {table}: every read must be a Query or a GetItem")


def install() -> None:
    entry = ("before-parameter-build.dynamodb.Scan", _refuse_scan)
    if entry not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(entry)
