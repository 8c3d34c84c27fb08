"""The list views, newest first, one page per call.

A customer's tickets (`by_requester`) and an agent's (`by_queue`) are each one partition with the whole ticket
projected: one Query per page. The desk-wide lists (all, unassigned, a team's, at risk, breached) are sharded and
narrow (shared/adapters/partitions.py): a page asks every shard in parallel for its newest keys, merges them, and
reads the tickets with one BatchGetItem. The cursor is the sort key the page ended at, which every shard continues
from; a shard that stopped early because of a filter holds the page back to where it stopped, so nothing is skipped
(such a page may be short, as a filtered Query's may).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition

from shared.adapters.items import TicketItem
from shared.adapters.partitions import LIST_SHARDS, every_shard
from shared.adapters.sla_storage import AT_RISK, BREACHED, REVIEW
from shared.adapters.ticket_mapping import ALL_TICKETS, UNASSIGNED, from_item, sort_time
from shared.domain.requests import Key, Page, TicketFilter
from shared.domain.tickets import OPEN_STATUSES, Ticket


@dataclass(frozen=True)
class ListIndex:
    index: str
    partitions: list[str]  # one for a whole-ticket index; every shard for a sharded one
    sharded: bool


def list_index(view: str, owner: str | None) -> ListIndex:
    """Where a view's tickets are: `owner` is the requester's or agent's email, or the team id."""
    if view == "requested":
        return ListIndex("by_requester", [(owner or "").lower()], False)
    if view == "mine":
        return ListIndex("by_queue", [f"AGENT#{(owner or '').lower()}"], False)
    base, shards = {
        "unassigned": (UNASSIGNED, "unassigned"),
        "all": (ALL_TICKETS, "all"),
        "team": (f"TEAM#{owner}", "team"),
        "at_risk": (AT_RISK, "sla_view"),
        "breached": (BREACHED, "sla_view"),
        "review": (REVIEW, "sla_view"),
    }[view]
    index = {"unassigned": "by_unassigned", "all": "by_all", "team": "by_team"}.get(view, "by_sla_view")
    return ListIndex(index, every_shard(base, LIST_SHARDS[shards]), True)


def list_condition(statuses: Sequence[str], priorities: Sequence[str]) -> Condition | None:
    condition: Condition | None = None
    if statuses:
        condition = TicketItem.status.is_in(*statuses)
    if priorities:
        by_priority = TicketItem.priority.is_in(*priorities)
        condition = by_priority if condition is None else condition & by_priority
    return condition


def whole_ticket_condition(filters: TicketFilter | None) -> Condition | None:
    """The narrowing filters as a FilterExpression, for the indexes that project the whole ticket."""
    if filters is None:
        return None
    parts: list[Condition] = []
    if filters.tag is not None:
        parts.append(TicketItem.tags.contains(filters.tag))
    if filters.category is not None:
        parts.append(TicketItem.category == filters.category)
    if filters.channel is not None:
        parts.append(TicketItem.channel == filters.channel)
    if filters.team is not None:
        parts.append(TicketItem.team == filters.team)
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def _window(filters: TicketFilter | None) -> tuple[str | None, str | None]:
    """The creation window as bounds of `created_key` (`<UTC time>#<id>`), inclusive."""
    if filters is None:
        return None, None
    low = sort_time(filters.created_from) if filters.created_from else None
    high = sort_time(filters.created_to) + "#~" if filters.created_to else None
    return low, high


def _range(low: str | None, high: str | None, below: str | None) -> Condition | None:
    """The key condition of one Query: under the cursor (exclusive) and inside the window."""
    if below is not None and (high is None or below <= high):
        high, exclusive = below, True
    else:
        exclusive = False
    if low is not None and high is not None:
        return TicketItem.created_key.between(low, high)  # the cursor's own key is dropped by the caller
    if high is not None:
        return TicketItem.created_key < high if exclusive else TicketItem.created_key <= high
    if low is not None:
        return TicketItem.created_key >= low
    return None


def read_page(
    where: ListIndex,
    limit: int,
    start: Key | None,
    condition: Condition | None,
    filters: TicketFilter | None = None,
) -> Page:
    index = getattr(TicketItem, where.index)
    low, high = _window(filters)
    if not where.sharded:
        extra = whole_ticket_condition(filters)
        if extra is not None:
            condition = extra if condition is None else condition & extra
        result = index.query(
            where.partitions[0],
            _range(low, high, None),
            filter_condition=condition,
            scan_index_forward=False,
            page_size=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        items = [from_item(TicketItem.from_raw_data(raw)) for raw in page.get("Items", [])]
        return Page(items, page.get("LastEvaluatedKey"))
    below = str(start["created_key"]) if start and "created_key" in start else None
    with ThreadPoolExecutor(max_workers=len(where.partitions)) as pool:
        shards = list(pool.map(lambda p: _newest(index, p, limit, below, condition, low, high), where.partitions))
    keys = sorted((key for found, _ in shards for key in found), reverse=True)
    # A shard that has more stopped at its last key evaluated: nothing older than the highest such stop is safe yet.
    floor = max((stop for _, stop in shards if stop is not None), default=None)
    if floor is not None:
        keys = [key for key in keys if key[0] >= floor]
    page = keys[:limit]
    end = page[-1][0] if len(keys) > limit else floor  # None: every shard is done
    tickets = _tickets([pk for _, pk in page])
    if filters is not None and filters.narrows:
        # Not in the narrow index: filtered on the tickets read (the page may be short, as a filtered Query's may).
        tickets = [t for t in tickets if filters.matches(t)]
    return Page(tickets, {"created_key": end} if end is not None else None)


def _newest(
    index: Any,
    partition: str,
    limit: int,
    below: str | None,
    condition: Condition | None,
    low: str | None = None,
    high: str | None = None,
) -> tuple[list[tuple[str, str]], str | None]:
    """A shard's newest (sort key, ticket pk) pairs below the cursor and inside the creation window, and where it
    stopped if it has more."""
    range_condition = _range(low, high, below)
    result = index.query(
        partition,
        range_condition,
        filter_condition=condition,
        scan_index_forward=False,
        page_size=limit,
    )
    page = next(result.page_iter)
    found = [(raw["created_key"]["S"], raw["pk"]["S"]) for raw in page.get("Items", [])]
    found = [pair for pair in found if below is None or pair[0] < below]
    last = page.get("LastEvaluatedKey")
    return found, (last["created_key"]["S"] if last else None)


def tickets_by_pk(pks: list[str]) -> list[Ticket]:
    """The tickets of these keys, in this order (one BatchGetItem)."""
    return _tickets(pks)


def _tickets(pks: list[str]) -> list[Ticket]:
    if not pks:
        return []
    found = {item.pk: from_item(item) for item in TicketItem.batch_get([(pk, "TICKET") for pk in pks])}
    return [found[pk] for pk in pks if pk in found]  # a ticket erased meanwhile is left out


def any_open_in(where: ListIndex) -> bool:
    """Whether any shard holds an open ticket (filtered in the index: status is projected)."""
    open_statuses = TicketItem.status.is_in(*sorted(s.value for s in OPEN_STATUSES))
    index = getattr(TicketItem, where.index)
    for partition in where.partitions:
        result = index.query(partition, filter_condition=open_statuses, limit=1, page_size=100)
        if next(iter(result), None) is not None:
            return True
    return False
