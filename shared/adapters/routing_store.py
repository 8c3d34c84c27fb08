"""Routing and SLA storage: configuration items, agents' load counters and claims, team queues, round-robin cursors,
and the SLA sweep's due list. The only code that knows how these sit in the tickets table (docs/data-model.md).

Capacity is a hard limit held by DynamoDB itself: an agent's counter is raised with `ADD open 1` conditioned on
`open < capacity`, in the same transaction that writes the ticket with its new assignee and the ticket's claim item
(`TICKET#<id>` / `LOAD_CLAIM`, which says whose load the ticket counts in). Two concurrent assignments can never
both take an agent's last slot, and claiming or releasing twice for one ticket changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from shared.adapters.items import HelpdeskItem, TicketItem
from shared.adapters.sla_index import due_bound
from shared.adapters.tickets_store import _connection, event_item, sort_time, to_item
from shared.domain.events import AuditEvent
from shared.domain.tickets import Priority, Ticket
from shared.errors import VersionConflict

CONFIG = "CONFIG"
AGENT_LOAD = "AGENT_LOAD"
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


MODELS = (ConfigItem, AgentLoadItem, LoadClaimItem, TeamWaitItem, RoundRobinItem)


def bind_models() -> None:
    """These models share HelpdeskItem's Meta (bound by `bind_tables`); drop any connection to an older binding."""
    for model in MODELS:
        model._connection = None


class CapacityTaken(Exception):
    """The chosen agent's last slot went to another ticket first: choose again with fresh loads."""


class QueueEntryGone(Exception):
    """Another assignment took this waiting ticket first."""


@dataclass(frozen=True)
class Claim:
    agent: str
    priority: Priority


@dataclass(frozen=True)
class StoredConfig:
    data: dict[str, Any]
    version: int
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class Wait:
    """A ticket's place in its team's queue (highest priority, then oldest, first)."""

    team: str
    ticket_id: str
    sk: str


@dataclass
class RoutingWrite:
    """Everything one routing decision changes, written in one transaction with the ticket and its events."""

    claim_agent: str | None = None  # the agent whose load the ticket now counts in (None: nobody's)
    capacity: int | None = None  # the claim's hard limit (None: a staff decision, not limited)
    old_claim: Claim | None = None  # the claim read before
    enqueue: str | None = None  # the team whose queue the ticket joins
    dequeue: Wait | None = None  # the queue entry it leaves (must still be there)
    stale_waits: tuple[Wait, ...] = ()  # other queue entries to drop (no condition)
    cursor: tuple[str, str] | None = None  # (team, agent): the round-robin cursor to store


def wait_key(ticket: Ticket) -> str:
    return f"WAIT#{_PRIORITY_RANK[ticket.priority]}#{sort_time(ticket.created_at)}#{ticket.id}"


def _load_key(agent: str) -> tuple[str, str]:
    return AGENT_LOAD, f"AGENT#{agent.lower()}"


class RoutingStore:
    # -- configuration ------------------------------------------------------------------------------
    def get_config(self, name: str) -> StoredConfig | None:
        try:
            item = ConfigItem.get(CONFIG, name)
        except DoesNotExist:
            return None
        return StoredConfig(dict(item.data or {}), int(item.version or 0), item.updated_at, item.updated_by)

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
    def loads(self) -> dict[str, dict[Priority, int]]:
        """Every agent's open tickets by priority: one Query of the counters' partition."""
        loads: dict[str, dict[Priority, int]] = {}
        for item in AgentLoadItem.query(AGENT_LOAD):
            email = item.sk.removeprefix("AGENT#")
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
        result = TeamWaitItem.query(f"TEAM_QUEUE#{team}", page_size=limit, limit=limit)
        return [Wait(team, item.ticket_id, item.sk) for item in result]

    def cursor(self, team: str) -> str | None:
        try:
            return RoundRobinItem.get(ROUND_ROBIN, f"TEAM#{team}").cursor
        except DoesNotExist:
            return None

    def previous_agent(self, requester: str, exclude_ticket: str) -> str | None:
        """Who served the requester last: one Query of their newest tickets."""
        result = TicketItem.by_requester.query(requester.lower(), scan_index_forward=False, page_size=10, limit=10)
        for item in result:
            if item.id != exclude_ticket and item.assignee:
                return str(item.assignee)
        return None

    # -- the sweep's due list ---------------------------------------------------------------------
    def due(self, shard: str, now: datetime, limit: int = 500) -> tuple[list[str], int]:
        """Ticket ids with a checkpoint due by `now` in one shard (the oldest `limit`: the rest wait for the next run),
        and how many index items the Query read."""
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
        entry = TeamWaitItem(f"TEAM_QUEUE#{ticket.team}", wait_key(ticket), ticket_id=ticket.id)
        entry.since = ticket.created_at
        entry.save()

    def dequeue(self, wait: Wait) -> None:
        TeamWaitItem(f"TEAM_QUEUE#{wait.team}", wait.sk).delete()

    def move_claim(self, ticket: Ticket, old: Claim | None, agent: str | None) -> None:
        """Count the ticket in `agent`'s load instead of `old`'s (either may be None), conditioned on the claim read:
        a staff decision (manual assignment, resolution), so the new agent's capacity does not limit it."""
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        try:
            with TransactWrite(connection=_connection()) as tx:
                if agent is None and old is not None:
                    tx.delete(LoadClaimItem(*claim_key), condition=LoadClaimItem.agent == old.agent)
                elif agent is not None:
                    claim = LoadClaimItem(*claim_key, agent=agent.lower(), priority=ticket.priority.value)
                    cond = LoadClaimItem.pk.does_not_exist() if old is None else LoadClaimItem.agent == old.agent
                    tx.save(claim, condition=cond)
                    tx.update(AgentLoadItem(*_load_key(agent)), actions=_load_actions(ticket.priority, 1))
                if old is not None:
                    tx.update(AgentLoadItem(*_load_key(old.agent)), actions=_load_actions(old.priority, -1))
        except TransactWriteError as error:
            if any(r and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons):
                raise VersionConflict("the ticket's load claim changed") from error
            raise

    def reweigh_claim(self, ticket: Ticket, old: Claim) -> None:
        """The ticket's priority changed while held: it weighs in its agent's load at the new one (the count of open
        tickets, what capacity limits, stays). One item, so one update moves both counters."""
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        new_field = getattr(AgentLoadItem, ticket.priority.value.lower())
        old_field = getattr(AgentLoadItem, old.priority.value.lower())
        try:
            with TransactWrite(connection=_connection()) as tx:
                claim = LoadClaimItem(*claim_key, agent=old.agent, priority=ticket.priority.value)
                tx.save(claim, condition=(LoadClaimItem.agent == old.agent) & (LoadClaimItem.priority == old.priority))
                tx.update(AgentLoadItem(*_load_key(old.agent)), actions=[new_field.add(1), old_field.add(-1)])
        except TransactWriteError as error:
            if any(r and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons):
                raise VersionConflict("the ticket's load claim changed") from error
            raise

    # -- writing ----------------------------------------------------------------------------------
    def save(self, ticket: Ticket, events: list[AuditEvent], routing: RoutingWrite | None = None) -> None:
        """The ticket (conditioned on its version), its events and the routing changes, in one transaction.

        Raises `VersionConflict` (the ticket changed), `CapacityTaken` (the agent filled up) or `QueueEntryGone`.
        """
        item = to_item(ticket)
        routing = routing or RoutingWrite()
        # TransactWriteItems orders conditions checks, deletes, puts, updates: labels follow that order.
        deletes: list[tuple[str, Any, Any]] = []
        puts: list[tuple[str, Any, Any]] = [("ticket", item, None)]
        puts += [("event", event_item(e), None) for e in events]
        updates: list[tuple[str, Any, list[Any], Any]] = []
        old, new = routing.old_claim, routing.claim_agent
        claim_key = (f"TICKET#{ticket.id}", CLAIM_SK)
        if old is not None and new is not None and old.agent == new.lower():
            pass  # the ticket already counts in this agent's load (at the priority it was claimed with)
        elif new is not None:
            claim = LoadClaimItem(*claim_key, agent=new.lower(), priority=ticket.priority.value)
            condition = LoadClaimItem.pk.does_not_exist() if old is None else LoadClaimItem.agent == old.agent
            puts.append(("claim", claim, condition))
            if old is not None:
                updates.append(("release", AgentLoadItem(*_load_key(old.agent)), _load_actions(old.priority, -1), None))
            limit = None
            if routing.capacity is not None:
                limit = AgentLoadItem.open.does_not_exist() | (AgentLoadItem.open < routing.capacity)
            updates.append(("capacity", AgentLoadItem(*_load_key(new)), _load_actions(ticket.priority, 1), limit))
        elif old is not None:
            deletes.append(("claim", LoadClaimItem(*claim_key), LoadClaimItem.agent == old.agent))
            updates.append(("release", AgentLoadItem(*_load_key(old.agent)), _load_actions(old.priority, -1), None))
        if routing.dequeue is not None:
            wait = routing.dequeue
            deletes.append(("queue", TeamWaitItem(f"TEAM_QUEUE#{wait.team}", wait.sk), TeamWaitItem.pk.exists()))
        for wait in routing.stale_waits:
            deletes.append(("stale", TeamWaitItem(f"TEAM_QUEUE#{wait.team}", wait.sk), None))
        if routing.enqueue is not None:
            entry = TeamWaitItem(f"TEAM_QUEUE#{routing.enqueue}", wait_key(ticket), ticket_id=ticket.id)
            entry.since = ticket.created_at
            puts.append(("enqueue", entry, None))
        if routing.cursor is not None:
            team, agent = routing.cursor
            puts.append(("cursor", RoundRobinItem(ROUND_ROBIN, f"TEAM#{team}", cursor=agent), None))
        labels = [d[0] for d in deletes] + [p[0] for p in puts] + [u[0] for u in updates]
        try:
            with TransactWrite(connection=_connection()) as tx:
                for _, model, condition in deletes:
                    tx.delete(model, condition=condition)
                for _, model, condition in puts:
                    tx.save(model, condition=condition)
                for _, model, actions, condition in updates:
                    tx.update(model, actions=actions, condition=condition)
        except TransactWriteError as error:
            failed = [
                labels[i]
                for i, r in enumerate(error.cancellation_reasons)
                if r and r.code == "ConditionalCheckFailed" and i < len(labels)
            ]
            if "ticket" in failed or "claim" in failed:
                raise VersionConflict("the ticket was changed by someone else; reload it") from error
            if "capacity" in failed:
                raise CapacityTaken(new or "") from error
            if "queue" in failed:
                raise QueueEntryGone(ticket.id) from error
            raise
        ticket.version = int(item.version)


def _load_actions(priority: Priority, delta: int) -> list[Any]:
    field = getattr(AgentLoadItem, priority.value.lower())
    return [AgentLoadItem.open.add(delta), field.add(delta), AgentLoadItem.kind.set(AgentLoadItem)]
