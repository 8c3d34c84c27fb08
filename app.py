"""The HTTP API v1 (Chalice). Routes only: each parses, calls one service, shapes the reply.

On AWS this object is the API function's handler; in local mode the same object serves /api on 127.0.0.1:8000.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from chalice import Chalice, Response

from shared.api.openapi import build_openapi
from shared.api.routing import ApiRouter, Call, json_response, parse_if_match
from shared.api.schemas import (
    AgentList,
    CodeRequest,
    CodeVerify,
    EventPage,
    Health,
    LoginOut,
    MessageCreate,
    MessageOut,
    MessagePage,
    NotificationOut,
    NotificationPage,
    PageQuery,
    TeamList,
    TicketCreate,
    TicketListQuery,
    TicketOut,
    TicketPage,
    TicketPatch,
    UserOut,
    agent_out,
    event_out,
    message_out,
    team_out,
    ticket_out,
    user_out,
)
from shared.container import get_container
from shared.domain.requests import TicketDraft, TicketQuery
from shared.domain.tickets import Person

app = Chalice(app_name="helpdesk")
api = ApiRouter(app, get_container)


def _tz(call: Call) -> ZoneInfo:
    return ZoneInfo(call.container.settings.timezone)


@api.route("/api/health", "GET", summary="Liveness", public=True, response=Health)
def health(call: Call) -> dict[str, str]:
    return {"status": "ok"}


@api.route("/api/openapi.json", "GET", summary="This API as OpenAPI 3", public=True)
def openapi(call: Call) -> dict[str, Any]:
    return build_openapi(api.operations)


@api.route(
    "/api/auth/code",
    "POST",
    summary="Email a customer a one-time sign-in code",
    public=True,
    body=CodeRequest,
    status=202,
)
def send_sign_in_code(call: Call) -> dict[str, str]:
    # The same answer whether or not the address is known: nothing to learn about who is a customer.
    call.container.sign_in.send_code(call.body.email)
    return {"status": "sent"}


@api.route(
    "/api/auth/verify", "POST", summary="Sign in with the emailed code", public=True, body=CodeVerify, response=LoginOut
)
def verify_sign_in_code(call: Call) -> LoginOut:
    token, principal = call.container.sign_in.verify(call.body.email, call.body.code)
    return LoginOut(token=token, user=user_out(principal))


@api.route("/api/me", "GET", summary="The signed-in user", response=UserOut)
def me(call: Call) -> UserOut:
    return user_out(call.principal)


@api.route("/api/tickets", "POST", summary="Open a ticket", body=TicketCreate, response=TicketOut, status=201)
def create_ticket(call: Call) -> Response:
    body: TicketCreate = call.body
    draft = TicketDraft(
        subject=body.subject,
        description=body.description,
        priority=body.priority,
        category=body.category,
        channel=body.channel,
        requester=Person(body.requester.email, body.requester.name) if body.requester else None,
        custom_fields=dict(body.custom_fields),
        tags=list(body.tags),
        team=body.team,
    )
    created = call.container.tickets.create(call.principal, draft, call.headers.get("idempotency-key"))
    headers = {"Location": f"/api/tickets/{created.ticket.id}", "ETag": f'"{created.ticket.version}"'}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(ticket_out(created.ticket, _tz(call)), 201, headers)


@api.route("/api/tickets", "GET", summary="List tickets in a view", query=TicketListQuery, response=TicketPage)
def list_tickets(call: Call) -> TicketPage:
    q: TicketListQuery = call.query
    items, cursor = call.container.tickets.list(
        call.principal,
        TicketQuery(q.view, q.statuses(), q.priorities(), q.team, q.limit, q.cursor),
    )
    tz = _tz(call)
    return TicketPage(items=[ticket_out(t, tz) for t in items], next_cursor=cursor)


@api.route("/api/tickets/{id}", "GET", summary="A ticket, by id or GD number", response=TicketOut)
def get_ticket(call: Call, id: str) -> Response:
    ticket = call.container.tickets.get(call.principal, id)
    return json_response(ticket_out(ticket, _tz(call)), headers={"ETag": f'"{ticket.version}"'})


@api.route("/api/tickets/{id}", "PATCH", summary="Edit a ticket (staff)", body=TicketPatch, response=TicketOut)
def patch_ticket(call: Call, id: str) -> Response:
    changes = call.body.model_dump(exclude_unset=True)
    expected = parse_if_match(call.headers.get("if-match"))
    ticket = call.container.tickets.update(call.principal, id, changes, expected)
    return json_response(ticket_out(ticket, _tz(call)), headers={"ETag": f'"{ticket.version}"'})


@api.route(
    "/api/tickets/{id}/messages",
    "POST",
    summary="Reply or add an internal note",
    body=MessageCreate,
    response=MessageOut,
    status=201,
)
def post_message(call: Call, id: str) -> MessageOut:
    body: MessageCreate = call.body
    message = call.container.tickets.post_message(call.principal, id, body.body, body.internal)
    return message_out(message, _tz(call))


@api.route(
    "/api/tickets/{id}/messages",
    "GET",
    summary="The conversation, oldest first",
    query=PageQuery,
    response=MessagePage,
)
def list_messages(call: Call, id: str) -> MessagePage:
    items, cursor = call.container.tickets.list_messages(call.principal, id, call.query.limit, call.query.cursor)
    tz = _tz(call)
    return MessagePage(items=[message_out(m, tz) for m in items], next_cursor=cursor)


@api.route("/api/tickets/{id}/events", "GET", summary="The audit trail (staff)", query=PageQuery, response=EventPage)
def list_events(call: Call, id: str) -> EventPage:
    items, cursor = call.container.tickets.list_events(call.principal, id, call.query.limit, call.query.cursor)
    tz = _tz(call)
    return EventPage(items=[event_out(e, tz) for e in items], next_cursor=cursor)


@api.route("/api/agents", "GET", summary="Agents (staff)", response=AgentList)
def list_agents(call: Call) -> AgentList:
    return AgentList(items=[agent_out(a) for a in call.container.directory.agents(call.principal)])


@api.route("/api/teams", "GET", summary="Teams (staff)", response=TeamList)
def list_teams(call: Call) -> TeamList:
    return TeamList(items=[team_out(t) for t in call.container.directory.teams(call.principal)])


@api.route(
    "/api/notifications",
    "GET",
    summary="The agent's in-app notifications",
    query=PageQuery,
    response=NotificationPage,
)
def list_notifications(call: Call) -> NotificationPage:
    items, cursor = call.container.inbox.inbox(call.principal, call.query.limit, call.query.cursor)
    tz = _tz(call)
    return NotificationPage(
        items=[
            NotificationOut(
                id=n.id,
                type=n.type,
                ticket_id=n.ticket_id,
                ticket_number=n.ticket_number,
                subject=n.subject,
                at=n.at.astimezone(tz),
                read=bool(n.read),
            )
            for n in items
        ],
        next_cursor=cursor,
    )
