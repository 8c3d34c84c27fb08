"""SLA use cases: the tenant's policy set (stored, versioned, cached briefly) and bringing a ticket's SLA in step with
it on every write (the computation itself is the domain's: `shared/domain/sla/keeper.py`).

The SLA model (calendars with their holiday tables, the clock) loads with the first write that needs it: a cold start
that only reads tickets does not pay for it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.tickets import FieldChange, Ticket
from shared.errors import Forbidden
from shared.services.ports import ConfigStore

if TYPE_CHECKING:
    from shared.domain.sla.clock import SlaClock
    from shared.domain.sla.policy import SlaConfig

SLA_POLICIES = "SLA_POLICIES"


class SlaService:
    def __init__(
        self, store: ConfigStore, clock: Clock, default_ack_minutes: int = 10, cache_seconds: float = 30.0
    ) -> None:
        self._store = store
        self._clock = clock
        self._default_ack = default_ack_minutes
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, SlaConfig] | None = None

    # -- the policy set ------------------------------------------------------------------------------
    def config(self) -> SlaConfig:
        """The stored policy set (the product's defaults until an admin saves one), cached briefly per process."""
        if self._cached is not None and time.monotonic() - self._cached[0] < self._cache_seconds:
            return self._cached[1]
        from shared.domain.sla.policy import SlaConfig

        stored = self._store.get_config(SLA_POLICIES)
        if stored is None:
            config = SlaConfig.defaults(self._default_ack)
        else:
            config = SlaConfig.from_dict(stored.data, self._default_ack, stored.version)
        self._cached = (time.monotonic(), config)
        return config

    def get(self, principal: Principal) -> SlaConfig:
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        return self.config()

    def put(self, principal: Principal, data: Any, expected_version: int | None) -> SlaConfig:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        from shared.domain.sla.policy import SlaConfig

        config = SlaConfig.from_dict(data, self._default_ack)
        stored = self._store.put_config(
            SLA_POLICIES, config.to_dict(), expected_version, principal.email, self._clock.now()
        )
        self._cached = None
        return replace(config, version=stored.version)

    # -- a ticket's SLA ------------------------------------------------------------------------------
    def clock_of(self, ticket: Ticket, config: SlaConfig | None = None) -> SlaClock:
        from shared.domain.sla.keeper import clock_of

        return clock_of(ticket, config or self.config())

    def refresh(self, ticket: Ticket, now: datetime, applied: Sequence[FieldChange] = ()) -> list[FieldChange]:
        """Bring `ticket.sla` in step with the policies after `applied`; returns the changes to audit (达标)."""
        from shared.domain.sla.keeper import refreshed

        ticket.sla, changes = refreshed(ticket, self.config(), now, applied)
        return changes

    @staticmethod
    def set_breach_reason(ticket: Ticket, reason: str | None) -> list[FieldChange]:
        """PATCH `breach_reason`: why a target was missed (信息不全, 流程复杂, 资源不足, other)."""
        from shared.domain.sla.keeper import with_breach_reason

        ticket.sla, changes = with_breach_reason(ticket.sla, reason)
        return changes
