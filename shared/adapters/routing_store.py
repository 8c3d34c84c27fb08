"""Routing and SLA storage: configuration items, agents' load counters and claims, team queues, round-robin cursors,
and the SLA sweep's due list. The only code that knows how these sit in the tickets table (docs/data-model.md).

Capacity is a hard limit held by DynamoDB itself: an agent's counter is raised with `ADD open 1` conditioned on
`open < capacity`, in the same transaction that writes the ticket with its new assignee and the ticket's claim item
(`TICKET#<id>` / `LOAD_CLAIM`, which says whose load the ticket counts in). Two concurrent assignments can never
both take an agent's last slot, and claiming or releasing twice for one ticket changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from shared.adapters.items import HelpdeskItem, TicketItem
from shared.adapters.partitions import QUEUE_SHARDS, every_shard, sharded
from shared.adapters.sla_storage import all_shards, due_bound
from shared.adapters.ticket_mapping import sort_time
from shared.adapters.ticket_writer import Part, TicketWriter, delete, put, update
from shared.domain.assignment import Claim, RoutingWrite, Wait
from shared.domain.settings import StoredConfig
from shared.domain.tickets import Channel, Priority, Ticket
from shared.errors import CapacityTaken, QueueEntryGone, VersionConflict

CONFIG = "CONFIG"
AGENT_LOAD = "AGENT_LOAD"
CHAT_LOAD = "AGENTCHAT"  # an agent's open live chats, counted apart from tickets (docs/chat.md)
ROUND_ROBIN = "ROUND_ROBIN"
CLAIM_SK = "LOAD_CLAIM"
_PRIORITY_RANK = {Priority.P1: 1, Priority.P2: 2, Priority.P3: 3, Priority.P4: 4}


class ConfigItem(HelpdeskItem, discriminator="config"):
    data = JSONAttribute(default=dict)
    version = VersionAttribute()
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)


class AgentLoadItem(HelpdeskItem, discriminator="agent_load"):
    open = NumberAttribute(default=0)
    p1 = NumberAttribute(default=0)
    p2 = NumberAttribute(default=0)
    p3 = NumberAttribute(default=0)
    p4 = NumberAttribute(default=0)


class LoadClaimItem(HelpdeskItem, discriminator="load_claim"):
    agent = UnicodeAttribute()
    priority = UnicodeAttribute()


class TeamWaitItem(HelpdeskItem, discriminator="team_wait"):
    ticket_id = UnicodeAttribute()
    since = UTCDateTimeAttribute()


class RoundRobinItem(HelpdeskItem, discriminator="round_robin"):
    cursor = UnicodeAttribute(null=True)


def wait_key(ticket: Ticket) -> str:
    return f"WAIT#{_PRIORITY_RANK[ticket.priority]}#{sort_time(ticket.created_at)}#{ticket.id}"


def _pool(ticket: Ticket) -> bool:
    """Whether the ticket counts in its agent's chats rather than their tickets."""
    return ticket.channel is Channel.CHAT


def _load_key(agent: str, chat: bool = False) -> tuple[str, str]:
    # One partition per agent: every assignment and release adds to one agent's counter, and no key takes them all.
    return f"{CHAT_LOAD if chat else AGENT_LOAD}#{agent.lower()}", "LOAD"


def _queue_pk(team: str, ticket_id: str) -> str:
    return sharded(f"TEAM_QUEUE#{team}", ticket_id, QUEUE_SHARDS)


def _claim_changed() -> Exception:
    return VersionConflict("the ticket's load claim changed")


def _ticket_changed() -> Exception:
    return VersionConflict("the ticket was changed by someone else; reload it")


class RoutingStore:
    def __init__(self, writer: TicketWriter) -> None:
        self._writer = writer  # commits the load-claim moves that change no ticket

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self, name: str) -> StoredConfig | None:
        try:
            item = ConfigItem.get(CONFIG, name)
        except DoesNotExist:
            return None
        return StoredConfig(dict(item.data or {}), int(item.version or 0), item.updated_at, item.updated_by)

    def get_configs(self, names: Sequence[str]) -> dict[str, StoredConfig]:
        """Several configurations in one BatchGetItem (the ones never saved are left out)."""
        found = {}
        for item in ConfigItem.batch_get([(CONFIG, name) for name in dict.fromkeys(names)]):
            found[item.sk] = StoredConfig(
                dict(item.data or {}), int(item.version or 0), item.updated_at, item.updated_by
            )
        return found

    def put_config(
        self, name: str, data: dict[str, Any], expected_version: int | None, who: str, now: datetime
    ) -> StoredConfig:
        """Save a configuration; `expected_version` (the version read, 0 for none) must still be current."""
        current = self.get_config(name)
        version = current.version if current else 0
        if expected_version is not None and expected_version != version:
            raise VersionConflict(f"the configuration is at version {version}, not {expected_version}; reload it")
        item = ConfigItem(CONFIG, name, data=data, updated_at=now, updated_by=who)
        if current is not None:
            item.version = current.version
        try:
            item.save()  # PynamoDB conditions the put on the version it read (or on the item not existing)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise VersionConflict("the configuration was changed by someone else; reload it") from error
            raise
        return StoredConfig(data, int(item.version), now, who)

    # -- loads ------------------------------------------------------------------------------------
    def loads(self, agents: Iterable[str], chat: bool = False) -> dict[str, dict[Priority, int]]:
        """These agents' open tickets (or live chats) by priority (agents holding none are left out): BatchGetItem,
        100 a call."""
        keys = [_load_key(agent, chat) for agent in dict.fromkeys(a.lower() for a in agents)]
        loads: dict[str, dict[Priority, int]] = {}
        for item in AgentLoadItem.batch_get(keys) if keys else ():
            email = item.pk.split("#", 1)[1]
            loads[email] = {p: int(getattr(item, p.value.lower()) or 0) for p in Priority}
        return loads

    def claim_of(self, ticket_id: str) -> Claim | None:
        try:
            item = LoadClaimItem.get(f"TICKET#{ticket_id}", CLAIM_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return Claim(item.agent, Priority(item.priority))

    # -- queues and cursors -----------------------------------------------------------------------
    def waiting(self, team: str, limit: int = 25) -> list[Wait]:
        """The team's first `limit` waiting tickets (highest priority, then oldest): the head of every shard, merged."""
        heads: list[Wait] = []
        for pk in every_shard(f"TEAM_QUEUE#{team}", QUEUE_SHARDS):
            heads += [Wait(team, i.ticket_id, i.sk) for i in TeamWaitItem.query(pk, page_size=limit, limit=limit)]
        return sorted(heads, key=lambda wait: wait.sk)[:limit]

    def cursor(self, team: str) -> str | None:
        try:
            return RoundRobinItem.get(f"{ROUND_ROBIN}#{team}", "CURSOR").cursor
        except DoesNotExist:
            return None

    def save_cursor(self, team: str, agent: str) -> None:
        """The team's round-robin cursor, kept outside the assigning transaction: it breaks ties only, and in the
        transaction it would make every concurrent assignment to the team conflict (docs/scale.md)."""
        RoundRobinItem(f"{ROUND_ROBIN}#{team}", "CURSOR", cursor=agent).save()

    def previous_agent(self, requester: str, exclude_ticket: str) -> str | None:
        """Who served the requester last: one Query of their newest tickets."""
        result = TicketItem.by_requester.query(requester.lower(), scan_index_forward=False, page_size=10, limit=10)
        for item in result:
            if item.id != exclude_ticket and item.assignee:
                return str(item.assignee)
        return None

    # -- the sweep's due list ---------------------------------------------------------------------
    def due(self, now: datetime, limit: int = 500) -> tuple[list[str], int, int]:
        """Ticket ids with a checkpoint due by `now`, every shard asked in parallel (each for its oldest `limit`: the
        rest wait for the next run), how many index items the Queries read, and how many shards."""
        shards = all_shards()
        with ThreadPoolExecutor(max_workers=len(shards)) as pool:
            found = list(pool.map(lambda shard: self._due_in(shard, now, limit), shards))
        return [i for ids, _ in found for i in ids], sum(read for _, read in found), len(shards)

    @staticmethod
    def _due_in(shard: str, now: datetime, limit: int) -> tuple[list[str], int]:
        ids: list[str] = []
        scanned = 0
        # The table connection, not the model's query: that would filter on `kind`, which KEYS_ONLY leaves out.
        connection = TicketItem._get_connection()
        start = None
        while True:
            page = connection.query(
                shard,
                range_key_condition=TicketItem.sla_checkpoint <= due_bound(now),
                index_name="by_sla_checkpoint",
                exclusive_start_key=start,
                limit=limit - len(ids),
            )
            scanned += int(page.get("ScannedCount", len(page.get("Items", []))))
            ids += [raw["pk"]["S"].removeprefix("TICKET#") for raw in page.get("Items", [])]
            start = page.get("LastEvaluatedKey")
            if not start or len(ids) >= limit:
                return ids, scanned

    def enqueue(self, ticket: Ticket) -> None:
        """Put a ticket in its team's queue (an idempotent put: the key is the ticket's priority, age and id)."""
        entry = TeamWaitItem(_queue_pk(ticket.team or "", ticket.id), wait_key(ticket), ticket_id=ticket.id)
        entry.since = ticket.created_at
        entry.save()

    def dequeue(self, wait: Wait) -> None:
        TeamWaitItem(_queue_pk(wait.team, wait.ticket_id), wait.sk).delete()

    def move_claim(self, ticket: Ticket, old: Claim | None, agent: str | None) -> None:
        """Count the ticket in `agent`'s load instead of `old`'s (either may be None), conditioned on the claim read:
        a staff decision (manual assignment, resolution), so the new agent's capacity does not limit it."""
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        parts: list[Part] = []
        if agent is None and old is not None:
            parts.append(delete(LoadClaimItem(*claim_key), LoadClaimItem.agent == old.agent, _claim_changed))
        elif agent is not None:
            claim = LoadClaimItem(*claim_key, agent=agent.lower(), priority=ticket.priority.value)
            condition = LoadClaimItem.pk.does_not_exist() if old is None else LoadClaimItem.agent == old.agent
            parts.append(put(claim, condition, _claim_changed))
            parts.append(update(AgentLoadItem(*_load_key(agent, _pool(ticket))), _load_actions(ticket.priority, 1)))
        if old is not None:
            parts.append(update(AgentLoadItem(*_load_key(old.agent, _pool(ticket))), _load_actions(old.priority, -1)))
        self._writer.commit(parts)

    def reweigh_claim(self, ticket: Ticket, old: Claim) -> None:
        """The ticket's priority changed while held: it weighs in its agent's load at the new one (the count of open
        tickets, what capacity limits, stays). One item, so one update moves both counters."""
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        new_field = getattr(AgentLoadItem, ticket.priority.value.lower())
        old_field = getattr(AgentLoadItem, old.priority.value.lower())
        claim = LoadClaimItem(*claim_key, agent=old.agent, priority=ticket.priority.value)
        same = (LoadClaimItem.agent == old.agent) & (LoadClaimItem.priority == old.priority)
        self._writer.commit(
            [
                put(claim, same, _claim_changed),
                update(AgentLoadItem(*_load_key(old.agent, _pool(ticket))), [new_field.add(1), old_field.add(-1)]),
            ]
        )

    # -- parts of the ticket's write (shared/adapters/ticket_writer.py) -------------------------------
    @staticmethod
    def parts(ticket: Ticket, routing: RoutingWrite) -> list[Part]:
        """What one routing decision changes besides the ticket, for the same transaction. Its failures: the claim
        changed (`VersionConflict`), the agent filled up (`CapacityTaken`), the queue entry was taken
        (`QueueEntryGone`)."""
        parts: list[Part] = []
        old, new = routing.old_claim, routing.claim_agent
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        if old is not None and new is not None and old.agent == new.lower():
            pass  # the ticket already counts in this agent's load (at the priority it was claimed with)
        elif new is not None:
            claim = LoadClaimItem(*claim_key, agent=new.lower(), priority=ticket.priority.value)
            condition = LoadClaimItem.pk.does_not_exist() if old is None else LoadClaimItem.agent == old.agent
            parts.append(put(claim, condition, _ticket_changed))
            if old is not None:
                load_key = _load_key(old.agent, _pool(ticket))
                parts.append(update(AgentLoadItem(*load_key), _load_actions(old.priority, -1)))
            limit = None
            if routing.capacity is not None:
                limit = AgentLoadItem.open.does_not_exist() | (AgentLoadItem.open < routing.capacity)
            load = AgentLoadItem(*_load_key(new, _pool(ticket)))
            parts.append(update(load, _load_actions(ticket.priority, 1), limit, lambda: CapacityTaken(new or "")))
        elif old is not None:
            parts.append(delete(LoadClaimItem(*claim_key), LoadClaimItem.agent == old.agent, _ticket_changed))
            load_key = _load_key(old.agent, _pool(ticket))
            parts.append(update(AgentLoadItem(*load_key), _load_actions(old.priority, -1)))
        if routing.dequeue is not None:
            wait = routing.dequeue
            entry = TeamWaitItem(_queue_pk(wait.team, wait.ticket_id), wait.sk)
            parts.append(delete(entry, TeamWaitItem.pk.exists(), lambda: QueueEntryGone(ticket.id)))
        parts += [delete(TeamWaitItem(_queue_pk(w.team, w.ticket_id), w.sk)) for w in routing.stale_waits]
        if routing.enqueue is not None:
            entry = TeamWaitItem(_queue_pk(routing.enqueue, ticket.id), wait_key(ticket), ticket_id=ticket.id)
            entry.since = ticket.created_at
            parts.append(put(entry))
        return parts


def _load_actions(priority: Priority, delta: int) -> list[Any]:
    field = getattr(AgentLoadItem, priority.value.lower())
    return [AgentLoadItem.open.add(delta), field.add(delta), AgentLoadItem.kind.set(AgentLoadItem)]
