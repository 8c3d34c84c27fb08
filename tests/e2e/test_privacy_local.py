"""Personal data on the local stack (个人信息保护法): a customer writes in by SMTP and on the web, an admin exports
their data, then erases it. Afterwards no API response, no object in the local buckets (nor local mode's copy of the
mail bucket on disk), no search hit and no log line written since the erasure holds their address; the report's
numbers are the same as before; a second erasure answers 204 again."""

from __future__ import annotations

import base64
import json
import smtplib
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

import pytest

from infra.local.process import LocalStackProcess, wait_for

ADMIN = "admin@demo.local"
LEAD = "lead@demo.local"
SUPPORT = "support@demo.local"


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    """A stack of this module's own: it is stopped to read what local mode keeps on disk."""
    process = LocalStackProcess(tmp_path_factory.mktemp("privacy") / "state")
    process.start(timeout=180)  # a second stack beside the session's: give a busy machine time
    yield process
    process.stop()


def _send(stack: LocalStackProcess, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as client:
        client.sendmail(str(message["From"]), [SUPPORT], message.as_bytes(policy=SMTP_POLICY))


def _stable(read: Any, pause: float = 2.0, timeout: float = 60.0) -> Any:
    """A value that no longer changes (the stream's consumers have caught up)."""
    deadline = time.monotonic() + timeout
    last = read()
    while time.monotonic() < deadline:
        time.sleep(pause)
        now = read()
        if now == last:
            return now
        last = now
    raise AssertionError("never settled")


def test_export_then_erase_a_customer_of_the_web_and_of_email(own_stack: LocalStackProcess):
    stack = own_stack
    tag = uuid.uuid4().hex[:8]
    customer = f"privacy.{tag}@example.com"
    name, phone, word = f"隐私{tag[:4]}", "13912345678", f"zq{tag}"
    quoted = customer.replace("@", "%40")
    admin, lead = stack.login(ADMIN), stack.login(LEAD)
    record = {"name": name, "phone": phone, "address": "北京市海淀区中关村大街1号"}
    assert admin.put(f"{stack.url}/api/customers/{quoted}", json=record, timeout=10).ok

    web = stack.post(
        stack.login(customer), "/api/tickets", json={"subject": f"网页 {word}", "description": f"电话 {phone}"}
    ).json()
    message = EmailMessage()
    message["From"], message["To"] = f"{name} <{customer}>", SUPPORT
    message["Subject"], message["Message-ID"] = f"邮件 {word}", f"<{tag}@example.com>"
    message.set_content(f"我是{name}，电话 {phone}。")
    message.add_attachment(f"合同 {customer}".encode(), maintype="application", subtype="pdf", filename="合同.pdf")
    _send(stack, message)
    mine = wait_for(lambda: stack.get(stack.login(customer), "/api/tickets?view=requested").json()["items"][1:], 30)
    assert len(mine) == 1
    ids = {
        web["id"],
        *(t["id"] for t in stack.get(stack.login(customer), "/api/tickets?view=requested").json()["items"]),
    }
    assert len(ids) == 2

    def search(q: str) -> list[str]:
        hits = stack.get(admin, f"/api/search/tickets?q={q}").json().get("items", [])
        return sorted(h.get("id") or h.get("ticket", {}).get("id", "") for h in hits)

    assert len(wait_for(lambda: search(word)[1:] or None, 30) or []) >= 1  # both tickets are indexed
    day = stack.advance_clock(lead, 0).json()["now"][:10]

    def report() -> dict[str, Any]:
        body = stack.get(stack.login(LEAD), f"/api/reports/day?date={day}").json()
        body.pop("generated_at", None)
        body.pop("facts", None)  # how far the rollup has folded: bookkeeping, not a number of the report
        body["answers"] = [{"number": a["number"], "score": a["score"]} for a in body.get("answers", [])]
        return body

    before = _stable(report)

    # -- the export ------------------------------------------------------------------------------------------------
    export = stack.get(admin, f"/api/admin/customers/{quoted}/export").json()
    assert export["customer"]["phone"] == phone
    assert {t["ticket"]["id"] for t in export["tickets"]} == ids
    files = [f for t in export["tickets"] for f in t["files"]]
    assert {"合同.pdf"} <= {f["filename"] for f in files} and any(f["filename"].endswith(".eml") for f in files)
    emailed = next(t for t in export["tickets"] if t["ticket"]["channel"] == "email")
    assert phone in emailed["messages"][0]["body"]

    # -- the erasure -----------------------------------------------------------------------------------------------
    log_mark = stack.log.stat().st_size
    assert admin.delete(f"{stack.url}/api/admin/customers/{quoted}", timeout=30).status_code == 204
    wait_for(lambda: not search(word), 30)  # the search index follows the redacted items
    assert _stable(report) == before

    secrets = (customer, name, phone, "中关村")
    responses = [stack.get(admin, "/api/tickets?view=all&limit=100").json()]
    for ticket_id in ids:
        for path in ("", "/messages", "/events"):
            responses.append(stack.get(admin, f"/api/tickets/{ticket_id}{path}").json())
    responses.append(stack.get(admin, f"/api/customers?q={customer[:12]}").json())
    again = stack.get(admin, f"/api/admin/customers/{quoted}/export").json()  # echoes the address it was asked for
    assert again["tickets"] == [] and again["customer"] is None and again["erasure"]["erased_by"] == ADMIN
    responses.append(stack.get(stack.login(customer), "/api/tickets?view=requested").json())
    text = json.dumps(responses, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, secret
    assert responses[-1]["items"] == []

    objects = stack.get(admin, "/api/dev/objects").json()["items"]
    for item in objects:
        body = base64.b64decode(item["body"])
        assert customer.encode() not in body and phone.encode() not in body, item["key"]

    assert admin.delete(f"{stack.url}/api/admin/customers/{quoted}", timeout=30).status_code == 204  # harmless
    time.sleep(3)
    written_since = stack.log.read_bytes()[log_mark:].decode("utf-8", "replace")
    assert written_since  # the stack went on working (search, reports) and logging after the erasure
    for secret in secrets:
        assert secret not in written_since, secret

    # Local mode's copy of the mail bucket on disk follows the deletions (the next start restores none of it).
    stack.stop()
    spool = Path(stack.state) / "mail"
    for path in spool.iterdir() if spool.is_dir() else []:
        data = path.read_bytes()
        assert customer.encode() not in data and phone.encode() not in data, path.name
