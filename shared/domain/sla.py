"""SLA targets and the ticket's SLA clock.

Targets per priority and channel follow the product defaults (design section 7). Clocks pause while a ticket waits
for the customer and stop at resolution. Due times are counted in elapsed time plus paused time here; business
calendars refine this where a policy names one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.domain.tickets import Status


@dataclass(frozen=True)
class SlaTargets:
    first_response: timedelta
    resolution: timedelta


# Online channels answer faster than phone for P1 (客服 norms: 10 min online, 15 min phone).
_ONLINE = frozenset({"web", "chat", "wechat", "app", "api"})
_DEFAULTS: dict[str, SlaTargets] = {
    "P1": SlaTargets(timedelta(minutes=15), timedelta(hours=4)),
    "P2": SlaTargets(timedelta(hours=2), timedelta(hours=24)),
    "P3": SlaTargets(timedelta(hours=8), timedelta(days=3)),
    "P4": SlaTargets(timedelta(hours=24), timedelta(days=5)),
}


def default_targets(priority: str, channel: str) -> SlaTargets:
    targets = _DEFAULTS[str(priority)]
    if str(priority) == "P1" and str(channel) in _ONLINE:
        return replace(targets, first_response=timedelta(minutes=10))
    return targets


@dataclass(frozen=True)
class SlaState:
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    first_responded_at: datetime | None = None
    resolved_at: datetime | None = None
    paused_at: datetime | None = None
    paused_total: timedelta = timedelta()
    targets: SlaTargets | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @classmethod
    def started(cls, created_at: datetime, targets: SlaTargets) -> SlaState:
        return cls(
            first_response_due_at=created_at + targets.first_response,
            resolution_due_at=created_at + targets.resolution,
            targets=targets,
        )

    def retargeted(self, created_at: datetime, targets: SlaTargets) -> SlaState:
        """A priority change recomputes the due times from the ticket's start, keeping the paused time."""
        return replace(
            self,
            targets=targets,
            first_response_due_at=created_at + targets.first_response + self.paused_total,
            resolution_due_at=created_at + targets.resolution + self.paused_total,
        )

    def responded(self, at: datetime) -> SlaState:
        return replace(self, first_responded_at=at)

    def on_status(self, old: Status, new: Status, at: datetime) -> SlaState:
        state = self
        if state.paused_at is not None and new.value != "waiting_customer":
            paused_for = at - state.paused_at
            state = replace(
                state,
                paused_at=None,
                paused_total=state.paused_total + paused_for,
                first_response_due_at=_shift(state.first_response_due_at, paused_for),
                resolution_due_at=_shift(state.resolution_due_at, paused_for),
            )
        if new.value == "waiting_customer":
            state = replace(state, paused_at=at)
        if new.value in ("resolved", "closed") and state.resolved_at is None:
            state = replace(state, resolved_at=at)
        elif new.value not in ("resolved", "closed") and old.value in ("resolved", "closed"):
            state = replace(state, resolved_at=None)
        return state


def _shift(due: datetime | None, by: timedelta) -> datetime | None:
    return None if due is None else due + by
