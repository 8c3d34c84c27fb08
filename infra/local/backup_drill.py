"""`make backup-drill`: back up every table and bucket of a local stack, wipe them, restore, compare.

The local rehearsal of docs/operations.md's restore runbook. A fresh local stack is started in this process (seeded,
with a customer's email taken in through the SMTP intake so the mail bucket holds a raw message), then:

1. export: every item of every table in template.yaml (read out of the emulator, as local mode's own snapshot does:
   the product's code never scans) and every object of every bucket, written to a backup folder on disk;
2. wipe: every item deleted, every object deleted; the drill checks that they are gone;
3. restore: from the files alone, into the same tables and buckets;
4. compare: every item and every object read back equals the one exported (attributes, bytes, content type).

Exit status 0 when all of it matches; the report (counts per table and bucket, seconds per step) is printed as JSON.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from infra import scan_guard

scan_guard.install()

from moto.dynamodb.models import dynamodb_backends  # noqa: E402

from infra.local.stack import ACCOUNT, REGION, LocalStack  # noqa: E402
from infra.template import load_template, resources_of_type  # noqa: E402

SAMPLE_MAIL = (
    "From: Backup Drill <drill@customer.example>\r\n"
    "To: support@demo.local\r\n"
    "Subject: =?utf-8?b?5aSH5Lu95ryU57uD?=\r\n"
    "Message-ID: <backup-drill-1@customer.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "备份演练：这封邮件会在恢复后逐字节比对。\r\n"
).encode()


def _tables() -> list[str]:
    return sorted(resources_of_type(load_template(), "AWS::DynamoDB::Table"))


def _buckets() -> list[str]:
    return sorted(resources_of_type(load_template(), "AWS::S3::Bucket"))


def _encode(value: Any) -> Any:
    """DynamoDB JSON with binary as base64 text (rollups are compressed bytes)."""
    if isinstance(value, bytes):
        return {"__b64__": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _normalized(item: dict[str, Any]) -> str:
    """One canonical text per item: sets compare whatever order the emulator keeps them in."""

    def sort_sets(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sorted(v) if k in ("SS", "NS", "BS") else sort_sets(v) for k, v in value.items()}
        if isinstance(value, list):
            return [sort_sets(v) for v in value]
        return value

    return json.dumps(sort_sets(_encode(item)), sort_keys=True, ensure_ascii=False)


def read_items(stack: LocalStack, logical_id: str) -> list[dict[str, Any]]:
    table = dynamodb_backends[ACCOUNT][REGION].tables[stack.names[logical_id]]
    items = []
    for value in list(table.items.values()):
        for item in value.values() if table.has_range_key else [value]:
            items.append(item.to_json()["Attributes"])
    return items


def read_objects(stack: LocalStack, logical_id: str) -> dict[str, dict[str, Any]]:
    s3 = stack.client("s3")
    bucket = stack.names[logical_id]
    objects: dict[str, dict[str, Any]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            response = s3.get_object(Bucket=bucket, Key=entry["Key"])
            body = response["Body"].read()
            objects[entry["Key"]] = {"body": body, "content_type": response.get("ContentType", "")}
    return objects


def export(stack: LocalStack, folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for logical_id in _tables():
        items = read_items(stack, logical_id)
        path = folder / "tables" / f"{logical_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([_encode(item) for item in items], ensure_ascii=False), encoding="utf-8")
        counts[logical_id] = len(items)
    for logical_id in _buckets():
        objects = read_objects(stack, logical_id)
        manifest = []
        for index, (key, entry) in enumerate(sorted(objects.items())):
            blob = folder / "buckets" / logical_id / f"{index:06d}"
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_bytes(entry["body"])
            digest = hashlib.sha256(entry["body"]).hexdigest()
            manifest.append({"key": key, "file": blob.name, "sha256": digest, "content_type": entry["content_type"]})
        (folder / "buckets").mkdir(parents=True, exist_ok=True)
        (folder / "buckets" / f"{logical_id}.json").write_text(json.dumps(manifest), encoding="utf-8")
        counts[logical_id] = len(objects)
    return counts


def wipe(stack: LocalStack) -> None:
    dynamodb = stack.client("dynamodb")
    for logical_id in _tables():
        name = stack.names[logical_id]
        key_names = [k["AttributeName"] for k in dynamodb.describe_table(TableName=name)["Table"]["KeySchema"]]
        keys = [{k: item[k] for k in key_names} for item in read_items(stack, logical_id)]
        for start in range(0, len(keys), 25):
            batch = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            dynamodb.batch_write_item(RequestItems={name: batch})
        if read_items(stack, logical_id):
            raise AssertionError(f"{logical_id} still holds items after the wipe")
    s3 = stack.client("s3")
    for logical_id in _buckets():
        bucket = stack.names[logical_id]
        for key in read_objects(stack, logical_id):
            s3.delete_object(Bucket=bucket, Key=key)
        if read_objects(stack, logical_id):
            raise AssertionError(f"{logical_id} still holds objects after the wipe")


def restore(stack: LocalStack, folder: Path) -> None:
    dynamodb = stack.client("dynamodb")
    for logical_id in _tables():
        items = [_decode(item) for item in json.loads((folder / "tables" / f"{logical_id}.json").read_text("utf-8"))]
        name = stack.names[logical_id]
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            dynamodb.batch_write_item(RequestItems={name: batch})
    s3 = stack.client("s3")
    for logical_id in _buckets():
        for entry in json.loads((folder / "buckets" / f"{logical_id}.json").read_text("utf-8")):
            body = (folder / "buckets" / logical_id / entry["file"]).read_bytes()
            if hashlib.sha256(body).hexdigest() != entry["sha256"]:
                raise AssertionError(f"{logical_id}/{entry['key']}: the backup file is damaged")
            extra = {"ContentType": entry["content_type"]} if entry["content_type"] else {}
            s3.put_object(Bucket=stack.names[logical_id], Key=entry["key"], Body=body, **extra)


def compare(stack: LocalStack, before: dict[str, Any]) -> list[str]:
    """Differences between what was exported and what is there now (empty: identical)."""
    problems = []
    for logical_id in _tables():
        now = sorted(_normalized(item) for item in read_items(stack, logical_id))
        if now != before[logical_id]:
            missing = len(set(before[logical_id]) - set(now))
            extra = len(set(now) - set(before[logical_id]))
            problems.append(f"{logical_id}: {missing} items missing or changed, {extra} unexpected")
    for logical_id in _buckets():
        if read_objects(stack, logical_id) != before[logical_id]:
            problems.append(f"{logical_id}: objects differ")
    return problems


def snapshot_of(stack: LocalStack) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for logical_id in _tables():
        state[logical_id] = sorted(_normalized(item) for item in read_items(stack, logical_id))
    for logical_id in _buckets():
        state[logical_id] = read_objects(stack, logical_id)
    return state


def drill(stack: LocalStack, folder: Path) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.monotonic()
    before = snapshot_of(stack)
    counts = export(stack, folder)
    timings["export"] = round(time.monotonic() - started, 2)
    step = time.monotonic()
    wipe(stack)
    timings["wipe"] = round(time.monotonic() - step, 2)
    step = time.monotonic()
    restore(stack, folder)
    timings["restore"] = round(time.monotonic() - step, 2)
    problems = compare(stack, before)
    return {"ok": not problems, "problems": problems, "counts": counts, "seconds": timings}


def _fresh_stack(state: Path) -> Any:
    """A local stack as `make run` starts it (seeded), with a mail taken in so the mail bucket holds objects."""
    from infra.local.__main__ import LocalRuntime
    from infra.local.process import free_port

    runtime = LocalRuntime(state, free_port())
    runtime.run_due()
    reply = runtime.smtp.accept(SAMPLE_MAIL, "drill@customer.example", ["support@demo.local"])
    if not reply.startswith("250"):
        raise RuntimeError(f"the drill's sample mail was refused: {reply}")
    runtime.run_due()
    return runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backup", type=Path, help="where to write the backup (default: a temporary folder)")
    parser.add_argument("--report", type=Path, help="also write the report (JSON) to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="helpdesk-drill-") as scratch:
        runtime = _fresh_stack(Path(scratch) / "state")
        try:
            folder = args.backup or Path(scratch) / "backup"
            report = drill(runtime.stack, folder)
        finally:
            runtime.http.httpd.server_close()  # never served: shutdown() would wait for a loop that never ran
            runtime.emulator.stop()
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    print(text)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
