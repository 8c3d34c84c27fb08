"""What 1,000 tickets cost on AWS, and what an idle stack costs a month, at list prices (docs/cost.md).

The usage is measured, not assumed: 100 tickets live their whole life on the real code over moto's server (half
opened in the portal, half by email; three replies each with the console reads around them; routed and assigned by
the assignment function; acknowledged and answered by mail by the notification function, which also writes each
event's report facts; an SLA warning acted on by the sweep; resolved; the satisfaction answer; closed by the closing
automation 72 hours later, with its notice; the report rollup folding the facts every simulated minute), and every
AWS request is recorded on the way: Lambda invocations and
their durations, API requests and response bytes, DynamoDB requests with the units their items cost (bench/
dynamodb_units.py), S3 requests and bytes, mail sent and received. The figures are then scaled to 1,000 tickets and
priced with `PRICES`.

Live chats are measured apart (bench/cost_chat.py) and priced per 1,000 chats.

Usage: .venv/bin/python bench/cost.py [--chats-only]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dynamodb_units import index_writes, item_size, read_units, template_gsis, write_units  # noqa: E402

TICKETS = 100
SCALE = 1_000 / TICKETS
REGION = "us-east-1 (N. Virginia)"
PRICE_DATE = "AWS list prices as published for 2025 (DynamoDB on-demand after its 2024-11-01 reduction)"
PRICES = {
    "lambda_gb_second": 0.0000166667,  # x86
    "lambda_request": 0.20 / 1e6,
    "api_request": 3.50 / 1e6,  # REST API, first 333 million a month
    "dynamodb_wru": 0.625 / 1e6,
    "dynamodb_rru": 0.125 / 1e6,
    "dynamodb_gb_month": 0.25,
    "dynamodb_pitr_gb_month": 0.20,
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "s3_gb_month": 0.023,
    "ses_sent": 0.10 / 1000,
    "ses_received": 0.10 / 1000,
    "ses_received_chunk": 0.09 / 1000,  # per 256 KB of incoming mail
    "cloudfront_request": 0.0100 / 10_000,  # HTTPS, North America / Europe
    "cloudfront_gb": 0.085,
    "eventbridge_schedule": 1.00 / 1e6,
    "logs_gb": 0.50,
    "xray_trace": 5.00 / 1e6,
    "cloudwatch_alarm_month": 0.10,
    "secret_month": 0.40,
    "sqs_request": 0.40 / 1e6,
}
SPA_KB = 230  # the portal's first load, gzip (bench/README.md: SPA)
LOG_BYTES_PER_INVOCATION = 700  # Lambda's START/END/REPORT lines and one or two of ours


class Recorder:
    """Every AWS request the scenario makes, priced by service."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.wru = 0.0
        self.rru = 0.0
        self.s3_bytes = 0
        self._consistent = False
        self.tickets: dict[str, dict[str, Any]] = {}  # pk -> the ticket item as last written (for index writes)
        self.gsis = template_gsis()
        self.report_gsis = template_gsis("ReportsTable")

    def before(self, model: Any = None, params: Any = None, **_: Any) -> None:
        """Every request, with its parameters as the caller gave them (before serialization)."""
        service = model.service_model.service_name
        name = model.name
        self.calls[f"{service}.{name}"] += 1
        self._consistent = bool((params or {}).get("ConsistentRead"))  # the scenario runs one request at a time
        if service == "dynamodb":
            self._write(name, params or {})
        if service == "s3" and name == "PutObject":
            body = (params or {}).get("Body", b"")
            self.s3_bytes += len(body) if isinstance(body, bytes | bytearray) else 0

    def after(self, model: Any = None, parsed: Any = None, **_: Any) -> None:
        if model.service_model.service_name != "dynamodb" or not isinstance(parsed, dict):
            return
        name = model.name
        consistent = self._consistent
        if name == "GetItem":
            self.rru += read_units(item_size(parsed.get("Item") or {}), consistent)
        elif name == "Query":
            returned = parsed.get("Items") or []
            size = sum(item_size(i) for i in returned)
            scanned, count = parsed.get("ScannedCount", len(returned)), max(1, len(returned))
            self.rru += read_units(int(size * max(1, scanned) / count), consistent)
        elif name == "BatchGetItem":
            for items in (parsed.get("Responses") or {}).values():
                self.rru += sum(read_units(item_size(i)) for i in items)

    def _write(self, name: str, params: dict[str, Any]) -> None:
        if name == "PutItem":
            self._put(params["Item"], transactional=False)
        elif name in ("UpdateItem", "DeleteItem"):
            self.wru += write_units(0)
        elif name == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                if "Put" in entry:
                    self._put(entry["Put"]["Item"], transactional=True)
                else:
                    self.wru += write_units(0, transactional=True)

    def _put(self, item: dict[str, Any], transactional: bool) -> None:
        self.wru += write_units(item_size(item), transactional)
        if item.get("kind", {}).get("S") == "ticket":
            pk = item["pk"]["S"]
            self.wru += sum(units for _, _, units in index_writes(self.tickets.get(pk), item, self.gsis))
            self.tickets[pk] = item
        elif item.get("kind", {}).get("S") == "report_fact":  # filed in the reports table's by_window index
            self.wru += sum(units for _, _, units in index_writes(None, item, self.report_gsis))


class Functions:
    """Lambda invocations and their measured durations, per function."""

    def __init__(self) -> None:
        self.invocations: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def timed(self, function: str, handler: Any) -> Any:
        def invoke(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                self.invocations[function] += 1
                # Lambda bills each invocation rounded up to the millisecond.
                self.seconds[function] += max(0.001, round(time.perf_counter() - started + 0.0005, 3))

        return invoke


def memory_of() -> dict[str, int]:
    from infra.template import load_template, resources_of_type

    template = load_template()
    default = template["Globals"]["Function"]["MemorySize"]
    functions = resources_of_type(template, "AWS::Serverless::Function")
    return {name: f["Properties"].get("MemorySize", default) for name, f in functions.items()}


def traced() -> bool:
    """Whether a deployment with the template's defaults records X-Ray traces (`TraceCalls`)."""
    from infra.template import load_template

    return str(load_template()["Parameters"]["TraceCalls"]["Default"]) == "true"


def alarms() -> int:
    from infra.template import load_template, resources_of_type

    return len(resources_of_type(load_template(), "AWS::CloudWatch::Alarm"))


def run_scenario() -> dict[str, Any]:
    import botocore.handlers
    from chalice.test import Client

    from infra.local.pump import LambdaContext, StreamPump
    from infra.local.smtp import receipt_event
    from infra.local.stack import REGION as LOCAL_REGION
    from infra.local.stack import provision, start_emulator
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import FixedClock
    from shared.container import Container, set_container

    recorder, functions = Recorder(), Functions()
    botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build", recorder.before))
    botocore.handlers.BUILTIN_HANDLERS.append(("after-call", recorder.after))
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": LOCAL_REGION}
    )
    os.environ.update(
        {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    )
    server, endpoint = start_emulator()
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    try:
        stack = provision(endpoint)
        container = Container(stack.settings(token_secret="cost-bench-secret-cost-bench-secret"), clock)
        set_container(container)
        for team in TEAMS:
            container.directory_store.put_team(team)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        from app import app
        from functions.email_intake.handler import lambda_handler as intake
        from functions.report_rollup.handler import lambda_handler as rollup
        from functions.sla_sweep.handler import lambda_handler as sweep

        routing = {
            "rules": [
                {"name": "all", "position": 1, "conditions": [], "actions": [{"type": "set_team", "value": "tech"}]}
            ]
        }
        from shared.services.routing import RULES

        container.routing_store.put_config(RULES, routing, None, "admin@demo.local", clock.now())
        pumps = [
            StreamPump(
                stack,
                s,
                handler=functions.timed(s.function, _handler(s.handler)),
                starting_position="TRIM_HORIZON",
                retry_delay=0,
            )
            for s in stack.streams
        ]
        intake = functions.timed("EmailIntakeFunction", intake)
        sweep = functions.timed("SlaSweepFunction", sweep)
        rollup = functions.timed("ReportRollupFunction", rollup)
        api = _Api(Client(app), container, functions)
        # The idle month's schedules first, on the empty desk: warm runs that find nothing to do.
        idle_runs: dict[str, dict[str, float]] = {}
        for name, handler in (("SlaSweepFunction", sweep), ("ReportRollupFunction", rollup)):
            handler({"source": "aws.events"}, LambdaContext(name))
            warm = []
            for _ in range(7):
                clock.advance(timedelta(minutes=1))
                recorder.calls.clear()
                recorder.rru = recorder.wru = 0.0
                started = time.perf_counter()
                handler({"source": "aws.events"}, LambdaContext(name))
                warm.append(time.perf_counter() - started)
            idle_runs[name] = {
                "seconds": statistics.median(warm),
                "rru": recorder.rru,
                "wru": recorder.wru,
                "requests": sum(v for k, v in recorder.calls.items() if k.startswith("dynamodb.")),
            }
        functions.invocations.clear()
        functions.seconds.clear()
        recorder.calls.clear()
        recorder.wru = recorder.rru = 0.0
        mails_in = 0
        bucket = stack.names["MailBucket"]
        s3 = stack.client("s3")
        tickets: list[tuple[str, str, str]] = []  # (id, customer, channel)

        folded_at = [clock.now()]

        def drain() -> None:
            for _ in range(10):
                if not sum(p.drain() for p in pumps):
                    break
            # The rollup's schedule: once per minute of the scenario's clock (a jump of hours runs it once).
            if clock.now() - folded_at[0] >= timedelta(minutes=1):
                rollup({"source": "aws.events"}, LambdaContext("ReportRollupFunction"))
                folded_at[0] = clock.now()

        for i in range(TICKETS):
            clock.advance(timedelta(seconds=30))
            customer = f"customer{i}@example.com"
            if i % 2 == 0:
                ticket = api.call(
                    "POST", "/api/tickets", customer, {"subject": f"无法登录 {i}", "description": "提示密码错误"}
                )
                tickets.append((ticket["id"], customer, "web"))
            else:
                key = f"inbound/cost-{i}"
                raw = _mail(customer, f"打印机无法连接 {i}", f"<cost-{i}@example.com>", None)
                s3.put_object(Bucket=bucket, Key=key, Body=raw)
                mails_in += 1
                event = receipt_event(
                    bucket,
                    key,
                    f"cost-{i}",
                    customer,
                    ["support@demo.local"],
                    clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                )
                result = intake(event, LambdaContext("EmailIntakeFunction"))["results"][0]
                tickets.append((result["ticket_id"], customer, "email"))
            drain()
        for round_ in range(3):
            for n, (ticket_id, customer, channel) in enumerate(tickets):
                clock.advance(timedelta(seconds=20))
                agent = "zhangwei@demo.local"
                if n % 5 == 0:
                    api.call("GET", "/api/tickets?view=mine", agent)
                api.call("GET", f"/api/tickets/{ticket_id}", agent)
                api.call("GET", f"/api/tickets/{ticket_id}/messages", agent)
                if round_ == 1:  # the customer answers
                    if channel == "web":
                        api.call("GET", f"/api/tickets/{ticket_id}/messages", customer)
                        api.call("POST", f"/api/tickets/{ticket_id}/messages", customer, {"body": "重启后还是不行"})
                    else:
                        number = api.call("GET", f"/api/tickets/{ticket_id}", agent)["number"]
                        key = f"inbound/cost-reply-{n}"
                        raw = _mail(
                            customer,
                            f"Re: [{number}] 打印机无法连接",
                            f"<cost-reply-{n}@example.com>",
                            f"<cost-{n}@example.com>",
                        )
                        s3.put_object(Bucket=bucket, Key=key, Body=raw)
                        mails_in += 1
                        event = receipt_event(
                            bucket,
                            key,
                            f"cost-reply-{n}",
                            customer,
                            ["support@demo.local"],
                            clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                        )
                        intake(event, LambdaContext("EmailIntakeFunction"))
                else:
                    api.call(
                        "POST", f"/api/tickets/{ticket_id}/messages", agent, {"body": "您好，请按以下步骤重置密码。"}
                    )
                drain()
        clock.advance(timedelta(hours=22))  # the resolution target's 75% passes: one warning each, acted on once
        sweep({"source": "aws.events"}, LambdaContext("SlaSweepFunction"))
        drain()
        api.forget_tokens()  # a day later: the morning's sign-ins have expired
        for ticket_id, customer, _ in tickets:
            api.call("PATCH", f"/api/tickets/{ticket_id}", "zhangwei@demo.local", {"status": "resolved"})
            drain()
            # The satisfaction answer, from the portal: one request, one ticket write, its report facts.
            api.call("POST", f"/api/tickets/{ticket_id}/satisfaction", customer, {"score": 5})
            drain()
        # 结案: 72 hours later the sweep closes every resolved ticket (one write each) and mails the closing notice.
        clock.advance(timedelta(hours=72, minutes=1))
        sweep({"source": "aws.events"}, LambdaContext("SlaSweepFunction"))
        drain()
        clock.advance(timedelta(minutes=5))
        drain()  # the last facts (the closings') folded
        table_bytes = _table_bytes(stack)
        return {
            "calls": dict(recorder.calls),
            "wru": recorder.wru,
            "rru": recorder.rru,
            "invocations": dict(functions.invocations),
            "seconds": dict(functions.seconds),
            "api_requests": api.requests,
            "api_bytes": api.bytes,
            "mails_in": mails_in,
            "s3_bytes": recorder.s3_bytes,
            "table_bytes": table_bytes,
            "idle_runs": idle_runs,
        }
    finally:
        server.stop()
        set_container(None)


def _handler(path: str) -> Any:
    from infra.local.pump import load_handler

    return load_handler(path)


class _Api:
    def __init__(self, client: Any, container: Any, functions: Functions) -> None:
        self._client, self._container, self._functions = client, container, functions
        self.requests = 0
        self.bytes = 0
        self._tokens: dict[str, str] = {}

    def forget_tokens(self) -> None:
        self._tokens.clear()

    def call(self, method: str, path: str, who: str, body: Any = None) -> Any:
        if who not in self._tokens:  # signing in is not part of the tickets' cost
            self._tokens[who] = self._container.authenticator.sign_in_local(who)[0]
        token = self._tokens[who]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        started = time.perf_counter()
        response = self._client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        elapsed = time.perf_counter() - started
        self._functions.invocations["ApiFunction"] += 1
        self._functions.seconds["ApiFunction"] += max(0.001, round(elapsed + 0.0005, 3))
        assert response.status_code < 300, (method, path, response.status_code, response.body)
        self.requests += 1
        self.bytes += len(response.body or b"")
        return response.json_body


def _mail(sender: str, subject: str, message_id: str, in_reply_to: str | None) -> bytes:
    lines = [f"From: {sender}", "To: support@demo.local", f"Subject: {subject}", f"Message-ID: {message_id}"]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    lines += ["Content-Type: text/plain; charset=utf-8", "", "办公室的打印机连不上，已经重启过。" * 5, ""]
    return "\r\n".join(lines).encode()


def _table_bytes(stack: Any) -> int:
    from moto.dynamodb.models import dynamodb_backends

    from infra.local.stack import ACCOUNT, REGION

    backend = dynamodb_backends[ACCOUNT][REGION]
    total = 0
    for name in stack.names.values():
        table = backend.tables.get(name)
        if table is None:
            continue
        for value in list(table.items.values()):
            for item in value.values() if table.has_range_key else [value]:
                total += item_size(item.to_json()["Attributes"])
    return total


def price(usage: dict[str, Any]) -> tuple[list[tuple[str, str, float]], float]:
    memory = memory_of()
    rows: list[tuple[str, str, float]] = []
    # The functions on a one-minute schedule run whether or not there are tickets: their invocations are in the idle
    # month. What tickets add to them is the work beyond an idle run (and the requests, counted with the rest).
    marginal = {
        fn: max(0.0, seconds - usage["invocations"][fn] * usage["idle_runs"][fn]["seconds"])
        if fn in usage["idle_runs"]
        else seconds
        for fn, seconds in usage["seconds"].items()
    }
    gb_seconds = sum(seconds * memory.get(fn, 512) / 1024 for fn, seconds in marginal.items()) * SCALE
    invocations = sum(n for fn, n in usage["invocations"].items() if fn not in usage["idle_runs"]) * SCALE
    rows.append(
        (
            "Lambda",
            f"{invocations:,.0f} invocations, {gb_seconds:,.0f} GB-s",
            invocations * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        )
    )
    api = usage["api_requests"] * SCALE
    rows.append(("API Gateway", f"{api:,.0f} requests", api * PRICES["api_request"]))
    wru, rru = usage["wru"] * SCALE, usage["rru"] * SCALE
    rows.append(
        (
            "DynamoDB requests",
            f"{wru:,.0f} write units, {rru:,.0f} read units",
            wru * PRICES["dynamodb_wru"] + rru * PRICES["dynamodb_rru"],
        )
    )
    gb = usage["table_bytes"] * SCALE / 1e9
    rows.append(
        (
            "DynamoDB storage + PITR, a month",
            f"{gb * 1000:,.1f} MB",
            gb * (PRICES["dynamodb_gb_month"] + PRICES["dynamodb_pitr_gb_month"]),
        )
    )
    calls = usage["calls"]
    puts = (
        sum(v for k, v in calls.items() if k.startswith("s3.") and k.split(".")[1] in ("PutObject", "CopyObject"))
        * SCALE
    )
    gets = (
        sum(v for k, v in calls.items() if k.startswith("s3.") and k.split(".")[1] in ("GetObject", "HeadObject"))
        * SCALE
    )
    s3_gb = usage["s3_bytes"] * SCALE / 1e9
    rows.append(
        (
            "S3",
            f"{puts:,.0f} PUT, {gets:,.0f} GET/HEAD, {s3_gb * 1000:,.1f} MB a month",
            puts * PRICES["s3_put"] + gets * PRICES["s3_get"] + s3_gb * PRICES["s3_gb_month"],
        )
    )
    sent = sum(v for k, v in calls.items() if k in ("sesv2.SendEmail", "ses.SendRawEmail", "ses.SendEmail")) * SCALE
    received = usage["mails_in"] * SCALE
    rows.append(
        (
            "SES",
            f"{sent:,.0f} sent, {received:,.0f} received",
            sent * PRICES["ses_sent"] + received * (PRICES["ses_received"] + PRICES["ses_received_chunk"]),
        )
    )
    spa_loads = TICKETS / 2 * SCALE  # one portal load per web customer
    cf_requests = api + spa_loads * 12
    cf_gb = (usage["api_bytes"] * SCALE + spa_loads * SPA_KB * 1024) / 1e9
    rows.append(
        (
            "CloudFront",
            f"{cf_requests:,.0f} requests, {cf_gb * 1000:,.0f} MB",
            cf_requests * PRICES["cloudfront_request"] + cf_gb * PRICES["cloudfront_gb"],
        )
    )
    logs_gb = invocations * LOG_BYTES_PER_INVOCATION / 1e9
    rows.append(("CloudWatch Logs", f"{logs_gb * 1000:,.1f} MB", logs_gb * PRICES["logs_gb"]))
    if traced():
        rows.append(("X-Ray (active tracing)", f"{invocations:,.0f} traces", invocations * PRICES["xray_trace"]))
    else:
        rows.append(
            (
                "X-Ray (off by default: `TraceCalls=false`)",
                f"{invocations:,.0f} traces, US${invocations * PRICES['xray_trace']:.2f}, when turned on",
                0.0,
            )
        )
    return rows, sum(cost for _, _, cost in rows)


def idle(usage: dict[str, Any]) -> tuple[list[tuple[str, str, float]], float]:
    memory = memory_of()
    runs = 60 * 24 * 30
    rows = []
    for name, what in (("SlaSweepFunction", "the sweep"), ("ReportRollupFunction", "the report rollup")):
        run = usage["idle_runs"][name]
        rows += [
            (f"EventBridge schedule ({what} every minute)", f"{runs:,} runs", runs * PRICES["eventbridge_schedule"]),
            (
                f"Lambda: {what}",
                f"{runs:,} invocations of {run['seconds'] * 1000:.0f} ms",
                runs
                * (
                    PRICES["lambda_request"]
                    + run["seconds"] * memory.get(name, 512) / 1024 * PRICES["lambda_gb_second"]
                ),
            ),
            (
                f"DynamoDB: {what}'s requests",
                f"{run['requests']} a run, {run['rru']:.1f} read units, {run['wru']:.0f} write units",
                runs * (run["rru"] * PRICES["dynamodb_rru"] + run["wru"] * PRICES["dynamodb_wru"]),
            ),
            (
                f"CloudWatch Logs{' + X-Ray' if traced() else ''} ({what})",
                f"{runs:,} invocations",
                runs * (LOG_BYTES_PER_INVOCATION / 1e9 * PRICES["logs_gb"] + PRICES["xray_trace"] * traced()),
            ),
        ]
    rows += [
        ("CloudWatch alarms", str(alarms()), alarms() * PRICES["cloudwatch_alarm_month"]),
        ("Secrets Manager", "1 secret (the cursor key)", PRICES["secret_month"]),
        ("API Gateway, CloudFront, S3, SES, Cognito, SQS, SNS", "no requests", 0.0),
    ]
    return rows, sum(cost for _, _, cost in rows)


def print_chats() -> None:
    from bench.cost_chat import CHATS, LINES, price_chats, run_chat_scenario

    usage = run_chat_scenario()
    print(f"\n### 1,000 live chats (measured on {CHATS}, {LINES} lines each way, scaled)\n")
    print("| service | usage | US$ |\n|---|---|---|")
    rows, total = price_chats(usage)
    for service, what, cost in rows:
        print(f"| {service} | {what} | {cost:.4f} |")
    print(f"| **total** | | **{total:.2f}** |")
    print(f"\n<!-- chats: invocations: {usage['invocations']}; calls: {usage['calls']} -->")


def main() -> None:
    if "--chats-only" in sys.argv:
        print_chats()
        return
    usage = run_scenario()
    print(f"Region: {REGION}. Prices: {PRICE_DATE}. Free tiers not applied.\n")
    print(f"### 1,000 tickets (measured on {TICKETS}, scaled)\n")
    print("| service | usage | US$ |\n|---|---|---|")
    rows, total = price(usage)
    for service, what, cost in rows:
        print(f"| {service} | {what} | {cost:.4f} |")
    print(f"| **total** | | **{total:.2f}** |")
    print("\n### An idle stack, a month\n")
    print("| what | usage | US$ |\n|---|---|---|")
    rows, total = idle(usage)
    for service, what, cost in rows:
        print(f"| {service} | {what} | {cost:.4f} |")
    print(f"| **total** | | **{total:.2f}** |")
    print(f"\n<!-- invocations: {usage['invocations']}; calls: {usage['calls']} -->")
    print_chats()


if __name__ == "__main__":
    main()
