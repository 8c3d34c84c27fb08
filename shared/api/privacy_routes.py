"""Personal data (个人信息保护法): an admin exports or erases everything kept about one customer (docs/api.md,
"Personal data"; shared/services/personal_data.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.routing import ApiRouter, Call, json_response
from shared.api.schemas import Out, message_out, ticket_out

# Whatever address the person's records hold (one taken before addresses were checked, a WeChat follower's stand-in):
# what the service takes is any string with an @, 254 characters at most.
STORED_ADDRESS_SCHEMA = {"type": "string", "pattern": "@", "maxLength": 254}


class PersonalDataTicket(Out):
    ticket: dict[str, Any]
    messages: list[dict[str, Any]]
    files: list[dict[str, Any]]
    survey_answer: dict[str, Any] | None = None


class PersonalDataOut(Out):
    email: str
    exported_at: str
    customer: dict[str, Any] | None = None
    tickets: list[PersonalDataTicket]
    wechat: dict[str, Any] | None = None
    kb_feedback: list[dict[str, Any]]
    sign_in_code_pending: bool
    undeliverable: dict[str, Any] | None = None
    erasure: dict[str, Any] | None = None


def register_privacy_routes(api: ApiRouter) -> None:
    @api.route(
        "/api/admin/customers/{email}/export",
        "GET",
        summary="Everything kept about one customer, as JSON; files as presigned links (admin, 个人信息保护法)",
        response=PersonalDataOut,
        path_params={"email": STORED_ADDRESS_SCHEMA},
    )
    def export_customer(call: Call, email: str) -> Response:
        data = call.container.personal_data.export(call.principal, unquote(email))
        tz = ZoneInfo(call.container.settings.timezone)
        body = PersonalDataOut(
            email=data.email,
            exported_at=data.exported_at.astimezone(tz).isoformat(),
            customer=data.customer.to_dict() if data.customer else None,
            tickets=[
                PersonalDataTicket(
                    ticket=ticket_out(copy.ticket, tz).model_dump(mode="json"),
                    messages=[message_out(m, tz).model_dump(mode="json") for m in copy.messages],
                    files=copy.files,
                    survey_answer=copy.survey_answer,
                )
                for copy in data.tickets
            ],
            wechat=data.wechat,
            kb_feedback=data.kb_feedback,
            sign_in_code_pending=data.sign_in_code_pending,
            undeliverable=data.undeliverable,
            erasure=data.erasure,
        )
        return json_response(body)

    @api.route(
        "/api/admin/customers/{email}",
        "DELETE",
        summary="Erase a customer's personal data; tickets stay as anonymous statistics; repeatable (admin)",
        status=204,
        path_params={"email": STORED_ADDRESS_SCHEMA},
    )
    def erase_customer(call: Call, email: str) -> Response:
        call.container.personal_data.erase(call.principal, unquote(email))
        return Response(body="", status_code=204)
