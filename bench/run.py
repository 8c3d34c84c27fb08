"""Benchmarks for the ticket core; prints a markdown table for bench/README.md.

1. Import time of each Lambda handler module against `import boto3` alone: median of 5 fresh processes each,
   interleaved in one run so that machine noise hits all of them alike.
2. DynamoDB requests per API operation, counted with a botocore event hook, over moto's server.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5


def handler_modules() -> list[str]:
    """Every function's handler module, as template.yaml names it (`functions/x/handler.lambda_handler`)."""
    from infra.template import load_template, resources_of_type

    functions = resources_of_type(load_template(), "AWS::Serverless::Function").values()
    return [f["Properties"]["Handler"].rpartition(".")[0].replace("/", ".") for f in functions]


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def bench_imports() -> list[dict[str, Any]]:
    samples: dict[str, list[float]] = {m: [] for m in ["boto3", *handler_modules()]}
    for _ in range(RUNS):
        for module in samples:
            samples[module].append(import_seconds(module))
    baseline = statistics.median(samples["boto3"])
    return [
        {
            "module": m,
            "median_ms": round(statistics.median(s) * 1000, 1),
            "ratio": round(statistics.median(s) / baseline, 2),
        }
        for m, s in samples.items()
    ]


def bench_requests() -> list[dict[str, Any]]:
    import os
    from datetime import UTC, datetime

    import botocore.handlers
    from chalice.test import Client

    from infra.local.stack import REGION, provision, start_emulator
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import FixedClock
    from shared.container import Container, set_container

    calls: Counter[str] = Counter()

    def count(model: Any = None, **_: Any) -> None:
        calls[model.name] += 1

    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", count))
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    server, endpoint = start_emulator()
    try:
        stack = provision(endpoint)
        settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret")
        container = Container(settings, FixedClock(datetime(2026, 11, 23, 2, tzinfo=UTC)))
        set_container(container)
        for team in TEAMS:
            container.directory_store.put_team(team)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        from app import app

        agent = container.authenticator.sign_in_local("wangfang@demo.local")[0]
        customer = container.authenticator.sign_in_local("alice@example.com")[0]
        rows = []
        with Client(app) as client:

            def call(name: str, method: str, path: str, token: str, body: Any = None, headers: Any = None) -> Any:
                calls.clear()
                all_headers = {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    **(headers or {}),
                }
                payload = json.dumps(body).encode() if body is not None else b""
                response = client.http.request(method, path, headers=all_headers, body=payload)
                assert response.status_code < 300, response.body
                rows.append({"operation": name, "requests": sum(calls.values()), "calls": dict(calls)})
                return response.json_body

            body = {"subject": "打印机无法连接", "description": "办公室打印机连不上网络"}
            ticket = call("create", "POST", "/api/tickets", customer, body)
            call("create (Idempotency-Key)", "POST", "/api/tickets", customer, body, {"Idempotency-Key": "b-1"})
            call("get by id", "GET", f"/api/tickets/{ticket['id']}", customer)
            call("get by number", "GET", f"/api/tickets/{ticket['number']}", customer)
            call("list page (all: 8 shards)", "GET", "/api/tickets?view=all&limit=25", agent)
            call("list page (mine)", "GET", "/api/tickets?view=mine&limit=25", agent)
            call("list page (a customer's)", "GET", "/api/tickets?limit=25", customer)
            call(
                "patch (status, priority)",
                "PATCH",
                f"/api/tickets/{ticket['id']}",
                agent,
                {"status": "in_progress", "priority": "P2"},
                {"If-Match": '"1"'},
            )
            call(
                "patch (assignee)", "PATCH", f"/api/tickets/{ticket['id']}", agent, {"assignee": "wangfang@demo.local"}
            )
            call("reply", "POST", f"/api/tickets/{ticket['id']}/messages", agent, {"body": "您好，请重启后再试。"})
            call("list messages", "GET", f"/api/tickets/{ticket['id']}/messages", customer)
            admin = container.authenticator.sign_in_local("admin@demo.local")[0]
            call("list agents (with loads)", "GET", "/api/agents", agent)
            profile = {"name": "孙丽", "role": "agent", "teams": ["tech"], "skills": ["network"], "capacity": 5}
            call("add agent", "PUT", "/api/admin/agents/sunli@demo.local", admin, profile)
            call("change agent", "PUT", "/api/admin/agents/sunli@demo.local", admin, {**profile, "capacity": 6})
            call("remove agent", "DELETE", "/api/admin/agents/sunli@demo.local", admin)
        return rows
    finally:
        server.stop()


def main() -> None:
    imports = bench_imports()
    print("## Import time (median of 5 fresh processes)\n")
    print("| module | median ms | ratio to `import boto3` |\n|---|---|---|")
    for row in imports:
        print(f"| `{row['module']}` | {row['median_ms']} | {row['ratio']} |")
    print("\n## DynamoDB requests per API operation\n")
    print("| operation | requests | by call |\n|---|---|---|")
    for row in bench_requests():
        by_call = ", ".join(f"{k} {v}" for k, v in sorted(row["calls"].items()))
        print(f"| {row['operation']} | {row['requests']} | {by_call} |")


if __name__ == "__main__":
    main()
