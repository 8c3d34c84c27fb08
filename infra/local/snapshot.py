"""Local state that survives a restart: the emulated tables, read out of the emulator itself, and the clock."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from moto.dynamodb.models import dynamodb_backends

from infra.local.stack import ACCOUNT, REGION, LocalStack


def save(path: Path, stack: LocalStack, clock_offset: timedelta) -> None:
    backend = dynamodb_backends[ACCOUNT][REGION]
    tables: dict[str, list[dict[str, Any]]] = {}
    for logical_id, name in stack.names.items():
        table = backend.tables.get(name)
        if table is None:
            continue
        items = []
        for value in list(table.items.values()):
            for item in value.values() if table.has_range_key else [value]:
                items.append(_binary_encoded(item.to_json()["Attributes"]))
        tables[logical_id] = items
    state = {"clock_offset_seconds": clock_offset.total_seconds(), "tables": tables}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)  # never a half-written snapshot


def restore(path: Path, stack: LocalStack) -> timedelta | None:
    """Load a snapshot into the freshly provisioned tables; returns the saved clock offset (None: no snapshot)."""
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    client = stack.client("dynamodb")
    for logical_id, items in state.get("tables", {}).items():
        name = stack.names.get(logical_id)
        if name is None:
            continue
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": _binary_decoded(item)}} for item in items[start : start + 25]]
            client.batch_write_item(RequestItems={name: requests})
    return timedelta(seconds=state.get("clock_offset_seconds", 0))


def _binary_encoded(item: dict[str, Any]) -> dict[str, Any]:
    """Binary values (compressed report rollups) as base64 text, as DynamoDB's JSON writes them."""
    encoded = dict(item)
    for name, value in item.items():
        if isinstance(value.get("B"), bytes):
            encoded[name] = {"B": base64.b64encode(value["B"]).decode()}
        elif "BS" in value:
            encoded[name] = {"BS": [base64.b64encode(v).decode() for v in value["BS"]]}
    return encoded


def _binary_decoded(item: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's base64 text back to bytes, which boto3 sends as DynamoDB's binary type."""
    decoded = dict(item)
    for name, value in item.items():
        if "B" in value:
            decoded[name] = {"B": base64.b64decode(value["B"])}
        elif "BS" in value:
            decoded[name] = {"BS": [base64.b64decode(v) for v in value["BS"]]}
    return decoded
