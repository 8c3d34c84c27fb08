"""Custom roles (自定义角色): GET /api/admin/roles, PUT and DELETE /api/admin/roles/{id} (shared/services/roles.py)."""

from __future__ import annotations

from typing import Annotated

from chalice import Response
from pydantic import Field, StringConstraints

from shared.api.routing import ApiRouter, Call, json_response
from shared.api.schemas import Out, Strict
from shared.domain.access import ROLE_ID, Permission, Role

# What the service accepts as a role id, stated in the document (the service checks it too).
ROLE_ID_SCHEMA = {"type": "string", "pattern": ROLE_ID.pattern}


class RoleIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    permissions: list[Permission] = Field(max_length=len(Permission))  # an enum in the document


class RoleOut(Out):
    id: str
    name: str
    permissions: list[str]
    builtin: bool


class RoleList(Out):
    items: list[RoleOut]
    permissions: list[str]  # every permission a role can grant


def role_out(role: Role) -> RoleOut:
    return RoleOut(
        id=role.id, name=role.name, permissions=sorted(p.value for p in role.permissions), builtin=role.builtin
    )


def register_role_routes(api: ApiRouter) -> None:
    @api.route("/api/admin/roles", "GET", summary="Roles: the built-in ones and custom ones (admin)", response=RoleList)
    def list_roles(call: Call) -> RoleList:
        roles = call.container.roles.list(call.principal)
        return RoleList(items=[role_out(r) for r in roles], permissions=[p.value for p in Permission])

    @api.route(
        "/api/admin/roles/{id}",
        "PUT",
        summary="Add or change a custom role: its name and permissions (admin; built-in roles cannot be changed)",
        body=RoleIn,
        response=RoleOut,
        path_params={"id": ROLE_ID_SCHEMA},
    )
    def put_role(call: Call, id: str) -> Response:
        body: RoleIn = call.body
        role, created = call.container.roles.save(call.principal, id, body.name, body.permissions)
        return json_response(role_out(role), 201 if created else 200)

    @api.route(
        "/api/admin/roles/{id}",
        "DELETE",
        summary="Delete a custom role nobody holds (admin; built-in roles cannot be deleted)",
        status=204,
        path_params={"id": ROLE_ID_SCHEMA},
    )
    def delete_role(call: Call, id: str) -> Response:
        call.container.roles.delete(call.principal, id)
        return Response(body="", status_code=204)
