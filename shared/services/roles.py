"""Custom roles (自定义角色): admins name a permission set and give it to staff.

The three built-in roles are permission sets too, listed alongside but never changed or deleted here.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.access import (
    RESERVED_ROLE_IDS,
    ROLE_ID,
    STAFF_BUILTINS,
    Permission,
    Principal,
    Role,
)
from shared.errors import Forbidden, InvalidInput, NotFound, StaffConflict
from shared.services.ports import DirectoryReader, RoleStore

MAX_ROLES = 50


class RoleService:
    def __init__(self, store: RoleStore, directory: DirectoryReader) -> None:
        self._store = store
        self._directory = directory

    def list(self, principal: Principal) -> list[Role]:
        """The built-in roles first, then the custom ones by id."""
        if not (principal.can(Permission.ROLES_MANAGE) or principal.can(Permission.DIRECTORY_MANAGE)):
            raise Forbidden("admins only")
        return [*STAFF_BUILTINS, *sorted(self._store.list_roles(), key=lambda r: r.id)]

    def exists(self, role_id: str) -> bool:
        return ROLE_ID.match(role_id) is not None and self._store.get_role(role_id) is not None

    def save(self, principal: Principal, role_id: str, name: str, permissions: Iterable[str]) -> tuple[Role, bool]:
        """Add or change a custom role; True when added."""
        self._require(principal)
        self._custom_id(role_id)
        known = {p.value for p in Permission}
        asked = list(dict.fromkeys(permissions))
        unknown = [p for p in asked if p not in known]
        if unknown:
            raise InvalidInput(f"unknown permission '{unknown[0]}'", field="permissions")
        if principal.role == role_id:
            raise StaffConflict("own_role", "admins cannot change the role they hold (another admin can)")
        if self._store.get_role(role_id) is None and len(self._store.list_roles()) >= MAX_ROLES:
            raise InvalidInput(f"at most {MAX_ROLES} custom roles", field="id")
        role = Role(role_id, name, frozenset(Permission(p) for p in asked))
        return role, self._store.put_role(role)

    def delete(self, principal: Principal, role_id: str) -> None:
        self._require(principal)
        self._custom_id(role_id)
        if self._store.get_role(role_id) is None:
            raise NotFound("no such role")
        holders = sorted(a.name for a in self._directory.list_all()[0] if a.role == role_id)
        if holders:
            raise StaffConflict("role_in_use", f"{len(holders)} staff still hold this role ({', '.join(holders)})")
        self._store.remove_role(role_id)

    @staticmethod
    def _custom_id(role_id: str) -> None:
        if role_id in RESERVED_ROLE_IDS:
            raise StaffConflict("builtin_role", f"'{role_id}' is a built-in role: it cannot be changed or deleted")
        if not ROLE_ID.match(role_id):
            raise InvalidInput("a role id is 1-32 lower-case letters, digits, '-' or '_'", field="id")

    @staticmethod
    def _require(principal: Principal) -> None:
        if not principal.can(Permission.ROLES_MANAGE):
            raise Forbidden("admins only")
