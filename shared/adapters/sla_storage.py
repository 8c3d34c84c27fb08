"""How a ticket's SLA sits in its item: the `sla` JSON attribute, and the index keys derived from it (the sweep's
sparse, sharded due list and the supervisors' views). The only code that knows either.

The index keys are derived from the ticket on every write (`to_item`), so they can never disagree with it:
- `sla_shard` / `sla_checkpoint` (index `by_sla_checkpoint`, KEYS_ONLY): the sweep's due list. Present while the
  ticket has something the sweep has not acted on: for an open ticket an SLA warning or breach or an acknowledgment
  deadline, for any ticket not closed its next automation (a resolved ticket's closing, a waiting one's reminder);
  the key is the earliest of them. The shard is a stable hash of the ticket id, so the due tickets spread over
  `SHARDS` partitions and a sweep reads each with one Query of `sla_checkpoint <= now`.
- `sla_view` (index `by_sla_view`): `BREACHED` once a target was missed, `AT_RISK` once one passed the warning
  share, absent otherwise and as soon as the ticket is resolved or closed; `REVIEW` while a resolved ticket waits
  for its closing review (结案审核). `to_item` adds the list shard.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.partitions import SLA_SHARDS, every_shard, sharded
from shared.domain.sla.state import SlaState

if TYPE_CHECKING:
    from shared.domain.tickets import Ticket

SHARDS = SLA_SHARDS
AT_RISK = "AT_RISK"
BREACHED = "BREACHED"
REVIEW = "REVIEW"


def shard_of(ticket_id: str) -> str:
    return sharded("SLA", ticket_id, SHARDS)


def all_shards() -> list[str]:
    return every_shard("SLA", SHARDS)


def checkpoint_key(at: datetime, ticket_id: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{ticket_id}"


def due_bound(now: datetime) -> str:
    """The largest sort key due at `now` ("#~" sorts after every ticket id)."""
    return f"{now.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#~"


def sla_index_keys(ticket: Ticket) -> tuple[str | None, str | None, str | None]:
    sla = ticket.sla
    due = ticket.sweep_due_at
    shard = checkpoint = None
    if due is not None:
        shard, checkpoint = shard_of(ticket.id), checkpoint_key(due, ticket.id)
    if ticket.review is not None and ticket.review.pending:
        view: str | None = REVIEW
    elif ticket.is_open:
        view = BREACHED if sla.breached else AT_RISK if sla.warned else None
    else:
        view = None
    return shard, checkpoint, view


# -- the `sla` attribute -------------------------------------------------------------------------------------------
def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)


_TIMES = (
    "first_responded_at",
    "first_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "next_checkpoint_at",
    "assigned_at",
    "acknowledged_at",
    "acknowledge_due_at",
)


def sla_to_json(sla: SlaState) -> dict[str, Any]:
    return {
        **{name: _iso(getattr(sla, name)) for name in _TIMES},
        "state": sla.state,
        "policy": sla.policy,
        "warned": sla.warned,
        "breached": sla.breached,
        "first_response_met": sla.first_response_met,
        "resolution_met": sla.resolution_met,
        "breach_reason": sla.breach_reason,
        "done": list(sla.done),
        "passed_over": list(sla.passed_over),
    }


def sla_from_json(data: dict[str, Any]) -> SlaState:
    """The state `sla_to_json` wrote; items written before a field existed read it as its default. (Older items also
    hold `paused_at`, `paused_seconds` and `targets`, which nothing reads any more.)"""
    return SlaState(
        **{name: _dt(data.get(name)) for name in _TIMES},
        state=data.get("state") or "running",
        policy=data.get("policy"),
        warned=bool(data.get("warned", False)),
        breached=bool(data.get("breached", False)),
        first_response_met=data.get("first_response_met"),
        resolution_met=data.get("resolution_met"),
        breach_reason=data.get("breach_reason"),
        done=tuple(data.get("done") or ()),
        passed_over=tuple(data.get("passed_over") or ()),
    )
