"""The OpenAPI 3 document, generated from the routes as registered (never maintained beside them)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from shared.api.routing import STATUS_BY_CODE, Operation, list_body
from shared.api.schemas import ErrorOut

_REF = "#/components/schemas/{model}"


EMAIL_SCHEMA: dict[str, Any] = {"type": "string", "format": "email", "maxLength": 254}


def _path_schema(op: Operation, name: str) -> dict[str, Any]:
    if name in op.path_params:
        return op.path_params[name]
    return {"type": "string", "minLength": 1}


def _not_null(info: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a string, never null: its schema without the null branch and default."""
    info = {key: value for key, value in info.items() if not (key == "default" and value is None)}
    branches = [branch for branch in info.get("anyOf", ()) if branch != {"type": "null"}]
    if "anyOf" in info and len(branches) == 1:
        info = {**{key: value for key, value in info.items() if key != "anyOf"}, **branches[0]}
    return info


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
            {"name": name, "in": "path", "required": True, "schema": _path_schema(op, name)}
            for name in re.findall(r"{(\w+)}", op.path)
        ]
        if op.query is not None:
            query = op.query.model_json_schema(ref_template=_REF)
            schemas.update(query.pop("$defs", {}))
            required = set(query.get("required", ()))
            for name, info in query["properties"].items():
                info = _not_null(info)
                params.append({"name": name, "in": "query", "required": name in required, "schema": info})
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
        for media in op.content_types:
            ok.setdefault("content", {})[media] = {"schema": {"type": "string"}}
        spec["responses"][str(op.status)] = ok
        if op.method == "PUT" and op.status == 200:  # a PUT that makes what it names answers 201
            spec["responses"]["201"] = {**ok, "description": "Created"}
        # Every error a route can answer, in the one error shape: the codes of STATUS_BY_CODE (a public route
        # still answers 401 to a bad token and 403 to a bad signature), 405 for another method on the path.
        for status in sorted(set(STATUS_BY_CODE.values())):
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
