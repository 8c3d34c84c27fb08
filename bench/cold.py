"""The whole cold path of every function: a fresh process imports the handler and serves its first real invocation
over moto's server, against the floor of a fresh process that imports boto3 and makes one GetItem. One run,
interleaved, median of 5: machine noise hits both sides alike. Goal: at most 1.3 for every function.

Each invocation does real work on real data, prepared by this script first: the API reads a ticket
(`GET /api/tickets/{id}`, signed in through the Cognito authorizer's claims, as on AWS); the assignment and
notification functions take the stream's INSERT of a new ticket's `ticket.created` event (routing and assigning it;
the acknowledgment mail through SES with Powertools Idempotency); the sweep runs its per-minute pass; the email
intake takes a new raw message from the mail bucket; the feedback function a bounce for a ticket; the nightly report
a night's reports (each run a different night); the report rollup folds a closed window of 50 fact records (each
run its own, written just before it, the progress set to the window before).

Usage: .venv/bin/python bench/cold.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("COLD_RUNS", "5"))

CHILD = textwrap.dedent(
    """
    import json, sys, time
    started = time.perf_counter()
    spec = json.loads(sys.argv[1])
    if spec["module"] == "floor":
        import boto3
        client = boto3.client("dynamodb", endpoint_url=spec["endpoint"], region_name=spec["region"])
        client.get_item(TableName=spec["table"], Key={"pk": {"S": spec["pk"]}, "sk": {"S": "TICKET"}})
    else:
        import importlib
        handler = getattr(importlib.import_module(spec["module"]), spec["handler"])

        class Context:
            function_name = spec["function"]
            memory_limit_in_mb = 512
            aws_request_id = "cold-path"
            invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:" + spec["function"]

            def get_remaining_time_in_millis(self):
                return 60_000

        result = handler(spec["event"], Context())
        assert not (isinstance(result, dict) and result.get("batchItemFailures")), result
        assert not (isinstance(result, dict) and str(result.get("statusCode", 200)).startswith("5")), result
    print(json.dumps({"seconds": time.perf_counter() - started}))
    """
)


def _env(stack: Any) -> dict[str, str]:
    """The functions' environment as template.yaml sets it (its literal values), pointed at the emulated account."""
    from infra.template import load_template

    declared = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    literal = {name: value for name, value in declared.items() if isinstance(value, str)}
    settings = stack.settings(auth_mode="cognito", cursor_secret="cold-path-cursor-secret")
    values = {f"HELPDESK_{k.upper()}": str(v) for k, v in settings.as_dict().items() if v not in (None, "")}
    return {
        **os.environ,
        **literal,
        **values,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": settings.aws_region,
        "AWS_REGION": settings.aws_region,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Helpdesk",
        "PYTHONDONTWRITEBYTECODE": "",
    }


def _run(spec: dict[str, Any], env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(spec)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"{spec.get('module')}: {out.stderr[-2000:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def _api_event(ticket_id: str) -> dict[str, Any]:
    claims = {"email": "wangfang@demo.local", "name": "王芳", "cognito:groups": "agent"}
    return {
        "resource": "/api/tickets/{id}",
        "path": f"/api/tickets/{ticket_id}",
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "example.execute-api.ap-southeast-1.amazonaws.com"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"id": ticket_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api/tickets/{id}",
            "httpMethod": "GET",
            "path": f"/v1/api/tickets/{ticket_id}",
            "stage": "v1",
            "requestId": "cold-path",
            "authorizer": {"claims": claims},
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def prepare(runs: int) -> tuple[Any, Any, dict[str, list[dict[str, Any]]]]:
    """The emulated account with data, and per function one event per run (fresh work each time)."""
    from infra.local.pump import _lambda_record
    from infra.local.stack import REGION, provision, start_emulator
    from infra.seed.demo import STAFF, TEAMS
    from shared.clock import SystemClock
    from shared.container import Container, set_container
    from shared.domain.access import Principal
    from shared.domain.requests import TicketDraft

    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    server, endpoint = start_emulator()
    stack = provision(endpoint)
    container = Container(stack.settings(), SystemClock())  # the children run on the system clock too
    set_container(container)
    for team in TEAMS:
        container.directory_store.put_team(team)
    for agent in STAFF:
        container.directory_store.put_agent(agent)
    customer = Principal.of("cold@example.com", "冷启动", "customer")
    tickets = [
        container.tickets.create(customer, TicketDraft(subject=f"打印机无法连接 {i}", description="连不上")).ticket
        for i in range(runs)
    ]
    streams = stack.client("dynamodbstreams")
    table = stack.client("dynamodb").describe_table(TableName=stack.names["TicketsTable"])["Table"]
    arn = table["LatestStreamArn"]
    created: dict[str, dict[str, Any]] = {}
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        position = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        page = streams.get_records(ShardIterator=position["ShardIterator"], Limit=1000)
        for record in page["Records"]:
            image = record["dynamodb"].get("NewImage") or {}
            if image.get("type", {}).get("S") == "ticket.created":
                created[image["ticket_id"]["S"]] = _lambda_record(record, arn)
    s3 = stack.client("s3")
    ses = json.loads((ROOT / "events" / "email_intake" / "s3_action.json").read_text())
    bounce = json.loads((ROOT / "events" / "mail_feedback" / "bounce.json").read_text())
    kinds = ("api", "stream", "sweep", "intake", "feedback", "nightly", "rollup")
    events: dict[str, list[dict[str, Any]]] = {name: [] for name in kinds}
    nightly = json.loads((ROOT / "events" / "nightly_report" / "scheduled.json").read_text())
    for i, ticket in enumerate(tickets):
        events["api"].append(_api_event(tickets[0].id))
        events["stream"].append({"Records": [created[ticket.id]]})
        events["sweep"].append(json.loads((ROOT / "events" / "sla_sweep" / "scheduled.json").read_text()))
        events["rollup"].append(json.loads((ROOT / "events" / "report_rollup" / "scheduled.json").read_text()))
        events["nightly"].append({**nightly, "time": f"2026-11-{20 + i:02d}T17:00:00Z"})  # a different night each run
        key = f"inbound/cold-path-{i}"
        raw = (
            f"From: 王先生 <wang{i}@example.com>\r\nTo: support@demo.local\r\nSubject: 打印机无法连接 {i}\r\n"
            f"Message-ID: <cold-{i}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "办公室的打印机连不上。\r\n"
        ).encode()
        s3.put_object(Bucket=stack.names["MailBucket"], Key=key, Body=raw)
        record = json.loads(json.dumps(ses["Records"][0]))
        record["ses"]["mail"]["messageId"] = f"cold-path-{i}"
        record["ses"]["receipt"]["action"].update({"bucketName": stack.names["MailBucket"], "objectKey": key})
        events["intake"].append({"Records": [record]})
        notice = json.loads(bounce["Records"][0]["Sns"]["Message"])
        notice["mail"]["messageId"] = f"cold-bounce-{i}"
        notice["mail"]["commonHeaders"]["subject"] = f"[{ticket.number}] 我们已收到您的工单"
        event = json.loads(json.dumps(bounce))
        event["Records"][0]["Sns"]["Message"] = json.dumps(notice, ensure_ascii=False)
        events["feedback"].append(event)
    return server, stack, {**events, "first_ticket": [{"pk": f"TICKET#{tickets[0].id}"}]}


FUNCTIONS = [
    ("ApiFunction", "app", "app", "api"),
    ("AssignmentFunction", "functions.assignment.handler", "lambda_handler", "stream"),
    ("NotificationFunction", "functions.notification.handler", "lambda_handler", "stream"),
    ("SlaSweepFunction", "functions.sla_sweep.handler", "lambda_handler", "sweep"),
    ("EmailIntakeFunction", "functions.email_intake.handler", "lambda_handler", "intake"),
    ("MailFeedbackFunction", "functions.mail_feedback.handler", "lambda_handler", "feedback"),
    ("NightlyReportFunction", "functions.nightly_report.handler", "lambda_handler", "nightly"),
    ("ReportRollupFunction", "functions.report_rollup.handler", "lambda_handler", "rollup"),
]


def rollup_work(run: int) -> None:
    """Fresh work for one rollup run: the progress set to six minutes ago, and 50 fact records (a new ticket's facts
    each) written four minutes ago, in a window the run folds."""
    from datetime import UTC, date, datetime, timedelta

    from shared.container import get_container
    from shared.domain.reports.rollup import window_of

    store = get_container().report_store
    now = datetime.now(UTC)
    _, version = store.progress()
    assert store.save_progress({shard: window_of(now - timedelta(minutes=6)) for shard in store.fact_shards()}, version)
    day = date.today()
    for n in range(50):
        rows = {(day, ("total", "")): {"created": 1}, (day, ("channel", "web")): {"created": 1}}
        rows[(day, ("agent", f"agent{n % 7}@demo.local"))] = {"created": 1}
        store.put_facts(f"cold-{run}-{n}", rows, now - timedelta(minutes=4))


def main() -> None:
    server, stack, events = prepare(RUNS)
    try:
        env = _env(stack)
        floor_spec = {
            "module": "floor",
            "endpoint": stack.endpoint,
            "region": stack.settings().aws_region,
            "table": stack.names["TicketsTable"],
            "pk": events["first_ticket"][0]["pk"],
        }
        samples: dict[str, list[float]] = {"floor": [], **{f[0]: [] for f in FUNCTIONS}}
        for run in range(RUNS):
            samples["floor"].append(_run(floor_spec, env))
            for function, module, handler, kind in FUNCTIONS:
                if kind == "rollup":
                    rollup_work(run)
                spec = {"module": module, "handler": handler, "function": function, "event": events[kind][run]}
                samples[function].append(_run(spec, env))
    finally:
        server.stop()
    floor = statistics.median(samples["floor"])
    print("### Cold path: import + first real invocation (median of 5 fresh processes)\n")
    print("| function | median ms | ratio to `import boto3` + one `GetItem` |")
    print("|---|---|---|")
    print(f"| floor (`import boto3`, one `GetItem`) | {floor * 1000:.1f} | 1.0 |")
    for function, *_ in FUNCTIONS:
        median = statistics.median(samples[function])
        print(f"| {function} | {median * 1000:.1f} | {median / floor:.2f} |")


if __name__ == "__main__":
    main()
