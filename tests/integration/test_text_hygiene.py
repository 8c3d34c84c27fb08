"""Input and transport: text that is not Unicode text, addresses no mail system takes, other methods, stored mail.

docs/security.md, "Input and transport".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.local.outbox import Outbox, read_mail
from infra.local.server import security_headers
from infra.template import any_method_paths, api_routes, load_template, resources_of_type

ADMIN = "admin@demo.local"
AGENT = "wangfang@demo.local"
ALICE = "alice@example.com"


def _operations():
    from app import api

    return api.operations


def _concrete(path: str) -> str:
    return re.sub(r"{\w+}", "x", path)


def _error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.body)
    error = response.json_body["error"]
    assert error["code"] and error["message"]
    if field is not None:
        assert error.get("field") == field, error
    return error


BODY_ROUTES = [op for op in _operations() if op.body is not None]
PATH_ROUTES = [op for op in _operations() if "{" in op.path]
BAD_BODIES = [
    (b'{"probe": "a\\ud946b"}', "probe"),  # a lone surrogate, as JSON writes it
    (b'{"probe": ["ok", "a\\u0000b"]}', "probe.1"),  # a NUL, inside a list
    (b'{"probe": {"inner": "\\udc00"}}', "probe.inner"),
    (b'{"probe": "caf\xe9"}', "body"),  # Latin-1, not UTF-8
]


def test_every_body_refuses_text_that_is_not_text_naming_the_field(api):
    """Checked while decoding, before the model and before any service: every route that takes a body."""
    assert len(BODY_ROUTES) > 30
    for op in BODY_ROUTES:
        for raw, field in BAD_BODIES:
            response = api.call(op.method, _concrete(op.path), None if op.public else ADMIN, raw=raw)
            error = _error(response, 400, field)
            assert error["code"] in ("validation_error", "invalid_json"), (op.path, error)


def test_every_path_parameter_refuses_a_nul_or_bytes_that_are_not_utf8(api):
    assert len(PATH_ROUTES) > 30
    for op in PATH_ROUTES:
        name = re.findall(r"{(\w+)}", op.path)[0]
        for bad in ("a%00b", "a%ED%A5%86", "a%FFb"):  # a NUL, an encoded surrogate, a byte that is not UTF-8
            path = op.path.replace("{" + name + "}", bad, 1)
            _error(api.call(op.method, _concrete(path), None if op.public else ADMIN, json={}), 400, name)


@pytest.mark.parametrize(("path", "field"), [("/api/search/tickets?q=a%00b", "q"), ("/api/tickets?tag=x%00", "tag")])
def test_query_parameters_refuse_a_nul(api, path, field):
    """Bytes that are not UTF-8 in a query string never reach the app as such: the gateway (API Gateway, Chalice's
    local gateway) decodes them to U+FFFD."""
    _error(api.call("GET", path, AGENT), 400, field)


def test_the_reported_lone_surrogates_are_400_not_500(api):
    _error(api.call("POST", "/api/auth/code", raw=b'{"email": "\\ud946"}'), 400, "email")
    ticket = api.call("POST", "/api/tickets", ALICE, {"subject": "s", "description": "d"}).json_body
    response = api.call("PATCH", f"/api/tickets/{ticket['id']}", AGENT, raw=b'{"subject": "\\ud946"}')
    _error(response, 400, "subject")


# -- addresses -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    ["=?utf-8?b?5L2g5aW9?=@", "a@b", "two@@example.com", "a b@example.com", "x@localhost", '"q"@example.com', "@x.cn"],
)
def test_addresses_no_mail_system_accepts_are_refused_where_one_is_taken(api, address):
    _error(api.call("POST", "/api/auth/code", json={"email": address}), 400, "email")
    opened = api.call(
        "POST", "/api/tickets", AGENT, {"subject": "s", "description": "d", "requester": {"email": address}}
    )
    _error(opened, 400, "requester.email")


def test_idn_and_internal_domains_are_addresses(api):
    for address in ("王芳@例子.中国", "someone@xn--fsqu00a.xn--fiqs8s", "staff@demo.local"):
        opened = api.call(
            "POST", "/api/tickets", AGENT, {"subject": "s", "description": "d", "requester": {"email": address}}
        )
        assert opened.status_code == 201, opened.body
        assert "@" in opened.json_body["requester"]["email"]


# -- stored mail -----------------------------------------------------------------------------------------------------
MALFORMED = (
    b"From: support@demo.local\r\nTo: =?utf-8?b?5L2g?=@\r\nSubject: caf\xe9\r\nMessage-ID: <m@x>\r\n\r\nbody\r\n"
)
GOOD = b"From: support@demo.local\r\nTo: wang@example.com\r\nSubject: =?utf-8?b?5L2g5aW9?=\r\n\r\nbody\r\n"


def test_one_malformed_mail_never_hides_the_outbox(tmp_path: Path):
    """The reported bug: a mail to `=?utf-8?b?...?=@` made every GET /api/dev/outbox a 500."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    (folder / "000001-a.eml").write_bytes(GOOD)
    (folder / "000002-b.eml").write_bytes(MALFORMED)
    (folder / "000003-c.eml").write_bytes(GOOD)
    items = Outbox(folder).items()
    assert [item["to"] for item in items] == [["wang@example.com"], ["=?utf-8?b?5L2g?=@"], ["wang@example.com"]]
    assert items[0]["subject"] == "你好" and "malformed" not in items[0]
    assert items[1]["malformed"] and items[1]["raw"].startswith("From: support@demo.local")
    assert read_mail(folder / "000002-b.eml")["message_id"] == "<m@x>"


# -- methods ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PROPFIND"])
def test_another_method_on_an_api_path_is_405_with_allow(api, method):
    response = api.call(method, "/api/tickets", ALICE)
    error = _error(response, 405)
    assert error["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_api_gateway_sends_every_other_method_of_every_path_to_the_app():
    template = load_template()
    assert any_method_paths(template) == {path for _, path in api_routes(template)}
    events = resources_of_type(template, "AWS::Serverless::Function")["ApiFunction"]["Properties"]["Events"]
    for event in events.values():
        if event["Properties"]["Method"] == "ANY":
            assert event["Properties"]["Auth"] == {"Authorizer": "NONE"}  # 405 whoever asks, as in local mode


# -- the SPA's headers -----------------------------------------------------------------------------------------------
def test_cloudfront_and_local_mode_send_the_same_security_headers():
    template = load_template()
    policy = resources_of_type(template, "AWS::CloudFront::ResponseHeadersPolicy")["WebSecurityHeaders"]
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    local = security_headers("http://127.0.0.1:4566", "ws://127.0.0.1:8001")
    aws_csp = config["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    # Storage and sign-in are the emulator's locally; live chat's WebSocket is the local chat server's.
    connect = "https://*.amazonaws.com wss://*.amazonaws.com https://*.amazoncognito.com"
    assert (
        aws_csp.replace(connect, "http://127.0.0.1:4566 ws://127.0.0.1:8001").replace(
            "https://*.amazonaws.com", "http://127.0.0.1:4566"
        )
        == local["Content-Security-Policy"]
    )
    assert "frame-ancestors 'none'" in aws_csp and "script-src 'self';" in aws_csp
    assert config["ReferrerPolicy"]["ReferrerPolicy"] == local["Referrer-Policy"]
    assert config["ContentTypeOptions"]["Override"] is True and local["X-Content-Type-Options"] == "nosniff"
    assert config["FrameOptions"]["FrameOption"] == local["X-Frame-Options"]
    distribution = resources_of_type(template, "AWS::CloudFront::Distribution")["WebDistribution"]
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityHeaders"}


def test_the_built_spa_has_no_inline_script():
    index = Path(__file__).resolve().parents[2] / "web" / "dist" / "index.html"
    if not index.exists():
        pytest.skip("web/dist is not built (make web)")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", index.read_text(encoding="utf-8"), re.S | re.I)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", index.read_text(encoding="utf-8"))  # no inline event handlers
