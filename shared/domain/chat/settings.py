"""Live chat's admin setting (docs/chat.md, "Safety" and "After the chat"): the sites whose pages may open a chat,
and how long a chat may stay silent before it ends itself.

An allowed site is an origin as a browser sends it: `https://host[:port]`, or `http://` for the machine itself
(`localhost`, `127.0.0.1`: a site under development). Nothing after the host and port: a path, a query or a user
would never match a browser's `Origin` header, so it is refused rather than kept as a rule that cannot apply. The
product's own URL is always allowed and is not part of the setting (an admin cannot lock the portal's chat page
out). Until an admin saves the setting, the deployment's `HELPDESK_CHAT_ORIGINS` and `HELPDESK_CHAT_IDLE_MINUTES`
are the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidInput

CHAT_SETTINGS = "CHAT_SETTINGS"  # the stored setting's name in the CONFIG partition
MAX_ORIGINS = 100
MAX_IDLE_MINUTES = 24 * 60  # a day: longer is not a live conversation any more

# A port as a browser writes it (1-65535, no leading zero) and a DNS host name (labels of letters, digits and
# inner hyphens). The API's request schema states the same patterns, so what it accepts this accepts too.
_PORT = r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ORIGIN_PATTERN = rf"^(?:https://{_LABEL}(?:\.{_LABEL})*|http://(?:localhost|127\.0\.0\.1)){_PORT}$"
_ORIGIN = re.compile(ORIGIN_PATTERN)
ORIGIN_MAX_LENGTH = 300


def origin_key(origin: str) -> str:
    """The form origins are compared in: lower case, no trailing slash (browsers send neither)."""
    return origin.strip().rstrip("/").lower()


def valid_origin(origin: str) -> bool:
    return len(origin) <= ORIGIN_MAX_LENGTH and _ORIGIN.match(origin) is not None


@dataclass(frozen=True)
class ChatSettings:
    allowed_origins: tuple[str, ...] = ()
    idle_minutes: int = 30  # 0: a chat never ends by itself
    version: int = 0  # the stored version (0: never saved, the deployment's defaults)

    def allows(self, origin: str, own_origin: str) -> bool:
        key = origin_key(origin)
        return key == origin_key(own_origin) or key in {origin_key(o) for o in self.allowed_origins}

    def to_dict(self) -> dict[str, Any]:
        return {"allowed_origins": list(self.allowed_origins), "idle_minutes": self.idle_minutes}

    @classmethod
    def of(cls, origins: Iterable[str], idle_minutes: int, version: int = 0) -> ChatSettings:
        """Checked: every origin well formed (kept once each, in lower case), the idle time within a day."""
        kept: list[str] = []
        for index, origin in enumerate(origins):
            if not isinstance(origin, str) or not valid_origin(origin.strip().rstrip("/")):
                raise InvalidInput(
                    "an allowed site is https://host[:port] (http:// only for localhost and 127.0.0.1)",
                    field=f"allowed_origins[{index}]",
                )
            key = origin_key(origin)
            if key not in kept:
                kept.append(key)
        if len(kept) > MAX_ORIGINS:
            raise InvalidInput(f"at most {MAX_ORIGINS} allowed sites", field="allowed_origins")
        if (
            isinstance(idle_minutes, bool)
            or not isinstance(idle_minutes, int)
            or not 0 <= idle_minutes <= MAX_IDLE_MINUTES
        ):
            raise InvalidInput(f"idle_minutes is 0 to {MAX_IDLE_MINUTES}", field="idle_minutes")
        return cls(tuple(kept), idle_minutes, version)

    @classmethod
    def from_dict(cls, data: Any, version: int = 0) -> ChatSettings:
        if not isinstance(data, dict) or not isinstance(data.get("allowed_origins", []), list):
            raise InvalidInput("chat settings are {allowed_origins: [...], idle_minutes: N}")
        return cls.of(data.get("allowed_origins", []), data.get("idle_minutes", 30), version)

    @classmethod
    def defaults(cls, origins: str, idle_minutes: int) -> ChatSettings:
        """The deployment's settings (`HELPDESK_CHAT_ORIGINS`, comma-separated), kept as given: they were checked by
        whoever deployed, and a malformed one simply never matches."""
        listed = tuple(origin_key(o) for o in origins.split(",") if o.strip())
        return cls(listed, idle_minutes, 0)
