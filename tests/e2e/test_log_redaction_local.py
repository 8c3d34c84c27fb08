"""The local stack's log after a day's work holds no full email address, phone number, token or message body
(the redaction of shared/logs.py on every logger: the API, the functions, local mode's own)."""

from __future__ import annotations

import json
import re
import smtplib
import uuid
from email.message import EmailMessage

import requests

from infra.local.process import LocalStackProcess, wait_for
from shared.domain.masking import mask_email

LEAD = "lead@demo.local"
SUPPORT = "support@demo.local"


def _outbox(stack: LocalStackProcess, lead: requests.Session, address: str) -> list[dict]:
    return [m for m in stack.get(lead, "/api/dev/outbox").json()["items"] if address in m["to"]]


def test_no_address_phone_token_or_body_reaches_the_log(stack: LocalStackProcess):
    tag = uuid.uuid4().hex[:8]
    web_customer = f"logs.web.{tag}@example.com"
    mail_customer = f"logs.mail.{tag}@example.com"
    phone = f"139{int(tag, 16) % 10**8:08d}"
    bodies = [f"web body {tag} 电话 {phone}", f"mail body {tag}", f"reply body {tag}"]
    lead = stack.login(LEAD)

    # A ticket by API, signed in with the emailed code.
    assert requests.post(f"{stack.url}/api/auth/code", json={"email": web_customer}, timeout=5).status_code == 202
    (code_mail,) = wait_for(lambda: _outbox(stack, lead, web_customer))
    code = re.search(r"(\d{6})", code_mail["subject"]).group(1)
    verified = requests.post(f"{stack.url}/api/auth/verify", json={"email": web_customer, "code": code}, timeout=5)
    token = verified.json()["token"]
    customer = requests.Session()
    customer.headers["Authorization"] = f"Bearer {token}"
    opened = stack.post(customer, "/api/tickets", json={"subject": f"打不开 {tag}", "description": bodies[0]})
    assert opened.status_code == 201, opened.text
    ticket = opened.json()

    # A ticket by email.
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail_customer, SUPPORT, f"邮件报修 {tag}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    message.set_content(bodies[1])
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=60) as smtp:
        smtp.send_message(message)
    wait_for(lambda: _outbox(stack, lead, mail_customer), timeout=30.0)

    # Staff reply (the reply mail goes to the real address), and look the customer up.
    replied = stack.post(lead, f"/api/tickets/{ticket['id']}/messages", json={"body": bodies[2]})
    assert replied.status_code == 201, replied.text
    wait_for(lambda: [m for m in _outbox(stack, lead, web_customer) if m["subject"].startswith("Re:")], timeout=30.0)
    assert stack.get(lead, f"/api/customers/{web_customer}").status_code in (200, 404)
    staff_token = lead.headers["Authorization"][7:]

    # The functions logged the notices they sent: masked addresses, nothing in full.
    masked = mask_email(web_customer)

    def logged() -> str:
        text = stack.log.read_text(encoding="utf-8", errors="replace")
        return text if masked in text else ""

    log = wait_for(logged, timeout=30.0)
    escaped = {s: json.dumps(s)[1:-1] for s in [*bodies, phone]}  # as a JSON log line would write them
    secrets = [web_customer, mail_customer, phone, token, staff_token, *bodies, *escaped.values()]
    leaked = [s for s in secrets if s in log]
    if re.search(rf"(?<![\w-]){code}(?![\w-])", log):
        leaked.append(code)
    assert leaked == [], [line for line in log.splitlines() if any(s in line for s in leaked)][:5]
