"""Local mode's one HTTP server: the SPA at `/`, the API (the Chalice app object Lambda runs) at `/api`."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

log = logging.getLogger("helpdesk.local.http")

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_METHODS = ("GET", "HEAD")  # the SPA's files: S3 behind CloudFront allows these
GATEWAY_LIMIT = 10 * 1024 * 1024  # API Gateway's payload limit; the app enforces its own, smaller one
PLACEHOLDER = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>工单系统 Helpdesk</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>工单系统 Helpdesk</h1><p>The API is up at <a href="/api/health">/api/health</a>
(<a href="/api/openapi.json">OpenAPI</a>). The web console has not been built: run <code>make run</code>.</p>
</body></html>"""


def security_headers(storage_origin: str, chat_origin: str = "") -> dict[str, str]:
    """What CloudFront's response headers policy (template.yaml, WebSecurityHeaders) adds to the SPA's files, with
    the emulator standing in for S3 and Cognito (uploads and attachment links go straight to storage) and the local
    WebSocket server for API Gateway's (the console's and the portal's live chat)."""
    connect = " ".join(o for o in ("'self'", storage_origin, chat_origin) if o)
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob: {storage_origin}; connect-src {connect}; font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


class LocalHttpServer:
    def __init__(
        self,
        app: Chalice,
        web_root: Path,
        host: str,
        port: int,
        config: dict[str, Any] | None = None,
        after_write: Callable[[], None] | None = None,
        storage_origin: str = "",
    ) -> None:
        self._after_write = after_write  # told after each API call that may have written (not a GET)
        # What the SPA reads from /config.json (docs/api.md): local sign-in, and where the chat's WebSocket is.
        config = config or {"auth": "local"}
        self._config = json.dumps(config).encode()
        self._security_headers = security_headers(storage_origin.rstrip("/"), str(config.get("chat_url") or ""))
        self._gateway = LocalGateway(app, Config.create(chalice_stage="local", app_name="helpdesk", lambda_timeout=60))
        # The Chalice app keeps the current request on the app object: one API call at a time.
        self._api_lock = threading.Lock()
        self._web_root = web_root
        self._gzip_cache: dict[tuple[Path, int], bytes] = {}
        self.httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self.httpd.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, name="http", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def api(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, Any], bytes]:
        try:
            with self._api_lock:
                response = self._gateway.handle_request(method, path, headers, body)
            if method != "GET" and self._after_write is not None:
                self._after_write()
        except LocalGatewayException:
            error = {"error": {"code": "not_found", "message": f"no route {method} {path.split('?')[0]}"}}
            return 404, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(error).encode()
        payload = response.get("body") or b""
        if response.get("isBase64Encoded") and payload:
            # Binary responses (Excel downloads) leave the app base64-encoded; API Gateway sends the bytes.
            payload = base64.b64decode(payload)
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        headers_out = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers_out[name] = values
        return int(response["statusCode"]), headers_out, payload

    def static(self, path: str, accept_encoding: str = "") -> tuple[int, dict[str, Any], bytes]:
        if path == "/config.json":
            # /widget.js reads it from the company's own site: public settings, readable from any origin.
            return 200, {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}, self._config
        index = self._web_root / "index.html"
        if not index.exists():
            return 200, {"Content-Type": "text/html; charset=utf-8"}, PLACEHOLDER.encode()
        target = (self._web_root / path.lstrip("/")).resolve()
        if not target.is_file() or self._web_root.resolve() not in target.parents:
            target = index  # the SPA's own routes
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        # index.html and /widget.js keep their names from build to build (the hashed assets do not).
        cache = "no-cache" if target == index or target.parent == self._web_root.resolve() else IMMUTABLE
        headers = {"Content-Type": kind, "Cache-Control": cache, "Vary": "Accept-Encoding"}
        if "gzip" in accept_encoding and kind.startswith(COMPRESSIBLE):
            # As CloudFront does in front of S3: compressed text, so local figures match what users download.
            return 200, {**headers, "Content-Encoding": "gzip"}, self._gzipped(target)
        return 200, headers, target.read_bytes()

    def _gzipped(self, target: Path) -> bytes:
        key = (target, target.stat().st_mtime_ns)
        if key not in self._gzip_cache:
            self._gzip_cache[key] = gzip.compress(target.read_bytes(), compresslevel=6, mtime=0)
        return self._gzip_cache[key]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("%s " + format, self.address_string(), *args)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > GATEWAY_LIMIT:
                    # API Gateway refuses such a request itself; the app never sees it.
                    self.close_connection = True
                    body = {"error": {"code": "payload_too_large", "message": "the request body is too large"}}
                    self._send(413, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode())
                    return
                body = self.rfile.read(length) if length else None
                if self.command not in STATIC_METHODS and not (self.path == "/api" or self.path.startswith("/api/")):
                    error = {"error": {"code": "method_not_allowed", "message": f"{self.command} is not allowed here"}}
                    headers = {"Content-Type": "application/json; charset=utf-8", "Allow": ", ".join(STATIC_METHODS)}
                    self._send(405, headers, json.dumps(error).encode())
                    return
                if self.path == "/api" or self.path.startswith("/api/"):
                    headers = {k: v for k, v in self.headers.items()}
                    status, headers_out, payload = server.api(self.command, self.path, headers, body)
                else:
                    path = self.path.split("?", 1)[0]
                    status, headers_out, payload = server.static(path, self.headers.get("Accept-Encoding", ""))
                    headers_out = {**headers_out, **server._security_headers}
                self._send(status, headers_out, payload)

            def _send(self, status: int, headers: dict[str, Any], payload: bytes) -> None:
                self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
                for name, value in headers.items():
                    if name.lower() == "content-length":
                        continue
                    for item in value if isinstance(value, list) else [value]:
                        self.send_header(name, str(item))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def __getattr__(self, name: str) -> Any:
                # http.server answers a method without a do_<METHOD> with 501. Every method (TRACE, PROPFIND...)
                # comes here instead: the app answers 405 with Allow for its paths, as API Gateway does on AWS.
                if name.startswith("do_"):
                    return self._handle
                raise AttributeError(name)

        return Handler
