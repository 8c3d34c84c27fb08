"""The emulated AWS account of local mode: moto's server, provisioned from template.yaml itself.

Tables (with their indexes, streams, TTL), queues and mail identities are created from the template's own
resource definitions, and each function's environment is resolved from the template the way CloudFormation would,
so the local stack runs what is deployed.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from infra.local import emulator
from infra.template import load_template, resources_of_type
from shared.config import Settings

ACCOUNT = "123456789012"
REGION = "ap-southeast-1"
STACK = "helpdesk-local"


@dataclass
class StreamSubscription:
    """A function's DynamoDB stream event source, as template.yaml configures it."""

    function: str
    handler: str
    table: str
    batch_size: int = 100
    batching_window_seconds: float = 0
    maximum_retry_attempts: int = -1
    bisect_on_error: bool = False
    report_item_failures: bool = False
    starting_position: str = "LATEST"
    on_failure_queue: str | None = None
    filters: list[dict[str, Any]] = field(default_factory=list)  # FilterCriteria patterns: a record must match one

    def accepts(self, record: dict[str, Any]) -> bool:
        """Lambda's event filtering (the subset template.yaml uses: nested keys, lists of exact values)."""
        return not self.filters or any(_matches(pattern, record) for pattern in self.filters)


def _matches(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, list):
        return value in pattern
    if not isinstance(pattern, dict) or not isinstance(value, dict):
        return False
    return all(key in value and _matches(inner, value[key]) for key, inner in pattern.items())


@dataclass
class QueueSubscription:
    """A function's SQS event source, as template.yaml configures it (the queue's redrive policy is the queue's)."""

    function: str
    handler: str
    queue: str
    batch_size: int = 10
    report_item_failures: bool = False


@dataclass
class Schedule:
    function: str
    handler: str
    expression: str
    timezone: str | None = None  # ScheduleV2's ScheduleExpressionTimezone (cron in local time); None: UTC


@dataclass
class LocalStack:
    endpoint: str
    names: dict[str, str]
    environment: dict[str, dict[str, str]]
    streams: list[StreamSubscription] = field(default_factory=list)
    queues: list[QueueSubscription] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    queue_urls: dict[str, str] = field(default_factory=dict)
    server: ThreadedMotoServer | None = None

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def settings(self, **overrides: Any) -> Settings:
        """The product's settings for this emulated account (what tests and benchmarks run against)."""
        values: dict[str, Any] = {
            "tickets_table": self.names["TicketsTable"],
            "idempotency_table": self.names["IdempotencyTable"],
            "reports_table": self.names["ReportsTable"],
            "chat_table": self.names["ChatConnectionsTable"],
            "mail_bucket": self.names["MailBucket"],
            "wechat_queue_url": self.queue_urls.get("WechatInboundQueue", ""),
            "aws_endpoint_url": self.endpoint,
            "aws_region": REGION,
            "auth_mode": "local",
        }
        return Settings(**{**values, **overrides})

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def start_emulator(port: int = 0) -> tuple[ThreadedMotoServer, str]:
    emulator.install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    bound = server._server.server_port if server._server else port  # type: ignore[union-attr]
    return server, f"http://127.0.0.1:{bound}"


def physical_name(logical_id: str) -> str:
    return f"{STACK}-{logical_id}"


def provision(endpoint: str, overrides: dict[str, str] | None = None) -> LocalStack:
    """Create every resource local mode emulates, and resolve each function's environment."""
    template = load_template()
    names: dict[str, str] = {}
    session = LocalStack(endpoint, names, {})
    dynamodb = session.client("dynamodb")
    for logical_id, resource in resources_of_type(template, "AWS::DynamoDB::Table").items():
        names[logical_id] = physical_name(logical_id)
        _create_table(dynamodb, names[logical_id], resource["Properties"])
    sqs = session.client("sqs")
    queues = resources_of_type(template, "AWS::SQS::Queue")
    # Dead-letter queues first: a queue's redrive policy names its dead-letter queue's ARN.
    for logical_id in sorted(queues, key=lambda q: "RedrivePolicy" in (queues[q].get("Properties") or {})):
        props = queues[logical_id].get("Properties") or {}
        fifo = bool(props.get("FifoQueue"))
        names[logical_id] = physical_name(logical_id) + (".fifo" if fifo else "")
        attributes = _queue_attributes(props, names)
        url = sqs.create_queue(QueueName=names[logical_id], Attributes=attributes)["QueueUrl"]
        session.queue_urls[logical_id] = url
    s3 = session.client("s3")
    parameters = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}
    public_url = (overrides or {}).get("HELPDESK_PUBLIC_URL") or parameters.get("PublicUrl", "")
    for logical_id, bucket in resources_of_type(template, "AWS::S3::Bucket").items():
        names[logical_id] = physical_name(logical_id).lower()
        s3.create_bucket(Bucket=names[logical_id], CreateBucketConfiguration={"LocationConstraint": REGION})
        cors = (bucket.get("Properties") or {}).get("CorsConfiguration")
        if cors:
            # The browser posts uploads to moto's port from the SPA's: the template's CORS rules, origin resolved.
            origins = {**parameters, "PublicUrl": public_url}
            rules = [_cors_rule(rule, names, origins) for rule in cors["CorsRules"]]
            s3.put_bucket_cors(Bucket=names[logical_id], CORSConfiguration={"CORSRules": rules})
    ses = session.client("ses")
    for logical_id, resource in resources_of_type(template, "AWS::SES::EmailIdentity").items():
        identity = _resolve(resource["Properties"]["EmailIdentity"], names, parameters)
        names[logical_id] = identity
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
    for logical_id in resources_of_type(template, "AWS::SES::ConfigurationSet"):
        names[logical_id] = physical_name(logical_id)
        session.client("sesv2").create_configuration_set(ConfigurationSetName=names[logical_id])

    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    for logical_id, function in resources_of_type(template, "AWS::Serverless::Function").items():
        props = function.get("Properties", {})
        variables = {**globals_env, **(props.get("Environment", {}).get("Variables") or {})}
        # A queue's Ref is its URL (CloudFormation's), everything else's its name.
        refs = {**names, **session.queue_urls}
        env = {key: _resolve(value, refs, parameters) for key, value in variables.items()}
        env.update(overrides or {})
        session.environment[logical_id] = env
        handler = props.get("Handler") or template.get("Globals", {}).get("Function", {}).get("Handler", "")
        for event in (props.get("Events") or {}).values():
            _subscribe(session, logical_id, handler, event, names, parameters)
    return session


def _subscribe(
    session: LocalStack,
    function: str,
    handler: str,
    event: dict[str, Any],
    names: dict[str, str],
    parameters: dict[str, str] | None = None,
) -> None:
    props = event.get("Properties", {})
    if event.get("Type") == "DynamoDB":
        table_ref = props["Stream"]["Fn::GetAtt"][0]
        destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        session.streams.append(
            StreamSubscription(
                function=function,
                handler=handler,
                table=names[table_ref],
                batch_size=int(props.get("BatchSize", 100)),
                batching_window_seconds=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
                report_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                starting_position=str(props.get("StartingPosition", "LATEST")),
                on_failure_queue=names.get(destination["Fn::GetAtt"][0]) if destination else None,
                filters=[json.loads(f["Pattern"]) for f in (props.get("FilterCriteria") or {}).get("Filters", [])],
            )
        )
    elif event.get("Type") == "SQS":
        queue_ref = props["Queue"]["Fn::GetAtt"][0]
        session.queues.append(
            QueueSubscription(
                function=function,
                handler=handler,
                queue=names[queue_ref],
                batch_size=int(props.get("BatchSize", 10)),
                report_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
            )
        )
    elif event.get("Type") in ("Schedule", "ScheduleV2"):
        expression = str(props.get("Schedule") or props["ScheduleExpression"])
        zone = props.get("ScheduleExpressionTimezone")
        timezone = _resolve(zone, names, parameters or {}) if zone is not None else None
        session.schedules.append(Schedule(function, handler, expression, timezone or None))


def _cors_rule(rule: dict[str, Any], names: dict[str, str], parameters: dict[str, str]) -> dict[str, Any]:
    return {
        "AllowedOrigins": [_resolve(o, names, parameters) for o in rule["AllowedOrigins"]],
        "AllowedMethods": list(rule["AllowedMethods"]),
        "AllowedHeaders": list(rule.get("AllowedHeaders") or []),
        "MaxAgeSeconds": int(rule.get("MaxAge", 0)),
    }


def _queue_attributes(props: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """The template's queue properties as SQS attributes (the dead-letter target resolved to the local ARN)."""
    attributes: dict[str, str] = {}
    if props.get("FifoQueue"):
        attributes["FifoQueue"] = "true"
        attributes["ContentBasedDeduplication"] = str(bool(props.get("ContentBasedDeduplication"))).lower()
    for name in ("VisibilityTimeout", "MessageRetentionPeriod"):
        if name in props:
            attributes[name] = str(props[name])
    redrive = props.get("RedrivePolicy")
    if redrive:
        target = names[redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{target}"
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": arn, "maxReceiveCount": redrive["maxReceiveCount"]}
        )
    return attributes


def _resolve(value: Any, names: dict[str, str], parameters: dict[str, str]) -> str:
    """Ref / Fn::Sub / Fn::GetAtt as CloudFormation would resolve them against the local stack."""
    if isinstance(value, dict):
        if "Ref" in value:
            ref = value["Ref"]
            return names.get(ref) or parameters.get(ref) or physical_name(ref)
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            text = re.sub(r"\$\{([^}]+)\}", lambda m: _resolve({"Ref": m.group(1)}, names, parameters), text)
            # Dynamic references (secrets) have no local value: local mode overrides those variables.
            return re.sub(r"\{\{resolve:[^}]*\}\}", "", text)
        if "Fn::GetAtt" in value:
            return names.get(value["Fn::GetAtt"][0], "")
        return ""
    return str(value)


def _create_table(client: Any, name: str, props: dict[str, Any]) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    client.create_table(**request)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
        )
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
