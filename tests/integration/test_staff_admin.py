"""Staff administration: admins add and change agents and teams through the API; the assignment function serves
the queues an agent joins; on AWS the agent's Cognito account follows (moto's Cognito)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from functions.assignment.handler import lambda_handler
from infra.local.pump import LambdaContext
from infra.local.stack import REGION
from shared.adapters.cognito import CognitoStaffAccounts
from tests.integration.routing_helpers import (
    ADMIN,
    LEAD,
    assignment_pump,
    drain,
    put_rules,
    route_all_to,
    stream_records,
)

NEW = "sunli@demo.local"
PROFILE = {"name": "孙丽", "role": "agent", "teams": ["tech"], "skills": ["network"], "capacity": 5}


def _agents(api: Any) -> dict[str, dict[str, Any]]:
    return {a["email"]: a for a in api.call("GET", "/api/agents", LEAD).json_body["items"]}


def _put_agent(api: Any, email: str, body: dict[str, Any], who: str = ADMIN) -> Any:
    return api.call("PUT", f"/api/admin/agents/{email}", who, body)


def test_an_admin_adds_an_agent_and_changes_them_without_touching_their_availability(api, env):
    created = _put_agent(api, NEW, PROFILE)
    assert created.status_code == 201, created.body
    assert created.json_body | {"load": None} == {
        "email": NEW,
        "name": "孙丽",
        "role": "agent",
        "teams": ["tech"],
        "skills": ["network"],
        "capacity": 5,
        "availability": "offline",  # new agents take tickets once they switch themselves online
        "senior": False,
        "language": "zh-CN",
        "chat_capacity": 3,
        "load": None,
    }
    assert _agents(api)[NEW]["load"] == 0
    # The new agent signs in with their role and team.
    me = api.call("GET", "/api/me", NEW).json_body
    assert (me["role"], me["teams"], me["language"]) == ("agent", ["tech"], "zh-CN")
    english = _put_agent(api, NEW, {**PROFILE, "language": "en"})
    assert english.status_code == 200 and api.call("GET", "/api/me", NEW).json_body["language"] == "en"
    assert api.call("GET", "/api/me", "customer@example.com").json_body["language"] is None

    assert api.call("PUT", f"/api/agents/{NEW}/availability", NEW, {"availability": "away"}).status_code == 200
    changed = _put_agent(api, NEW, {**PROFILE, "capacity": 9, "senior": True, "skills": ["network", "network"]})
    assert changed.status_code == 200
    assert (changed.json_body["capacity"], changed.json_body["senior"]) == (9, True)
    assert changed.json_body["skills"] == ["network"]
    assert changed.json_body["availability"] == "away"  # the agent's own switch stays theirs
    again = _put_agent(api, NEW, {**PROFILE, "capacity": 9, "senior": True})
    assert again.status_code == 200 and _agents(api)[NEW]["capacity"] == 9


def test_a_new_team_and_the_agent_joining_it_take_its_waiting_tickets(api, env):
    team = api.call("PUT", "/api/admin/teams/vip", ADMIN, {"name": "大客户组", "supervisor": LEAD})
    assert team.status_code == 201
    assert team.json_body == {"id": "vip", "name": "大客户组", "members": [], "supervisor": LEAD}
    put_rules(api, route_all_to("vip"))
    pump = assignment_pump(env)
    ticket = api.call("POST", "/api/tickets", "vip.customer@example.com", {"subject": "大客户来电", "description": "d"})
    drain(pump)
    assert api.call("GET", f"/api/tickets/{ticket.json_body['id']}", LEAD).json_body["assignee"] is None  # nobody

    joined = _put_agent(api, NEW, {**PROFILE, "teams": ["vip"], "availability": "online"})
    assert joined.status_code == 201
    drain(pump)
    assert api.call("GET", f"/api/tickets/{ticket.json_body['id']}", LEAD).json_body["assignee"] == NEW
    assert _agents(api)[NEW]["load"] == 1
    members = {t["id"]: t for t in api.call("GET", "/api/teams", LEAD).json_body["items"]}["vip"]["members"]
    assert members == [NEW]

    renamed = api.call("PUT", "/api/admin/teams/vip", ADMIN, {"name": "VIP 组", "supervisor": None})
    assert renamed.status_code == 200 and renamed.json_body["members"] == [NEW]

    # Holding a ticket, the agent cannot be removed; once it is resolved, they can.
    refused = api.call("DELETE", f"/api/admin/agents/{NEW}", ADMIN)
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "agent_has_tickets"
    resolve = api.call("PATCH", f"/api/tickets/{ticket.json_body['id']}", LEAD, {"status": "resolved"})
    assert resolve.status_code == 200
    drain(pump)
    assert api.call("DELETE", f"/api/admin/agents/{NEW}", ADMIN).status_code == 204
    assert NEW not in _agents(api)
    assert api.call("DELETE", f"/api/admin/agents/{NEW}", ADMIN).status_code == 404
    assert api.call("GET", "/api/me", NEW).json_body["role"] == "customer"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"/api/admin/agents/{NEW}", {**PROFILE, "teams": ["nope"]}, "teams"),
        (f"/api/admin/agents/{NEW}", {**PROFILE, "capacity": 101}, "capacity"),
        (f"/api/admin/agents/{NEW}", {**PROFILE, "capacity": "5"}, "capacity"),
        (f"/api/admin/agents/{NEW}", {**PROFILE, "role": "customer"}, "role"),
        (f"/api/admin/agents/{NEW}", {**PROFILE, "pay": 1}, "pay"),
        (f"/api/admin/agents/{NEW}", {"role": "agent"}, "name"),
        ("/api/admin/agents/not-an-address", PROFILE, "email"),
        ("/api/admin/teams/Big%20Team", {"name": "x"}, "id"),
        ("/api/admin/teams/ops", {"name": "运维", "supervisor": "zhangwei@demo.local"}, "supervisor"),
        ("/api/admin/teams/ops", {"name": "运维", "supervisor": "nobody@demo.local"}, "supervisor"),
    ],
)
def test_bad_staff_changes_get_400_with_the_field(api, env, path, body, field):
    response = api.call("PUT", path, ADMIN, body)
    assert response.status_code == 400, response.body
    assert response.json_body["error"]["field"] == field
    assert NEW not in _agents(api)
    assert "ops" not in {t["id"] for t in api.call("GET", "/api/teams", LEAD).json_body["items"]}


def test_only_admins_manage_staff_and_never_lock_themselves_out(api, env):
    for who in (LEAD, "zhangwei@demo.local", "customer@example.com"):
        assert _put_agent(api, NEW, PROFILE, who).status_code == 403
        assert api.call("DELETE", "/api/admin/agents/wangfang@demo.local", who).status_code == 403
        assert api.call("PUT", "/api/admin/teams/ops", who, {"name": "运维"}).status_code == 403
    me = {"name": "系统管理员", "role": "agent", "teams": [], "capacity": 0}
    own = _put_agent(api, ADMIN, me)
    assert own.status_code == 409 and own.json_body["error"]["code"] == "own_role"
    assert _put_agent(api, ADMIN, {**me, "role": "admin", "name": "管理员"}).status_code == 200  # the rest is fine
    gone = api.call("DELETE", f"/api/admin/agents/{ADMIN}", ADMIN)
    assert gone.status_code == 409 and gone.json_body["error"]["code"] == "own_account"
    supervisor = api.call("DELETE", f"/api/admin/agents/{LEAD}", ADMIN)
    assert supervisor.status_code == 409 and supervisor.json_body["error"]["code"] == "supervises_team"


def test_the_same_directory_record_delivered_twice_assigns_once(api, env):
    api.call("PUT", "/api/admin/teams/vip", ADMIN, {"name": "大客户组"})
    put_rules(api, route_all_to("vip"))
    pump = assignment_pump(env)
    ticket = api.call("POST", "/api/tickets", "twice@example.com", {"subject": "两次", "description": "d"}).json_body
    drain(pump)
    _put_agent(api, NEW, {**PROFILE, "teams": ["vip"], "availability": "online"})
    joined = [r for r in stream_records(env) if r["dynamodb"]["Keys"]["sk"]["S"] == f"AGENT#{NEW}"]
    batch = {"Records": joined}
    assert lambda_handler(batch, LambdaContext("AssignmentFunction")) == {"batchItemFailures": []}
    assert lambda_handler(batch, LambdaContext("AssignmentFunction")) == {"batchItemFailures": []}
    got = api.call("GET", f"/api/tickets/{ticket['id']}", LEAD).json_body
    assert got["assignee"] == NEW
    events = api.call("GET", f"/api/tickets/{ticket['id']}/events", LEAD).json_body["items"]
    assert len([e for e in events if any(c["field"] == "assignee" for c in e["changes"])]) == 1
    assert _agents(api)[NEW]["load"] == 1


def test_cognito_staff_accounts_follow_the_role(emulator):
    cognito = boto3.client(
        "cognito-idp", endpoint_url=emulator, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    pool = cognito.create_user_pool(PoolName="staff", UsernameAttributes=["email"])["UserPool"]["Id"]
    for group in ("admin", "supervisor", "agent", "customer"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    accounts = CognitoStaffAccounts(cognito, pool)

    def groups(email: str) -> list[str]:
        listed = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=email)["Groups"]
        return sorted(g["GroupName"] for g in listed)

    accounts.grant(NEW, "孙丽", "agent")
    assert groups(NEW) == ["agent"]
    accounts.grant(NEW, "孙丽", "agent")  # saved again: the same account, the same group
    accounts.grant(NEW, "孙丽", "supervisor")
    assert groups(NEW) == ["supervisor"]
    # A customer who becomes staff keeps the customer group beside the staff one (the staff role wins).
    cognito.admin_create_user(UserPoolId=pool, Username="was.customer@example.com", MessageAction="SUPPRESS")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="was.customer@example.com", GroupName="customer")
    accounts.grant("was.customer@example.com", "前客户", "agent")
    assert groups("was.customer@example.com") == ["agent", "customer"]
    accounts.revoke(NEW)
    assert groups(NEW) == []
    accounts.revoke("never.existed@example.com")  # nothing to do


def test_a_team_is_deleted_only_once_nothing_refers_to_it(api, env):
    assert api.call("PUT", "/api/admin/teams/vip", ADMIN, {"name": "大客户组"}).status_code == 201
    assert api.call("DELETE", "/api/admin/teams/vip", LEAD).status_code == 403
    _put_agent(api, NEW, {**PROFILE, "teams": ["vip"]})

    def refused(code: str) -> None:
        response = api.call("DELETE", "/api/admin/teams/vip", ADMIN)
        assert response.status_code == 409 and response.json_body["error"]["code"] == code, response.body

    refused("team_has_members")
    _put_agent(api, NEW, {**PROFILE, "teams": ["tech"]})
    put_rules(api, route_all_to("vip"))
    refused("team_in_rules")
    put_rules(api, route_all_to("tech"))
    body = {"subject": "大客户", "description": "d", "team": "vip", "requester": {"email": "big@example.com"}}
    ticket = api.call("POST", "/api/tickets", LEAD, body).json_body
    refused("team_has_tickets")
    assert api.call("PATCH", f"/api/tickets/{ticket['id']}", LEAD, {"status": "resolved"}).status_code == 200
    assert api.call("DELETE", "/api/admin/teams/vip", ADMIN).status_code == 204
    assert "vip" not in {t["id"] for t in api.call("GET", "/api/teams", LEAD).json_body["items"]}
    assert api.call("DELETE", "/api/admin/teams/vip", ADMIN).status_code == 404
    assert api.call("DELETE", "/api/admin/teams/No%20Such", ADMIN).status_code == 404
