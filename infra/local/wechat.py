"""Local mode's stand-in for WeChat's servers, as its SMTP server stands in for SES (docs/wechat.md, "Local mode").

Both directions speak WeChat's real protocol:
- as WeChat's push: a follower's message is rendered as WeChat's XML (encrypted when an EncodingAESKey is set),
  signed with the token and POSTed to the product's callback, with WeChat's 5 s time-out and three retries;
- as api.weixin.qq.com: `/cgi-bin/token`, `/cgi-bin/message/custom/send` and `/cgi-bin/media/get` on a port of its
  own (the product's `HELPDESK_WECHAT_API_BASE`), enforcing the AppID and secret, token expiry, the 48-hour window
  and unsubscriptions by the product's (dev) clock. What the product sent is the outbox, oldest first.
"""

from __future__ import annotations

import base64
import json
import logging
import queue
import secrets
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from shared.clock import Clock
from shared.domain.wechat.api import WechatConfig
from shared.domain.wechat.crypto import MessageCrypto
from shared.domain.wechat.followers import WINDOW
from shared.domain.wechat.protocol import render_xml, signature

log = logging.getLogger("helpdesk.local.wechat")
ACCOUNT_ID = "gh_localhelpdesk"  # the Official Account's original id (ToUserName)
TOKEN_LIFETIME = 7200
OLD_TOKEN_GRACE = timedelta(minutes=5)  # WeChat keeps the previous token valid this long after a new one
PUSH_TIMEOUT = 5.0
PUSH_ATTEMPTS = 4  # the push and WeChat's three retries


def sample_png(size: int = 24) -> bytes:
    """A small PNG (WeChat's blue and white squares), for image messages sent without bytes of their own."""
    rows = b""
    for y in range(size):
        row = b"\x00"
        for x in range(size):
            row += b"\x07\xc1\x60" if (x // 6 + y // 6) % 2 else b"\xff\xff\xff"
        rows += row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class WechatEmulator:
    def __init__(
        self, config: WechatConfig, clock: Clock, callback_url: str, state: Path | None = None, port: int = 0
    ) -> None:
        self.config = config
        self.clock = clock
        self.callback_url = callback_url
        self._state = state
        self._lock = threading.Lock()
        self._tokens: dict[str, datetime] = {}  # token -> valid until
        self.token_requests = 0
        self.outbox: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []  # sends WeChat answered with an error: (errcode, payload)
        self._last_seen: dict[str, str] = {}  # openid -> ISO time of their last message or event
        self._unsubscribed: set[str] = set()
        self._media: dict[str, tuple[bytes, str]] = {}
        self.pushes: dict[str, dict[str, Any]] = {}  # msg id -> {"status", "attempts", "answer"}
        self._queue: queue.Queue[tuple[str, bytes, dict[str, str]] | None] = queue.Queue()
        self._load()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> None:
        for target, name in ((self._httpd.serve_forever, "wechat-api"), (self._push_worker, "wechat-push")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("WeChat emulator: API at %s, pushing to %s", self.api_base, self.callback_url)

    def stop(self) -> None:
        self._queue.put(None)
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- as WeChat's push: a follower writes to the account ---------------------------------------------------
    def send(self, openid: str, msg_type: str = "text", content: str = "", media: bytes | None = None) -> str | None:
        """Queue what a follower does (a text, an image, a voice message, a (un)subscription) for the callback, as
        WeChat would; returns the MsgId (events have none)."""
        now = self.clock.now()
        fields: dict[str, str | int] = {
            "ToUserName": ACCOUNT_ID,
            "FromUserName": openid,
            "CreateTime": int(now.timestamp()),
        }
        msg_id: str | None = str(secrets.randbits(62))
        if msg_type in ("subscribe", "unsubscribe"):
            fields.update({"MsgType": "event", "Event": msg_type, "EventKey": ""})
            msg_id = None
        elif msg_type == "text":
            fields.update({"MsgType": "text", "Content": content})
        else:
            if msg_type == "image":
                media_id = self.add_media(media or sample_png(), "image/png")
            else:
                media_id = self.add_media(media or b"#!AMR\n", "audio/amr")
            fields.update({"MsgType": msg_type, "MediaId": media_id})
            if msg_type == "image":
                fields["PicUrl"] = f"{self.api_base}/media/{media_id}"
            else:
                fields["Format"] = "amr"
        if msg_id:
            fields["MsgId"] = int(msg_id)
        with self._lock:
            if msg_type == "unsubscribe":
                self._unsubscribed.add(openid)
            else:
                self._unsubscribed.discard(openid)
                self._last_seen[openid] = now.isoformat()
            self._save()
        body, query = self.signed_push(render_xml(fields).encode("utf-8"), now)
        key = msg_id or f"{openid}:{fields['CreateTime']}:{msg_type}"
        self.pushes[key] = {"status": "pending", "attempts": 0}
        self._queue.put((key, body, query))
        return msg_id

    def add_media(self, data: bytes, content_type: str) -> str:
        """Media a follower uploaded (what `media/get` serves); returns its MediaId."""
        media_id = secrets.token_urlsafe(24)
        with self._lock:
            self._media[media_id] = (data, content_type)
        return media_id

    def saw(self, openid: str, at: datetime) -> None:
        """A follower wrote at `at` (for messages posted to the callback without `send`): opens their window."""
        with self._lock:
            self._unsubscribed.discard(openid)
            self._last_seen[openid] = at.isoformat()

    def signed_push(self, xml: bytes, now: datetime | None = None) -> tuple[bytes, dict[str, str]]:
        """The body and query string WeChat's server would post for this message."""
        timestamp = str(int((now or self.clock.now()).timestamp()))
        nonce = str(secrets.randbelow(10**9))
        query = {
            "signature": signature(self.config.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        if not self.config.secure:
            return xml, query
        encrypted = MessageCrypto(self.config.encoding_aes_key, self.config.app_id).encrypt(xml)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = signature(self.config.token, timestamp, nonce, encrypted)
        envelope = render_xml({"ToUserName": ACCOUNT_ID, "Encrypt": encrypted})
        return envelope.encode("utf-8"), query

    def _push_worker(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            key, body, query = item
            record = self.pushes[key]
            for attempt in range(1, PUSH_ATTEMPTS + 1):
                record["attempts"] = attempt
                url = f"{self.callback_url}?{urllib.parse.urlencode(query)}"
                request = urllib.request.Request(url, data=body, method="POST")
                request.add_header("Content-Type", "text/xml; charset=utf-8")
                try:
                    with urllib.request.urlopen(request, timeout=PUSH_TIMEOUT) as response:
                        answer = response.read().decode("utf-8", errors="replace")
                        record.update(status="delivered" if answer in ("success", "") else "answered", answer=answer)
                        break
                except urllib.error.HTTPError as error:
                    record.update(status="refused", answer=f"HTTP {error.code}")
                    break  # a 4xx/5xx answer is not retried by WeChat either: it only retries silence
                except (urllib.error.URLError, TimeoutError, OSError) as error:
                    record.update(status="failed", answer=str(error))
                    time.sleep(0.2)

    # -- as api.weixin.qq.com ---------------------------------------------------------------------------------
    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if query.get("appid") != self.config.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if not self.config.app_secret or query.get("secret") != self.config.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        now = self.clock.now()
        token = secrets.token_urlsafe(48)
        with self._lock:
            self.token_requests += 1
            # The previous tokens stay valid a little longer, as WeChat's do.
            self._tokens = {t: min(until, now + OLD_TOKEN_GRACE) for t, until in self._tokens.items() if until > now}
            self._tokens[token] = now + timedelta(seconds=TOKEN_LIFETIME)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME}

    def _check_token(self, token: str | None) -> dict[str, Any] | None:
        until = self._tokens.get(token or "")
        if until is None:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        if until <= self.clock.now():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _custom_send(self, query: dict[str, str], body: bytes) -> dict[str, Any]:
        refused = self._check_token(query.get("access_token"))
        if refused:
            return refused
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"errcode": 47001, "errmsg": "data format error"}
        openid = str(payload.get("touser") or "")
        answer = self._deliverable(openid, payload)
        with self._lock:
            if answer["errcode"] == 0:
                self.outbox.append(payload)
            else:
                self.refused.append({"errcode": answer["errcode"], "payload": payload})
            self._save()
        return answer

    def _deliverable(self, openid: str, payload: dict[str, Any]) -> dict[str, Any]:
        last = self._last_seen.get(openid)
        if last is None:
            return {"errcode": 40003, "errmsg": "invalid openid"}
        if openid in self._unsubscribed:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        if self.clock.now() >= datetime.fromisoformat(last) + WINDOW:
            return {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
        if payload.get("msgtype") != "text" or not isinstance(payload.get("text"), dict):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if len(str(payload["text"].get("content") or "").encode("utf-8")) > 2048:
            return {"errcode": 45002, "errmsg": "content size out of limit"}
        return {"errcode": 0, "errmsg": "ok"}

    def _media_get(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        refused = self._check_token(query.get("access_token"))
        found = self._media.get(query.get("media_id") or "")
        if refused or found is None:
            error = refused or {"errcode": 40007, "errmsg": "invalid media_id"}
            return 200, {"Content-Type": "application/json"}, json.dumps(error).encode()
        data, kind = found
        extension = "png" if kind == "image/png" else "amr"
        disposition = f'attachment; filename="{query.get("media_id")}.{extension}"'
        return 200, {"Content-Type": kind, "Content-Disposition": disposition}, data

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                log.debug(format, *args)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, answer: dict[str, Any]) -> None:
                body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self._reply(200, {"Content-Type": "application/json; charset=utf-8"}, body)

            def do_GET(self) -> None:
                path, _, raw = self.path.partition("?")
                query = dict(urllib.parse.parse_qsl(raw))
                if path == "/cgi-bin/token":
                    self._json(emulator._token(query))
                elif path == "/cgi-bin/media/get":
                    self._reply(*emulator._media_get(query))
                else:
                    self._json({"errcode": 40066, "errmsg": "invalid url"})

            def do_POST(self) -> None:
                path, _, raw = self.path.partition("?")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if path == "/cgi-bin/message/custom/send":
                    self._json(emulator._custom_send(dict(urllib.parse.parse_qsl(raw)), body))
                else:
                    self._json({"errcode": 40066, "errmsg": "invalid url"})

        return Handler

    # -- state across restarts (.local/wechat/) ---------------------------------------------------------------
    def _load(self) -> None:
        path = self._state / "state.json" if self._state else None
        if path is None or not path.exists():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        self.outbox = list(data.get("outbox") or [])
        self._last_seen = dict(data.get("last_seen") or {})
        self._unsubscribed = set(data.get("unsubscribed") or [])
        self._media = {k: (base64.b64decode(v[0]), v[1]) for k, v in (data.get("media") or {}).items()}

    def _save(self) -> None:
        if self._state is None:
            return
        self._state.mkdir(parents=True, exist_ok=True)
        data = {
            "outbox": self.outbox,
            "last_seen": self._last_seen,
            "unsubscribed": sorted(self._unsubscribed),
            "media": {k: [base64.b64encode(v[0]).decode(), v[1]] for k, v in self._media.items()},
            "saved_at": datetime.now(UTC).isoformat(),
        }
        temporary = self._state / "state.json.tmp"
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self._state / "state.json")
