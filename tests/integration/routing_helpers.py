"""Helpers of the routing and SLA tests: the assignment function's pump, the sweep, inboxes, loads."""

from __future__ import annotations

import json
from typing import Any

from functions.sla_sweep.handler import lambda_handler as sweep_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext, StreamPump, _lambda_record
from shared.domain.directory import Agent, Team

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"


def subscription(env: Any, function: str) -> Any:
    return next(s for s in env.stack.streams if s.function == function)


def assignment_pump(env: Any) -> StreamPump:
    return StreamPump(
        env.stack, subscription(env, "AssignmentFunction"), starting_position="TRIM_HORIZON", retry_delay=0
    )


def notification_pump(env: Any) -> StreamPump:
    return StreamPump(
        env.stack, subscription(env, "NotificationFunction"), starting_position="TRIM_HORIZON", retry_delay=0
    )


def drain(*pumps: StreamPump, rounds: int = 10) -> None:
    for _ in range(rounds):
        if not sum(p.drain() for p in pumps):
            return


SCHEDULED = json.loads((ROOT / "events" / "sla_sweep" / "scheduled.json").read_text())


def sweep() -> dict[str, Any]:
    """One run of the sweep, given the sample EventBridge event (`sam local invoke SlaSweepFunction` takes it too)."""
    return sweep_handler(SCHEDULED, LambdaContext("SlaSweepFunction"))


def stream_records(env: Any) -> list[dict[str, Any]]:
    """Everything on the ticket stream so far, as Lambda would deliver it."""
    streams = env.stack.client("dynamodbstreams")
    table = env.stack.client("dynamodb").describe_table(TableName=env.stack.names["TicketsTable"])["Table"]
    arn = table["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        position = iterator["ShardIterator"]
        while position:
            page = streams.get_records(ShardIterator=position, Limit=1000)
            if not page["Records"]:
                break
            records += [_lambda_record(r, arn) for r in page["Records"]]
            position = page.get("NextShardIterator")
    return records


def inbox(env: Any, email: str) -> list[tuple[str, str]]:
    """(type, ticket number) of an agent's in-app notifications, oldest first."""
    page = env.container.inbox._inbox.list(email, 100, None)
    return [(n.type, n.ticket_number) for n in reversed(page.items)]


def loads(env: Any) -> dict[str, int]:
    agents = [agent.email for agent in env.container.directory_store.list_all()[0]]
    return {email: sum(by.values()) for email, by in env.container.routing_store.loads(agents).items()}


def add_team(env: Any, team: str, agents: list[Agent], supervisor: str = LEAD) -> None:
    env.container.directory_store.put_team(Team(team, team, supervisor=supervisor))
    for agent in agents:
        env.container.directory_store.put_agent(agent)


def put_rules(api: Any, rules: list[dict[str, Any]]) -> Any:
    response = api.call("PUT", "/api/admin/rules", ADMIN, {"rules": rules})
    assert response.status_code == 200, response.body
    return response.json_body


def route_all_to(team: str, extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    catch_all = {
        "name": f"all to {team}",
        "position": 1000,
        "conditions": [],
        "actions": [{"type": "set_team", "value": team}],
    }
    return [*(extra or []), catch_all]
