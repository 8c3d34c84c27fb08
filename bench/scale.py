"""Partition heat at the target load, replayed against the product's real key functions (no AWS needed).

Every write a ticket's life makes is computed by the product's own code: the domain changes the ticket
(`Ticket.apply_changes`, the SLA keeper), `ticket_mapping.to_item` derives its item and index keys, the stores' key
functions name the other items (numbers, load counters, queue entries, cursors, inbox, claims). Each write's audit
event goes through the report facts' own service (`ReportFactsService.record`), whose fact records, creation records
and survey answers the reports table's store builds (`report_store.fact_item`, `fact_parts`). Each write is then
charged as DynamoDB charges it: write units by item size (1 KB each, doubled inside a transaction) on the base
table's partition key, and on every GSI whose key or projected attributes it changes (`template.yaml`'s indexes,
read from the template itself). Writes are bucketed per second; a key's rate is its busiest second.

Load profile (docs/scale.md): 10 million open tickets held by 5,000 agents in 50 teams (the largest team takes 30%
of new tickets, the rest share the remainder), so agents are at capacity and new tickets wait in team queues;
60% web, 40% email; a sustained 100 new tickets/s with the open tickets' later writes (replies, resolutions, SLA
checkpoints) at the matching rate, and a burst of 1,000 new tickets/s on top; survey answers for 30% of the
resolutions. Reads: the hot ones are the directory (every assignment container re-reads it every DIRECTORY_SECONDS)
and a team's round-robin cursor. The report rollup writes each rollup it touches once a minute: its largest item at
the target load (a day of one agent part) is built from a day of synthetic counters and packed as the store packs it.

Usage: .venv/bin/python bench/scale.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shared.adapters.partitions as partitions  # noqa: E402
import shared.adapters.routing_store as routing_store  # noqa: E402
import shared.adapters.sla_storage as sla_storage  # noqa: E402
import shared.services.numbers as numbers  # noqa: E402
from bench.dynamodb_units import index_writes, item_size, template_gsis, write_units  # noqa: E402
from shared.adapters.report_store import (  # noqa: E402
    ReportStore,
    ReportTicketItem,
    fact_item,
    pack_rollup,
    rollup_keys,
)
from shared.adapters.routing_store import _load_key, _queue_pk  # noqa: E402
from shared.adapters.ticket_mapping import to_item  # noqa: E402
from shared.domain.automations import default_automations, scheduled  # noqa: E402
from shared.domain.events import AuditEvent, EventType  # noqa: E402
from shared.domain.reports.facts import NONE, CreationRecord, bucket_of  # noqa: E402
from shared.domain.reports.rollup import every_key, rollup_key  # noqa: E402
from shared.domain.sla.keeper import refreshed  # noqa: E402
from shared.domain.sla.policy import SlaConfig  # noqa: E402
from shared.domain.tickets import (  # noqa: E402
    Channel,
    FieldChange,
    Person,
    Priority,
    Satisfaction,
    Status,
    StatusEntry,
    Ticket,
    ticket_number,
)
from shared.services.assignment import DIRECTORY_SECONDS  # noqa: E402
from shared.services.numbers import TicketNumbers  # noqa: E402
from shared.services.report_facts import ReportFactsService  # noqa: E402

PARTITION_WCU = 1_000
PARTITION_RCU = 3_000
AGENTS, TEAMS = 5_000, 50
BIG_TEAM_SHARE = 0.30
API_CONTAINERS = 60  # concurrent API function instances at 1,000 creates/s (~60 ms each)
STREAM_CONTAINERS = 30  # one per stream shard of a table taking ~25,000 write units/s
TX_SECONDS = 0.03  # a TransactWriteItems' time in flight, for the conflict estimate
CONFIG = SlaConfig.defaults(10)
AUTOMATIONS = default_automations()  # resolved tickets close after 72 h; waiting ones are reminded and resolved
CLOSES_PER_SECOND = 100  # the closing automation, at the sustained resolution rate (it trails it by 72 hours)
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai


@dataclass
class Meter:
    """Write (and read) units per key per second, and transactional writes per item for the conflict estimate."""

    units: dict[tuple[str, str], dict[int, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    tx_items: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    facts: Any = None  # the report facts' service over a metered store (Facts)

    def charge(self, where: str, key: str, second: int, units: float) -> None:
        self.units[(where, key)][second] += units

    def peak(self, where: str, key: str) -> float:
        return max(self.units[(where, key)].values())


GSIS = template_gsis()
REPORT_GSIS = template_gsis("ReportsTable")
STAFF = Person("agent0000@example.com", "坐席", "agent")


@dataclass(frozen=True)
class Layout:
    """Where the keys go: today's layout, or the one before docs/scale.md's fixes (for the comparison)."""

    before: bool = False

    def load_pk(self, agent: str) -> str:
        return "AGENT_LOAD" if self.before else _load_key(agent)[0]

    def directory_seconds(self) -> float:
        return 2.0 if self.before else DIRECTORY_SECONDS


LAYOUT = Layout()


def use_the_layout_before() -> None:
    """One counter write per ticket, one partition per list, ALL projections, 4 SLA shards, one team queue and one
    load partition, the cursor inside the assigning transaction, the directory re-read every 2 s."""
    global LAYOUT, GSIS
    LAYOUT = Layout(before=True)
    numbers.MAX_BLOCK = 1
    for view in partitions.LIST_SHARDS:
        partitions.LIST_SHARDS[view] = 1
    sla_storage.SHARDS = 4
    routing_store.QUEUE_SHARDS = 1
    GSIS = [replace(g, projection="ALL") if g.projection != "KEYS_ONLY" else g for g in GSIS]


def _attributes(item: Any) -> dict[str, Any]:
    return {name: value for name, value in item.serialize().items()}


def charge_ticket_write(meter: Meter, second: int, before: Any | None, after: Any, transactional: bool = True) -> None:
    """The ticket item itself and every index it enters, leaves or changes in."""
    new = after.serialize()
    meter.charge("table", after.pk, second, write_units(item_size(new), transactional))
    if transactional:
        meter.tx_items[after.pk] += 1
    for index, key, units in index_writes(before.serialize() if before is not None else None, new, GSIS):
        meter.charge(index, key, second, units)


# -- the tickets ------------------------------------------------------------------------------------------------
@dataclass
class Desk:
    rng: random.Random
    numbers: list[TicketNumbers]
    next_id: int = 0

    def team(self) -> str:
        if self.rng.random() < BIG_TEAM_SHARE:
            return "team00"
        return f"team{self.rng.randrange(1, TEAMS):02d}"

    def agent_of(self, team: str) -> str:
        per_team = AGENTS // TEAMS
        return f"agent{int(team[4:]) * per_team + self.rng.randrange(per_team):04d}@example.com"

    def ticket_id(self) -> str:
        self.next_id += 1
        return f"{self.next_id:032x}"


class Counter:
    """The day's number counter: every reservation is one UpdateItem on it."""

    def __init__(self, meter: Meter, clock: list[int]) -> None:
        self._meter, self._clock, self._value = meter, clock, 0

    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        self._meter.charge("table", f"COUNTER#TICKET#{local_day:%Y%m%d}", self._clock[0], 1)
        self._value += count
        return self._value


def new_ticket(desk: Desk, at: datetime, process: int | None) -> Ticket:
    """A ticket created at `at`; numbered by process `process`'s leases (None: one of the open tickets, numbered
    long ago)."""
    channel = Channel.WEB if desk.rng.random() < 0.6 else Channel.EMAIL
    ticket_id = desk.ticket_id()
    local_day = at.astimezone(SHANGHAI).date()
    sequence = desk.numbers[process].next(local_day, at) if process is not None else desk.next_id
    ticket = Ticket(
        id=ticket_id,
        number=ticket_number(local_day, sequence),
        subject="无法登录系统，提示密码错误",
        description="输入正确的密码后仍提示用户名或密码错误，已尝试重置密码。" * 3,
        requester=Person(f"customer{desk.rng.randrange(1_000_000)}@example.com", "客户"),
        created_at=at,
        updated_at=at,
        priority=desk.rng.choice([Priority.P2, Priority.P3, Priority.P3, Priority.P4]),
        channel=channel,
        status_history=[StatusEntry(Status.NEW, at)],
    )
    keep(ticket, at)
    return ticket


def keep(ticket: Ticket, at: datetime, applied: Any = ()) -> list[FieldChange]:
    """What every write keeps in step (shared/services/keeping.py): the SLA, and the next automation, which together
    give the ticket's key in the sweep's due list. Returns the SLA's judgements (met, breached) of this write."""
    ticket.sla, judged = refreshed(ticket, CONFIG, at, applied)
    ticket.automation = scheduled(ticket, AUTOMATIONS, CONFIG.policies.calendars)
    return judged


def write(
    meter: Meter,
    second: int,
    ticket: Ticket,
    change: dict[str, Any],
    at: datetime,
    done: list[FieldChange] | None = None,
    kind: EventType = EventType.TICKET_UPDATED,
    actor: Person = STAFF,
) -> None:
    """One ticket write: the ticket, its audit event, and the report facts the event makes (`done`: changes made to
    the ticket before, e.g. a reply's first response)."""
    before = to_item(ticket)
    applied = [*(done or []), *ticket.apply_changes(change, at)]
    judged = keep(ticket, at, applied)
    event = AuditEvent.of(ticket, kind, actor, at, [*applied, *judged], id=meter.facts.next_id())
    ticket.version += 1
    charge_ticket_write(meter, second, before, to_item(ticket))
    meter.charge("table", f"TICKET#{ticket.id}", second, 1 * 2)  # its audit event, same partition
    meter.facts.record(second, event)


class Facts:
    """The report facts' own service (`ReportFactsService.record`) over a store and writer that charge what they
    would write to the reports table: items built by the real store (`fact_item`, `ReportStore.fact_parts`), the
    `by_window` index from template.yaml."""

    def __init__(self, meter: Meter) -> None:
        self._meter, self._second, self._now, self._ids = meter, 0, START, 0
        self.records: dict[str, CreationRecord] = {}
        self._parts = ReportStore()
        self._service = ReportFactsService(self, self, self, "Asia/Shanghai")

    def next_id(self) -> str:
        self._ids += 1
        return f"e{self._ids:031x}"

    def now(self) -> datetime:  # the service's clock: the write time
        return self._now

    def record(self, second: int, event: AuditEvent) -> None:
        self._second, self._now = second, event.at
        self._service.record(event)

    def _charge(self, attributes: dict[str, Any], transactional: bool) -> None:
        pk = attributes["pk"]["S"]
        self._meter.charge("reports", pk, self._second, write_units(item_size(attributes), transactional))
        if transactional:
            self._meter.tx_items[f"{pk}/{attributes['sk']['S']}"] += 1
        for index, key, units in index_writes(None, attributes, REPORT_GSIS):
            self._meter.charge(index, key, self._second, units)

    # -- the ReportFacts port, as the service uses it
    def creation_record(self, ticket_id: str) -> CreationRecord | None:
        # A ticket from the open millions: created long ago under its team, still waiting for its first agent.
        return self.records.get(ticket_id) or CreationRecord(START.date(), {"team": "team00", "agent": NONE})

    def keep_creation_record(self, ticket_id: str, record: CreationRecord) -> None:
        self.records[ticket_id] = record
        item = ReportTicketItem(f"TICKET#{ticket_id}", "REPORT_FACTS", record=record.to_dict())
        self._charge(item.serialize(), transactional=False)

    def put_facts(self, event_id: str, rows: Any, now: datetime) -> bool:
        self._charge(fact_item(event_id, rows, now).serialize(), transactional=False)
        return True

    def fact_parts(self, *args: Any, **kwargs: Any) -> Any:
        return self._parts.fact_parts(*args, **kwargs)

    # -- the writer's commit
    def commit(self, parts: Any) -> None:
        for part in parts:
            self._charge(part.item.serialize(), transactional=True)
            if part.item.sk == "REPORT_FACTS":
                self.records[part.item.pk.removeprefix("TICKET#")] = CreationRecord.from_dict(part.item.record)


def assigned(meter: Meter, second: int, team: str, agent: str) -> None:
    """What an assignment writes besides the ticket: the agent's load counter (in the transaction), the team's
    round-robin cursor, the agent's in-app notice."""
    meter.charge("table", LAYOUT.load_pk(agent), second, 2)
    meter.tx_items[f"{LAYOUT.load_pk(agent)}/{agent}"] += 1
    cursor = "ROUND_ROBIN" if LAYOUT.before else f"ROUND_ROBIN#{team}"
    meter.charge("table", cursor, second, 2 if LAYOUT.before else 1)
    if LAYOUT.before:  # the cursor was part of the assigning transaction
        meter.tx_items[f"{cursor}/{team}"] += 1
    meter.charge("table", f"INBOX#{agent}", second, 1)


def creation(meter: Meter, desk: Desk, second: int, at: datetime, room: bool) -> None:
    """受理 and 转办: the create transaction; the routing write, which assigns an agent at once when the team has
    room (`room`) or else queues the ticket; the acknowledgment mail's rate slot and idempotency record."""
    process = desk.rng.randrange(len(desk.numbers))
    ticket = new_ticket(desk, at, process)
    item = to_item(ticket)
    charge_ticket_write(meter, second, None, item)
    meter.charge("table", f"NUMBER#{ticket.number}", second, 2)
    meter.charge("table", f"TICKET#{ticket.id}", second, 2)  # the creation event
    customer = Person(ticket.requester.email, ticket.requester.name)
    created = AuditEvent.of(ticket, EventType.TICKET_CREATED, customer, at, [], id=meter.facts.next_id())
    meter.facts.record(second, created)
    if ticket.channel is Channel.EMAIL:
        meter.charge("table", f"MAILID#<{ticket.id}@mail.example.com>", second, 2)
        meter.charge("table", f"TICKET#{ticket.id}", second, 2 * 2)  # the first message and its file index
    team = desk.team()
    if room:
        agent = desk.agent_of(team)
        write(meter, second, ticket, {"team": team, "assignee": agent}, at + timedelta(milliseconds=200))
        assigned(meter, second, team, agent)
    else:
        write(meter, second, ticket, {"team": team}, at + timedelta(milliseconds=200))
        wait = _queue_pk(team, ticket.id)
        meter.charge("table", wait, second, 2)
        meter.tx_items[f"{wait}/{ticket.id}"] += 1
    meter.charge("table", f"RATE#ack#{ticket.requester.email}", second, 1)
    meter.charge("idempotency", f"notification#{ticket.id}#acknowledgment", second, 2)


def later_write(meter: Meter, desk: Desk, second: int, at: datetime) -> None:
    """One of the writes an open ticket's life makes after its first minute, on a ticket taken from the 10 million:
    assigned from its team's queue as a slot frees, acknowledged, replied to, answered, resolved (releasing the
    agent's slot), or acted on by the SLA sweep."""
    created = at - timedelta(hours=desk.rng.uniform(1, 72))
    ticket = new_ticket(desk, created, None)
    team = desk.team()
    agent = desk.agent_of(team)
    ticket.apply_changes({"team": team, "assignee": agent}, created + timedelta(seconds=1))
    keep(ticket, created + timedelta(seconds=1))
    ticket.version = 3
    step = desk.rng.choice(["assign", "acknowledge", "reply", "customer", "resolve", "sweep", "reply", "customer"])
    if step == "assign":
        waiting = replace(ticket, assignee=None, status=Status.NEW)
        write(meter, second, waiting, {"assignee": agent}, at)
        meter.charge("table", _queue_pk(team, ticket.id), second, 2)  # its queue entry, removed
        assigned(meter, second, team, agent)
    elif step == "acknowledge":
        ticket.sla = replace(ticket.sla, acknowledged_at=at)
        write(meter, second, ticket, {}, at)
    elif step == "reply":
        replied = ticket.record_staff_reply(at)
        write(meter, second, ticket, {}, at, replied, EventType.MESSAGE_ADDED)
        meter.charge("idempotency", f"notification#{ticket.id}#reply#{second}", second, 2)
    elif step == "customer":
        moved = ticket.record_customer_reply(at)
        customer = Person(ticket.requester.email, ticket.requester.name)
        write(meter, second, ticket, {}, at, moved, EventType.MESSAGE_ADDED, customer)
    elif step == "resolve":
        write(meter, second, ticket, {"status": Status.RESOLVED}, at)
        meter.charge("table", LAYOUT.load_pk(agent), second, 2)  # the slot released
        meter.tx_items[f"{LAYOUT.load_pk(agent)}/{agent}"] += 1
    else:
        write(meter, second, ticket, {"priority": Priority.P2}, at)  # a checkpoint acted on moves the next one


def survey_answer(meter: Meter, desk: Desk, second: int, at: datetime) -> None:
    """A requester answers the survey of a resolved ticket: a ticket write and its answer in the reports."""
    created = at - timedelta(hours=desk.rng.uniform(2, 72))
    ticket = new_ticket(desk, created, None)
    team = desk.team()
    ticket.apply_changes({"team": team, "assignee": desk.agent_of(team)}, created + timedelta(seconds=1))
    ticket.apply_changes({"status": Status.RESOLVED}, at - timedelta(minutes=30))
    ticket.version = 6
    answer = Satisfaction(desk.rng.randint(1, 5), "", at)
    change = FieldChange("satisfaction", None, answer.to_dict())
    ticket.satisfaction = answer
    customer = Person(ticket.requester.email, ticket.requester.name)
    write(meter, second, ticket, {}, at, [change], EventType.SATISFACTION_RATED, customer)


def _day_counters(rng: random.Random, tickets: int) -> dict[str, int]:
    """One value's counters after a day of `tickets` answered and resolved (durations drawn as a desk's are)."""
    counters: dict[str, int] = defaultdict(int)
    for _ in range(tickets):
        first = rng.expovariate(1 / 60)
        resolved = first + rng.expovariate(1 / 300)
        for prefix, minutes in (("fr", first), ("res", resolved)):
            counters[f"{prefix}_count"] += 1
            counters[f"{prefix}_met"] += rng.random() < 0.8
            counters[f"{prefix}_minutes"] += round(minutes)
            counters[f"{prefix}_h{bucket_of(minutes)}"] += 1
        counters["created"] += 1
        counters["reopened"] += rng.random() < 0.05
        counters["reason_complex_process"] += rng.random() < 0.05
    return dict(counters)


def rollup_writes(meter: Meter) -> None:
    """What a rollup run writes, once a minute (charged to the first second): every rollup of the day, at its size at
    the end of a busy day, in the partition the store gives it (`rollup_keys`). The largest are the agent parts: a
    day of 5,000 agents (each answering and resolving ~1,700 tickets, as 100 new tickets/s make), spread over the
    parts by the product's own hash; one is built and packed as the store packs it, and stands for all eight."""
    rng = random.Random(3)
    day = START.astimezone(SHANGHAI).date()
    part = rollup_key(day, ("agent", "agent0000@example.com"))
    agents = [f"agent{n:04d}@example.com" for n in range(AGENTS)]
    per_agent = 100 * 86_400 // AGENTS
    rows = {a: _day_counters(rng, per_agent) for a in agents if rollup_key(day, ("agent", a)) == part}
    folded = {str(shard): "2026-11-24T10:00" for shard in range(partitions.FACT_SHARDS)}
    size = len(pack_rollup(rows, folded)) + 100  # and its keys, kind and version
    meter.rollup_kb = size / 1024  # type: ignore[attr-defined]
    # The other dimensions hold few values (50 teams, 7 channels, 4 priorities, ~100 categories): a value's day is
    # bigger than an agent's, but there are few; one row of 100 tickets packed per value stands for their size.
    one = _day_counters(rng, 100)
    values = {"total": 1, "channel": 7, "priority": 4, "team": TEAMS, "category": 50}
    for key in every_key(day):
        if key.group == "agent":
            units = write_units(size)
        else:
            units = write_units(len(pack_rollup({f"v{n}": one for n in range(values[key.group])}, folded)) + 100)
        meter.charge("reports", rollup_keys(key)[0], 0, units)
    meter.charge("reports", "ROLLUP", 0, 1)  # the progress


def automated_close(meter: Meter, desk: Desk, second: int, at: datetime) -> None:
    """The sweep closing a ticket resolved 72 hours ago (结案): its due-list entry is removed with the write."""
    resolved = at - timedelta(hours=72, seconds=desk.rng.uniform(0, 60))
    ticket = new_ticket(desk, resolved - timedelta(hours=desk.rng.uniform(1, 48)), None)
    team = desk.team()
    ticket.apply_changes({"team": team, "assignee": desk.agent_of(team)}, ticket.created_at + timedelta(seconds=1))
    ticket.apply_changes({"status": Status.RESOLVED}, resolved)
    keep(ticket, resolved)
    ticket.version = 5
    write(meter, second, ticket, {"status": Status.CLOSED}, at)


def simulate(
    seconds: int, new_per_second: int, later_per_second: int, room: bool = False, seed: int = 7, answers: int = 30
) -> Meter:
    meter = Meter()
    meter.facts = Facts(meter)
    clock = [0]
    counter = Counter(meter, clock)
    ticking = [0.0]

    def monotonic() -> float:
        return ticking[0]

    rng = random.Random(seed)
    desk = Desk(rng, [TicketNumbers(counter, monotonic) for _ in range(API_CONTAINERS)])
    for second in range(seconds):
        clock[0] = second
        at = START + timedelta(seconds=second)
        for n in range(new_per_second):
            ticking[0] = second + n / new_per_second
            creation(meter, desk, second, at + timedelta(microseconds=n), room)
        for _ in range(later_per_second):
            later_write(meter, desk, second, at)
        for _ in range(answers):
            survey_answer(meter, desk, second, at)
        for _ in range(0 if LAYOUT.before else CLOSES_PER_SECOND):  # the layout before had no automations
            automated_close(meter, desk, second, at)
    rollup_writes(meter)
    # Reads: the directory, read by every assignment container every DIRECTORY_SECONDS (eventually consistent).
    directory_kb = AGENTS * 0.25
    for second in range(seconds):
        reads = STREAM_CONTAINERS / LAYOUT.directory_seconds()
        meter.charge("reads", "DIRECTORY", second, reads * directory_kb / 4 * 0.5)
    return meter


PER_ENTITY = ("TICKET", "NUMBER", "MAILID", "RATE", "INBOX", "AGENT_LOAD", "notification", "customer", "FACT")


def _pattern(where: str, key: str) -> str:
    """A key's family, for the report: shards and per-ticket, per-person or per-team keys folded together."""
    head = key.split("#")[0]
    if head in PER_ENTITY:
        return f"{where}: {head}#…" if "#" in key else f"{where}: {key}"
    if where == "by_requester":
        return f"{where}: <customer>"
    if where == "by_queue":
        return f"{where}: AGENT#…"
    folded = re.sub(r"#\d+$", "#<n>", key)
    folded = re.sub(r"team\d\d", "<team>", folded)
    folded = re.sub(r"\d{4}-\d{2}-\d{2}", "<day>", folded)
    folded = re.sub(r"\d{4}-\d{2}(?=#|$)", "<month>", folded)
    return f"{where}: {folded}"


def report(meter: Meter, title: str) -> list[tuple[str, str, float, float]]:
    by_family: dict[str, tuple[str, float]] = {}
    for where, key in meter.units:
        peak = meter.peak(where, key)
        family = _pattern(where, key)
        if family not in by_family or peak > by_family[family][1]:
            by_family[family] = (key, peak)
    rows = []
    for family, (key, peak) in by_family.items():
        limit = PARTITION_RCU if family.startswith("reads") else PARTITION_WCU
        rows.append((family, key, peak, peak / limit))
    rows.sort(key=lambda row: -row[3])
    print(f"\n### {title}\n")
    print("| key (family) | its hottest key | units/s, busiest second | share of the partition's limit |")
    print("|---|---|---|---|")
    for family, key, peak, share in rows:
        print(f"| `{family}` | `{key[:60]}` | {peak:,.0f} | {share:.0%} |")
    return rows


def conflicts(meter: Meter, seconds: int) -> None:
    rates = sorted(((count / seconds, key) for key, count in meter.tx_items.items()), reverse=True)[:5]
    print("\n| item written in transactions | writes/s | chance a write meets a concurrent one |")
    print("|---|---|---|")
    for rate, key in rates:
        print(f"| `{key[:60]}` | {rate:,.1f} | {1 - math.exp(-rate * TX_SECONDS):.2%} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--before", action="store_true", help="the key layout before docs/scale.md's fixes")
    args = parser.parse_args()
    if args.before:
        use_the_layout_before()
    later = 800  # the open tickets' later writes: ~8 per ticket's life at the sustained 100 new/s
    print(
        f"Layout: {'before the fixes' if args.before else 'today'}; list shards {partitions.LIST_SHARDS}, "
        f"SLA shards {sla_storage.SHARDS}, team-queue shards {routing_store.QUEUE_SHARDS}, "
        f"directory re-read every {LAYOUT.directory_seconds():.0f} s"
    )
    sustained = simulate(args.seconds, 100, later)
    report(sustained, "Sustained: 100 new tickets/s and the open tickets' later writes")
    burst = simulate(args.seconds, 1_000, later)
    rows = report(burst, "Burst: 1,000 new tickets/s on top of the sustained later writes (agents at capacity)")
    conflicts(burst, args.seconds)
    roomy = simulate(args.seconds, 1_000, later, room=True)
    rows += report(roomy, "Burst with room: every new ticket assigned at once")
    conflicts(roomy, args.seconds)
    largest = f"{roomy.rollup_kb:.0f} KB (limit 400 KB)"
    print(f"\nLargest rollup item at the target load (a day of one agent part): {largest}")
    hottest = max(rows, key=lambda row: row[3])
    print(f"\nHottest key at 1,000 new tickets/s: {hottest[0]} at {hottest[3]:.0%} of its limit (goal: under 50%).")


if __name__ == "__main__":
    main()
