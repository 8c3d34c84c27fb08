"""Files attached on the web: a presigned POST straight to S3 (the bytes never pass through the API function), then,
when the ticket or message that names them is written, each upload checked (whose, how old, its size, its type by
name and by its first bytes), copied next to the email attachments (`attachments/<ticket>/<message>/w<n>`) and
marked used in the same transaction as the ticket (shared/domain/uploads.py says what is refused)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.clock import Clock
from shared.domain.access import Principal
from shared.domain.tickets import Ticket
from shared.domain.uploads import (
    MAX_ATTACHMENTS,
    MAX_UPLOAD_BYTES,
    SNIFF_BYTES,
    Upload,
    blocked_name,
    content_problem,
    image_type,
    sniff_image,
)
from shared.errors import InvalidInput
from shared.services.ports import Mail, UploadBlobs, Uploads, WritePart

POST_TTL = timedelta(minutes=15)  # the presigned POST
USE_WITHIN = timedelta(hours=24)  # an upload not attached by then is expired
_NOT_USABLE = "attachment {n} is unknown, expired, already attached or not yours"


class UploadService:
    def __init__(
        self,
        store: Uploads,
        mail: Mail,
        blobs: UploadBlobs,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._store = store
        self._mail = mail
        self._blobs = blobs
        self._clock = clock
        self._new_id = new_id

    def start(self, principal: Principal, filename: str, content_type: str, size: int) -> dict[str, Any]:
        """A presigned POST for one file (201 `{id, url, method, fields, expires_at}`)."""
        name = filename.strip().replace("/", "_").replace("\\", "_")
        if not name or name in (".", ".."):
            raise InvalidInput("filename: a file name is required", field="filename")
        if blocked_name(name):
            raise InvalidInput("programs and scripts cannot be attached", field="filename")
        if size > MAX_UPLOAD_BYTES:
            raise InvalidInput(f"a file may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", field="size")
        if size < 1:
            raise InvalidInput("the file is empty", field="size")
        now = self._clock.now()
        upload_id = self._new_id()
        key = f"uploads/{upload_id}"
        post = self._blobs.presign_post(key, content_type, MAX_UPLOAD_BYTES, POST_TTL)
        self._store.put_upload(Upload(upload_id, principal.email, name, content_type, size, key, now, now + USE_WITHIN))
        return {
            "id": upload_id,
            "url": post["url"],
            "method": "POST",
            "fields": post["fields"],
            "expires_at": now + POST_TTL,
        }

    def attach(
        self,
        principal: Principal,
        upload_ids: Sequence[str],
        ticket: Ticket,
        message_id: str,
        internal: bool = False,
    ) -> tuple[list[dict[str, Any]], list[WritePart]]:
        """The files to show with the ticket or message, and the parts of its write (each upload marked used, the
        files' record the download route reads). Refusals are 400 `attachments`, never saying whose an upload is."""
        if not upload_ids:
            return [], []
        if len(upload_ids) > MAX_ATTACHMENTS:
            raise InvalidInput(f"at most {MAX_ATTACHMENTS} attachments a message", field="attachments")
        if len(set(upload_ids)) != len(upload_ids):
            raise InvalidInput("an attachment is named twice", field="attachments")
        found = self._store.uploads(upload_ids)
        now = self._clock.now()
        files: list[dict[str, Any]] = []
        parts: list[WritePart] = []
        for n, upload_id in enumerate(upload_ids, start=1):
            upload = found.get(upload_id)
            if upload is None or upload.owner != principal.email or not _usable(upload, now):
                raise InvalidInput(_NOT_USABLE.format(n=n), field="attachments")
            files.append(self._checked(upload, n, ticket.id, message_id))
            parts.append(self._store.use_upload_part(upload, f"{ticket.id}#{message_id}"))
        parts.append(self._mail.web_files_part(ticket.id, message_id, ticket.version + 1, files, internal))
        return files, parts

    def _checked(self, upload: Upload, n: int, ticket_id: str, message_id: str) -> dict[str, Any]:
        head = self._blobs.head_bytes(upload.key, SNIFF_BYTES)
        if head is None:
            raise InvalidInput(f"attachment {n} has not been uploaded yet", field="attachments")
        size, first = head
        if size > MAX_UPLOAD_BYTES:
            raise InvalidInput(f"attachment {n} is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", field="attachments")
        problem = content_problem(upload.filename, upload.content_type, first)
        if problem is not None:
            raise InvalidInput(f"attachment {n}: {problem}", field="attachments")
        claimed = image_type(upload.filename, upload.content_type)
        content_type = sniff_image(first) if claimed is not None else upload.content_type
        target = f"attachments/{ticket_id}/{message_id}/w{n}"
        self._blobs.copy(upload.key, target, content_type or "application/octet-stream")
        return {
            "id": f"w{n}",
            "filename": upload.filename,
            "content_type": content_type,
            "size": size,
            "key": target,
            "inline": claimed is not None,
        }


def _usable(upload: Upload, now: datetime) -> bool:
    # One already used is refused by its part's condition in the write (after an Idempotency-Key's replay check).
    return upload.valid_until > now
