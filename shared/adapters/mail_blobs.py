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
