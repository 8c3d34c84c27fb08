"""Live chat's admin setting (shared/domain/chat/settings.py): the allowed sites and the idle time, versioned
(If-Match) in the `CONFIG` partition like the desk's other settings, read through a `SettingsCache` of its own.

The chat's `$connect` reads it for every new socket, so it is served from memory for 30 s per process: a save is
seen at once by the process that saved it, by the WebSocket function within 30 s. Never saved, the deployment's
`HELPDESK_CHAT_ORIGINS` and `HELPDESK_CHAT_IDLE_MINUTES` are the setting.
"""

from __future__ import annotations

from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.chat.settings import CHAT_SETTINGS, ChatSettings
from shared.errors import Forbidden
from shared.services.ports import ConfigStore


class ChatSettingsService:
    def __init__(self, store: ConfigStore, clock: Clock, defaults: ChatSettings) -> None:
        self._store = store  # a SettingsCache in the container
        self._clock = clock
        self._defaults = defaults

    def current(self) -> ChatSettings:
        stored = self._store.get_config(CHAT_SETTINGS)
        if stored is None:
            return self._defaults
        return ChatSettings.from_dict(stored.data, stored.version)

    def get(self, principal: Principal) -> ChatSettings:
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        return self.current()

    def put(self, principal: Principal, data: Any, expected_version: int | None) -> ChatSettings:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        settings = ChatSettings.from_dict(data)
        stored = self._store.put_config(
            CHAT_SETTINGS, settings.to_dict(), expected_version, principal.email, self._clock.now()
        )
        return ChatSettings(settings.allowed_origins, settings.idle_minutes, stored.version)
