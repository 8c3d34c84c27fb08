"""Routes of the desk (registered on the app by app.py): bulk edits, custom fields and ticket templates, web uploads,
customer records and saved views."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.desk_schemas import (
    BulkBody,
    BulkOut,
    BulkResult,
    CustomerIn,
    CustomerList,
    CustomerOut,
    CustomerQuery,
    FieldsBody,
    FieldsOut,
    TemplatesBody,
    TemplatesOut,
    UploadBody,
    UploadOut,
    ViewBody,
    ViewList,
    ViewOut,
    ViewsQuery,
)
from shared.api.openapi import EMAIL_SCHEMA
from shared.api.routing import STATUS_BY_CODE, ApiRouter, Call, json_response, parse_if_match
from shared.errors import InvalidInput

_VIEW_ID = re.compile(r"[A-Za-z0-9_-]{1,48}")
_VIEW_ID_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,48}$"}


def _versioned(items: list[dict[str, Any]], version: int) -> Response:
    return json_response(items, headers={"ETag": f'"{version}"'})


def register_desk_routes(api: ApiRouter) -> None:
    @api.route(
        "/api/tickets/bulk",
        "POST",
        summary="The same change to up to 100 tickets, each in its own transaction (staff)",
        body=BulkBody,
        response=BulkOut,
    )
    def bulk_edit(call: Call) -> BulkOut:
        body: BulkBody = call.body
        changes = body.changes.model_dump(exclude_unset=True)
        results = []
        for ref, error in call.container.bulk.apply(call.principal, body.ids, changes):
            if error is None:
                results.append(BulkResult(id=ref, status=200))
                continue
            detail = {"code": error.code, "message": error.message}
            if error.field:
                detail["field"] = error.field
            results.append(BulkResult(id=ref, status=STATUS_BY_CODE.get(error.code, 400), error=detail))
        return BulkOut(results=results)

    # -- custom fields and templates -----------------------------------------------------------------------------
    @api.route("/api/fields", "GET", summary="Custom fields (customers: the ones shown to them)", response=FieldsOut)
    def get_fields(call: Call) -> Response:
        fields, version = call.container.forms.fields(call.principal)
        return _versioned([f.to_dict() for f in fields], version)

    @api.route(
        "/api/admin/fields",
        "PUT",
        summary="Save the custom fields (admin); If-Match the version read",
        body=FieldsBody,
        response=FieldsOut,
    )
    def put_fields(call: Call) -> Response:
        expected = parse_if_match(call.headers.get("if-match"))
        items = [f.model_dump(by_alias=True, exclude_none=True) for f in call.body.fields]
        fields, version = call.container.forms.put_fields(call.principal, items, expected)
        return _versioned([f.to_dict() for f in fields], version)

    @api.route(
        "/api/ticket-templates",
        "GET",
        summary="Ticket templates, 工单模板 (customers: the ones marked for them)",
        response=TemplatesOut,
    )
    def get_ticket_templates(call: Call) -> Response:
        templates, version = call.container.forms.templates(call.principal)
        return _versioned([t.to_dict() for t in templates], version)

    @api.route(
        "/api/admin/ticket-templates",
        "PUT",
        summary="Save the ticket templates (admin); If-Match the version read",
        body=TemplatesBody,
        response=TemplatesOut,
    )
    def put_ticket_templates(call: Call) -> Response:
        expected = parse_if_match(call.headers.get("if-match"))
        items = [t.model_dump(mode="json") for t in call.body.templates]
        templates, version = call.container.forms.put_templates(call.principal, items, expected)
        return _versioned([t.to_dict() for t in templates], version)

    # -- uploads ---------------------------------------------------------------------------------------------------
    @api.route(
        "/api/uploads",
        "POST",
        summary="A presigned S3 upload for one file (up to 25 MB; no programs or scripts)",
        body=UploadBody,
        response=UploadOut,
        status=201,
    )
    def start_upload(call: Call) -> Response:
        body: UploadBody = call.body
        call.container.abuse.take_for("upload", call.principal)
        started = call.container.uploads.start(call.principal, body.filename, body.content_type, body.size)
        tz = ZoneInfo(call.container.settings.timezone)
        return json_response(UploadOut(**{**started, "expires_at": started["expires_at"].astimezone(tz)}), 201)

    # -- customer records -------------------------------------------------------------------------------------------
    @api.route(
        "/api/customers",
        "GET",
        summary="Find customer records by email prefix, name or phone (staff)",
        query=CustomerQuery,
        response=CustomerList,
    )
    def find_customers(call: Call) -> CustomerList:
        found = call.container.customers.find(call.principal, call.query.q)
        return CustomerList(items=[CustomerOut(**r.to_dict()) for r in found])

    @api.route(
        "/api/customers/{email}",
        "GET",
        summary="A customer's record (staff)",
        response=CustomerOut,
        path_params={"email": EMAIL_SCHEMA},
    )
    def get_customer(call: Call, email: str) -> CustomerOut:
        record, saved = call.container.customers.get(call.principal, unquote(email))
        return CustomerOut(**record.to_dict(), saved=saved)

    @api.route(
        "/api/customers/{email}",
        "PUT",
        summary="Keep a customer's record: tier and region feed routing rules and SLA policies (staff)",
        body=CustomerIn,
        response=CustomerOut,
        path_params={"email": EMAIL_SCHEMA},
    )
    def put_customer(call: Call, email: str) -> CustomerOut:
        record = call.container.customers.put(call.principal, unquote(email), call.body.model_dump())
        return CustomerOut(**record.to_dict())

    # -- saved views ---------------------------------------------------------------------------------------------
    @api.route(
        "/api/views",
        "GET",
        summary="The caller's saved views and their teams' shared ones (counts=true: with counts)",
        query=ViewsQuery,
        response=ViewList,
    )
    def list_views(call: Call) -> ViewList:
        views = call.container.views
        with_counts = call.query.counts in ("true", "1")
        items = []
        for view in views.saved(call.principal):
            count, more = views.count(call.principal, view) if with_counts else (None, None)
            items.append(ViewOut(**view.to_dict(), count=count, more=more))
        return ViewList(items=items)

    @api.route(
        "/api/views/{id}",
        "PUT",
        summary="Save a view: personal, or shared with a team by its supervisor",
        body=ViewBody,
        response=ViewOut,
        path_params={"id": _VIEW_ID_SCHEMA},
    )
    def put_view(call: Call, id: str) -> Response:
        body: ViewBody = call.body
        view_id = unquote(id)
        if not _VIEW_ID.fullmatch(view_id):
            raise InvalidInput("a view id is letters, digits, - and _ (up to 48)", field="id")
        view, created = call.container.views.put(
            call.principal, view_id, body.name, body.filters.as_strings(), body.team
        )
        return json_response(ViewOut(**view.to_dict()), 201 if created else 200)

    @api.route(
        "/api/views/{id}", "DELETE", summary="Delete a saved view", status=204, path_params={"id": _VIEW_ID_SCHEMA}
    )
    def delete_view(call: Call, id: str) -> Response:
        call.container.views.delete(call.principal, unquote(id))
        return Response(body="", status_code=204)
