"""Plumbing around search: local mode's event-source filter, Cognito ID tokens on the public routes, Markdown."""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.stack import StreamSubscription
from infra.template import load_template, resources_of_type
from shared.adapters.cognito import CognitoIdTokens
from shared.domain.kb import draft_from_ticket, first_paragraph, render_markdown
from shared.errors import Unauthenticated


def _search_subscription() -> StreamSubscription:
    function = resources_of_type(load_template(), "AWS::Serverless::Function")["SearchIndexFunction"]
    props = function["Properties"]["Events"]["TicketStream"]["Properties"]
    patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    return StreamSubscription("SearchIndexFunction", "h", "t", filters=patterns)


def test_the_search_function_gets_only_tickets_messages_and_articles():
    sub = _search_subscription()

    def record(kind: str, image: str = "NewImage") -> dict:
        return {"eventName": "INSERT", "dynamodb": {image: {"kind": {"S": kind}, "pk": {"S": "x"}}}}

    assert all(sub.accepts(record(kind)) for kind in ("ticket", "message", "kb_article"))
    assert sub.accepts(record("ticket", "OldImage"))  # a removal has only the old image
    assert not any(sub.accepts(record(kind)) for kind in ("event", "agent_load", "notification", "posting"))
    assert StreamSubscription("f", "h", "t").accepts(record("event"))  # no filter: everything


@pytest.fixture
def keys(tmp_path: Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}))
    # The pool's published keys, served on loopback as Cognito serves them.
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    verifier = CognitoIdTokens("ap-southeast-1", "pool", "client", jwks_url=url)
    issuer = "https://cognito-idp.ap-southeast-1.amazonaws.com/pool"

    def token(**claims: object) -> str:
        body = {"iss": issuer, "aud": "client", "token_use": "id", "email": "a@b.cn", "exp": time.time() + 60}
        return jwt.encode({**body, **claims}, key, algorithm="RS256", headers={"kid": "k1"})

    yield verifier, token
    server.shutdown()


def test_a_cognito_id_token_is_verified_where_no_authorizer_did(keys):
    verifier, token = keys
    assert verifier(token(**{"cognito:groups": ["agent"]}))["email"] == "a@b.cn"
    for bad in (token(aud="other"), token(token_use="access"), token(exp=time.time() - 5), token(iss="https://x")):
        with pytest.raises(Unauthenticated):
            verifier(bad)


def test_markdown_is_rendered_and_sanitized():
    html = render_markdown("# 标题\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(1)) [好](https://a.cn)")
    assert "<h1>标题</h1>" in html and "<script>" not in html and 'href="javascript' not in html
    assert 'href="https://a.cn"' in html and "noopener" in html
    assert first_paragraph("## 问题\n\n第一段**重要**。\n\n第二段") == "第一段重要。"


def test_a_draft_from_a_ticket_leaves_the_customers_details_out():
    title, body = draft_from_ticket("发票开错", "我是王小明，手机 13812345678", ["已重开，发到 w@x.cn"], "王小明")
    assert title == "发票开错" and "王小明" not in body and "13812345678" not in body and "w@x.cn" not in body
    assert body.startswith("## 问题") and "## 解决方法" in body
