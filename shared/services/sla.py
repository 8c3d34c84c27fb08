"""SLA use cases: the tenant's policy set (stored, versioned), and keeping each ticket's SLA in step with it.

`SlaService.refresh` runs on every ticket write (creation, edits, replies, routing, the sweep): it reads the ticket's
clock (`SlaClock`, business calendars, pauses in `waiting_customer`, retargeting on a priority change) and stores on
the ticket what the API shows (due times, state, warned / breached, 达标 per target) and what the sweep needs (the
earliest checkpoint not yet acted on, which `to_item` turns into the sparse `by_sla_checkpoint` key).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.routing_store import RoutingStore, StoredConfig
from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.sla_policy import (
    BreachReason,
    Checkpoint,
    ClockState,
    InvalidSlaPolicies,
    SlaClock,
    SlaPolicySet,
    default_policies,
)
from shared.domain.tickets import FieldChange, Ticket
from shared.errors import Forbidden, InvalidInput, SlaPoliciesRejected

SLA_POLICIES = "SLA_POLICIES"
MAX_ACK_MINUTES = 24 * 60


@dataclass(frozen=True)
class Escalation:
    """What happens around the targets: the acknowledgment time-out, and what a breach does besides alerting."""

    ack_timeout_minutes: int = 10
    raise_priority_on_breach: bool = False  # P4 -> P3 ... -> P1, one step per breached target
    reassign_on_breach: bool = False  # hand the ticket to another agent of the team

    def to_dict(self) -> dict[str, Any]:
        return {
            "ack_timeout_minutes": self.ack_timeout_minutes,
            "raise_priority_on_breach": self.raise_priority_on_breach,
            "reassign_on_breach": self.reassign_on_breach,
        }

    @classmethod
    def from_dict(cls, data: Any, default_ack: int, reasons: list[str]) -> Escalation:
        if data is None:
            return cls(ack_timeout_minutes=default_ack)
        if not isinstance(data, Mapping):
            reasons.append("escalation must be an object")
            return cls(ack_timeout_minutes=default_ack)
        known = {"ack_timeout_minutes", "raise_priority_on_breach", "reassign_on_breach"}
        reasons += [f"escalation: unknown setting '{k}'" for k in data if k not in known]
        ack = data.get("ack_timeout_minutes", default_ack)
        if not isinstance(ack, int) or isinstance(ack, bool) or not 1 <= ack <= MAX_ACK_MINUTES:
            reasons.append(f"escalation: ack_timeout_minutes must be a whole number from 1 to {MAX_ACK_MINUTES}")
            ack = default_ack
        flags = {}
        for name in ("raise_priority_on_breach", "reassign_on_breach"):
            flags[name] = data.get(name, False)
            if not isinstance(flags[name], bool):
                reasons.append(f"escalation: {name} must be true or false")
                flags[name] = False
        return cls(ack, **flags)


@dataclass(frozen=True)
class SlaConfig:
    policies: SlaPolicySet
    escalation: Escalation
    version: int = 0

    @property
    def ack_timeout(self) -> timedelta:
        return timedelta(minutes=self.escalation.ack_timeout_minutes)

    def to_dict(self) -> dict[str, Any]:
        return {**self.policies.to_dict(), "escalation": self.escalation.to_dict()}

    @classmethod
    def from_dict(cls, data: Any, default_ack: int, version: int = 0) -> SlaConfig:
        """Every problem at once in `SlaPoliciesRejected` (invalid calendars included)."""
        if not isinstance(data, Mapping):
            raise SlaPoliciesRejected("invalid SLA policies", ["SLA policies must be an object"])
        reasons: list[str] = []
        escalation = Escalation.from_dict(data.get("escalation"), default_ack, reasons)
        policies = None
        try:
            policies = SlaPolicySet.from_dict({k: v for k, v in data.items() if k != "escalation"})
        except InvalidSlaPolicies as invalid:
            reasons = invalid.reasons + reasons
        except InvalidInput as invalid:
            reasons = [invalid.message, *reasons]
        if reasons or policies is None:
            raise SlaPoliciesRejected("invalid SLA policies: " + "; ".join(reasons), reasons, field="sla_policies")
        return cls(policies, escalation, version)


def checkpoint_name(checkpoint: Checkpoint) -> str:
    """What the sweep records once it acted on a checkpoint: each target warns once and breaches once."""
    return f"{checkpoint.target.value}.{checkpoint.kind.value}"


def ack_name(due: datetime) -> str:
    return f"ack@{due.isoformat()}"


def tier_of(ticket: Ticket) -> str | None:
    tier = ticket.custom_fields.get("customer_tier")
    return str(tier) if tier not in (None, "") else None


class SlaService:
    def __init__(
        self, store: RoutingStore, clock: Clock, default_ack_minutes: int = 10, cache_seconds: float = 30.0
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
        stored = self._store.get_config(SLA_POLICIES)
        if stored is None:
            config = SlaConfig(default_policies(), Escalation(ack_timeout_minutes=self._default_ack))
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
        config = SlaConfig.from_dict(data, self._default_ack)
        stored: StoredConfig = self._store.put_config(
            SLA_POLICIES, config.to_dict(), expected_version, principal.email, self._clock.now()
        )
        self._cached = None
        return replace(config, version=stored.version)

    # -- a ticket's SLA ------------------------------------------------------------------------------
    def clock_of(self, ticket: Ticket, config: SlaConfig | None = None) -> SlaClock:
        return SlaClock.for_ticket((config or self.config()).policies, ticket, tier=tier_of(ticket))

    def refresh(self, ticket: Ticket, now: datetime, applied: Sequence[FieldChange] = ()) -> list[FieldChange]:
        """Bring `ticket.sla` in step with the policies after `applied`; returns the changes to audit (达标)."""
        config = self.config()
        sla = ticket.sla
        if any(c.field == "assignee" for c in applied):
            if ticket.assignee and ticket.is_open:
                sla = replace(sla, assigned_at=now, acknowledged_at=None, acknowledge_due_at=now + config.ack_timeout)
            else:
                sla = replace(sla, assigned_at=None, acknowledged_at=None, acknowledge_due_at=None)
        ticket.sla = sla
        clock = self.clock_of(ticket, config)
        reading = clock.reading(now)
        first, resolution = reading.first_response, reading.resolution
        share = config.policies.warning_share

        def due(target: Any, previous: datetime | None) -> datetime | None:
            if target.state is ClockState.RUNNING:
                return target.due_at
            return None if target.state is ClockState.PAUSED else previous

        warned = sla.warned or any(
            t.state is not ClockState.STOPPED and t.used >= t.goal * share for t in (first, resolution)
        )
        breached = sla.breached or first.breached or resolution.breached
        first_met, resolution_met = first.met, None
        outcome = None if ticket.is_open else clock.outcome(now)
        if outcome is not None:
            first_met, resolution_met = outcome.first_response_met, outcome.resolution_met
        pending: list[datetime] = []
        if ticket.is_open:
            pending += [c.at for c in clock.checkpoints(now) if checkpoint_name(c) not in sla.done]
            ack_due = sla.acknowledge_due_at
            if ticket.assignee and sla.acknowledged_at is None and ack_due and ack_name(ack_due) not in sla.done:
                pending.append(ack_due)
        ticket.sla = replace(
            sla,
            state=resolution.state.value,
            policy=reading.policy.name,
            first_response_due_at=due(first, sla.first_response_due_at),
            resolution_due_at=due(resolution, sla.resolution_due_at),
            warned=warned,
            breached=breached,
            first_response_met=first_met,
            resolution_met=resolution_met,
            next_checkpoint_at=min(pending, default=None),
        )
        changes = []
        for name, old, new in (
            ("sla.first_response_met", sla.first_response_met, first_met),
            ("sla.resolution_met", sla.resolution_met, resolution_met),
        ):
            if old != new and (new is not None or not ticket.is_open):
                changes.append(FieldChange(name, old, new))
        return changes

    @staticmethod
    def set_breach_reason(ticket: Ticket, reason: str | None) -> list[FieldChange]:
        """PATCH `breach_reason`: why a target was missed (信息不全, 流程复杂, 资源不足, other)."""
        if reason is not None and reason not in BreachReason.__members__.values():
            allowed = ", ".join(r.value for r in BreachReason)
            raise InvalidInput(f"breach_reason must be one of {allowed}", field="breach_reason")
        old = ticket.sla.breach_reason
        if old == reason:
            return []
        ticket.sla = replace(ticket.sla, breach_reason=reason)
        return [FieldChange("sla.breach_reason", old, reason)]
