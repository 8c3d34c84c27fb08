"""The desk on the local stack as `make run` starts it: every route of bulk edits, fields, templates, uploads (the
browser's presigned POST to moto, its CORS preflight included), customer records with routing by region on the web
and by email (SMTP), filters and saved views, with the 400s each names. What it changes is put back."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from typing import Any

import requests

from infra.local.process import LocalStackProcess, wait_for
from tests.integration.test_uploads import png

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
AGENT = "wangfang@demo.local"
SUPPORT = "support@demo.local"


def _400(response: requests.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field, response.text


def _upload(stack: LocalStackProcess, who: requests.Session, name: str, kind: str, data: bytes) -> str:
    post = stack.post(who, "/api/uploads", json={"filename": name, "content_type": kind, "size": len(data)})
    assert post.status_code == 201, post.text
    target = post.json()
    # The SPA posts from its own origin to moto's port: the bucket's CORS (from template.yaml) lets it.
    preflight = requests.options(
        target["url"], headers={"Origin": stack.url, "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == stack.url
    files = {"file": (name, data, kind)}
    sent = requests.post(target["url"], data=target["fields"], files=files, headers={"Origin": stack.url}, timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    return str(target["id"])


def test_desk_routes_on_the_local_stack(stack: LocalStackProcess):
    admin, lead, agent = stack.login(ADMIN), stack.login(LEAD), stack.login(AGENT)
    suffix = uuid.uuid4().hex[:8]
    customer_email = f"desk.{suffix}@example.com"
    customer = stack.login(customer_email)
    saved_fields = stack.get(admin, "/api/fields")
    saved_templates = stack.get(admin, "/api/ticket-templates")
    saved_rules = stack.get(admin, "/api/admin/rules").json()
    try:
        # Custom fields and a template (versioned: If-Match the ETag).
        fields = [
            {"key": f"order_{suffix}", "label": {"zh-CN": "订单号", "en": "Order"}, "type": "text",
             "required_for_categories": [f"refund-{suffix}"], "visible_to_customer": True},
            {"key": f"store_{suffix}", "label": {"zh-CN": "门店", "en": "Store"}, "type": "select",
             "options": ["上海"], "visible_to_customer": True},
        ]  # fmt: skip
        put = admin.put(
            f"{stack.url}/api/admin/fields", json=fields, headers={"If-Match": saved_fields.headers["ETag"]}
        )
        assert put.status_code == 200, put.text
        assert {f["key"] for f in stack.get(customer, "/api/fields").json()} >= {f"order_{suffix}"}
        template = {"id": f"t{suffix}", "name": "退款", "category": f"refund-{suffix}", "subject": "退款申请",
                    "description": "订单", "fields": [f"order_{suffix}"], "visible_to_customer": True}  # fmt: skip
        etag = saved_templates.headers["ETag"]
        templates = [*saved_templates.json(), template]
        assert admin.put(f"{stack.url}/api/admin/ticket-templates", json=templates, headers={"If-Match": etag}).ok
        assert any(t["id"] == template["id"] for t in stack.get(customer, "/api/ticket-templates").json())

        # A customer's ticket from the template with a screenshot; the 400s of fields and uploads.
        _400(stack.post(customer, "/api/tickets", json={"template": template["id"]}), f"custom_fields.order_{suffix}")
        bad = {"template": template["id"], "custom_fields": {f"order_{suffix}": "A", f"store_{suffix}": "北京"}}
        _400(stack.post(customer, "/api/tickets", json=bad), f"custom_fields.store_{suffix}")
        _400(stack.post(customer, "/api/tickets", json={**bad, "custom_fields": {"x": 1}}), "custom_fields.x")
        _400(
            stack.post(customer, "/api/uploads", json={"filename": "a.exe", "content_type": "a/b", "size": 1}),
            "filename",
        )
        _400(
            stack.post(customer, "/api/uploads", json={"filename": "a.txt", "content_type": "a/b", "size": 26 << 20}),
            "size",
        )
        disguised = _upload(stack, customer, "shot.png", "image/png", b"MZ" + b"\0" * 100)
        _400(
            stack.post(customer, "/api/tickets", json={"subject": "s", "description": "d", "attachments": [disguised]}),
            "attachments",
        )
        others = _upload(stack, agent, "n.txt", "text/plain", b"agent's")
        _400(
            stack.post(customer, "/api/tickets", json={"subject": "s", "description": "d", "attachments": [others]}),
            "attachments",
        )
        shot = _upload(stack, customer, "截图.png", "image/png", png())
        body = {"template": template["id"], "custom_fields": {f"order_{suffix}": "A1"}, "attachments": [shot]}
        created = stack.post(customer, "/api/tickets", json=body)
        assert created.status_code == 201, created.text
        ticket = created.json()
        assert ticket["category"] == f"refund-{suffix}" and ticket["attachments"][0]["url"]
        assert requests.get(ticket["attachments"][0]["url"], timeout=10).content == png()
        note = _upload(stack, agent, "note.txt", "text/plain", b"internal")
        reply = stack.post(agent, f"/api/tickets/{ticket['id']}/messages", json={"body": "收到", "attachments": [note]})
        assert reply.status_code == 201 and reply.json()["attachments"][0]["filename"] == "note.txt"

        # Customer records, and routing by region on the web and by email.
        record = {"name": "区域客户", "phone": f"139{int(suffix, 16) % 10**8:08d}", "region": f"华东{suffix}"}
        assert agent.put(f"{stack.url}/api/customers/{customer_email}", json=record, timeout=10).status_code == 200
        assert stack.get(agent, f"/api/customers/{customer_email}").json()["region"] == record["region"]
        found = stack.get(agent, f"/api/customers?q=desk.{suffix}").json()["items"]
        assert [c["email"] for c in found] == [customer_email]
        _400(agent.put(f"{stack.url}/api/customers/{customer_email}", json={"name": ""}, timeout=10), "name")
        rule = {"name": f"region {suffix}", "position": 0,
                "conditions": [{"field": "region", "operator": "equals", "value": record["region"]}],
                "actions": [{"type": "set_team", "value": "billing"}], "stop": True}  # fmt: skip
        rules = {"rules": [rule, *[{**r, "position": r["position"] + 1} for r in saved_rules["rules"]]]}
        assert admin.put(f"{stack.url}/api/admin/rules", json=rules, timeout=10).status_code == 200
        web = stack.post(customer, "/api/tickets", json={"subject": "发票", "description": "开票"}).json()
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = customer_email, SUPPORT, f"邮件 {suffix}"
        message["Message-ID"] = f"<{suffix}@example.com>"
        message.set_content("请处理")
        with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as client:
            client.send_message(message)

        def routed() -> list[dict[str, Any]] | None:
            items = stack.get(lead, f"/api/tickets?view=requested&requester={customer_email}&limit=50").json()["items"]
            mine = [t for t in items if t["id"] == web["id"] or t["channel"] == "email"]
            return mine if len(mine) == 2 and all(t["team"] for t in mine) else None

        both = wait_for(routed, timeout=120)  # behind what earlier tests left on the stream (100s of events)
        seen = stack.get(lead, f"/api/tickets?view=requested&requester={customer_email}&limit=50").json()["items"]
        assert both and {t["team"] for t in both} == {"billing"}, [
            (t["channel"], t["team"], t["subject"]) for t in seen
        ]

        # Filters and a saved view; bulk edits.
        listed = stack.get(lead, f"/api/tickets?view=requested&requester={customer_email}&channel=email").json()
        assert [t["channel"] for t in listed["items"]] == ["email"]
        _400(stack.get(lead, "/api/tickets?view=all&channel=fax"), "channel")
        ids = [t["id"] for t in both]
        bulk = stack.post(lead, "/api/tickets/bulk", json={"ids": ids, "changes": {"add_tags": [f"vip{suffix}"]}})
        assert [r["status"] for r in bulk.json()["results"]] == [200, 200]
        _400(stack.post(lead, "/api/tickets/bulk", json={"ids": ids * 51, "changes": {"priority": "P2"}}), "ids")
        view = {"name": "VIP 未解决", "filters": {"view": "all", "tag": f"vip{suffix}", "status": "new,in_progress"}}
        assert agent.put(f"{stack.url}/api/views/v{suffix}", json=view, timeout=10).status_code == 201
        views = {v["id"]: v for v in stack.get(agent, "/api/views?counts=true").json()["items"]}
        assert views[f"v{suffix}"]["count"] == 2
        _400(
            agent.put(f"{stack.url}/api/views/v{suffix}", json={**view, "filters": {"channel": "fax"}}, timeout=10),
            "filters.channel",
        )
        assert agent.delete(f"{stack.url}/api/views/v{suffix}", timeout=10).status_code == 204
    finally:
        admin.put(f"{stack.url}/api/admin/rules", json={"rules": saved_rules["rules"]}, timeout=10)
        current = stack.get(admin, "/api/fields")
        admin.put(
            f"{stack.url}/api/admin/fields", json=saved_fields.json(), headers={"If-Match": current.headers["ETag"]}
        )
        current = stack.get(admin, "/api/ticket-templates")
        admin.put(
            f"{stack.url}/api/admin/ticket-templates",
            json=saved_templates.json(),
            headers={"If-Match": current.headers["ETag"]},
        )
