"""Satisfaction surveys over moto: the resolution notice carries five signed one-click links; the survey answers
without signing in; a forged token is 404; the portal rating is the requester's alone; a 1 or a 2 tells the team's
supervisor once, even when the stream delivers the event twice."""

from __future__ import annotations

import email
import email.policy
import re

from functions.assignment.handler import lambda_handler as assignment_handler
from functions.notification.handler import lambda_handler as notification_handler
from infra.local.pump import LambdaContext
from tests.integration.routing_helpers import LEAD, inbox, stream_records

AGENT = "wangfang@demo.local"
CUSTOMER = "zhou@example.com"


def _resolved(api) -> dict:
    body = {
        "subject": "发票开错了",
        "description": "抬头不对",
        "team": "tech",
        "requester": {"email": CUSTOMER, "name": "周先生"},
    }
    ticket = api.call("POST", "/api/tickets", LEAD, body).json_body
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"assignee": AGENT})
    response = api.call("PATCH", f"/api/tickets/{ticket['id']}", AGENT, {"status": "resolved"})
    assert response.status_code == 200
    return response.json_body


def _deliver(env, handler, name: str, times: int = 1) -> None:
    records = stream_records(env)
    for _ in range(times):
        for start in range(0, len(records), 25):
            assert handler({"Records": records[start : start + 25]}, LambdaContext(name)) == {"batchItemFailures": []}


def _survey_links(env, ticket: dict) -> list[str]:
    _deliver(env, notification_handler, "NotificationFunction")
    mails = [
        email.message_from_string(m["raw"], policy=email.policy.default)  # type: ignore[misc]
        for m in env.outbox.items()
    ]
    resolved = next(m for m in mails if "已解决" in str(m["Subject"]))
    text = resolved.get_body(("plain",)).get_content()
    return re.findall(r"http://\S+/survey/[A-Za-z0-9_-]+\?score=\d", text)


def test_the_resolution_notice_links_rate_without_signing_in(api, env):
    ticket = _resolved(api)
    links = _survey_links(env, ticket)
    assert [link[-1] for link in links] == ["1", "2", "3", "4", "5"]
    token = links[0].split("/survey/")[1].split("?")[0]
    assert all(token in link for link in links)
    survey = api.call("GET", f"/api/surveys/{token}")
    assert survey.status_code == 200
    assert survey.json_body == {
        "ticket": {"number": ticket["number"], "subject": "发票开错了"},
        "score": None,
        "comment": None,
        "status": "resolved",
    }
    assert api.call("POST", f"/api/surveys/{token}", None, {"score": 4}).json_body["score"] == 4
    answered = api.call("POST", f"/api/surveys/{token}", None, {"score": 5, "comment": "很快，谢谢"}).json_body
    assert (answered["score"], answered["comment"]) == (5, "很快，谢谢")
    seen = api.call("GET", f"/api/tickets/{ticket['id']}", CUSTOMER).json_body["satisfaction"]
    assert (seen["score"], seen["comment"]) == (5, "很快，谢谢") and seen["rated_at"]
    assert api.call("POST", f"/api/surveys/{token}", None, {"score": 6}).status_code == 400
    assert api.call("POST", f"/api/surveys/{token}", None, {"score": 0}).status_code == 400
    api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "closed"})
    closed = api.call("POST", f"/api/surveys/{token}", None, {"score": 1})
    assert closed.status_code == 409 and closed.json_body["error"]["code"] == "ticket_closed"


def test_a_forged_or_unknown_token_is_not_found(api, env):
    ticket = _resolved(api)
    token = env.container.survey_links(ticket["id"])[0]["url"].split("/survey/")[1].split("?")[0]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert api.call("GET", f"/api/surveys/{forged}").status_code == 404
    assert api.call("POST", f"/api/surveys/{forged}", None, {"score": 5}).status_code == 404
    assert api.call("GET", "/api/surveys/not-a-token").status_code == 404
    other = env.container.survey_links("f" * 32)[0]["url"].split("/survey/")[1].split("?")[0]
    assert api.call("GET", f"/api/surveys/{other}").status_code == 404  # signed, but no such ticket


def test_the_portal_rating_is_the_requesters(api, env):
    ticket = _resolved(api)
    path = f"/api/tickets/{ticket['id']}/satisfaction"
    assert api.call("POST", path, AGENT, {"score": 5}).status_code == 403
    assert api.call("POST", path, "stranger@example.com", {"score": 5}).status_code == 404
    rated = api.call("POST", path, CUSTOMER, {"score": 3, "comment": "还行"})
    assert rated.status_code == 200 and rated.json_body["satisfaction"]["score"] == 3
    reopened = api.call("POST", f"/api/tickets/{ticket['id']}/messages", CUSTOMER, {"body": "又坏了"})
    assert reopened.status_code == 201
    refused = api.call("POST", path, CUSTOMER, {"score": 4})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "not_resolved"


def test_a_low_score_notifies_the_supervisor_once_even_when_delivered_twice(api, env):
    ticket = _resolved(api)
    api.call("POST", f"/api/tickets/{ticket['id']}/satisfaction", CUSTOMER, {"score": 1, "comment": "没解决"})
    api.call("POST", f"/api/tickets/{ticket['id']}/satisfaction", CUSTOMER, {"score": 2})  # still low: no second call
    _deliver(env, assignment_handler, "AssignmentFunction", times=2)
    low = [n for n in inbox(env, LEAD) if n[0] == "satisfaction.low"]
    assert low == [("satisfaction.low", ticket["number"])]
