"""Reading SES's events: the receipt event of the intake, the bounce/complaint events of the feedback."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from functions.email_intake.handler import inbound_from_ses
from functions.mail_feedback.handler import read_feedback
from infra.local.process import ROOT

EVENTS = ROOT / "events"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_the_s3_action_names_bucket_and_key():
    record = json.loads((EVENTS / "email_intake" / "s3_action.json").read_text())["Records"][0]
    inbound = inbound_from_ses(record, NOW)
    assert (inbound.bucket, inbound.key) == (
        "helpdesk-mailbucket-example",
        "inbound/o3vrnil0e2ic28trm7dfhrc2v0cnkau1n1bp3a81",
    )
    assert inbound.recipients == ["support@demo.local"]
    assert inbound.received_at.isoformat() == "2026-11-23T02:00:00+00:00"


def test_the_lambda_action_derives_the_key_from_the_message_id():
    record = json.loads((EVENTS / "email_intake" / "lambda_action.json").read_text())["Records"][0]
    inbound = inbound_from_ses(record, NOW)
    assert (inbound.bucket, inbound.key) == (None, "inbound/o3vrnil0e2ic28trm7dfhrc2v0cnkau1n1bp3a81")
    assert inbound.ses_message_id == "o3vrnil0e2ic28trm7dfhrc2v0cnkau1n1bp3a81"


def test_a_permanent_bounce_event():
    event = json.loads((EVENTS / "mail_feedback" / "bounce.json").read_text())
    feedback = read_feedback(json.loads(event["Records"][0]["Sns"]["Message"]))
    assert feedback is not None
    assert (feedback.kind, feedback.permanent, feedback.recipients) == ("bounce", True, ["alice@example.com"])
    assert feedback.ticket_number == "GD20261123001"
    assert feedback.message_id == "<acknowledgment-0f1e@demo.local>"
    assert "550 5.1.1" in feedback.detail


def test_a_transient_bounce_does_not_mark_the_address():
    notification = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "A@Example.com"}]},
        "mail": {"messageId": "x", "commonHeaders": {"subject": "Re: [GD20261123002] 问题"}},
    }
    feedback = read_feedback(notification)
    assert feedback is not None
    assert (feedback.permanent, feedback.recipients, feedback.ticket_number) == (
        False,
        ["a@example.com"],
        "GD20261123002",
    )


def test_deliveries_and_opens_are_not_feedback():
    assert read_feedback({"eventType": "Delivery", "mail": {"messageId": "x"}}) is None
    assert read_feedback({}) is None
