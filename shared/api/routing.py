"""Route registration for the Chalice app: authentication, body parsing, and the one error mapping.

Every route goes through `ApiRouter.route`, which also records what the OpenAPI document says about it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from shared.api.access_table import PUBLIC, Access, access_of
from shared.domain.access import Permission, Principal
from shared.errors import Forbidden, HelpdeskError, InvalidInput, NotFound, PayloadTooLarge, RateLimited

if TYPE_CHECKING:
    from shared.container import Container

logger = logging.getLogger("helpdesk.api")

STATUS_BY_CODE = {
    "validation_error": 400,
    "invalid_json": 400,
    "invalid_cursor": 400,
    "invalid_header": 400,
    "invalid_rules": 400,
    "invalid_sla_policies": 400,
    "invalid_canned_replies": 400,
    "invalid_xml": 400,
    "invalid_automations": 400,
    "invalid_review_policy": 400,
    "invalid_search_terms": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "invalid_signature": 403,
    "stale_timestamp": 403,
    "not_found": 404,
    "invalid_transition": 409,
    "conflict": 409,
    "ticket_closed": 409,
    "not_resolved": 409,
    "not_in_review": 409,
    "open_subtasks": 409,
    "merge_refused": 409,
    "idempotency_key_reused": 409,
    "own_role": 409,
    "own_account": 409,
    "builtin_role": 409,
    "role_in_use": 409,
    "agent_has_tickets": 409,
    "supervises_team": 409,
    "team_has_members": 409,
    "team_in_rules": 409,
    "team_has_tickets": 409,
    "method_not_allowed": 405,
    "version_conflict": 412,
    "payload_too_large": 413,
    "rate_limited": 429,
}
JSON = "application/json; charset=utf-8"


def error_response(
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    reasons: list[str] | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    if reasons:
        body["reasons"] = reasons
    return Response(
        body=json.dumps({"error": body}, ensure_ascii=False),
        status_code=STATUS_BY_CODE.get(code, 500),
        headers={"Content-Type": JSON, **(headers or {})},
    )


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body, ensure_ascii=False)
    return Response(body=text, status_code=status, headers={"Content-Type": JSON, **(headers or {})})


@dataclass
class Call:
    """What a view gets: the caller, the parsed body and query, the raw headers, the container."""

    container: Container
    principal: Principal
    body: Any
    query: Any
    headers: dict[str, str]
    raw_body: bytes = b""  # the body as sent (the WeChat callback's XML)
    source_ip: str = ""

    @property
    def caller(self) -> str:
        """Who is calling, for rate limits: the signed-in address, else the client's IP address."""
        return self.principal.email if self.principal is not ANONYMOUS else f"ip:{self.source_ip or 'unknown'}"


@dataclass
class Operation:
    path: str
    method: str
    name: str
    summary: str
    public: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...] = field(default_factory=tuple)
    optional_auth: bool = False  # public, but a signed-in caller is known (staff see more)
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)  # JSON Schema of each path parameter
    content_types: tuple[str, ...] = ()  # other media types the success answer may have (report downloads)


ANONYMOUS = Principal.of("anonymous@invalid", "anonymous", "anonymous")


class HelpdeskChalice(Chalice):
    """The Chalice app, answering an undeclared method on a declared path with 405, `Allow` and the error shape.

    Chalice finds the 405 itself (with `Allow`), in its own body shape; API Gateway sends every method of every path
    here (template.yaml's ANY events), and local mode's server does too, so this is the one place that answers it."""

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        response: dict[str, Any] = super().__call__(event, context)
        if response.get("statusCode") == 405:
            allowed = (response.get("headers") or {}).get("Allow", "")
            body = {"error": {"code": "method_not_allowed", "message": f"this path allows {allowed} only"}}
            response["body"] = json.dumps(body)
            response["isBase64Encoded"] = False
            response["headers"] = {**(response.get("headers") or {}), "Content-Type": JSON}
        return response


class ApiRouter:
    def __init__(
        self, app: Chalice, container: Callable[[], Container], access: Callable[[str, str], Access] | None = access_of
    ) -> None:
        """`access`: the table every route's callers are checked against (None for local mode's /api/dev routes,
        which check their callers themselves)."""
        self._access = access
        self._app = app
        self._container = container
        self.operations: list[Operation] = []

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        public: bool = False,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        optional_auth: bool = False,
        path_params: dict[str, dict[str, Any]] | None = None,
        content_types: tuple[str, ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """`public`: no sign-in needed (API Gateway lets it through unauthenticated); with `optional_auth` a caller
        who sends a token is still recognised (and a bad token is 401). `path_params`: what the handler accepts in
        a path parameter, as JSON Schema, for the document (an `{email}` is an address without saying so)."""
        public = public or optional_auth

        access = self._access(method, path) if self._access else None
        if access is not None and (access.allow == PUBLIC) != public:
            raise LookupError(f"{method} {path}: public in the route and the access table alike, or in neither")

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            def view(**path_params: str) -> Response:
                return self._dispatch(handler, path_params, public, body, query, status, optional_auth, access)

            view.__name__ = handler.__name__
            view.__doc__ = handler.__doc__
            self._app.route(path, methods=[method], content_types=["*/*"])(view)
            self.operations.append(
                Operation(
                    path,
                    method,
                    handler.__name__,
                    summary,
                    public,
                    body,
                    query,
                    response,
                    status,
                    optional_auth=optional_auth,
                    path_params=path_params or {},
                    content_types=content_types,
                )
            )
            return handler

        return register

    def _dispatch(
        self,
        handler: Callable[..., Any],
        path_params: dict[str, str],
        public: bool,
        body_model: type[BaseModel] | None,
        query_model: type[BaseModel] | None,
        status: int,
        optional_auth: bool = False,
        access: Access | None = None,
    ) -> Response:
        request = self._app.current_request
        try:
            container = self._container()
            raw = request.raw_body or b""
            if len(raw) > container.settings.max_body_bytes:
                raise PayloadTooLarge(f"the request body is over {container.settings.max_body_bytes // 1024} KB")
            headers = {k.lower(): v for k, v in (request.headers or {}).items()}
            for name, value in path_params.items():
                check_text(unquote(value, errors="surrogateescape"), name)  # handlers unquote them
            principal = ANONYMOUS
            claims = (request.context or {}).get("authorizer", {}).get("claims")
            if not public:
                principal = container.authenticator.principal(claims, headers.get("authorization"))
            elif optional_auth:
                principal = container.authenticator.optional(claims, headers.get("authorization")) or ANONYMOUS
            if access is not None and not public and not access.permits(principal.permissions):
                # The one check of who may call what (shared/api/access_table.py); services then judge the item.
                if principal is not ANONYMOUS and not principal.is_staff:
                    if access.hidden:  # staff-only things a customer is not told exist
                        raise NotFound("not found")
                    if access.ticket_scoped:  # another customer's ticket: a 404 that says nothing of it
                        container.tickets.get(principal, path_params["id"])
                raise Forbidden("your role does not allow this")
            call = Call(
                container=container,
                principal=principal,
                body=_parse_body(body_model, raw) if body_model else None,
                query=_parse_query(query_model, request.query_params or {}) if query_model else None,
                headers=headers,
                raw_body=raw,
                source_ip=str(((request.context or {}).get("identity") or {}).get("sourceIp") or ""),
            )
            result = handler(call, **path_params)
            response = result if isinstance(result, Response) else json_response(result, status)
            if principal.is_staff and not principal.can(Permission.CUSTOMER_CONTACT):
                return _masked(response, container)
            return response
        except RateLimited as error:
            return error_response(error.code, error.message, headers={"Retry-After": str(error.retry_after)})
        except HelpdeskError as error:
            return error_response(error.code, error.message, error.field, reasons=getattr(error, "reasons", None))
        except ValidationError as error:
            return _validation_response(error)
        except Exception:
            # Client input never reaches here; this is our fault, logged with the trace.
            logger.exception("unhandled error on %s %s", request.method, request.path)
            return Response(
                body=json.dumps({"error": {"code": "internal_error", "message": "internal error"}}),
                status_code=500,
                headers={"Content-Type": JSON},
            )


def _masked(response: Response, container: Container) -> Response:
    """The one place API answers are masked (脱敏) for staff without `customers.contact`: every customer address and
    phone number in the JSON (or CSV) answer, wherever it sits (requester, record, subject, reply, audit trail)."""
    from shared.domain.masking import mask_text, mask_value

    kind = str((response.headers or {}).get("Content-Type", ""))
    if not isinstance(response.body, str) or not response.body:
        return response  # binary downloads (XLSX reports) name customers by pseudonym already
    staff = container.directory.staff_addresses()
    if kind.startswith("application/json"):
        text = json.dumps(mask_value(json.loads(response.body), staff.__contains__), ensure_ascii=False)
    elif kind.startswith("text/"):
        text = mask_text(response.body, staff.__contains__)
    else:
        return response
    return Response(body=text, status_code=response.status_code, headers=response.headers)


def _parse_body(model: type[BaseModel], raw: bytes) -> BaseModel:
    if not raw.strip():
        raise InvalidInput("a JSON body is required", field="body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _InvalidJson(f"the body is not valid UTF-8 (byte {error.start})", field="body") from error
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _InvalidJson(f"the body is not valid JSON: {error}", field="body") from error
    check_text(data, "")
    if _has_float(data):
        # JSON (and JSON Schema) make no difference between 5 and 5.0; strict pydantic would refuse 5.0 for an int.
        raw = json.dumps(_whole_numbers(data), ensure_ascii=False).encode()
    list_field = list_body(model)
    if list_field is not None:
        # A body that is a JSON array (a list resource saved whole): read as the model's one field, in JSON mode.
        if not isinstance(data, list):
            raise InvalidInput("the body must be a JSON array", field="body")
        raw = b'{"' + list_field.encode() + b'":' + raw + b"}"
    elif not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", field="body")
    # Strict validation in JSON mode: "3" is not a number, unknown fields are refused.
    return model.model_validate_json(raw, strict=True)


def _whole_numbers(value: Any) -> Any:
    """`value` with every float that is a whole number (5.0, 1e2) as an int; a float field takes an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _has_float(value: Any) -> bool:
    """Whether `value` holds a whole number written as a float."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_float(item) for item in value)
    return False


def list_body(model: type[BaseModel] | None) -> str | None:
    """The field a model reads a JSON array into, when its body (or answer) is the list itself."""
    value = getattr(model, "list_body", None)
    return value if isinstance(value, str) else None


def _parse_query(model: type[BaseModel], params: Any) -> BaseModel:
    values = {key: params[key] for key in params}
    check_text(values, "")
    return model.model_validate(values)


# A NUL ends a C string and a lone surrogate half cannot be encoded as UTF-8: neither may reach storage, mail headers
# or logs, so every string a request brings (JSON body keys and values, query and path parameters) is checked here.
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def check_text(value: Any, field: str) -> None:
    """Refuse (400 naming the field) a string anywhere in `value` that holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        found = _BAD_TEXT.search(value)
        if found:
            what = "a NUL character" if found.group() == "\x00" else "a lone surrogate (not Unicode text)"
            raise InvalidInput(f"{field or 'body'}: holds {what}", field=field or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, field or "body")
            check_text(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{field}.{index}" if field else str(index))


class _InvalidJson(HelpdeskError):
    code = "invalid_json"


class InvalidHeader(HelpdeskError):
    code = "invalid_header"


def _validation_response(error: ValidationError) -> Response:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__") or None
    if first.get("type") == "json_invalid":
        return error_response("invalid_json", "the body is not valid JSON")
    message = first.get("msg", "invalid value")
    if first.get("type") == "extra_forbidden":
        message = "unknown field"
    return error_response("validation_error", f"{field}: {message}" if field else message, field)


def parse_if_match(value: str | None) -> int | None:
    """`If-Match: "<version>"` (quotes optional, W/ tolerated) -> the version; absent -> None."""
    if value is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,12})"?\s*', value)
    if not match:
        raise InvalidHeader('If-Match must be "<version>"', field="If-Match")
    return int(match.group(1))
