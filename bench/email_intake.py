"""Benchmarks for the email channel; prints markdown tables for bench/README.md.

1. Intake throughput of the handler alone (functions/email_intake over moto's server): messages per second for
   1 KB, 100 KB and 5 MB messages with attachments. The raw messages are stored in the bucket first (SES's S3
   action, not timed); each is then handed to the handler with its receipt event, one after another.
2. Local stack (`python -m infra.local` in a subprocess): time from the SMTP server's 250 to the acknowledgment in
   `/api/dev/outbox`, p50 and p95 over 50 mails, each from its own sender. Goal: p95 under 3 s.
"""

from __future__ import annotations

import math
import os
import smtplib
import statistics
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [("1 KB", 1024, 60), ("100 KB", 100 * 1024, 40), ("5 MB", 5 * 1024 * 1024, 8)]
LATENCY_MAILS = 50


def _message(index: int, size: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"bench{index}@example.com"
    message["To"] = "support@demo.local"
    message["Subject"] = f"性能测试邮件 {index}"
    message["Message-ID"] = f"<bench-{uuid.uuid4().hex}@example.com>"
    message.set_content("您好，附件是问题截图和日志。\n" * 4)
    message.add_alternative("<p>您好，附件是<b>问题截图</b>和日志。</p>", subtype="html")
    # Base64 adds a third: the attachment's share of the whole message is sized to land near the target.
    payload = os.urandom(max(64, int((size - 900) * 3 / 4)))
    message.add_attachment(payload, maintype="application", subtype="octet-stream", filename=f"日志-{index}.bin")
    return message.as_bytes(policy=SMTP_POLICY)


def bench_handler() -> list[dict[str, Any]]:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "ap-southeast-1",  # infra.local.stack.REGION
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    from functions.email_intake.handler import lambda_handler
    from infra.local.pump import LambdaContext
    from infra.local.smtp import receipt_event
    from infra.local.stack import provision, start_emulator
    from shared.container import Container, set_container

    server, endpoint = start_emulator()
    rows = []
    try:
        stack = provision(endpoint)
        settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret")
        set_container(Container(settings))
        s3 = stack.client("s3")
        index = 0
        for label, size, count in SIZES:
            events = []
            total = 0
            for _ in range(count):
                index += 1
                raw = _message(index, size)
                total += len(raw)
                key = f"inbound/bench-{index}"
                s3.put_object(Bucket=settings.mail_bucket, Key=key, Body=raw)
                at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
                events.append(receipt_event(settings.mail_bucket, key, f"bench-{index}", "b@example.com", [], at))
            outcomes = []
            started = time.perf_counter()
            for event in events:
                outcomes.append(lambda_handler(event, LambdaContext("EmailIntakeFunction"))["results"][0]["outcome"])
            elapsed = time.perf_counter() - started
            assert set(outcomes) == {"ticket"}, outcomes
            rows.append(
                {
                    "size": label,
                    "messages": count,
                    "average_bytes": total // count,
                    "per_second": round(count / elapsed, 1),
                    "ms_each": round(elapsed / count * 1000, 1),
                }
            )
        return rows
    finally:
        set_container(None)
        server.stop()


def bench_smtp_latency() -> dict[str, Any]:
    import requests

    from infra.local.process import LocalStackProcess

    with tempfile.TemporaryDirectory() as folder:
        stack = LocalStackProcess(Path(folder) / "state")
        stack.start()
        try:
            lead = stack.login("lead@demo.local")
            seen = 0
            samples = []
            for index in range(LATENCY_MAILS):
                sender = f"latency{index}.{uuid.uuid4().hex[:6]}@example.com"
                message = EmailMessage()
                message["From"] = sender
                message["To"] = "support@demo.local"
                message["Subject"] = f"延迟测试 {index}"
                message["Message-ID"] = f"<latency-{uuid.uuid4().hex}@example.com>"
                message.set_content("请确认收到。")
                with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=30) as client:
                    client.sendmail(sender, ["support@demo.local"], message.as_bytes(policy=SMTP_POLICY))
                accepted = time.perf_counter()
                while True:
                    items = requests.get(f"{stack.url}/api/dev/outbox", headers=lead.headers, timeout=10).json()[
                        "items"
                    ]
                    if any(sender in to for item in items[seen:] for to in item["to"]):
                        samples.append(time.perf_counter() - accepted)
                        seen = len(items)
                        break
                    if time.perf_counter() - accepted > 30:
                        raise RuntimeError(f"no acknowledgment for {sender} in 30 s")
                    time.sleep(0.02)
        finally:
            stack.stop()
    ordered = sorted(samples)
    return {
        "mails": len(samples),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[math.ceil(len(ordered) * 0.95) - 1], 2),  # nearest rank
        "max": round(ordered[-1], 2),
    }


def main() -> None:
    print("### Intake throughput, handler alone (over moto's server)\n")
    print("| message | messages | average size | messages/s | ms per message |\n|---|---|---|---|---|")
    for row in bench_handler():
        print(
            f"| {row['size']} | {row['messages']} | {row['average_bytes'] / 1024:.0f} KB | {row['per_second']} "
            f"| {row['ms_each']} |"
        )
    latency = bench_smtp_latency()
    print("\n### SMTP accept -> acknowledgment in the outbox (local stack)\n")
    print("| mails | p50 | p95 | max |\n|---|---|---|---|")
    print(f"| {latency['mails']} | {latency['p50']} s | {latency['p95']} s | {latency['max']} s |")


if __name__ == "__main__":
    main()
