"""The search index in the tickets table (docs/search.md): postings per word, what each indexed document part
holds, and documents per scope.

Postings are written and deleted with BatchWriteItem (they are derived data, rebuilt from the part's record); the
part's own item and the scope's document count change together in one small transaction, so a redelivered stream
record neither counts a document twice nor loses a deletion.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import IndexedPartItem, IndexStatItem, PostingItem
from shared.adapters.ticket_writer import Part, TicketWriter, delete, put, update
from shared.domain.search.index import IndexedPart
from shared.domain.search.scoring import MAX_IMPACT, Hit, Posting, QueryTerm, rank

EPOCH_DIGITS = 10_000_000_000
_STAT_KIND = IndexStatItem.kind.set(IndexStatItem)  # an item made by an update names its kind itself
READERS = 8  # a query's posting lists read at once


def _read(scope: str, word: str, limit: int) -> list[Posting]:
    # The table's own connection and the sort key alone: a posting is its key, and building a model per posting
    # would cost more than the read.
    page = PostingItem._get_connection().query(posting_pk(scope, word), limit=limit, attributes_to_get=["sk"])
    return [parse_posting(item["sk"]["S"]) for item in page.get("Items", [])]


def parse_posting(sk: str) -> Posting:
    inverted, _, doc, part = sk.split("#", 3)
    return Posting(doc, part, MAX_IMPACT - int(inverted))


def posting_pk(scope: str, word: str) -> str:
    return f"IDX#{scope}#{word}"


def posting_sk(impact: int, at: datetime, doc: str, part: str) -> str:
    newest_first = EPOCH_DIGITS - 1 - int(at.timestamp())
    return f"{MAX_IMPACT - impact:04d}#{newest_first:010d}#{doc}#{part}"


def _part_pk(family: str, doc: str) -> str:
    return f"IDXDOC#{family}#{doc}"


def _stat(scope: str) -> IndexStatItem:
    return IndexStatItem(f"IDXSTAT#{scope}", "STAT")


def _indexed(item: IndexedPartItem) -> IndexedPart:
    family, doc = item.pk.split("#", 2)[1:]
    impacts = {word: MAX_IMPACT - int(sk.split("#", 1)[0]) for word, sk in (item.postings or {}).items()}
    return IndexedPart(
        family, doc, item.sk, item.scope, impacts, item.text or "", item.label or "", item.at, dict(item.postings or {})
    )


class SearchIndex:
    def __init__(self, writer: TicketWriter) -> None:
        self._writer = writer
        self._documents: dict[str, tuple[float, int]] = {}

    # -- reading -----------------------------------------------------------------------------------------------------
    def find(self, scopes: Sequence[str], terms: Sequence[QueryTerm], per_word: int, min_match: int) -> list[Hit]:
        """Each term's postings (one Query per word and scope), ranked in the domain (BM25 over the impacts)."""
        words = [token for term in terms for token in term.tokens]
        postings = self.postings(scopes, words, per_word)
        documents = sum(self._documents_in(scope) for scope in scopes)
        return rank(terms, postings, documents, min_match)

    def _documents_in(self, scope: str) -> int:
        """Documents in a scope (for idf), re-read once a minute: idf moves slowly."""
        now = time.monotonic()
        cached = self._documents.get(scope)
        if cached is None or now - cached[0] > 60:
            cached = (now, self.documents(scope))
            self._documents[scope] = cached
        return cached[1]

    def postings(self, scopes: Sequence[str], words: Sequence[str], limit: int) -> dict[str, list[Posting]]:
        """Each word's postings, highest impact first: one Query of at most `limit` items per word and scope, run
        side by side (a query's words are independent reads)."""
        jobs = [(scope, word) for word in dict.fromkeys(words) for scope in scopes]
        found: dict[str, list[Posting]] = {word: [] for word in words}
        if not jobs:
            return found
        with ThreadPoolExecutor(max_workers=min(len(jobs), READERS)) as pool:
            for (_, word), postings in zip(jobs, pool.map(lambda job: _read(*job, limit), jobs), strict=True):
                found[word] += postings
        return found

    def documents(self, scope: str) -> int:
        try:
            return int(IndexStatItem.get(*_key(_stat(scope))).documents or 0)
        except DoesNotExist:
            return 0

    def part(self, family: str, doc: str, part: str) -> IndexedPart | None:
        try:
            return _indexed(IndexedPartItem.get(_part_pk(family, doc), part, consistent_read=True))
        except DoesNotExist:
            return None

    def parts(self, family: str, doc: str) -> list[IndexedPart]:
        return [_indexed(item) for item in IndexedPartItem.query(_part_pk(family, doc), consistent_read=True)]

    def texts(self, family: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        """The indexed text and label of document parts, by (doc, part): one BatchGetItem per 100."""
        wanted = [(_part_pk(family, doc), part) for doc, part in dict.fromkeys(keys)]
        found = {}
        for item in IndexedPartItem.batch_get(wanted, attributes_to_get=["pk", "sk", "kind", "text", "label"]):
            found[(item.pk.split("#", 2)[2], item.sk)] = (item.text or "", item.label or "")
        return found

    # -- writing -----------------------------------------------------------------------------------------------------
    def replace(self, old: IndexedPart | None, new: IndexedPart | None) -> tuple[int, int]:
        """Make the index hold `new` instead of `old` (either may be None): postings that changed are written,
        those gone deleted, then the part's item and the document counts. Returns (written, deleted) postings."""
        old_keys = _keys(old)
        new_keys = _keys(new)
        stale = [key for key in old_keys.items() if new_keys.get(key[0]) != key[1]]
        fresh = [key for key in new_keys.items() if old_keys.get(key[0]) != key[1]]
        with PostingItem.batch_write() as batch:
            for (scope, word), sk in stale:
                batch.delete(PostingItem(posting_pk(scope, word), sk))
            for (scope, word), sk in fresh:
                assert new is not None
                batch.save(PostingItem(posting_pk(scope, word), sk))
        self._writer.commit(self._part_change(old, new))
        return len(fresh), len(stale)

    @staticmethod
    def _part_change(old: IndexedPart | None, new: IndexedPart | None) -> list[Part]:
        parts: list[Part] = []
        if new is not None:
            item = IndexedPartItem(
                _part_pk(new.family, new.doc),
                new.part,
                scope=new.scope,
                postings={word: sk for (_, word), sk in _keys(new).items()},
                text=new.text,
                label=new.label,
                at=new.at,
            )
            parts.append(put(item))
        elif old is not None:
            parts.append(delete(IndexedPartItem(_part_pk(old.family, old.doc), old.part)))
        # A document counts once per scope, by its first part ("t" for tickets, "a" for articles).
        before = old.scope if old is not None and old.counts else None
        after = new.scope if new is not None and new.counts else None
        if before != after:
            if before is not None:
                parts.append(update(_stat(before), [IndexStatItem.documents.add(-1), _STAT_KIND]))
            if after is not None:
                parts.append(update(_stat(after), [IndexStatItem.documents.add(1), _STAT_KIND]))
        return parts


def _keys(part: IndexedPart | None) -> dict[tuple[str, str], str]:
    if part is None:
        return {}
    if part.stored:  # exactly what was written, whatever the key format was then
        return {(part.scope, word): sk for word, sk in part.stored.items()}
    at = part.at or datetime.now(UTC)
    return {(part.scope, word): posting_sk(impact, at, part.doc, part.part) for word, impact in part.impacts.items()}


def _key(item: IndexStatItem) -> tuple[str, str]:
    return item.pk, item.sk
