"""Routes of reports, the forecast and satisfaction surveys (registered on the app by app.py)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.report_schemas import ForecastOut, ForecastQuery, ReportOut, ReportQuery, SurveyAnswer, SurveyOut
from shared.api.routing import ApiRouter, Call, json_response
from shared.api.schemas import TicketOut, ticket_out
from shared.services.reports import parse_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY_TYPES = (XLSX,)  # CSV goes as text (its BOM is a character); XLSX base64-encoded


def register_report_routes(api: ApiRouter) -> None:
    # Registered before /api/reports/{period}, which would otherwise take "forecast" for a period.
    @api.route(
        "/api/reports/forecast",
        "GET",
        summary="Ticket volume forecast with an interval, and agents needed per hour (supervisor, admin)",
        query=ForecastQuery,
        response=ForecastOut,
    )
    def report_forecast(call: Call) -> dict[str, Any]:
        return call.container.reports.forecast(call.principal, call.query.days)

    @api.route(
        "/api/reports/{period}",
        "GET",
        summary="The day, week (ISO, Monday first) or month report containing ?date= (supervisor, admin); "
        "?format=csv|xlsx downloads it",
        query=ReportQuery,
        response=ReportOut,
        path_params={"period": {"type": "string", "enum": ["day", "week", "month"]}},
        content_types=("text/csv", XLSX),
    )
    def get_report(call: Call, period: str) -> Any:
        q: ReportQuery = call.query
        day = parse_day(q.date)
        if q.format == "json":
            return json_response(call.container.reports.report(call.principal, period, day))
        data, content_type, filename = call.container.reports.export(call.principal, period, day, q.format)
        body: str | bytes = data.decode("utf-8") if q.format == "csv" else data
        headers = {"Content-Type": content_type, "Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(body=body, status_code=200, headers=headers)

    @api.route(
        "/api/surveys/{token}",
        "GET",
        summary="A satisfaction survey from the resolution notice's link (no sign-in)",
        public=True,
        response=SurveyOut,
    )
    def get_survey(call: Call, token: str) -> dict[str, Any]:
        return call.container.surveys.survey(token)

    @api.route(
        "/api/surveys/{token}",
        "POST",
        summary="Answer the survey: a score 1-5 and a comment; a later answer replaces it until the ticket is closed",
        public=True,
        body=SurveyAnswer,
        response=SurveyOut,
    )
    def answer_survey(call: Call, token: str) -> dict[str, Any]:
        body: SurveyAnswer = call.body
        call.container.surveys.answer(token, body.score, body.comment)
        return call.container.surveys.survey(token)

    @api.route(
        "/api/tickets/{id}/satisfaction",
        "POST",
        summary="Rate a resolved ticket in the portal (its requester)",
        body=SurveyAnswer,
        response=TicketOut,
    )
    def rate_ticket(call: Call, id: str) -> Response:
        body: SurveyAnswer = call.body
        ticket = call.container.surveys.rate(call.principal, id, body.score, body.comment)
        tz = ZoneInfo(call.container.settings.timezone)
        staff = call.principal.is_staff
        return json_response(ticket_out(ticket, tz, staff), headers={"ETag": f'"{ticket.version}"'})
