"""The OpenAPI 3 document, generated from the routes as registered (never maintained beside them)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from shared.api.routing import STATUS_BY_CODE, Operation, list_body
from shared.api.schemas import ErrorOut

_REF = "#/components/schemas/{model}"


def build_openapi(operations: list[Operation], title: str = "Helpdesk API", version: str = "1.0.0") -> dict[str, Any]:
    schemas: dict[str, Any] = {}

    def ref(model: type[BaseModel], mode: str = "serialization") -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
        schemas.update(schema.pop("$defs", {}))
        field = list_body(model)
        if field is not None:  # the body is the list itself
            listed: dict[str, Any] = schema["properties"][field]
            return listed
        schemas[model.__name__] = schema
        return {"$ref": _REF.format(model=model.__name__)}

    error = {"content": {"application/json": {"schema": ref(ErrorOut)}}}
    paths: dict[str, Any] = {}
    for op in operations:
        spec: dict[str, Any] = {"operationId": op.name, "summary": op.summary, "responses": {}}
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", op.path)
        ]
        if op.query is not None:
            for name, info in op.query.model_json_schema()["properties"].items():
                params.append({"name": name, "in": "query", "required": False, "schema": info})
        if params:
            spec["parameters"] = params
        if op.body is not None:
            spec["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body, "validation")}},
            }
        ok: dict[str, Any] = {"description": "OK"}
        if op.response is not None:
            ok["content"] = {"application/json": {"schema": ref(op.response)}}
        spec["responses"][str(op.status)] = ok
        for status in sorted(set(STATUS_BY_CODE.values())):
            if op.public and status in (401, 403):
                continue
            spec["responses"][str(status)] = {"description": "error", **error}
        if op.optional_auth:
            spec["security"] = [{}, {"bearer": []}]
        elif op.public:
            spec["security"] = []
        paths.setdefault(op.path, {})[op.method.lower()] = spec
    return {
        "openapi": "3.1.0",  # pydantic emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearer": []}],
    }
