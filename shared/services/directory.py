"""Staff directory use cases."""

from __future__ import annotations

from shared.adapters.directory_store import DirectoryStore
from shared.domain.access import Permission, Principal
from shared.domain.directory import Agent, Team
from shared.errors import Forbidden


class DirectoryService:
    def __init__(self, store: DirectoryStore) -> None:
        self._store = store

    def agents(self, principal: Principal) -> list[Agent]:
        self._require_staff(principal)
        return sorted(self._store.list_all()[0], key=lambda a: a.email)

    def teams(self, principal: Principal) -> list[Team]:
        self._require_staff(principal)
        return sorted(self._store.list_all()[1], key=lambda t: t.id)

    @staticmethod
    def _require_staff(principal: Principal) -> None:
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
