"""SES bounce and complaint events via SNS: the address is marked undeliverable and the ticket gets one internal
note, however often SNS delivers the event."""

from __future__ import annotations

import json
from typing import Any

from functions.mail_feedback.handler import lambda_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext
from tests.integration.mail_support import Mailroom, mail

ALICE = "alice@example.com"
LEAD = "lead@demo.local"


def _sns(notification: dict[str, Any]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "Sns": {"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(notification)},
            }
        ]
    }


def _bounce_event(number: str, message_id: str) -> dict[str, Any]:
    return {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": ALICE, "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
        },
        "mail": {
            "messageId": "0100018c-ses-id",
            "headers": [{"name": "X-Helpdesk-Ticket", "value": number}, {"name": "Message-ID", "value": message_id}],
            "commonHeaders": {"messageId": message_id, "subject": f"[{number}] ..."},
        },
    }


def test_a_bounce_event_marks_the_address_and_notes_the_ticket_once(api, env):
    room = Mailroom(env)
    result = room.deliver(mail(ALICE, "问题", "内容", message_id="<fb@example.com>"))
    ticket = api.call("GET", f"/api/tickets/{result['ticket_id']}", LEAD).json_body
    (ack,) = room.outbox()
    event = _sns(_bounce_event(ticket["number"], ack["Message-ID"]))
    first = lambda_handler(event, LambdaContext("MailFeedbackFunction"))
    second = lambda_handler(event, LambdaContext("MailFeedbackFunction"))
    assert first["done"] == [f"bounce noted on {ticket['number']}"]
    assert second["done"] == ["already noted"]
    assert env.container.mail_store.undeliverable(ALICE).reason == "bounce"
    notes = [
        m for m in api.call("GET", f"/api/tickets/{ticket['id']}/messages", LEAD).json_body["items"] if m["internal"]
    ]
    assert len(notes) == 1 and "550 5.1.1" in notes[0]["body"]


def test_a_bounce_event_found_by_our_message_id_alone(api, env):
    room = Mailroom(env)
    result = room.deliver(mail(ALICE, "问题", "内容", message_id="<fb2@example.com>"))
    (ack,) = room.outbox()
    notification = _bounce_event("", ack["Message-ID"])
    notification["mail"]["headers"] = [{"name": "Message-ID", "value": ack["Message-ID"]}]
    notification["mail"]["commonHeaders"] = {"messageId": ack["Message-ID"]}
    done = lambda_handler(_sns(notification), LambdaContext("MailFeedbackFunction"))["done"]
    assert done[0].startswith("bounce noted on GD")
    assert any(
        m["internal"] for m in api.call("GET", f"/api/tickets/{result['ticket_id']}/messages", LEAD).json_body["items"]
    )


def test_a_complaint_marks_the_address(env):
    complaint = {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "carol@example.com"}],
            "complaintFeedbackType": "abuse",
        },
        "mail": {"messageId": "0100-x", "headers": [], "commonHeaders": {}},
    }
    assert lambda_handler(_sns(complaint), LambdaContext("MailFeedbackFunction"))["done"][0].startswith("complaint")
    assert env.container.mail_store.undeliverable("carol@example.com").reason == "complaint"


def test_other_notifications_are_ignored(env):
    delivery = {"eventType": "Delivery", "mail": {"messageId": "0100-y"}}
    assert lambda_handler(_sns(delivery), LambdaContext("MailFeedbackFunction"))["done"] == ["ignored"]


def test_the_sample_bounce_event(api, env):
    room = Mailroom(env)
    result = room.deliver(mail(ALICE, "样例", "内容", message_id="<sample@example.com>"))
    number = api.call("GET", f"/api/tickets/{result['ticket_id']}", LEAD).json_body["number"]
    event = json.loads((ROOT / "events" / "mail_feedback" / "bounce.json").read_text())
    assert json.loads(event["Records"][0]["Sns"]["Message"])["mail"]["headers"][1]["value"] == number
    assert lambda_handler(event, LambdaContext("MailFeedbackFunction"))["done"] == [f"bounce noted on {number}"]
