"""SLA targets and the ticket's SLA clock.

Targets per priority and channel follow the product defaults (design section 7). Clocks pause while a ticket waits
for the customer and stop at resolution. Due times are counted in elapsed time plus paused time here; business
calendars refine this where a policy names one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

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
    # The policy clock's reading, kept in step on every write (shared/services/sla.py) and by the sweep:
    state: str = "running"  # running | paused | stopped (the resolution clock)
    policy: str | None = None  # the SLA policy that applies
    warned: bool = False  # a target passed the warning share
    breached: bool = False  # a target was missed
    first_response_met: bool | None = None  # 达标, judged once the clock stopped
    resolution_met: bool | None = None
    breach_reason: str | None = None  # BreachReason, recorded by staff for a missed target
    done: tuple[str, ...] = ()  # checkpoints the sweep acted on ("resolution.warning", "ack@<time>")
    next_checkpoint_at: datetime | None = None  # the sweep's sparse index: the earliest checkpoint not acted on
    # 确认接单: when the assignee got it, acknowledged it, and must acknowledge it by.
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledge_due_at: datetime | None = None
    passed_over: tuple[str, ...] = ()  # agents who let it time out: not chosen again for this ticket

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


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def clock_to_json(sla: SlaState) -> dict[str, Any]:
    """The policy clock's fields as stored inside the ticket's `sla` JSON (beside the simple state's)."""
    return {
        "state": sla.state,
        "policy": sla.policy,
        "warned": sla.warned,
        "breached": sla.breached,
        "first_response_met": sla.first_response_met,
        "resolution_met": sla.resolution_met,
        "breach_reason": sla.breach_reason,
        "done": list(sla.done),
        "next_checkpoint_at": _iso(sla.next_checkpoint_at),
        "assigned_at": _iso(sla.assigned_at),
        "acknowledged_at": _iso(sla.acknowledged_at),
        "acknowledge_due_at": _iso(sla.acknowledge_due_at),
        "passed_over": list(sla.passed_over),
    }


def clock_from_json(data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of `SlaState` for the fields `clock_to_json` wrote (absent on older tickets)."""
    return {
        "state": data.get("state") or "running",
        "policy": data.get("policy"),
        "warned": bool(data.get("warned", False)),
        "breached": bool(data.get("breached", False)),
        "first_response_met": data.get("first_response_met"),
        "resolution_met": data.get("resolution_met"),
        "breach_reason": data.get("breach_reason"),
        "done": tuple(data.get("done") or ()),
        "next_checkpoint_at": _dt(data.get("next_checkpoint_at")),
        "assigned_at": _dt(data.get("assigned_at")),
        "acknowledged_at": _dt(data.get("acknowledged_at")),
        "acknowledge_due_at": _dt(data.get("acknowledge_due_at")),
        "passed_over": tuple(data.get("passed_over") or ()),
    }
