"""A ticket's stored SLA state: the one fact the clock cannot derive (the first public staff reply), the clock's
reading kept in step on every write (`keeper.py`), and what the sweep acted on.

How it sits in DynamoDB is the adapters' business (`shared/adapters/sla_storage.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SlaState:
    first_responded_at: datetime | None = None  # the first public staff reply: stops the first-response clock
    # The clock's reading at the last write:
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    resolved_at: datetime | None = None  # when the ticket last became resolved (or closed); None while open
    state: str = "running"  # running | paused | stopped: the resolution clock
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
        """Waiting for the customer (待响应): the clocks stand still."""
        return self.state == "paused"
