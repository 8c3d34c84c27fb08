"""Personal data (个人信息保护法): export then erase a customer with tickets opened on the web and by email.

The export holds everything; after the erasure no API response, no object in the mail bucket and no item of either
table holds their address, name or phone number, the reports' numbers are unchanged, and repeating it is harmless.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from typing import Any

import pytest

from functions.notification.handler import lambda_handler as notification_handler
from infra.local.pump import LambdaContext
from infra.seed.demo import STAFF
from tests.integration.mail_support import Mailroom, mail
from tests.integration.routing_helpers import stream_records
from tests.integration.test_reports import _deliver_stream

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = next(a.email for a in STAFF if a.role == "agent")
CUSTOMER = "lin.wei@example.com"
NAME = "林伟"
PHONE = "13812345678"
OTHER = "zhao.min@example.com"


def _quoted(email: str) -> str:
    return email.replace("@", "%40")


def _mail_with_attachment() -> EmailMessage:
    message = mail(
        f"{NAME} <{CUSTOMER}>", "发票开错了", f"我的电话是 {PHONE}，请回电。", message_id="<inv-1@example.com>"
    )
    message.add_attachment(b"%PDF-1.4 invoice of lin.wei", maintype="application", subtype="pdf", filename="发票.pdf")
    return message


@pytest.fixture
def customer_history(api, env) -> dict[str, Any]:
    """A record, a web ticket with a reply and a rating, an email ticket with an attachment; another customer's."""
    record = {"name": NAME, "phone": PHONE, "address": "上海市浦东新区世纪大道100号", "tier": "vip"}
    assert api.call("PUT", f"/api/customers/{_quoted(CUSTOMER)}", ADMIN, json=record).status_code in (200, 201)
    web = api.call(
        "POST", "/api/tickets", CUSTOMER, json={"subject": "无法登录", "description": f"请联系 {PHONE}"}
    ).json_body
    reply = {"body": f"{NAME}您好，我们已给 {CUSTOMER} 重置密码。"}
    assert api.call("POST", f"/api/tickets/{web['id']}/messages", AGENT, json=reply).status_code == 201
    assert api.call("PATCH", f"/api/tickets/{web['id']}", AGENT, json={"status": "resolved"}).status_code == 200
    rated = api.call(
        "POST", f"/api/tickets/{web['id']}/satisfaction", CUSTOMER, json={"score": 4, "comment": "林伟满意"}
    )
    assert rated.status_code == 200, rated.json_body
    room = Mailroom(env)
    emailed = room.deliver(_mail_with_attachment())
    assert emailed["outcome"] == "ticket"
    other = api.call("POST", "/api/tickets", OTHER, json={"subject": "别人的", "description": "打印机卡纸"}).json_body
    _deliver_stream(env)
    return {"web": web["id"], "email": emailed["ticket_id"], "other": other["id"], "room": room}


def _report(api) -> dict[str, Any]:
    """The day's report: every number; of the answers' list, the numbers alone (their text is the person's)."""
    body = api.call("GET", "/api/reports/day?date=2026-11-23", LEAD).json_body
    body.pop("generated_at", None)
    body["answers"] = [{"number": a["number"], "score": a["score"]} for a in body.get("answers", [])]
    return body


def _mail_objects(env) -> dict[str, bytes]:
    s3 = env.stack.client("s3")
    bucket = env.container.settings.mail_bucket
    found = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for version in page.get("Versions", []):
            body = s3.get_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])["Body"].read()
            found[f"{version['Key']}@{version['VersionId']}"] = body
    return found


def _items_naming(env, secrets: tuple[str, ...]) -> list[str]:
    """The keys of every item of both tables that holds one of `secrets` (read out of the emulator: the product
    itself never scans)."""
    from infra.local.backup_drill import read_items

    found = []
    for table in ("TicketsTable", "ReportsTable"):
        for item in read_items(env.stack, table):
            text = json.dumps(item, ensure_ascii=False, default=str)
            found += [f"{item['pk']['S']} / {item['sk']['S']}: {s}" for s in secrets if s in text]
    return found


def _table_text(env) -> str:
    from infra.local.backup_drill import read_items

    return json.dumps(
        [read_items(env.stack, t) for t in ("TicketsTable", "ReportsTable")], ensure_ascii=False, default=str
    )


def test_export_holds_everything_of_the_person(api, env, customer_history):
    response = api.call("GET", f"/api/admin/customers/{_quoted(CUSTOMER)}/export", ADMIN)
    assert response.status_code == 200
    data = response.json_body
    assert data["email"] == CUSTOMER
    assert data["customer"]["phone"] == PHONE and data["customer"]["name"] == NAME
    tickets = {t["ticket"]["id"]: t for t in data["tickets"]}
    assert set(tickets) == {customer_history["web"], customer_history["email"]}  # never the other customer's
    web = tickets[customer_history["web"]]
    assert PHONE in web["ticket"]["description"]  # a web ticket's first words are its description
    assert [m["author"]["email"] for m in web["messages"]] == [AGENT]
    assert web["ticket"]["satisfaction"]["score"] == 4
    assert web["survey_answer"]["score"] == 4
    emailed = tickets[customer_history["email"]]
    assert PHONE in emailed["messages"][0]["body"]
    names = {f["filename"] for f in emailed["files"]}
    assert "发票.pdf" in names and any(n.endswith(".eml") for n in names)
    pdf = next(f for f in emailed["files"] if f["filename"] == "发票.pdf")
    assert pdf["url"].startswith("http") and "Signature" in pdf["url"]


def test_only_admins_export_or_erase(api, customer_history):
    for who in (LEAD, AGENT, CUSTOMER):
        assert api.call("GET", f"/api/admin/customers/{_quoted(CUSTOMER)}/export", who).status_code == 403
        assert api.call("DELETE", f"/api/admin/customers/{_quoted(CUSTOMER)}", who).status_code == 403
    assert api.call("GET", f"/api/admin/customers/{_quoted(CUSTOMER)}/export").status_code == 401
    assert api.call("GET", "/api/admin/customers/not-an-address/export", ADMIN).status_code == 400


def test_erasure_leaves_anonymous_statistics_and_nothing_that_names_them(api, env, customer_history):
    report_before = _report(api)
    objects_before = _mail_objects(env)
    assert any(b"lin.wei" in body for body in objects_before.values())
    delivered = len(stream_records(env))

    assert api.call("DELETE", f"/api/admin/customers/{_quoted(CUSTOMER)}", ADMIN).status_code == 204
    # The erasure's own records reach the notification function (report facts, notices): they add nothing.
    fresh = stream_records(env)[delivered:]
    assert fresh
    result = notification_handler({"Records": fresh}, LambdaContext("NotificationFunction"))
    assert result == {"batchItemFailures": []}

    assert _report(api) == report_before
    for ticket_id in (customer_history["web"], customer_history["email"]):
        ticket = api.call("GET", f"/api/tickets/{ticket_id}", ADMIN).json_body
        assert ticket["requester"]["email"].endswith("@erased.invalid")
        responses = [
            ticket,
            api.call("GET", f"/api/tickets/{ticket_id}/messages", ADMIN).json_body,
            api.call("GET", f"/api/tickets/{ticket_id}/events", ADMIN).json_body,
        ]
        text = json.dumps(responses, ensure_ascii=False)
        for secret in (CUSTOMER, NAME, PHONE, "世纪大道"):
            assert secret not in text, secret
        events = responses[2]["items"]
        assert any(e["type"] == "customer.erased" and e["actor"]["email"] == ADMIN for e in events)
    # The other customer's ticket is untouched.
    other = api.call("GET", f"/api/tickets/{customer_history['other']}", ADMIN).json_body
    assert other["requester"]["email"] == OTHER and other["subject"] == "别人的"

    # S3: the raw mail and the attachment are gone, every version.
    after = _mail_objects(env)
    assert not [k for k, body in after.items() if b"lin.wei" in body or PHONE.encode() in body]
    # Nothing in either table names them; their record and sign-in are gone; the customer's token sees nothing.
    assert _items_naming(env, (CUSTOMER, NAME, PHONE, "世纪大道")) == []
    text = _table_text(env)
    assert api.call("GET", "/api/tickets?view=requested", CUSTOMER).json_body["items"] == []
    assert api.call("GET", f"/api/tickets/{customer_history['web']}", CUSTOMER).status_code == 404
    assert api.call("GET", f"/api/customers/{_quoted(CUSTOMER)}", ADMIN).status_code == 404
    export = api.call("GET", f"/api/admin/customers/{_quoted(CUSTOMER)}/export", ADMIN).json_body
    assert export["tickets"] == [] and export["customer"] is None
    assert export["erasure"]["erased_by"] == ADMIN

    # Again: harmless, the same answer, nothing changes.
    tickets_text = text
    assert api.call("DELETE", f"/api/admin/customers/{_quoted(CUSTOMER)}", ADMIN).status_code == 204
    assert _report(api) == report_before
    again = _table_text(env)
    assert again.count("customer.erased") == tickets_text.count("customer.erased")
