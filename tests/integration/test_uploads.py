"""Web attachments over moto: a presigned POST straight to S3, checked and copied when a ticket or message names it.
Every 400 the issue names: a program or script by name and by content, over 25 MB, more than 10, an upload that is
someone else's, unknown, expired, not uploaded or used before."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from typing import Any

import requests

ALICE = "alice@example.com"
BOB = "bob@example.com"
AGENT = "wangfang@demo.local"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (the thumbnails' type check reads its signature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def start(api: Any, who: str, filename: str, content_type: str, size: int) -> Any:
    return api.call("POST", "/api/uploads", who, {"filename": filename, "content_type": content_type, "size": size})


def upload(api: Any, who: str, filename: str, content_type: str, data: bytes) -> str:
    """What the browser does: ask for a presigned POST, then send the form with the file to S3 itself."""
    response = start(api, who, filename, content_type, len(data))
    assert response.status_code == 201, response.body
    post = response.json_body
    assert post["method"] == "POST" and post["url"].startswith("http")
    sent = requests.post(post["url"], data=post["fields"], files={"file": (filename, data, content_type)}, timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    return str(post["id"])


def _error(response: Any, field: str = "attachments") -> str:
    assert response.status_code == 400, response.body
    error = response.json_body["error"]
    assert error["field"] == field, error
    return str(error["message"])


def test_a_screenshot_on_a_new_ticket_and_on_a_reply(api, env):
    image = png()
    first = upload(api, ALICE, "截图.png", "image/png", image)
    notes = upload(api, ALICE, "notes.txt", "text/plain", b"hello")
    created = api.call("POST", "/api/tickets", ALICE, {"subject": "s", "description": "d", "attachments": [first]})
    assert created.status_code == 201, created.body
    ticket = created.json_body
    [shown] = ticket["attachments"]
    assert (shown["filename"], shown["content_type"], shown["size"], shown["inline"]) == (
        "截图.png",
        "image/png",
        len(image),
        True,
    )
    assert shown["url"]  # the thumbnail
    assert requests.get(shown["url"], timeout=10).content == image

    # Downloads use the attachment route (the ticket's own files are filed under its id).
    path = f"/api/tickets/{ticket['id']}/messages/{ticket['id']}/attachments/{shown['id']}"
    link = api.call("GET", path, AGENT)
    assert link.status_code == 200 and requests.get(link.json_body["url"], timeout=10).content == image
    assert api.call("GET", path, BOB).status_code == 404

    reply = api.call(
        "POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": "再补一个", "attachments": [notes]}
    )
    assert reply.status_code == 201, reply.body
    message = reply.json_body
    assert [a["filename"] for a in message["attachments"]] == ["notes.txt"]
    listed = api.call("GET", f"/api/tickets/{ticket['id']}/messages", AGENT).json_body["items"]
    assert listed[-1]["attachments"][0]["inline"] is False
    got = api.call("GET", f"/api/tickets/{ticket['id']}/messages/{message['id']}/attachments/w1", AGENT)
    assert requests.get(got.json_body["url"], timeout=10).content == b"hello"

    # An upload attaches once.
    _error(api.call("POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": "again", "attachments": [notes]}))


def test_every_refusal_is_a_400(api, env):
    # By name, before anything is uploaded: programs and scripts, and a size over 25 MB.
    for name in ("setup.exe", "run.bat", "x.cmd", "a.js", "b.vbs", "c.scr", "d.msi", "e.ps1", "invoice.pdf.exe"):
        _error(start(api, ALICE, name, "application/octet-stream", 10), "filename")
    _error(start(api, ALICE, "big.zip", "application/zip", 25 * 1024 * 1024 + 1), "size")
    _error(start(api, ALICE, "empty.txt", "text/plain", 0), "size")
    _error(start(api, ALICE, "x.txt", "not a type", 1), "content_type")

    base = {"subject": "s", "description": "d"}
    # By content: a program named as an image or a document, a script, an "image" that is not one.
    for name, kind, data in (
        ("photo.png", "image/png", b"MZ\x90\x00" + b"\x00" * 60),
        ("report.pdf", "application/pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 40),
        ("readme.txt", "text/plain", b"#!/bin/sh\nrm -rf /\n"),
        ("page.jpg", "image/jpeg", b"<html><script>alert(1)</script></html>"),
    ):
        bad = upload(api, ALICE, name, kind, data)
        message = _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [bad]}))
        assert "program or a script" in message or "not the image" in message, message

    # Someone else's, unknown, not uploaded yet: the same 400, never saying whose.
    bobs = upload(api, BOB, "b.txt", "text/plain", b"bob")
    others = _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [bobs]}))
    unknown = _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": ["f" * 32]}))
    assert others == unknown and BOB not in others
    pending = start(api, ALICE, "later.txt", "text/plain", 5).json_body["id"]
    assert "not been uploaded" in _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [pending]}))

    # Over 25 MB in S3 whatever was declared (the POST policy bounds it on AWS; checked again here).
    big = start(api, ALICE, "big.dat", "application/octet-stream", 10).json_body
    s3 = env.stack.client("s3")
    s3.put_object(
        Bucket=env.container.settings.mail_bucket, Key=f"uploads/{big['id']}", Body=b"\0" * (25 * 1024 * 1024 + 1)
    )
    assert "25 MB" in _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [big["id"]]}))

    # More than 10 on one message; named twice.
    ids = [upload(api, ALICE, f"f{i}.txt", "text/plain", b"x") for i in range(11)]
    _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": ids}))
    _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [ids[0], ids[0]]}))
    _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": ["not-an-id"]}), "attachments.0")

    # Expired: a day after it was asked for.
    api.clock.advance(timedelta(hours=25))
    assert _error(api.call("POST", "/api/tickets", ALICE, {**base, "attachments": [ids[0]]})) == unknown
    # Nothing was written by the refusals.
    assert api.call("GET", "/api/tickets?view=requested", ALICE).json_body["items"] == []
    assert start(api, ALICE, "x.txt", "text/plain", 1).status_code == 201
    assert (
        api.call("POST", "/api/uploads", None, {"filename": "x", "content_type": "a/b", "size": 1}).status_code == 401
    )
