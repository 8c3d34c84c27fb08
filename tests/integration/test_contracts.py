"""The app, template.yaml and the OpenAPI document agree with each other."""

from __future__ import annotations

from openapi_spec_validator import validate

from infra.template import api_routes, load_template, resources_of_type


def _app_routes() -> set[tuple[str, str]]:
    from app import api

    return {(op.method, op.path) for op in api.operations}


def test_template_declares_exactly_the_apps_routes():
    assert api_routes(load_template()) == _app_routes()


def test_no_dev_route_is_deployed():
    assert not [path for _, path in api_routes(load_template()) if path.startswith("/api/dev")]


def test_stream_consumers_are_configured_for_partial_failures():
    functions = resources_of_type(load_template(), "AWS::Serverless::Function")
    streams = [
        event["Properties"]
        for function in functions.values()
        for event in (function["Properties"].get("Events") or {}).values()
        if event["Type"] == "DynamoDB"
    ]
    assert streams
    for stream in streams:
        assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert stream["BisectBatchOnFunctionError"] is True
        assert 0 <= stream["MaximumRetryAttempts"] <= 10
        assert "Destination" in stream["DestinationConfig"]["OnFailure"]


def test_tables_keep_history_and_stream_changes():
    tables = resources_of_type(load_template(), "AWS::DynamoDB::Table")
    for table in tables.values():
        assert table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert tables["TicketsTable"]["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_openapi_is_valid_and_covers_every_route(api):
    document = api.call("GET", "/api/openapi.json").json_body
    validate(document)
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert documented >= _app_routes()
    create = document["paths"]["/api/tickets"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TicketCreate")
    assert document["paths"]["/api/health"]["get"]["security"] == []


def test_the_spa_and_the_api_share_one_cloudfront_origin():
    template = load_template()
    config = resources_of_type(template, "AWS::CloudFront::Distribution")["WebDistribution"]["Properties"][
        "DistributionConfig"
    ]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["web"]["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert "OriginAccessControlId" in origins["web"]
    assert origins["api"]["OriginPath"] == "/v1"
    assert "${HelpdeskApi}" in origins["api"]["DomainName"]["Fn::Sub"]
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["TargetOriginId"] == "api"
    assert {"POST", "PATCH", "PUT", "DELETE"} <= set(api["AllowedMethods"])
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    # No custom error pages: they would replace the API's own 403/404 bodies too.
    assert "CustomErrorResponses" not in config
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "web"


def test_queue_consumers_report_partial_failures_and_queues_park_what_fails():
    template = load_template()
    functions = resources_of_type(template, "AWS::Serverless::Function")
    queues = resources_of_type(template, "AWS::SQS::Queue")
    sources = [
        event["Properties"]
        for function in functions.values()
        for event in (function["Properties"].get("Events") or {}).values()
        if event["Type"] == "SQS"
    ]
    assert sources
    for source in sources:
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        queue = queues[source["Queue"]["Fn::GetAtt"][0]]["Properties"]
        dead = queues[queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]["Properties"]
        assert 1 <= queue["RedrivePolicy"]["maxReceiveCount"] <= 10
        assert dead.get("FifoQueue") == queue.get("FifoQueue")
        assert queue["VisibilityTimeout"] >= 6 * functions["WechatIntakeFunction"]["Properties"]["Timeout"]
