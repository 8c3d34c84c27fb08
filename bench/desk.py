"""The desk's benchmarks (docs/desk.md), through the real Chalice app over the local stack's emulator:

1. A bulk edit of 100 tickets (`POST /api/tickets/bulk`, team and a tag): wall time and DynamoDB requests by call,
   counted with a botocore `before-call` hook.
2. A 20 MB attachment through the presigned POST: the emulated AWS (moto, provisioned from template.yaml as local
   mode does) runs in a process of its own and `curl` plays the browser, so the API process is measured alone: the
   time of each step, the Python memory the API's calls allocate at their peak (tracemalloc) and the API process's
   peak resident set (VmHWM) before and after. The bytes go browser -> S3 and S3 -> S3 (a server-side copy); the API
   reads 4 KB of them.

`.venv/bin/python bench/desk.py` prints the tables for bench/README.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMULATOR = """
import sys, time
from infra.local.stack import start_emulator
server, endpoint = start_emulator()
print(endpoint, flush=True)
time.sleep(10**9)
"""


def _peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    import botocore.handlers
    from chalice.test import Client

    from infra.local.stack import REGION, provision
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import FixedClock
    from shared.container import Container, set_container

    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    emulator = subprocess.Popen(
        [sys.executable, "-c", EMULATOR], cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    calls: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        calls[model.name] += 1

    # Before any client is made: every botocore session copies the handlers when it is created.
    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", count))
    try:
        endpoint = (emulator.stdout.readline() if emulator.stdout else "").strip()
        stack = provision(endpoint)
        # One customer opens the 100 tickets of the bulk edit: above the hourly abuse limit on purpose.
        settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret", limit_tickets_per_hour=0)
        container = Container(settings, FixedClock(datetime(2026, 12, 6, 2, tzinfo=UTC)))
        set_container(container)
        for team in TEAMS:
            container.directory_store.put_team(team)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        from app import app

        lead = container.authenticator.sign_in_local("lead@demo.local")[0]
        customer = container.authenticator.sign_in_local("alice@example.com")[0]
        with Client(app) as client:

            def call(method: str, path: str, token: str, body: Any = None) -> Any:
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                payload = json.dumps(body).encode() if body is not None else b""
                response = client.http.request(method, path, headers=headers, body=payload)
                assert response.status_code < 300, response.body
                return response.json_body

            # -- 1. bulk edit of 100 tickets -----------------------------------------------------------------------
            ids = [
                call("POST", "/api/tickets", customer, {"subject": f"工单 {i}", "description": "d", "team": "tech"})[
                    "id"
                ]
                for i in range(100)
            ]
            call("POST", "/api/tickets/bulk", lead, {"ids": ids[:1], "changes": {"priority": "P2"}})  # warm settings
            calls.clear()
            started = time.perf_counter()
            results = call(
                "POST", "/api/tickets/bulk", lead, {"ids": ids, "changes": {"team": "billing", "add_tags": ["moved"]}}
            )["results"]
            bulk_ms = (time.perf_counter() - started) * 1000
            assert [r["status"] for r in results] == [200] * 100, results
            bulk_calls = dict(calls)

            # -- 2. a 20 MB upload through the presigned POST -------------------------------------------------------
            size = 20 * 1024 * 1024
            with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
                handle.write(b"PK\x03\x04" + os.urandom(size - 4))
                path = handle.name
            rss_before = _peak_rss_kb()
            tracemalloc.start()
            started = time.perf_counter()
            target = call(
                "POST",
                "/api/uploads",
                customer,
                {"filename": "logs.zip", "content_type": "application/zip", "size": size},
            )
            start_ms = (time.perf_counter() - started) * 1000
            start_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            form = [arg for key, value in target["fields"].items() for arg in ("-F", f"{key}={value}")]
            started = time.perf_counter()
            sent = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *form, "-F", f"file=@{path}", target["url"]],
                capture_output=True,
                text=True,
                check=True,
            )
            upload_ms = (time.perf_counter() - started) * 1000
            assert sent.stdout in ("200", "201", "204"), sent.stdout
            tracemalloc.reset_peak()
            started = time.perf_counter()
            ticket = call(
                "POST",
                "/api/tickets",
                customer,
                {"subject": "日志", "description": "见附件", "attachments": [target["id"]]},
            )
            attach_ms = (time.perf_counter() - started) * 1000
            attach_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rss_after = _peak_rss_kb()
            os.unlink(path)
            assert ticket["attachments"][0]["size"] == size
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)

    print("## Bulk edit of 100 tickets (team and a tag; one request)\n")
    print("| tickets | wall ms | DynamoDB requests | by call |\n|---|---|---|---|")
    by_call = ", ".join(f"{k} {v}" for k, v in sorted(bulk_calls.items()))
    print(f"| 100 | {bulk_ms:.0f} | {sum(bulk_calls.values())} | {by_call} |")
    print("\n## A 20 MB attachment through the presigned POST (emulated S3 in its own process)\n")
    print("| step | ms | API Python memory at peak |\n|---|---|---|")
    print(f"| `POST /api/uploads` (the API) | {start_ms:.0f} | {start_peak / 1024:.0f} KB |")
    print(f"| the file to S3 (curl, the browser's part) | {upload_ms:.0f} | (not in the API process) |")
    attach = "`POST /api/tickets` with it (the API: 4 KB read, server-side copy)"
    print(f"| {attach} | {attach_ms:.0f} | {attach_peak / 1024:.0f} KB |")
    before, after = rss_before / 1024, rss_after / 1024
    print(f"\nAPI process peak RSS (VmHWM): {before:.1f} MB before, {after:.1f} MB after the 20 MB upload")


if __name__ == "__main__":
    main()
