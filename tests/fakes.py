"""In-memory implementations of the services' ports (shared/services/ports.py), for unit tests of the services.

They keep the adapters' contracts that the services rely on: a ticket write is all or nothing and conditioned on the
version read; a claim (Idempotency-Key, Message-ID, load claim) is taken once; an agent's capacity is a hard limit;
a list is newest first. `InMemoryStore` holds the state; each port is a thin view on it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from shared.domain.assignment import Claim, RoutingWrite, Wait
from shared.domain.directory import Agent, Availability, Team
from shared.domain.events import AuditEvent, Message
from shared.domain.mail.records import MailFiles, Rejection
from shared.domain.mail.threads import TicketParties
from shared.domain.reports.facts import CreationRecord, RowKey
from shared.domain.reports.report import Span
from shared.domain.reports.rollup import FactsRead, Rollup, RollupKey, StoredFacts, next_window, window_of
from shared.domain.requests import IdempotencyClaim, Key, Page
from shared.domain.settings import StoredConfig
from shared.domain.tickets import Channel, Priority, Ticket
from shared.domain.wechat.api import CachedToken
from shared.domain.wechat.followers import Follower
from shared.errors import (
    AlreadyClaimed,
    CapacityTaken,
    FollowerChanged,
    InvalidInput,
    QueueEntryGone,
    VersionConflict,
)
from shared.services.ports import WritePart

_RANK = {Priority.P1: 1, Priority.P2: 2, Priority.P3: 3, Priority.P4: 4}


@dataclass
class FakePart:
    """A part of a fake transaction: a condition (None when it holds, else the exception it means) and a change."""

    condition: Callable[[], Exception | None]
    apply: Callable[[], None]


def _holds() -> None:
    return None


@dataclass
class InMemoryStore:
    tickets: dict[str, Ticket] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    counters: dict[date, int] = field(default_factory=dict)
    events: dict[str, list[AuditEvent]] = field(default_factory=dict)
    messages: dict[str, list[tuple[int, Message]]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    inbox: dict[str, list[tuple[str, str, datetime, dict[str, Any]]]] = field(default_factory=dict)
    read: set[tuple[str, str]] = field(default_factory=set)  # (recipient, notification key) marked read
    configs: dict[str, StoredConfig] = field(default_factory=dict)
    loads: dict[str, dict[Priority, int]] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    waits: dict[str, dict[str, str]] = field(default_factory=dict)  # team -> sort key -> ticket id
    cursors: dict[str, str] = field(default_factory=dict)
    mail_ids: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # -> ticket, message, raw
    mail_roots: dict[str, str] = field(default_factory=dict)
    mail_files: dict[tuple[str, str], MailFiles] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    undeliverable: dict[str, str] = field(default_factory=dict)
    slots: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    followers: dict[str, Follower] = field(default_factory=dict)
    wechat_claims: dict[str, tuple[str, str]] = field(default_factory=dict)
    token: CachedToken | None = None
    writes: int = 0  # committed transactions


class InMemoryWriter:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def write(
        self, ticket: Ticket, events: Sequence[AuditEvent], parts: Sequence[WritePart] = (), *, create: bool = False
    ) -> None:
        store = self._store
        stored = store.tickets.get(ticket.id)

        def ticket_condition() -> Exception | None:
            if create:
                exists = stored is not None or ticket.number in store.numbers
                return AlreadyClaimed("the ticket exists already") if exists else None
            if stored is None or stored.version != ticket.version:
                return VersionConflict("the ticket was changed by someone else; reload it")
            return None

        def apply() -> None:
            saved = copy.deepcopy(ticket)
            saved.version = ticket.version + 1
            store.tickets[ticket.id] = saved
            if create:
                store.numbers[ticket.number] = ticket.id
            store.events.setdefault(ticket.id, []).extend(events)

        self.commit([*parts, FakePart(ticket_condition, apply)])
        ticket.version += 1

    def commit(self, parts: Sequence[WritePart]) -> None:
        fakes = [_fake(part) for part in parts]
        for part in fakes:
            failure = part.condition()
            if failure is not None:
                raise failure
        for part in fakes:
            part.apply()
        self._store.writes += 1


def _fake(part: WritePart) -> FakePart:
    assert isinstance(part, FakePart), f"not a part of the in-memory store: {part!r}"
    return part


class InMemoryTickets:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def get(self, ticket_id: str) -> Ticket | None:
        found = self._store.tickets.get(ticket_id)
        return copy.deepcopy(found) if found is not None else None

    def get_many(self, ticket_ids: Sequence[str]) -> dict[str, Ticket]:
        return {i: copy.deepcopy(t) for i in ticket_ids if (t := self._store.tickets.get(i)) is not None}

    def ticket_id_for_number(self, number: str) -> str | None:
        return self._store.numbers.get(number)

    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        self._store.counters[local_day] = self._store.counters.get(local_day, 0) + count
        return self._store.counters[local_day]

    def list_tickets(
        self,
        view: str,
        owner: str | None,
        limit: int,
        start: Key | None,
        statuses: list[str],
        priorities: list[str],
        filters: Any = None,
    ) -> Page:
        def belongs(t: Ticket) -> bool:
            return {
                "requested": t.requester.email == owner,
                "mine": (t.assignee or "").lower() == (owner or ""),
                "unassigned": not t.assignee and t.is_open,
                "team": t.team == owner,
                "all": True,
                "at_risk": t.is_open and t.sla.warned and not t.sla.breached,
                "breached": t.is_open and t.sla.breached,
            }[view]

        found = sorted(
            (t for t in self._store.tickets.values() if belongs(t)),
            key=lambda t: (t.created_at, t.id),
            reverse=True,
        )
        found = [
            t
            for t in found
            if (not statuses or t.status.value in statuses)
            and (not priorities or t.priority.value in priorities)
            and (filters is None or filters.matches(t))
        ]
        offset = int((start or {}).get("offset", 0))
        page = found[offset : offset + limit]
        more = offset + limit < len(found)
        return Page([copy.deepcopy(t) for t in page], {"offset": offset + limit} if more else None)

    def list_messages(self, ticket_id: str, limit: int, start: Key | None, include_internal: bool) -> Page:
        messages = [m for _, m in sorted(self._store.messages.get(ticket_id, []), key=lambda pair: pair[0])]
        messages = [m for m in messages if include_internal or not m.internal]
        offset = int((start or {}).get("offset", 0))
        more = offset + limit < len(messages)
        return Page(messages[offset : offset + limit], {"offset": offset + limit} if more else None)

    def get_message(self, ticket_id: str, ticket_version: int, message_id: str) -> Message | None:
        return next(
            (m for v, m in self._store.messages.get(ticket_id, []) if v == ticket_version and m.id == message_id),
            None,
        )

    def list_events(self, ticket_id: str, limit: int, start: Key | None) -> Page:
        events = self._store.events.get(ticket_id, [])
        offset = int((start or {}).get("offset", 0))
        more = offset + limit < len(events)
        return Page(events[offset : offset + limit], {"offset": offset + limit} if more else None)

    def find_claim(self, claim: IdempotencyClaim) -> tuple[str, str] | None:
        return self._store.idempotency.get((claim.owner, claim.key))

    def team_has_open_tickets(self, team: str) -> bool:
        return any(t.team == team and t.is_open for t in self._store.tickets.values())

    def message_part(self, message: Message, ticket: Ticket) -> FakePart:
        version = ticket.version + 1
        return FakePart(
            _holds, lambda: self._store.messages.setdefault(message.ticket_id, []).append((version, message))
        )

    def ticket_part(self, ticket: Ticket, events: Sequence[AuditEvent]) -> list[FakePart]:
        stored = self._store.tickets.get(ticket.id)

        def same() -> Exception | None:
            changed = stored is None or stored.version != ticket.version
            return VersionConflict("the other ticket changed") if changed else None

        def apply() -> None:
            saved = copy.deepcopy(ticket)
            saved.version = ticket.version + 1
            self._store.tickets[ticket.id] = saved
            self._store.events.setdefault(ticket.id, []).extend(events)

        return [FakePart(same, apply)]

    def copied_message_part(self, message: Message, target: Ticket, position: int, source_number: str) -> FakePart:
        copy_ = replace(message, ticket_id=target.id, merged_from=source_number)
        version = target.version + 1
        return FakePart(_holds, lambda: self._store.messages.setdefault(target.id, []).append((version, copy_)))

    def delivery_part(self, ticket_id: str, ticket_version: int, message_id: str, delivery: dict[str, Any]) -> FakePart:
        pairs = self._store.messages.get(ticket_id, [])
        index = next((i for i, (v, m) in enumerate(pairs) if v == ticket_version and m.id == message_id), None)

        def marked() -> Exception | None:
            if index is None or pairs[index][1].delivery is not None:
                return AlreadyClaimed(f"delivery of {message_id}")
            return None

        def apply() -> None:
            assert index is not None
            version, message = pairs[index]
            pairs[index] = (version, replace(message, delivery=delivery))

        return FakePart(marked, apply)

    def idempotency_part(self, claim: IdempotencyClaim, ticket_id: str, now: datetime) -> FakePart:
        key = (claim.owner, claim.key)

        def taken() -> Exception | None:
            return AlreadyClaimed("Idempotency-Key") if key in self._store.idempotency else None

        return FakePart(taken, lambda: self._store.idempotency.__setitem__(key, (ticket_id, claim.request_hash)))

    def directory_checks(self, requires: dict[str, str]) -> list[WritePart]:
        parts: list[WritePart] = []
        for name, value in requires.items():
            known = self._store.agents if name == "assignee" else self._store.teams
            key = value.lower() if name == "assignee" else value

            def missing(name: str = name, value: str = value, known: Mapping[str, Any] = known, key: str = key) -> Any:
                return None if key in known else InvalidInput(f"no such {name}: {value!r}", field=name)

            parts.append(FakePart(missing, lambda: None))
        return parts


class InMemoryDirectory:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def list_all(self) -> tuple[list[Agent], list[Team]]:
        agents = [copy.deepcopy(a) for a in self._store.agents.values()]
        teams = [
            replace(t, members=sorted(a.email for a in agents if t.id in a.teams)) for t in self._store.teams.values()
        ]
        return agents, teams

    def get_agent(self, email: str) -> Agent | None:
        found = self._store.agents.get(email.lower())
        return copy.deepcopy(found) if found else None

    def put_agent(self, agent: Agent) -> None:
        self._store.agents[agent.email.lower()] = copy.deepcopy(agent)

    def add_agent(self, agent: Agent) -> bool:
        if agent.email.lower() in self._store.agents:
            return False
        self.put_agent(agent)
        return True

    def update_profile(self, agent: Agent, availability: Availability | None = None) -> Agent | None:
        current = self._store.agents.get(agent.email.lower())
        if current is None:
            return None
        updated = replace(agent, availability=availability or current.availability)
        self.put_agent(updated)
        return updated

    def set_availability(self, email: str, availability: Availability) -> Agent | None:
        current = self._store.agents.get(email.lower())
        if current is None:
            return None
        current.availability = availability
        return copy.deepcopy(current)

    def remove_agent(self, email: str) -> None:
        self._store.agents.pop(email.lower(), None)

    def get_team(self, team_id: str) -> Team | None:
        return self._store.teams.get(team_id)

    def put_team(self, team: Team) -> None:
        self._store.teams[team.id] = team

    def remove_team(self, team_id: str) -> None:
        self._store.teams.pop(team_id, None)


class InMemoryInbox:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def add(self, recipient: str, event_id: str, kind: str, at: datetime, ticket: dict[str, Any]) -> bool:
        notices = self._store.inbox.setdefault(recipient.lower(), [])
        if any(key == event_id for key, _, _, _ in notices):
            return False
        notices.append((event_id, kind, at, ticket))
        return True

    def kinds(self, recipient: str) -> list[tuple[str, str]]:
        """(kind, ticket number) of a person's notices, oldest first."""
        return [(kind, ticket["number"]) for _, kind, _, ticket in self._store.inbox.get(recipient.lower(), [])]

    def mark_read(self, recipient: str, ids: Sequence[str]) -> int:
        marked = set(ids) & {key for key, _, _, _ in self._store.inbox.get(recipient.lower(), [])}
        self._store.read |= {(recipient.lower(), key) for key in marked}
        return len(marked)

    def mark_all_read(self, recipient: str) -> int:
        return self.mark_read(recipient, [key for key, _, _, _ in self._store.inbox.get(recipient.lower(), [])])

    def list(  # last: it shadows `list` below it
        self, recipient: str, limit: int, start: Key | None, unread: bool = False
    ) -> Page:
        who = recipient.lower()
        notices = list(reversed(self._store.inbox.get(who, [])))
        if unread:
            notices = [n for n in notices if (who, n[0]) not in self._store.read]
        return Page(notices[:limit], None)


def _is_chat(ticket: Ticket) -> bool:
    return ticket.channel is Channel.CHAT


def _pooled(agent: str, chat: bool) -> str:
    """Live chats count apart from tickets (routing_store's AGENTCHAT#<email>)."""
    return f"chat:{agent.lower()}" if chat else agent.lower()


class InMemoryRouting:
    """Configuration, loads, load claims, team queues and cursors; the sweep's due list over the tickets."""

    def __init__(self, store: InMemoryStore, writer: InMemoryWriter) -> None:
        self._store = store
        self._writer = writer

    # -- configuration
    def get_config(self, name: str) -> StoredConfig | None:
        return self._store.configs.get(name)

    def get_configs(self, names: Sequence[str]) -> dict[str, StoredConfig]:
        return {name: self._store.configs[name] for name in names if name in self._store.configs}

    def put_config(
        self, name: str, data: dict[str, Any], expected_version: int | None, who: str, now: datetime
    ) -> StoredConfig:
        current = self._store.configs.get(name)
        version = current.version if current else 0
        if expected_version is not None and expected_version != version:
            raise VersionConflict(f"the configuration is at version {version}, not {expected_version}; reload it")
        stored = StoredConfig(copy.deepcopy(data), version + 1, now, who)
        self._store.configs[name] = stored
        return stored

    # -- loads and claims
    def loads(self, agents: Iterable[str], chat: bool = False) -> Mapping[str, Mapping[Priority, int]]:
        wanted = {_pooled(a, chat) for a in agents}
        return {agent.removeprefix("chat:"): dict(by) for agent, by in self._store.loads.items() if agent in wanted}

    def claim_of(self, ticket_id: str) -> Claim | None:
        return self._store.claims.get(ticket_id)

    def _add_load(self, agent: str, priority: Priority, delta: int, chat: bool = False) -> None:
        by = self._store.loads.setdefault(_pooled(agent, chat), dict.fromkeys(Priority, 0))
        by[priority] += delta

    def _claim_is(self, ticket_id: str, agent: str | None) -> Callable[[], Exception | None]:
        def check() -> Exception | None:
            claim = self._store.claims.get(ticket_id)
            held = claim.agent if claim else None
            return None if held == agent else VersionConflict("the ticket's load claim changed")

        return check

    def move_claim(self, ticket: Ticket, old: Claim | None, agent: str | None) -> None:
        def apply() -> None:
            if old is not None:
                self._add_load(old.agent, old.priority, -1, _is_chat(ticket))
            if agent is None:
                self._store.claims.pop(ticket.id, None)
            else:
                self._store.claims[ticket.id] = Claim(agent.lower(), ticket.priority)
                self._add_load(agent, ticket.priority, 1, _is_chat(ticket))

        self._writer.commit([FakePart(self._claim_is(ticket.id, old.agent if old else None), apply)])

    def reweigh_claim(self, ticket: Ticket, old: Claim) -> None:
        def apply() -> None:
            self._add_load(old.agent, old.priority, -1, _is_chat(ticket))
            self._add_load(old.agent, ticket.priority, 1, _is_chat(ticket))
            self._store.claims[ticket.id] = Claim(old.agent, ticket.priority)

        self._writer.commit([FakePart(self._claim_is(ticket.id, old.agent), apply)])

    # -- queues and cursors
    def waiting(self, team: str, limit: int = 25) -> list[Wait]:
        entries = sorted(self._store.waits.get(team, {}).items())[:limit]
        return [Wait(team, ticket_id, sk) for sk, ticket_id in entries]

    def cursor(self, team: str) -> str | None:
        return self._store.cursors.get(team)

    def save_cursor(self, team: str, agent: str) -> None:
        self._store.cursors[team] = agent

    def previous_agent(self, requester: str, exclude_ticket: str) -> str | None:
        mine = sorted(
            (t for t in self._store.tickets.values() if t.requester.email == requester.lower()),
            key=lambda t: t.created_at,
            reverse=True,
        )
        return next((t.assignee for t in mine[:10] if t.id != exclude_ticket and t.assignee), None)

    @staticmethod
    def wait_key(ticket: Ticket) -> str:
        return f"WAIT#{_RANK[ticket.priority]}#{ticket.created_at.isoformat()}#{ticket.id}"

    def enqueue(self, ticket: Ticket) -> None:
        self._store.waits.setdefault(ticket.team or "", {})[self.wait_key(ticket)] = ticket.id

    def dequeue(self, wait: Wait) -> None:
        self._store.waits.get(wait.team, {}).pop(wait.sk, None)

    def parts(self, ticket: Ticket, routing: RoutingWrite) -> list[WritePart]:
        old, new = routing.old_claim, routing.claim_agent
        parts: list[WritePart] = []
        if new is not None and not (old is not None and old.agent == new.lower()):
            capacity = routing.capacity

            def room() -> Exception | None:
                held = self._store.claims.get(ticket.id)
                if (held.agent if held else None) != (old.agent if old else None):
                    return VersionConflict("the ticket was changed by someone else; reload it")
                load = sum(self._store.loads.get(_pooled(new, _is_chat(ticket)), {}).values())
                return CapacityTaken(new) if capacity is not None and load >= capacity else None

            def claim() -> None:
                if old is not None:
                    self._add_load(old.agent, old.priority, -1, _is_chat(ticket))
                self._store.claims[ticket.id] = Claim(new.lower(), ticket.priority)
                self._add_load(new, ticket.priority, 1, _is_chat(ticket))

            parts.append(FakePart(room, claim))
        elif new is None and old is not None:

            def release() -> None:
                self._store.claims.pop(ticket.id, None)
                self._add_load(old.agent, old.priority, -1, _is_chat(ticket))

            parts.append(FakePart(self._claim_is(ticket.id, old.agent), release))
        if routing.dequeue is not None:
            wait = routing.dequeue

            def still_there() -> Exception | None:
                return None if wait.sk in self._store.waits.get(wait.team, {}) else QueueEntryGone(ticket.id)

            parts.append(FakePart(still_there, lambda: self.dequeue(wait)))
        parts += [FakePart(_holds, partial(self.dequeue, stale)) for stale in routing.stale_waits]
        if routing.enqueue is not None:
            team, key = routing.enqueue, self.wait_key(ticket)
            parts.append(FakePart(_holds, lambda: self._store.waits.setdefault(team, {}).__setitem__(key, ticket.id)))
        return parts

    # -- the sweep's due list (one shard)
    def due(self, now: datetime, limit: int = 500) -> tuple[list[str], int, int]:
        due = [t for t in self._store.tickets.values() if t.sweep_due_at is not None and t.sweep_due_at <= now]
        due.sort(key=lambda t: t.sweep_due_at or now)
        return [t.id for t in due[:limit]], len(due[:limit]), 1


class InMemoryMail:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def ticket_for_message_id(self, message_id: str) -> str | None:
        found = self._store.mail_ids.get(message_id.strip())
        return found[0] if found else None

    def parties_by_number(self, number: str) -> TicketParties | None:
        ticket_id = self._store.numbers.get(number)
        ticket = self._store.tickets.get(ticket_id or "")
        return TicketParties(ticket.id, ticket.requester.email, tuple(ticket.cc)) if ticket else None

    def claimed(self, message_id: str) -> tuple[str, str | None] | None:
        found = self._store.mail_ids.get(message_id.strip())
        return (found[0], found[2]) if found else None

    def thread_root(self, ticket_id: str) -> str | None:
        return self._store.mail_roots.get(ticket_id)

    def claim_parts(
        self, mail_ids: list[str], ticket_id: str, message_id: str, files: MailFiles | None
    ) -> list[WritePart]:
        parts: list[WritePart] = []
        for mail_id in mail_ids:
            key = mail_id.strip()

            def taken(key: str = key) -> Exception | None:
                return AlreadyClaimed(key) if key in self._store.mail_ids else None

            record = (ticket_id, message_id, files.raw_key if files else None)
            parts.append(FakePart(taken, partial(self._store.mail_ids.__setitem__, key, record)))
        return parts

    def files_part(self, message: Message, ticket: Ticket, files: MailFiles) -> WritePart:
        stored = replace(files, internal=message.internal)
        return FakePart(_holds, lambda: self._store.mail_files.__setitem__((ticket.id, message.id), stored))

    def web_files_part(
        self, ticket_id: str, message_id: str, ticket_version: int, attachments: list[dict[str, Any]], internal: bool
    ) -> WritePart:
        stored = MailFiles(None, list(attachments), internal)
        return FakePart(_holds, lambda: self._store.mail_files.__setitem__((ticket_id, message_id), stored))

    def root_part(self, ticket_id: str, root_message_id: str) -> WritePart:
        return FakePart(_holds, lambda: self._store.mail_roots.__setitem__(ticket_id, root_message_id))

    def remember_outbound(self, message_ids: list[str], ticket_id: str) -> None:
        for message_id in message_ids:
            self._store.mail_ids.setdefault(message_id, (ticket_id, None, None))

    def record_rejection(self, rejection: Rejection) -> None:
        self._store.rejections.append(rejection)

    def mark_undeliverable(self, address: str, reason: str, detail: str, at: datetime) -> None:
        self._store.undeliverable[address.lower()] = reason

    def undeliverable(self, address: str) -> Any:
        return self._store.undeliverable.get(address.lower())

    def claim_slot(self, what: str, who: str, window: str, token: str, limit: int, expires_at: datetime) -> bool:
        served = self._store.slots.setdefault((what, who.lower(), window), set())
        if token in served:
            return True
        if len(served) >= limit:
            return False
        served.add(token)
        return True

    def mail_files(self, ticket_id: str, message_id: str) -> MailFiles | None:
        return self._store.mail_files.get((ticket_id, message_id))

    def list_rejections(self, day: date, limit: int, start: Key | None = None) -> Page:
        return Page([r for r in self._store.rejections if r.at.date() == day][:limit], None)


class InMemoryReports:
    """Report facts as records keyed on the event (shard and window of their write time), the rollups with their
    folded windows and version, the progress, creation records and answers."""

    SHARDS = 4

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.facts: dict[str, StoredFacts] = {}  # event id -> its record
        self.rollup_items: dict[RollupKey, Rollup] = {}
        self.folded: tuple[dict[str, str], int | None] = ({}, None)
        self.records: dict[str, CreationRecord] = {}
        self.answer_rows: dict[tuple[date, str], dict[str, Any]] = {}

    # -- facts -----------------------------------------------------------------------------------------------------
    def fact_shards(self) -> list[str]:
        return [str(n) for n in range(self.SHARDS)]

    def creation_record(self, ticket_id: str) -> CreationRecord | None:
        return self.records.get(ticket_id)

    def keep_creation_record(self, ticket_id: str, record: CreationRecord) -> None:
        self.records.setdefault(ticket_id, record)

    def _record(
        self, event_id: str, rows: Mapping[tuple[date, RowKey], Mapping[str, int]], now: datetime
    ) -> StoredFacts:
        shard = str(int(hashlib.sha256(event_id.encode()).hexdigest()[:8], 16) % self.SHARDS)
        kept = tuple((day, row, dict(counters)) for (day, row), counters in rows.items())
        return StoredFacts(event_id, shard, window_of(now), kept)

    def put_facts(self, event_id: str, rows: Mapping[tuple[date, RowKey], Mapping[str, int]], now: datetime) -> bool:
        if event_id in self.facts:
            return False
        self.facts[event_id] = self._record(event_id, rows, now)
        return True

    def fact_parts(
        self,
        event_id: str,
        rows: Mapping[tuple[date, RowKey], Mapping[str, int]],
        now: datetime,
        ticket_id: str,
        record: CreationRecord | None = None,
        record_before: CreationRecord | None = None,
        answer: tuple[date, dict[str, Any]] | None = None,
        answer_before: date | None = None,
    ) -> list[WritePart]:
        def claimed() -> Exception | None:
            return AlreadyClaimed(event_id) if event_id in self.facts else None

        def record_changed() -> Exception | None:
            return None if self.records.get(ticket_id) == record_before else VersionConflict(ticket_id)

        def apply() -> None:
            self.facts[event_id] = self._record(event_id, rows, now)
            if record is not None:
                self.records[ticket_id] = record
            if answer_before is not None:
                self.answer_rows.pop((answer_before, ticket_id), None)
            if answer is not None:
                self.answer_rows[(answer[0], ticket_id)] = answer[1]

        conditions = [FakePart(claimed, apply)]
        if record is not None:
            conditions.append(FakePart(record_changed, lambda: None))
        return list(conditions)

    def facts_after(self, after: Mapping[str, str], through: str, limit: int | None = None) -> FactsRead:
        found: list[StoredFacts] = []
        last: dict[str, str] = {}
        cut = False
        for shard, since in after.items():
            mine = sorted(
                (f for f in self.facts.values() if f.shard == shard and next_window(since) <= f.window <= through),
                key=lambda f: (f.window, f.event_id),
            )
            last[shard] = through
            if limit is not None and len(mine) > limit:
                keep = [f for f in mine if f.window <= mine[limit - 1].window]
                if len(keep) < len(mine):
                    mine, last[shard], cut = keep, keep[-1].window, True
            found += mine
        return FactsRead(found, last, cut)

    def answers(self, span: Span, limit: int = 100) -> list[dict[str, Any]]:
        found = [a for (day, _), a in sorted(self.answer_rows.items(), reverse=True) if span.start <= day <= span.end]
        return found[:limit]

    # -- rollups ---------------------------------------------------------------------------------------------------
    def progress(self) -> tuple[dict[str, str], int | None]:
        return dict(self.folded[0]), self.folded[1]

    def save_progress(self, folded: Mapping[str, str], version: int | None) -> bool:
        if version != self.folded[1]:
            return False
        self.folded = (dict(folded), (version or 0) + 1)
        return True

    def rollup(self, key: RollupKey) -> Rollup | None:
        found = self.rollup_items.get(key)
        return copy.deepcopy(found) if found is not None else None

    def save_rollup(self, rollup: Rollup) -> bool:
        stored = self.rollup_items.get(rollup.key)
        if (stored.version if stored is not None else None) != rollup.version:
            return False
        saved = copy.deepcopy(rollup)
        saved.version = (rollup.version or 0) + 1
        self.rollup_items[rollup.key] = saved
        return True

    def rollups(self, span: Span, totals_only: bool = False) -> list[Rollup]:
        return [
            copy.deepcopy(r)
            for key, r in sorted(self.rollup_items.items(), key=lambda pair: str(pair[0]))
            if span.start <= key.day <= span.end and (not totals_only or key.group == "total")
        ]


class InMemoryFollowers:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def follower(self, openid: str) -> Follower | None:
        return self._store.followers.get(openid)

    def save(self, follower: Follower) -> None:
        current = self._store.followers.get(follower.openid)
        keep = current.current_ticket if current else None
        name = follower.name if follower.named_by_staff or current is None else current.name
        self._store.followers[follower.openid] = replace(follower, current_ticket=keep, name=name)

    def follower_part(self, follower: Follower, expected_ticket: str | None) -> WritePart:
        def moved() -> Exception | None:
            current = self._store.followers.get(follower.openid)
            now_at = current.current_ticket if current else None
            return FollowerChanged(follower.openid) if now_at != expected_ticket else None

        return FakePart(moved, lambda: self._store.followers.__setitem__(follower.openid, follower))

    def claimed(self, key: str) -> str | None:
        found = self._store.wechat_claims.get(key)
        return found[0] if found else None

    def claim_part(self, key: str, ticket_id: str, message_id: str) -> WritePart:
        def taken() -> Exception | None:
            return AlreadyClaimed(key) if key in self._store.wechat_claims else None

        return FakePart(taken, lambda: self._store.wechat_claims.__setitem__(key, (ticket_id, message_id)))


class InMemoryTokenCache:
    """The shared token with its lease; `leases` counts the leases taken (one renewal each)."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.leases = 0

    def cached(self) -> CachedToken | None:
        return self._store.token

    def take_lease(self, owner: str, now: datetime, until: datetime) -> bool:
        current = self._store.token or CachedToken(None, None)
        if current.lease_until is not None and current.lease_until >= now:
            return False
        self._store.token = replace(current, lease_owner=owner, lease_until=until)
        self.leases += 1
        return True

    def put_token(self, token: str, valid_until: datetime, owner: str) -> None:
        self._store.token = CachedToken(token, valid_until)

    def release(self, owner: str) -> None:
        current = self._store.token
        if current is not None and current.lease_owner == owner:
            self._store.token = replace(current, lease_owner=None, lease_until=None)


class InMemoryBlobs:
    bucket = "mail"

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def get(self, key: str, bucket: str | None = None) -> bytes | None:
        found = self.objects.get(key)
        return found[0] if found else None

    def size(self, key: str, bucket: str | None = None) -> int | None:
        found = self.objects.get(key)
        return len(found[0]) if found else None

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def presign(
        self,
        key: str,
        ttl: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        disposition: str = "attachment",
    ) -> str:
        return f"memory://{key}"


class InMemoryWorkLists:
    """The sub-task and collaboration lists: (view, owner) -> ticket ids, changed by parts of the ticket's write."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.entries: dict[tuple[str, str], set[str]] = {}

    def work_parts(self, before: Ticket | None, after: Ticket) -> list[FakePart]:
        from shared.domain.collab import work_lists

        old = work_lists(before) if before is not None else set()
        new = work_lists(after)

        def apply() -> None:
            for key in new - old:
                self.entries.setdefault(key, set()).add(after.id)
            for key in old - new:
                self.entries.get(key, set()).discard(after.id)

        return [FakePart(_holds, apply)]

    def list_work(self, view: str, owner: str, limit: int, start: Key | None) -> Page:
        ids = sorted(self.entries.get((view, owner), set()))
        return Page([self._store.tickets[i] for i in ids][:limit], None)


@dataclass
class Desk:
    """Every fake over one store, wired as the container wires the real ones."""

    store: InMemoryStore = field(default_factory=InMemoryStore)

    def __post_init__(self) -> None:
        self.writer = InMemoryWriter(self.store)
        self.tickets = InMemoryTickets(self.store)
        self.directory = InMemoryDirectory(self.store)
        self.inbox = InMemoryInbox(self.store)
        self.work = InMemoryWorkLists(self.store)
        self.routing = InMemoryRouting(self.store, self.writer)
        self.mail = InMemoryMail(self.store)
        self.reports = InMemoryReports(self.store)
        self.blobs = InMemoryBlobs()
        self.followers = InMemoryFollowers(self.store)
        self.tokens = InMemoryTokenCache(self.store)
