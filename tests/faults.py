"""Fault injection at the HTTP edge of every AWS client: a request that matches a rule gets the error response AWS
would send (DynamoDB throttling or a 500, an SES 5xx) instead of reaching moto. botocore parses it, retries it as
configured, and the product's code sees exactly what it would see from AWS. No service of ours is replaced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint

DYNAMODB_ERRORS = {
    "throttling": (
        400,
        "com.amazonaws.dynamodb.v20120810#ThrottlingException",
        "Rate of requests exceeds the allowed throughput.",
    ),
    "throughput": (
        400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "5xx": (500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Rule:
    service: str  # "dynamodb" or "ses"
    operation: str  # DynamoDB operation name (TransactWriteItems, UpdateItem...) or "SendEmail"
    kind: str
    times: int | None  # None: until cleared
    hits: int = 0

    def matches(self, service: str, operation: str) -> bool:
        return (self.service, self.operation) == (service, operation) and (self.times is None or self.hits < self.times)


class Faults:
    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def fail(self, service: str, operation: str, kind: str = "5xx", times: int | None = None) -> Rule:
        rule = Rule(service, operation, kind, times)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def response(self, request: Any) -> AWSResponse | None:
        service, operation = _identify(request)
        for rule in self.rules:
            if rule.matches(service, operation):
                rule.hits += 1
                return _error(request.url, service, rule.kind)
        return None

    def install(self, monkeypatch: Any) -> None:
        original = Endpoint._send
        faults = self

        def _send(endpoint: Endpoint, request: Any) -> Any:
            return faults.response(request) or original(endpoint, request)

        monkeypatch.setattr(Endpoint, "_send", _send)


def _identify(request: Any) -> tuple[str, str]:
    target = request.headers.get("X-Amz-Target", b"")
    target = target.decode() if isinstance(target, bytes) else str(target)
    if target.startswith("DynamoDB_"):
        return "dynamodb", target.split(".", 1)[1]
    if "/v2/email/outbound-emails" in request.url:
        return "ses", "SendEmail"
    return "", ""


def _error(url: str, service: str, kind: str) -> AWSResponse:
    if service == "dynamodb":
        status, code, message = DYNAMODB_ERRORS[kind]
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "fault"}
    else:
        status = 500 if kind == "5xx" else 429
        name = "InternalFailure" if kind == "5xx" else "TooManyRequestsException"
        body = json.dumps({"message": f"injected {name}"}).encode()
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": name, "x-amzn-RequestId": "fault"}
    return AWSResponse(url, status, headers, _Raw(body))
