"""The mail bucket (S3): raw inbound MIME as SES stored it, attachments we split out, presigned downloads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError


class MailBlobs:
    def __init__(self, s3_client: Any, bucket: str) -> None:
        self._s3 = s3_client
        self.bucket = bucket

    def get(self, key: str, bucket: str | None = None) -> bytes | None:
        """An object's bytes, or None when it does not exist (any other error raises: the caller retries)."""
        try:
            response = self._s3.get_object(Bucket=bucket or self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        return bytes(response["Body"].read())

    def size(self, key: str, bucket: str | None = None) -> int | None:
        try:
            return int(self._s3.head_object(Bucket=bucket or self.bucket, Key=key)["ContentLength"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, ServerSideEncryption="AES256"
        )

    def presign(
        self,
        key: str,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        disposition: str = "attachment",
    ) -> str:
        """A GET URL for one object, served as a download unless asked otherwise: a customer's HTML or SVG file
        must not render as a page."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            from urllib.parse import quote

            params["ResponseContentDisposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        if content_type:
            params["ResponseContentType"] = content_type
        return str(self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires.total_seconds())))

    # -- web uploads (shared/services/uploads.py): the bytes go to S3 directly, never through the API function ---
    def presign_post(self, key: str, content_type: str, max_bytes: int, expires: timedelta) -> dict[str, Any]:
        """A presigned POST for one object: its key, type and encryption fixed, its size bounded by the policy."""
        fields = {"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"}
        conditions: list[Any] = [
            {"Content-Type": content_type},
            {"x-amz-server-side-encryption": "AES256"},
            ["content-length-range", 1, max_bytes],
        ]
        post = self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=int(expires.total_seconds()),
        )
        return {"url": str(post["url"]), "fields": dict(post["fields"])}

    def head_bytes(self, key: str, count: int) -> tuple[int, bytes] | None:
        """An object's size and its first `count` bytes (a ranged GET), or None when it does not exist."""
        try:
            response = self._s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{count - 1}")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound", "InvalidRange"):
                return None
            raise
        total = response.get("ContentRange", "")
        size = int(total.rsplit("/", 1)[1]) if "/" in total else int(response.get("ContentLength", 0))
        return size, bytes(response["Body"].read())

    def copy(self, source: str, target: str, content_type: str) -> None:
        """A server-side copy (S3 moves the bytes; up to 5 GB in one request)."""
        self._s3.copy_object(
            Bucket=self.bucket,
            Key=target,
            CopySource={"Bucket": self.bucket, "Key": source},
            ContentType=content_type,
            MetadataDirective="REPLACE",
            ServerSideEncryption="AES256",
        )

    # -- erasure (shared/services/personal_data.py) -------------------------------------------------------------
    def keys_under(self, prefix: str) -> list[str]:
        """Every key under a prefix (a ticket's attachments folder)."""
        keys: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys += [entry["Key"] for entry in page.get("Contents", [])]
        return keys

    def erase(self, key: str) -> int:
        """Delete an object for good: the bucket is versioned, so every version and delete marker of exactly this
        key goes, not only the current one. Returns how many versions were removed (0: nothing was there)."""
        removed = 0
        paginator = self._s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
            entries = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            for entry in entries:
                if entry["Key"] != key:
                    continue
                self._s3.delete_object(Bucket=self.bucket, Key=key, VersionId=entry["VersionId"])
                removed += 1
        if not removed and self.size(key) is not None:  # an unversioned bucket (local mode's may be)
            self._s3.delete_object(Bucket=self.bucket, Key=key)
            removed = 1
        return removed
