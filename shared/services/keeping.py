"""What every ticket write brings in step after its changes, once: the closing review's standing, the SLA (due
times, 达标, its next checkpoint) and the next automation. Together they give the ticket's place in the sweep's due
list, so the sweep reads only what is due.

Every writer calls `refresh` (through the `SlaKeeper` port) after its changes and before it builds its events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from shared.domain.tickets import FieldChange, Ticket
from shared.services.sla import SlaService

if TYPE_CHECKING:
    from shared.domain.automations import AutomationSet


class TicketKeeper:
    def __init__(self, sla: SlaService, automations: Callable[[], AutomationSet]) -> None:
        self._sla = sla
        self._automations = automations

    def refresh(self, ticket: Ticket, now: datetime, applied: Sequence[FieldChange] = ()) -> list[FieldChange]:
        from shared.domain.review import settle

        changes = settle(ticket)
        changes += self._sla.refresh(ticket, now, [*applied, *changes])
        self.schedule(ticket)
        return changes

    def schedule(self, ticket: Ticket) -> None:
        """The ticket's next automation, from the stored automations (cached like the SLA policies)."""
        from shared.domain.automations import scheduled

        ticket.automation = scheduled(ticket, self._automations(), self._sla.config().policies.calendars)

    def set_breach_reason(self, ticket: Ticket, reason: str | None) -> list[FieldChange]:
        return self._sla.set_breach_reason(ticket, reason)
