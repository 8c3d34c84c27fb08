"""The console's chat lists (docs/chat.md, "Agents"; docs/data-model.md, "Live chat"): open chat tickets in the
sparse, sharded index `by_chat` (`CHAT#0..7`), sorted by state: waiting ones (`W#<started>#<id>`, oldest first)
before those an agent holds (`A#<agent>#<started>#<id>`).

A page asks every shard in parallel for its oldest keys past the cursor (one Query each, narrow projection), merges
them and reads the tickets with one BatchGetItem, as the desk-wide ticket lists do (ticket_lists.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from shared.adapters.items import TicketItem
from shared.adapters.partitions import LIST_SHARDS, every_shard
from shared.adapters.ticket_lists import tickets_by_pk
from shared.adapters.ticket_mapping import CHAT_HELD, CHAT_LIST, CHAT_WAITING
from shared.domain.requests import Key, Page

END = "~"  # sorts after every character of a key: the end of a prefix's range


def chat_prefix(state: str, agent: str | None) -> str:
    """The sort-key prefix of a list: `waiting`, `mine` (the agent's) or `all`."""
    if state == "waiting":
        return f"{CHAT_WAITING}#"
    if state == "mine":
        return f"{CHAT_HELD}#{(agent or '').lower()}#"
    return ""


class ChatLists:
    def page(self, state: str, agent: str | None, limit: int, start: Key | None) -> Page:
        prefix = chat_prefix(state, agent)
        after = str(start["chat_sort"]) if start and "chat_sort" in start else None
        shards = every_shard(CHAT_LIST, LIST_SHARDS["chat"])
        with ThreadPoolExecutor(max_workers=len(shards)) as pool:
            found = list(pool.map(lambda shard: _oldest(shard, prefix, after, limit), shards))
        keys = sorted(key for keys, _ in found for key in keys)
        # A shard that has more stopped at its last key: nothing past the lowest such stop is safe on this page.
        ceiling = min((stop for _, stop in found if stop is not None), default=None)
        if ceiling is not None:
            keys = [key for key in keys if key[0] <= ceiling]
        page = keys[:limit]
        end = page[-1][0] if len(keys) > limit else ceiling
        tickets = tickets_by_pk([pk for _, pk in page])
        return Page(tickets, {"chat_sort": end} if end is not None else None)


def _oldest(shard: str, prefix: str, after: str | None, limit: int) -> tuple[list[tuple[str, str]], str | None]:
    low = after if after is not None and after > prefix else prefix
    if prefix:
        condition = TicketItem.chat_sort.between(low, prefix + END)
    else:
        condition = TicketItem.chat_sort > after if after is not None else None
    result = TicketItem.by_chat.query(shard, condition, page_size=limit)
    raw = next(result.page_iter)
    keys = [(item["chat_sort"]["S"], item["pk"]["S"]) for item in raw.get("Items", [])]
    keys = [key for key in keys if after is None or key[0] > after]
    last = raw.get("LastEvaluatedKey")
    return keys, (last["chat_sort"]["S"] if last else None)
