"""The ticket item's SLA index keys: the sweep's sparse, sharded due list and the at-risk / breached views.

Both are derived from the ticket on every write (`to_item`), so they can never disagree with it:
- `sla_shard` / `sla_checkpoint` (index `by_sla_checkpoint`, KEYS_ONLY): present while the ticket is open and has a
  checkpoint the sweep has not acted on (an SLA warning or breach, an acknowledgment deadline). The shard is a
  stable hash of the ticket id, so the due tickets spread over `SHARDS` partitions and a sweep reads each with one
  Query of `sla_checkpoint <= now`.
- `sla_view` (index `by_sla_view`): `BREACHED` once a target was missed, `AT_RISK` once one passed the warning share,
  absent otherwise and as soon as the ticket is resolved or closed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.domain.tickets import Ticket

SHARDS = 4
AT_RISK = "AT_RISK"
BREACHED = "BREACHED"


def shard_of(ticket_id: str) -> str:
    return f"SLA#{int(hashlib.sha256(ticket_id.encode()).hexdigest()[:8], 16) % SHARDS}"


def all_shards() -> list[str]:
    return [f"SLA#{n}" for n in range(SHARDS)]


def checkpoint_key(at: datetime, ticket_id: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{ticket_id}"


def due_bound(now: datetime) -> str:
    """The largest sort key due at `now` ("#~" sorts after every ticket id)."""
    return f"{now.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#~"


def sla_index_keys(ticket: Ticket) -> tuple[str | None, str | None, str | None]:
    if not ticket.is_open:
        return None, None, None
    sla = ticket.sla
    shard = checkpoint = None
    if sla.next_checkpoint_at is not None:
        shard, checkpoint = shard_of(ticket.id), checkpoint_key(sla.next_checkpoint_at, ticket.id)
    view = BREACHED if sla.breached else AT_RISK if sla.warned else None
    return shard, checkpoint, view
