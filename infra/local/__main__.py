"""`make run`: the whole product on one machine, no AWS account.

moto's server provisioned from template.yaml, the HTTP server (SPA + API), the stream pump, the dev clock and the
outbox; state kept in .local/ across restarts (`make reset` starts clean).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from infra import scan_guard

scan_guard.install()  # before any AWS session exists

from infra.local import bucket_state, snapshot  # noqa: E402
from infra.local.dev_api import register_dev_api  # noqa: E402
from infra.local.outbox import Outbox  # noqa: E402
from infra.local.pump import StreamPump  # noqa: E402
from infra.local.queues import QueuePump  # noqa: E402
from infra.local.scheduler import Scheduler  # noqa: E402
from infra.local.server import LocalHttpServer  # noqa: E402
from infra.local.stack import REGION, provision, start_emulator  # noqa: E402
from shared.logs import install_redaction  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("helpdesk.local")
# How long /api/dev/clock delivers what the schedules it ran wrote, before it answers.
SCHEDULE_EFFECTS_SECONDS = 10


def _secrets(state: Path) -> dict[str, str]:
    path = state / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {"token_secret": secrets.token_hex(32), "cursor_secret": secrets.token_hex(32)}
    path.write_text(json.dumps(values))
    return values


class LocalRuntime:
    def __init__(self, state: Path, http_port: int, chat_port: int = 8001) -> None:
        self.state = state
        self.state.mkdir(parents=True, exist_ok=True)
        self.snapshot_path = state / "snapshot.json"
        keys = _secrets(state)
        self.emulator, endpoint = start_emulator()
        public_url = f"http://127.0.0.1:{http_port}"
        from shared.clock import OffsetClock

        self.clock = OffsetClock()
        self.wechat = self._wechat_emulator(public_url)
        overrides = {
            "HELPDESK_AUTH_MODE": "local",
            "HELPDESK_TOKEN_SECRET": keys["token_secret"],
            "HELPDESK_CURSOR_SECRET": keys["cursor_secret"],
            "HELPDESK_AWS_ENDPOINT_URL": endpoint,
            "HELPDESK_PUBLIC_URL": public_url,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            # The WeChat channel from settings, its API the emulator's (infra/local/wechat.py, docs/wechat.md).
            "HELPDESK_WECHAT_SECRET_ARN": "",
            "HELPDESK_WECHAT_APP_ID": self.wechat.config.app_id,
            "HELPDESK_WECHAT_TOKEN": self.wechat.config.token,
            "HELPDESK_WECHAT_ENCODING_AES_KEY": self.wechat.config.encoding_aes_key,
            "HELPDESK_WECHAT_APP_SECRET": self.wechat.config.app_secret,
            "HELPDESK_WECHAT_API_BASE": self.wechat.api_base,
            # Live chat: the local WebSocket server (infra/local/chat.py) pushes, not API Gateway's management API.
            "HELPDESK_CHAT_ENDPOINT": "",
            "HELPDESK_CHAT_URL": f"ws://127.0.0.1:{chat_port}",
        }
        self.stack = provision(endpoint, overrides)
        # Every function runs in this one process; their environments agree on all the product's settings.
        os.environ.update(self.stack.environment["ApiFunction"])

        from shared.config import get_settings
        from shared.container import Container, set_container

        get_settings.cache_clear()
        self.container = Container(get_settings(), self.clock)
        set_container(self.container)
        # Every function shares this process: load the search's dictionary and Markdown now, not inside the first
        # request that searches (the HTTP server answers one API call at a time).
        from shared.domain.kb import plain_text

        self.container.segmenter.words("预热")
        plain_text("预热")

        offset = snapshot.restore(self.snapshot_path, self.stack)
        # The mail bucket (raw messages, attachments) is in moto's memory: its files come back too.
        self.mail_folder = state / "mail"
        self._mail_s3 = self.stack.client("s3")
        bucket_state.restore(self.mail_folder, self._mail_s3, self.stack.names["MailBucket"])
        if offset is None:
            from infra.seed.demo import seed

            seed(self.container.directory_store, self.container.tickets, self.container.routing_store)
            from infra.seed.kb import seed_kb

            seed_kb(self.container.kb)
            position = "TRIM_HORIZON"  # the seed's own events are delivered like any others
        else:
            self.clock.advance(offset)
            position = "LATEST"  # restored items were handled before the snapshot
        self.pumps = [StreamPump(self.stack, sub, starting_position=position) for sub in self.stack.streams]
        # The WeChat intake's queue is long-polled by a thread of its own: as on AWS, where the two event sources do
        # not wait for each other, a message becomes a ticket while a backlog of stream records is worked through.
        self.queue_pumps = [QueuePump(self.stack, sub) for sub in self.stack.queues]
        self.scheduler = Scheduler(self.stack.schedules, self.clock.now())  # template.yaml's Schedule events
        self.outbox = Outbox(state / "outbox")
        self._work_lock = threading.Lock()

        from app import app

        register_dev_api(app, lambda: self.container, self.clock, self.outbox, self.run_due, self.wechat)
        config = {"auth": "local", "chat_url": self.container.settings.chat_url}
        # A write through the API or the chat socket wakes the stream pumps at once (Lambda's stream polling is
        # continuous; the 0.2 s tick alone would add up to 200 ms to every pushed chat line).
        self._wake = threading.Event()
        self.http = LocalHttpServer(
            app,
            ROOT / "web" / "dist",
            "127.0.0.1",
            http_port,
            config,
            after_write=self._wake.set,
            storage_origin=endpoint,
        )
        self.smtp = self._smtp_intake()
        from infra.local.chat import LocalChatServer, lambda_handler_for_local

        chat_handler = lambda_handler_for_local()

        def chat_frame(event: dict[str, Any]) -> dict[str, Any]:
            try:
                return chat_handler(event)
            finally:
                self._wake.set()

        self.chat = LocalChatServer(chat_frame, self.container.local_sockets, "127.0.0.1", chat_port)
        self._stop = threading.Event()

    def _wechat_emulator(self, public_url: str) -> Any:
        """WeChat's servers for the Official Account (infra/local/wechat.py): token `local-wechat-token` unless
        HELPDESK_WECHAT_TOKEN says otherwise; secure (AES) mode when HELPDESK_WECHAT_ENCODING_AES_KEY is set."""
        from infra.local.wechat import WechatEmulator
        from shared.domain.wechat.api import WechatConfig

        config = WechatConfig(
            app_id=os.environ.get("HELPDESK_WECHAT_APP_ID") or "wx0000localhelpdesk",
            token=os.environ.get("HELPDESK_WECHAT_TOKEN") or "local-wechat-token",
            encoding_aes_key=os.environ.get("HELPDESK_WECHAT_ENCODING_AES_KEY") or "",
            app_secret=os.environ.get("HELPDESK_WECHAT_APP_SECRET") or "local-wechat-app-secret",
        )
        return WechatEmulator(config, self.clock, f"{public_url}/api/channels/wechat", self.state / "wechat")

    def _smtp_intake(self) -> Any:
        """The SES receipt rule's stand-in (infra/local/smtp.py): stores to the mail bucket, calls the handler."""
        from functions.email_intake.handler import lambda_handler
        from infra.local.pump import LambdaContext
        from infra.local.smtp import LocalSmtpIntake

        settings = self.container.settings
        return LocalSmtpIntake(
            self._mail_s3,
            self.stack.names["MailBucket"],
            lambda event: lambda_handler(event, LambdaContext("EmailIntakeFunction")),
            self.clock,
            settings.support_address,
            settings.smtp_port,
            settings.max_mail_bytes,
            spool=self.mail_folder,
        )

    def run_due(self, budget: float | None = None) -> None:
        """Deliver everything pending: stream records, then the schedules due by the (dev) clock, then the records
        those produced, so that their effects are delivered before the dev clock answers. With a `budget` (seconds),
        stream delivery stops after it and the next call goes on: the background loop never holds the work lock
        for long, so a snapshot or a shutdown waits at most that."""
        with self._work_lock:
            self._drain(until=None if budget is None else time.monotonic() + budget)
            if self.scheduler.run_due(self.clock.now()):
                # What the schedules wrote, delivered before the dev clock answers (its caller reads the
                # notifications right after); only a very long cascade (a jump of hours over many unacknowledged
                # tickets) goes on in the background loop. The loop itself keeps to its budget.
                self._drain(until=time.monotonic() + (SCHEDULE_EFFECTS_SECONDS if budget is None else budget))
            self.outbox.sync()

    def _drain(self, rounds: int = 10, until: float | None = None) -> None:
        # One function's writes are another's records (the sweep's events -> assignment -> notification).
        for _ in range(rounds):
            if not sum(pump.drain(until) for pump in self.pumps):
                return

    def _background(self) -> None:
        last_snapshot = time.monotonic()
        while not self._stop.is_set():
            self._wake.wait(0.2)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.run_due(budget=2)
                if time.monotonic() - last_snapshot > 15:
                    self.save()
                    last_snapshot = time.monotonic()
            except Exception:
                log.exception("background work failed; retrying")

    def _queues(self) -> None:
        """Long-polls the queues (one second at a time): a message is taken in as it arrives, an idle queue costs
        one request a second."""
        while not self._stop.is_set():
            for pump in self.queue_pumps:
                try:
                    pump.drain(until=time.monotonic() + 2, wait_seconds=1)
                except Exception:
                    log.exception("queue delivery failed; retrying")
                    self._stop.wait(1)

    def save(self) -> None:
        with self._work_lock:
            snapshot.save(self.snapshot_path, self.stack, self.clock.offset)
            bucket_state.save(self.mail_folder, self._mail_s3, self.stack.names["MailBucket"])

    def serve(self) -> None:
        # The seed's records first (its tickets routed, its articles indexed): a fresh stack answers its first
        # requests without that work competing for this one process.
        self.run_due()
        # SMTP and WeChat first: once /api/health answers, every contract port is listening.
        self.smtp.start()
        self.wechat.start()
        self.chat.start()
        self.http.serve_in_background()
        worker = threading.Thread(target=self._background, name="pump", daemon=True)
        worker.start()
        threading.Thread(target=self._queues, name="queues", daemon=True).start()
        log.info("helpdesk local mode: http://127.0.0.1:%d (API at /api, health at /api/health)", self.http.port)
        self._stop.wait()
        worker.join(timeout=5)
        self.save()
        self.smtp.stop()
        self.wechat.stop()
        self.chat.stop()
        self.http.stop()
        self.emulator.stop()

    def stop(self, *_: object) -> None:
        self._stop.set()
        self._wake.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the helpdesk locally")
    parser.add_argument("--state", type=Path, default=ROOT / ".local")
    args = parser.parse_args(argv)
    install_redaction()  # local mode's log holds what CloudWatch would: redacted lines only
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    port = int(os.environ.get("HELPDESK_HTTP_PORT", "8000"))
    chat_port = int(os.environ.get("HELPDESK_CHAT_PORT", "8001"))
    runtime = LocalRuntime(args.state, port, chat_port)
    signal.signal(signal.SIGINT, runtime.stop)
    signal.signal(signal.SIGTERM, runtime.stop)
    runtime.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
