"""Local mode's mail bucket across restarts: moto keeps S3 in memory, so its objects are also files in
`.local/mail/` (one per key, written once: raw messages and attachments never change) and are put back on start."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote


def _path(folder: Path, key: str) -> Path:
    return folder / quote(key, safe="")


def keep(folder: Path, key: str, data: bytes) -> None:
    """Write one object's copy now (the SMTP server does, before it answers 250)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(folder, key)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # never a half-written copy


def save(folder: Path, s3: Any, bucket: str) -> int:
    """Copy the objects that have no file yet, and remove the files of objects deleted since (an erased customer's
    mail must not come back on the next start); returns how many files were written."""
    written = 0
    present = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            present.add(_path(folder, entry["Key"]).name)
            if not _path(folder, entry["Key"]).exists():
                keep(folder, entry["Key"], s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read())
                written += 1
    if folder.is_dir():
        for path in folder.iterdir():
            if not path.name.endswith(".tmp") and path.name not in present:
                path.unlink(missing_ok=True)
    return written


def restore(folder: Path, s3: Any, bucket: str) -> int:
    if not folder.is_dir():
        return 0
    restored = 0
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".tmp"):
            continue
        s3.put_object(Bucket=bucket, Key=unquote(path.name), Body=path.read_bytes())
        restored += 1
    return restored
