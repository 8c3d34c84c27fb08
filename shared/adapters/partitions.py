"""Where write-heavy keys are spread over several partitions, and how many each (docs/scale.md says why).

DynamoDB serves about 1,000 write units a second per partition key. Keys that every ticket passes through (the
desk-wide list of tickets, the unassigned queue, a big team's list, the SLA sweep's due list, a team's waiting
queue) carry a shard suffix chosen by a stable hash of the ticket id (of the event id for report facts): a ticket
always lands on the same shard, and a reader asks every shard and merges. Counts only ever grow: a reader asks shards
0..N-1, so items written when there were fewer shards are still found.
"""

from __future__ import annotations

import hashlib

# The list views read through sharded, narrow (INCLUDE) indexes; each page asks every shard in parallel.
LIST_SHARDS = {"all": 8, "unassigned": 8, "team": 4, "sla_view": 2, "chat": 8}
SLA_SHARDS = 16  # by_sla_checkpoint: the sweep reads one Query per shard a minute
QUEUE_SHARDS = 4  # TEAM_QUEUE#<team>: tickets waiting for an agent of the team
FACT_SHARDS = 8  # by_window FACTS#<UTC day>#<n> in the reports table: each event's report facts, by event id
ROLLUP_PARTITIONS = 4  # ROLLUP#<month>#<n>: a rollup run writes at most two agent parts' rollups into each


def shard_number(ticket_id: str, shards: int) -> int:
    return int(hashlib.sha256(ticket_id.encode()).hexdigest()[:8], 16) % shards


def sharded(base: str, ticket_id: str, shards: int) -> str:
    return f"{base}#{shard_number(ticket_id, shards)}"


def every_shard(base: str, shards: int) -> list[str]:
    return [f"{base}#{n}" for n in range(shards)]
