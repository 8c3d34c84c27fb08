"""The settings every ticket write reads, read together and kept briefly per process.

A write keeps the ticket's SLA and its next automation in step, and a close asks whether the ticket needs review:
three stored settings (`SLA_POLICIES`, `AUTOMATIONS`, `REVIEW_POLICY`, all in the `CONFIG` partition). Read one at a
time, a process's first write after they expire would spend three requests on them; read here, the first one that
is needed fetches all of them with one `BatchGetItem`, and each is then served from memory for 30 s. A save through
this cache drops its entry, so the process that saved sees the change at once; other processes within 30 s.

It stands in for the `ConfigStore` port, so the services that own each setting (and parse it) are unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from shared.domain.settings import StoredConfig
from shared.services.ports import ConfigStore

CACHE_SECONDS = 30.0


class SettingsCache:
    def __init__(
        self,
        store: ConfigStore,
        together: Iterable[str],
        seconds: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._together = tuple(together)
        self._seconds = seconds
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, StoredConfig | None]] = {}

    def get_config(self, name: str) -> StoredConfig | None:
        entry = self._entries.get(name)
        if entry is not None and self._monotonic() - entry[0] < self._seconds:
            return entry[1]
        names = [name, *(n for n in self._together if n != name)]
        found = self._store.get_configs(names)
        now = self._monotonic()
        for each in names:
            self._entries[each] = (now, found.get(each))
        return found.get(name)

    def get_configs(self, names: Sequence[str]) -> dict[str, StoredConfig]:
        found = {name: self.get_config(name) for name in names}
        return {name: stored for name, stored in found.items() if stored is not None}

    def put_config(
        self, name: str, data: dict[str, Any], expected_version: int | None, who: str, now: datetime
    ) -> StoredConfig:
        self._entries.pop(name, None)
        return self._store.put_config(name, data, expected_version, who, now)
