"""Routes of automations, the closing review policy and review decisions (registered on the app by app.py).
Triggers are rules with an event: they are saved and dry-run through /api/admin/rules."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.routing import ApiRouter, Call, json_response, parse_if_match
from shared.api.routing_schemas import (
    AutomationsBody,
    AutomationsOut,
    ReviewBody,
    ReviewPolicyBody,
    ReviewPolicyOut,
)
from shared.api.schemas import TicketOut, ticket_out

if TYPE_CHECKING:  # the automations and the review policy load with the first request that uses them
    from shared.domain.automations import AutomationSet
    from shared.domain.review import ReviewPolicy


def _automations(automations: AutomationSet) -> Response:
    return json_response(automations.to_list(), headers={"ETag": f'"{automations.version}"'})


def _policy(policy: ReviewPolicy) -> Response:
    body = {**policy.to_dict(), "version": policy.version}
    return json_response(body, headers={"ETag": f'"{policy.version}"'})


def register_workflow_routes(api: ApiRouter) -> None:
    @api.route(
        "/api/admin/automations",
        "GET",
        summary="Automations (自动化): what happens when a ticket stays in a status (supervisor, admin); the version "
        "is the ETag",
        response=AutomationsOut,
    )
    def get_automations(call: Call) -> Response:
        return _automations(call.container.automations.get(call.principal))

    @api.route(
        "/api/admin/automations",
        "PUT",
        summary="Save the automations (admin); If-Match the version read; items without an id get one",
        body=AutomationsBody,
        response=AutomationsOut,
    )
    def put_automations(call: Call) -> Response:
        expected = parse_if_match(call.headers.get("if-match"))
        data = [item.model_dump(exclude_unset=True) for item in call.body.automations]
        return _automations(call.container.automations.put(call.principal, data, expected))

    @api.route(
        "/api/admin/review-policy",
        "GET",
        summary="Which categories and priorities need a closing review, 结案审核 (supervisor, admin)",
        response=ReviewPolicyOut,
    )
    def get_review_policy(call: Call) -> Response:
        return _policy(call.container.review.get_policy(call.principal))

    @api.route(
        "/api/admin/review-policy",
        "PUT",
        summary="Save the closing review policy (admin); If-Match the version read",
        body=ReviewPolicyBody,
        response=ReviewPolicyOut,
    )
    def put_review_policy(call: Call) -> Response:
        expected = parse_if_match(call.headers.get("if-match"))
        return _policy(call.container.review.put_policy(call.principal, call.body.model_dump(), expected))

    @api.route(
        "/api/tickets/{id}/review",
        "POST",
        summary="Decide a closing review (supervisor, admin): approve closes the ticket; otherwise it goes back to "
        "its assignee with the comment",
        body=ReviewBody,
        response=TicketOut,
    )
    def review_ticket(call: Call, id: str) -> Response:
        body: ReviewBody = call.body
        ticket = call.container.review.review(call.principal, id, body.approve, body.comment)
        tz = ZoneInfo(call.container.settings.timezone)
        return json_response(ticket_out(ticket, tz), headers={"ETag": f'"{ticket.version}"'})
