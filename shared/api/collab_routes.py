"""Working together on a ticket (docs/api.md, "Working together"): followers, sub-tasks, collaboration requests,
merging, notification read marks and settings. Routes only, registered on app.py's router."""

from __future__ import annotations

from urllib.parse import unquote
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.collab_schemas import (
    CollaborationIn,
    CollaborationList,
    CollaborationOut,
    CollaborationPatch,
    FollowerIn,
    MarkReadIn,
    MarkReadOut,
    MergeIn,
    MergeOut,
    NotificationQuery,
    NotificationSettingsIn,
    NotificationSettingsOut,
    SubTaskIn,
    SubTaskList,
    SubTaskOut,
    SubTaskPatch,
    collaboration_out,
    subtask_out,
)
from shared.api.routing import ApiRouter, Call, json_response
from shared.api.schemas import NotificationOut, NotificationPage, TicketOut, ticket_out


def _tz(call: Call) -> ZoneInfo:
    return ZoneInfo(call.container.settings.timezone)


def register_collab_routes(api: ApiRouter) -> None:
    # -- followers --------------------------------------------------------------------------------
    @api.route(
        "/api/tickets/{id}/followers",
        "POST",
        summary="Follow a ticket, or make a colleague follow it (staff)",
        body=FollowerIn,
        response=TicketOut,
    )
    def add_follower(call: Call, id: str) -> Response:
        ticket = call.container.collaboration.follow(call.principal, id, call.body.email)
        return json_response(ticket_out(ticket, _tz(call)), headers={"ETag": f'"{ticket.version}"'})

    @api.route(
        "/api/tickets/{id}/followers/{email}",
        "DELETE",
        summary="Stop following a ticket (staff)",
        response=TicketOut,
    )
    def remove_follower(call: Call, id: str, email: str) -> Response:
        ticket = call.container.collaboration.unfollow(call.principal, id, unquote(email))
        return json_response(ticket_out(ticket, _tz(call)), headers={"ETag": f'"{ticket.version}"'})

    # -- sub-tasks (子任务) -------------------------------------------------------------------------
    @api.route(
        "/api/tickets/{id}/subtasks",
        "POST",
        summary="Add a sub-task (staff)",
        body=SubTaskIn,
        response=SubTaskOut,
        status=201,
    )
    def add_subtask(call: Call, id: str) -> Response:
        body: SubTaskIn = call.body
        subtask = call.container.collaboration.add_subtask(
            call.principal, id, body.title, body.assignee, body.team, body.due_at
        )
        return json_response(subtask_out(subtask, _tz(call)), 201)

    @api.route("/api/tickets/{id}/subtasks", "GET", summary="A ticket's sub-tasks (staff)", response=SubTaskList)
    def list_subtasks(call: Call, id: str) -> SubTaskList:
        tz = _tz(call)
        return SubTaskList(
            items=[subtask_out(s, tz) for s in call.container.collaboration.subtasks(call.principal, id)]
        )

    @api.route(
        "/api/tickets/{id}/subtasks/{subtask_id}",
        "PATCH",
        summary="Complete, reopen or edit a sub-task (staff)",
        body=SubTaskPatch,
        response=SubTaskOut,
    )
    def patch_subtask(call: Call, id: str, subtask_id: str) -> SubTaskOut:
        changes = call.body.model_dump(exclude_unset=True)
        subtask = call.container.collaboration.edit_subtask(call.principal, id, subtask_id, changes)
        return subtask_out(subtask, _tz(call))

    # -- collaboration requests (协作请求) ----------------------------------------------------------
    @api.route(
        "/api/tickets/{id}/collaborations",
        "POST",
        summary="Ask another team to collaborate on a ticket (staff)",
        body=CollaborationIn,
        response=CollaborationOut,
        status=201,
    )
    def request_collaboration(call: Call, id: str) -> Response:
        body: CollaborationIn = call.body
        asked = call.container.collaboration.request(call.principal, id, body.team, body.request, body.due_at)
        return json_response(collaboration_out(asked, _tz(call)), 201)

    @api.route(
        "/api/tickets/{id}/collaborations",
        "GET",
        summary="A ticket's collaboration requests (staff)",
        response=CollaborationList,
    )
    def list_collaborations(call: Call, id: str) -> CollaborationList:
        tz = _tz(call)
        items = call.container.collaboration.collaborations(call.principal, id)
        return CollaborationList(items=[collaboration_out(c, tz) for c in items])

    @api.route(
        "/api/tickets/{id}/collaborations/{collaboration_id}",
        "PATCH",
        summary="Answer a collaboration request (the asked team's members and supervisor)",
        body=CollaborationPatch,
        response=CollaborationOut,
    )
    def answer_collaboration(call: Call, id: str, collaboration_id: str) -> CollaborationOut:
        body: CollaborationPatch = call.body
        answered = call.container.collaboration.answer(call.principal, id, collaboration_id, body.status, body.response)
        return collaboration_out(answered, _tz(call))

    # -- merge (合并工单) ---------------------------------------------------------------------------
    @api.route(
        "/api/tickets/{id}/merge",
        "POST",
        summary="Merge this duplicate into another ticket (staff)",
        body=MergeIn,
        response=MergeOut,
    )
    def merge_ticket(call: Call, id: str) -> MergeOut:
        merged = call.container.merges.merge(call.principal, id, call.body.into)
        tz = _tz(call)
        return MergeOut(source=ticket_out(merged.source, tz), target=ticket_out(merged.target, tz))

    # -- notifications: read marks and settings ---------------------------------------------------
    @api.route(
        "/api/notifications",
        "GET",
        summary="The agent's in-app notifications (`unread=true`: only the unread)",
        query=NotificationQuery,
        response=NotificationPage,
    )
    def list_notifications(call: Call) -> NotificationPage:
        q: NotificationQuery = call.query
        items, cursor = call.container.inbox.inbox(call.principal, q.limit, q.cursor, q.unread)
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
                    message_id=getattr(n, "message_id", None),
                    note=getattr(n, "note", None),
                )
                for n in items
            ],
            next_cursor=cursor,
        )

    @api.route(
        "/api/notifications/read",
        "POST",
        summary="Mark notifications read: these ids, or all",
        body=MarkReadIn,
        response=MarkReadOut,
    )
    def mark_notifications_read(call: Call) -> MarkReadOut:
        body: MarkReadIn = call.body
        return MarkReadOut(marked=call.container.inbox.mark_read(call.principal, list(body.ids), body.all))

    @api.route(
        "/api/me/notification-settings",
        "GET",
        summary="How the signed-in staff member hears of each kind of notice",
        response=NotificationSettingsOut,
    )
    def get_notification_settings(call: Call) -> NotificationSettingsOut:
        return NotificationSettingsOut(channels=call.container.staff_alerts().settings(call.principal))  # type: ignore[arg-type]

    @api.route(
        "/api/me/notification-settings",
        "PUT",
        summary="Choose in-app, email, both or none per kind of notice",
        body=NotificationSettingsIn,
        response=NotificationSettingsOut,
    )
    def put_notification_settings(call: Call) -> NotificationSettingsOut:
        body: NotificationSettingsIn = call.body
        now = call.container.clock.now()
        chosen = call.container.staff_alerts().save_settings(call.principal, body.chosen(), now)
        return NotificationSettingsOut(channels=chosen)  # type: ignore[arg-type]
