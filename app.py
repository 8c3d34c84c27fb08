"""The HTTP API v1 (Chalice). Routes only: each parses, calls one service, shapes the reply.

On AWS this object is the API function's handler; in local mode the same object serves /api on 127.0.0.1:8000.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.chat_schemas import (
    ChatEndOut,
    ChatListOut,
    ChatListQuery,
    ChatSettingsBody,
    ChatSettingsOut,
    chat_out,
)
from shared.api.collab_routes import register_collab_routes
from shared.api.desk_routes import register_desk_routes
from shared.api.kb_routes import register_kb_routes
from shared.api.mail_schemas import RejectionOut, RejectionPage, RejectionQuery
from shared.api.openapi import EMAIL_SCHEMA, build_openapi
from shared.api.privacy_routes import register_privacy_routes
from shared.api.report_routes import BINARY_TYPES, register_report_routes
from shared.api.role_routes import register_role_routes
from shared.api.routing import ApiRouter, Call, HelpdeskChalice, json_response, parse_if_match
from shared.api.routing_schemas import (
    AvailabilityBody,
    CannedRepliesBody,
    CannedRepliesOut,
    DryRunBody,
    DryRunOut,
    RuleSetBody,
    RuleSetOut,
    SlaPoliciesBody,
    SlaPoliciesOut,
    TransferBody,
    UrgeBody,
)
from shared.api.schemas import (
    AgentIn,
    AgentList,
    AgentOut,
    AttachmentLink,
    CodeRequest,
    CodeVerify,
    EventPage,
    Health,
    LoginOut,
    MessageCreate,
    MessageOut,
    MessagePage,
    PageQuery,
    RawLink,
    TeamIn,
    TeamList,
    TeamOut,
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
from shared.api.wechat_schemas import WechatCallbackQuery, WechatFollowerOut, WechatNameIn, follower_out
from shared.api.workflow_routes import register_workflow_routes
from shared.container import get_container
from shared.domain.canned_replies import CannedReply
from shared.domain.directory import AgentProfile, Availability
from shared.domain.requests import TicketDraft, TicketQuery
from shared.domain.tickets import Person, Ticket
from shared.logs import install_redaction

install_redaction()  # no full address, phone number, token or message body in the API's logs
app = HelpdeskChalice(app_name="helpdesk")
app.api.binary_types.extend(BINARY_TYPES)  # report downloads (XLSX, CSV)
api = ApiRouter(app, get_container)
register_report_routes(api)  # reports, forecast, satisfaction surveys
register_workflow_routes(api)  # automations, the closing review policy and decisions
register_collab_routes(api)  # followers, sub-tasks, collaboration requests, merge, notifications
register_role_routes(api)  # custom roles (自定义角色)


def _tz(call: Call) -> ZoneInfo:
    return ZoneInfo(call.container.settings.timezone)


def _ticket_reply(call: Call, ticket: Ticket) -> Response:
    """A ticket with its version as the ETag, for the next If-Match."""
    return json_response(
        ticket_out(ticket, _tz(call), call.principal.is_staff), headers={"ETag": f'"{ticket.version}"'}
    )


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
    call.container.abuse.take("sign_in_code", call.body.email)
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
    return user_out(call.principal, call.container.directory.language_of(call.principal))


@api.route("/api/tickets", "POST", summary="Open a ticket", body=TicketCreate, response=TicketOut, status=201)
def create_ticket(call: Call) -> Response:
    body: TicketCreate = call.body
    call.container.abuse.take_for("ticket", call.principal)
    draft = TicketDraft(
        subject=body.subject or "",
        description=body.description or "",
        priority=body.priority,
        category=body.category,
        channel=body.channel,
        requester=Person(body.requester.email, body.requester.name) if body.requester else None,
        custom_fields=dict(body.custom_fields),
        tags=list(body.tags),
        team=body.team,
        template=body.template,
        attachments=tuple(body.attachments),
    )
    created = call.container.tickets.create(call.principal, draft, call.headers.get("idempotency-key"))
    headers = {"Location": f"/api/tickets/{created.ticket.id}", "ETag": f'"{created.ticket.version}"'}
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    ticket = call.container.mail_files.present_ticket(created.ticket)
    return json_response(ticket_out(ticket, _tz(call), call.principal.is_staff), 201, headers)


@api.route("/api/tickets", "GET", summary="List tickets in a view", query=TicketListQuery, response=TicketPage)
def list_tickets(call: Call) -> TicketPage:
    q: TicketListQuery = call.query
    items, cursor = call.container.tickets.list(
        call.principal,
        TicketQuery(
            q.view, q.statuses(), q.priorities(), q.team, q.limit, q.cursor, q.requester, q.assignee, q.filters()
        ),
    )
    tz = _tz(call)
    staff = call.principal.is_staff
    return TicketPage(items=[ticket_out(t, tz, staff) for t in items], next_cursor=cursor)


@api.route("/api/tickets/{id}", "GET", summary="A ticket, by id or GD number", response=TicketOut)
def get_ticket(call: Call, id: str) -> Response:
    ticket = call.container.tickets.get(call.principal, id)
    return _ticket_reply(call, call.container.mail_files.present_ticket(ticket))


@api.route("/api/tickets/{id}", "PATCH", summary="Edit a ticket (staff)", body=TicketPatch, response=TicketOut)
def patch_ticket(call: Call, id: str) -> Response:
    changes = call.body.model_dump(exclude_unset=True)
    expected = parse_if_match(call.headers.get("if-match"))
    ticket = call.container.tickets.update(call.principal, id, changes, expected)
    return _ticket_reply(call, ticket)


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
    call.container.abuse.take_for("message", call.principal)
    message = call.container.tickets.post_message(call.principal, id, body.body, body.internal, body.attachments)
    return message_out(call.container.mail_files.present([message])[0], _tz(call))


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
    items = call.container.mail_files.present(items)  # inline cid: images of email messages
    return MessagePage(items=[message_out(m, tz) for m in items], next_cursor=cursor)


@api.route(
    "/api/tickets/{id}/messages/{message_id}/attachments/{attachment_id}",
    "GET",
    summary="A presigned download of an email attachment (requester or staff)",
    response=AttachmentLink,
)
def get_attachment(call: Call, id: str, message_id: str, attachment_id: str) -> AttachmentLink:
    link = call.container.mail_files.attachment(call.principal, id, message_id, attachment_id)
    return AttachmentLink(**{**link, "expires_at": link["expires_at"].astimezone(_tz(call))})


@api.route(
    "/api/tickets/{id}/messages/{message_id}/raw",
    "GET",
    summary="A presigned download of the raw MIME of an email message (staff)",
    response=RawLink,
)
def get_raw_message(call: Call, id: str, message_id: str) -> RawLink:
    link = call.container.mail_files.raw(call.principal, id, message_id)
    return RawLink(url=link["url"], expires_at=link["expires_at"].astimezone(_tz(call)))


@api.route(
    "/api/mail/rejections",
    "GET",
    summary="Inbound mail that made no ticket or message, and why (supervisor, admin)",
    query=RejectionQuery,
    response=RejectionPage,
)
def list_mail_rejections(call: Call) -> RejectionPage:
    q: RejectionQuery = call.query
    items, cursor = call.container.mail_files.rejections(call.principal, q.day, q.limit, q.cursor)
    tz = _tz(call)
    return RejectionPage(
        items=[RejectionOut(**{**i, "at": i["at"].astimezone(tz)}) for i in items],
        next_cursor=cursor,
    )


@api.route("/api/tickets/{id}/events", "GET", summary="The audit trail (staff)", query=PageQuery, response=EventPage)
def list_events(call: Call, id: str) -> EventPage:
    items, cursor = call.container.tickets.list_events(call.principal, id, call.query.limit, call.query.cursor)
    tz = _tz(call)
    return EventPage(items=[event_out(e, tz) for e in items], next_cursor=cursor)


@api.route("/api/agents", "GET", summary="Agents, with the open tickets each holds (staff)", response=AgentList)
def list_agents(call: Call) -> AgentList:
    directory = call.container.directory
    agents = directory.agents(call.principal)
    loads = directory.open_tickets(call.principal, [a.email for a in agents])
    return AgentList(items=[agent_out(a, loads.get(a.email, 0)) for a in agents])


@api.route(
    "/api/admin/agents/{email}",
    "PUT",
    summary="Add or change an agent: role, teams, skills, capacity (admin)",
    body=AgentIn,
    response=AgentOut,
    path_params={"email": EMAIL_SCHEMA},
)
def put_agent(call: Call, email: str) -> Response:
    body: AgentIn = call.body
    availability = Availability(body.availability) if body.availability else None
    profile = AgentProfile(**body.model_dump(exclude={"availability"}), availability=availability)
    agent, created = call.container.directory.save_agent(call.principal, unquote(email), profile)
    return json_response(agent_out(agent), 201 if created else 200)


@api.route(
    "/api/admin/agents/{email}",
    "DELETE",
    summary="Remove an agent holding no tickets (admin)",
    status=204,
    path_params={"email": EMAIL_SCHEMA},
)
def delete_agent(call: Call, email: str) -> Response:
    call.container.directory.remove_agent(call.principal, unquote(email))
    return Response(body="", status_code=204)


# A team id as DirectoryService.save_team accepts it (TEAM_ID).
TEAM_ID_SCHEMA = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,31}$"}


@api.route(
    "/api/admin/teams/{id}",
    "PUT",
    summary="Add or change a team (admin)",
    body=TeamIn,
    response=TeamOut,
    path_params={"id": TEAM_ID_SCHEMA},
)
def put_team(call: Call, id: str) -> Response:
    body: TeamIn = call.body
    team, created = call.container.directory.save_team(call.principal, unquote(id), body.name, body.supervisor)
    return json_response(team_out(team), 201 if created else 200)


@api.route(
    "/api/admin/teams/{id}",
    "DELETE",
    summary="Delete a team nothing refers to (admin)",
    status=204,
    path_params={"id": TEAM_ID_SCHEMA},
)
def delete_team(call: Call, id: str) -> Response:
    call.container.directory.remove_team(call.principal, unquote(id))
    return Response(body="", status_code=204)


@api.route("/api/teams", "GET", summary="Teams (staff)", response=TeamList)
def list_teams(call: Call) -> TeamList:
    return TeamList(items=[team_out(t) for t in call.container.directory.teams(call.principal)])


# -- routing and SLA (shared/services/routing.py, sla.py) -------------------------------------------------------------
@api.route("/api/admin/rules", "GET", summary="The routing rule set (supervisor, admin)", response=RuleSetOut)
def get_rules(call: Call) -> Response:
    rules, version = call.container.routing.get_rules(call.principal)
    return json_response(RuleSetOut(rules=rules.to_dict()["rules"], version=version), headers={"ETag": f'"{version}"'})


@api.route(
    "/api/admin/rules", "PUT", summary="Save the routing rule set (admin)", body=RuleSetBody, response=RuleSetOut
)
def put_rules(call: Call) -> Response:
    expected = parse_if_match(call.headers.get("if-match"))
    rules, version = call.container.routing.put_rules(call.principal, call.body.model_dump(), expected)
    return json_response(RuleSetOut(rules=rules.to_dict()["rules"], version=version), headers={"ETag": f'"{version}"'})


@api.route(
    "/api/admin/rules/dry-run",
    "POST",
    summary="Which rules (or triggers, for another event) would fire for a sample ticket, and why",
    body=DryRunBody,
    response=DryRunOut,
)
def dry_run_rules(call: Call) -> dict[str, Any]:
    body: DryRunBody = call.body
    changes = [c.model_dump() for c in body.changes]
    outcome = call.container.routing.dry_run(call.principal, body.ticket.model_dump(), body.rules, body.event, changes)
    return outcome.to_dict()


@api.route("/api/admin/sla-policies", "GET", summary="SLA policies and calendars", response=SlaPoliciesOut)
def get_sla_policies(call: Call) -> Response:
    config = call.container.sla.get(call.principal)
    body = {**config.to_dict(), "version": config.version}
    return json_response(body, headers={"ETag": f'"{config.version}"'})


@api.route(
    "/api/admin/sla-policies",
    "PUT",
    summary="Save SLA policies and calendars (admin)",
    body=SlaPoliciesBody,
    response=SlaPoliciesOut,
)
def put_sla_policies(call: Call) -> Response:
    expected = parse_if_match(call.headers.get("if-match"))
    config = call.container.sla.put(call.principal, call.body.model_dump(exclude_unset=True), expected)
    body = {**config.to_dict(), "version": config.version}
    return json_response(body, headers={"ETag": f'"{config.version}"'})


def _canned_replies(items: list[CannedReply], version: int) -> Response:
    body = CannedRepliesOut.model_validate({"items": [r.to_dict() for r in items], "version": version})
    return json_response(body, headers={"ETag": f'"{version}"'})


@api.route(
    "/api/canned-replies", "GET", summary="The desk's canned replies, 快捷回复 (staff)", response=CannedRepliesOut
)
def get_canned_replies(call: Call) -> Response:
    return _canned_replies(*call.container.canned_replies.get(call.principal))


@api.route(
    "/api/admin/canned-replies",
    "PUT",
    summary="Save the canned replies (supervisor, admin)",
    body=CannedRepliesBody,
    response=CannedRepliesOut,
)
def put_canned_replies(call: Call) -> Response:
    expected = parse_if_match(call.headers.get("if-match"))
    items = [CannedReply(i.id or "", i.title, i.body) for i in call.body.items]
    return _canned_replies(*call.container.canned_replies.put(call.principal, items, expected))


@api.route(
    "/api/agents/{email}/availability",
    "PUT",
    summary="Switch an agent's availability (the agent, a supervisor or an admin)",
    body=AvailabilityBody,
    response=AgentOut,
)
def put_availability(call: Call, email: str) -> AgentOut:
    agent = call.container.routing.set_availability(call.principal, unquote(email), call.body.availability)
    return agent_out(agent)


@api.route("/api/tickets/{id}/acknowledge", "POST", summary="Acknowledge (确认接单; the assignee)", response=TicketOut)
def acknowledge_ticket(call: Call, id: str) -> Response:
    ticket = call.container.routing.acknowledge(call.principal, id)
    return _ticket_reply(call, ticket)


@api.route(
    "/api/tickets/{id}/transfer",
    "POST",
    summary="Transfer (转办) to another team or agent, with a reason (staff)",
    body=TransferBody,
    response=TicketOut,
)
def transfer_ticket(call: Call, id: str) -> Response:
    body: TransferBody = call.body
    given = "assignee" in body.model_fields_set
    ticket = call.container.routing.transfer(call.principal, id, body.team, body.assignee, given, body.reason)
    return _ticket_reply(call, ticket)


@api.route(
    "/api/tickets/{id}/urge",
    "POST",
    summary="Urge (催办) the assignee (supervisor, admin)",
    body=UrgeBody,
    response=TicketOut,
)
def urge_ticket(call: Call, id: str) -> Response:
    ticket = call.container.routing.urge(call.principal, id, call.body.note)
    return _ticket_reply(call, ticket)


# -- the WeChat Official Account channel (shared/services/wechat_callback.py, docs/wechat.md) ----------------------
def _callback_query(call: Call) -> Any:
    from shared.services.wechat_callback import CallbackQuery

    q: WechatCallbackQuery = call.query
    return CallbackQuery(q.signature, q.timestamp, q.nonce, q.echostr, q.encrypt_type, q.msg_signature)


def _text(body: str) -> Response:
    return Response(body=body, status_code=200, headers={"Content-Type": "text/plain; charset=utf-8"})


@api.route(
    "/api/channels/wechat",
    "GET",
    summary="WeChat's server URL check: echostr back when signed with the account's token",
    public=True,
    query=WechatCallbackQuery,
)
def wechat_handshake(call: Call) -> Response:
    return _text(call.container.wechat_callback.handshake(_callback_query(call)))


@api.route(
    "/api/channels/wechat",
    "POST",
    summary="A message or event WeChat pushes (plaintext or AES): checked, queued, answered `success`",
    public=True,
    query=WechatCallbackQuery,
)
def wechat_message(call: Call) -> Response:
    call.container.wechat_callback.accept(_callback_query(call), call.raw_body)
    return _text("success")


@api.route(
    "/api/tickets/{id}/wechat",
    "GET",
    summary="The WeChat follower behind a ticket and their 48-hour reply window (staff)",
    response=WechatFollowerOut,
)
def get_ticket_wechat(call: Call, id: str) -> WechatFollowerOut:
    ticket = call.container.tickets.get(call.principal, id)
    follower = call.container.wechat_notices().follower_of(call.principal, ticket)
    return follower_out(follower, call.container.clock.now(), _tz(call))


@api.route(
    "/api/tickets/{id}/wechat",
    "PUT",
    summary="Name the WeChat customer behind a ticket (staff): kept for their next tickets, shown on this one",
    body=WechatNameIn,
    response=WechatFollowerOut,
)
def name_ticket_wechat(call: Call, id: str) -> WechatFollowerOut:
    ticket = call.container.tickets.get(call.principal, id)
    follower = call.container.wechat_notices().rename(call.principal, ticket, call.body.name)
    return follower_out(follower, call.container.clock.now(), _tz(call))


# -- live chat (docs/chat.md): the conversation itself is on the WebSocket ------------------------------------------
@api.route(
    "/api/chats",
    "GET",
    summary="Open live chats (staff): waiting ones oldest first, the caller's, or all",
    query=ChatListQuery,
    response=ChatListOut,
)
def list_chats(call: Call) -> ChatListOut:
    q: ChatListQuery = call.query
    items, cursor = call.container.chat_desk.list(call.principal, q.state, q.limit, q.cursor)
    tz = _tz(call)
    return ChatListOut(items=[chat_out(item, tz) for item in items], next=cursor)


@api.route(
    "/api/tickets/{id}/chat/accept",
    "POST",
    summary="Accept a waiting live chat (staff): assigned to the caller, the visitor told; 409 conflict if taken",
    response=TicketOut,
)
def accept_ticket_chat(call: Call, id: str) -> Response:
    return _ticket_reply(call, call.container.chat_desk.accept(call.principal, id))


@api.route(
    "/api/tickets/{id}/chat/end",
    "POST",
    summary="End a live chat (staff or its requester): recorded as chat.ended, the visitor told, the transcript mailed",
    response=ChatEndOut,
)
def end_ticket_chat(call: Call, id: str) -> ChatEndOut:
    ticket, pushed = call.container.chat.end_by(call.principal, id)
    return ChatEndOut(ticket_id=ticket.id, ticket_number=ticket.number, pushed=pushed)


def _chat_settings(call: Call, settings: Any) -> Response:
    body = ChatSettingsOut(
        allowed_origins=list(settings.allowed_origins),
        idle_minutes=settings.idle_minutes,
        own_origin=call.container.settings.public_url.rstrip("/"),
        version=settings.version,
    )
    return json_response(body, headers={"ETag": f'"{settings.version}"'})


@api.route(
    "/api/admin/chat/settings",
    "GET",
    summary="Live chat's settings (supervisor, admin): the sites allowed to open a chat and the idle time; the "
    "version is the ETag",
    response=ChatSettingsOut,
)
def get_chat_settings(call: Call) -> Response:
    return _chat_settings(call, call.container.chat_settings.get(call.principal))


@api.route(
    "/api/admin/chat/settings",
    "PUT",
    summary="Save live chat's settings (admin); If-Match the version read. Sockets opened from then on are checked "
    "against the new list (within 30 s)",
    body=ChatSettingsBody,
    response=ChatSettingsOut,
)
def put_chat_settings(call: Call) -> Response:
    expected = parse_if_match(call.headers.get("if-match"))
    saved = call.container.chat_settings.put(call.principal, call.body.model_dump(), expected)
    return _chat_settings(call, saved)


# -- knowledge base and search (shared/api/kb_routes.py) ---------------------------------------------------------------
register_kb_routes(api)
# -- the desk: bulk edits, custom fields, templates, uploads, customer records, saved views (shared/api/desk_routes.py)
register_desk_routes(api)
# -- personal data: export and erasure (shared/api/privacy_routes.py) ----------------------------------------------
register_privacy_routes(api)
