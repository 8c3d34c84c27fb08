"""WeChat's HTTP API (api.weixin.qq.com, or local mode's emulator of it): the access token, customer-service
messages (客服消息) and temporary media. The standard library's HTTP client: three calls need no SDK."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from shared.domain.wechat.api import Media, WechatApiError, WechatConfig, WechatUnavailable

TIMEOUT = 5.0
_FILENAME = re.compile(r'filename="?([^";]+)"?')


class WechatApiClient:
    def __init__(self, base_url: str, config: Callable[[], WechatConfig], timeout: float = TIMEOUT) -> None:
        self._base = base_url.rstrip("/")
        self._config = config
        self._timeout = timeout

    def fetch_token(self) -> tuple[str, int]:
        config = self._config()
        query = urllib.parse.urlencode(
            {"grant_type": "client_credential", "appid": config.app_id, "secret": config.app_secret}
        )
        answer = _json(self._call("GET", f"/cgi-bin/token?{query}")[1])
        if "access_token" not in answer:
            raise _error(answer)
        return str(answer["access_token"]), int(answer.get("expires_in") or 7200)

    def send(self, token: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        path = f"/cgi-bin/message/custom/send?access_token={urllib.parse.quote(token)}"
        return _json(self._call("POST", path, body)[1])

    def media(self, token: str, media_id: str, limit: int) -> Media:
        query = urllib.parse.urlencode({"access_token": token, "media_id": media_id})
        headers, content = self._call("GET", f"/cgi-bin/media/get?{query}", limit=limit)
        content_type = (headers.get("Content-Type") or "application/octet-stream").split(";")[0].strip().lower()
        if content_type in ("application/json", "text/plain"):
            raise _error(_json(content))  # WeChat answers an error as JSON, with a 200
        found = _FILENAME.search(headers.get("Content-Disposition") or "")
        return Media(content, content_type, found.group(1) if found else "")

    def _call(
        self, method: str, path: str, body: bytes | None = None, limit: int = 1024 * 1024
    ) -> tuple[dict[str, str], bytes]:
        request = urllib.request.Request(self._base + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json; charset=utf-8")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                content = response.read(limit + 1)
                headers = {k: v for k, v in response.headers.items()}
        except urllib.error.HTTPError as error:
            raise WechatUnavailable(f"WeChat answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise WechatUnavailable(f"WeChat could not be reached: {error}") from error
        if len(content) > limit:
            raise WechatApiError(-2, f"the answer is over {limit} bytes")
        return headers, content


def _json(content: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise WechatUnavailable("WeChat's answer is not JSON") from error
    if not isinstance(answer, dict):
        raise WechatUnavailable("WeChat's answer is not a JSON object")
    return answer


def _error(answer: dict[str, Any]) -> Exception:
    errcode = int(answer.get("errcode") or 0)
    if errcode in (0, -1):  # -1: system busy
        return WechatUnavailable(f"WeChat is busy: {answer}")
    return WechatApiError(errcode, str(answer.get("errmsg") or ""))
