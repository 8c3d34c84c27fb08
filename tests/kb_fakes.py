"""In-memory knowledge base and search index (the `Articles` and `SearchStore` ports), over the same `InMemoryStore`
transactions as tests/fakes.py: an article's write is all or nothing and conditioned on the version read."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from shared.domain.kb import COUNTERS, Article, ArticleStatus, DayCounts, HistoryEntry
from shared.domain.requests import Key, Page
from shared.domain.search.index import IndexedPart
from shared.domain.search.scoring import MAX_IMPACT, Hit, Posting, QueryTerm, rank
from shared.errors import NotFound, VersionConflict
from shared.services.ports import WritePart
from tests.fakes import FakePart, InMemoryWriter


@dataclass
class KbState:
    articles: dict[str, Article] = field(default_factory=dict)
    history: dict[str, list[HistoryEntry]] = field(default_factory=dict)
    categories: dict[str, list[int]] = field(default_factory=dict)  # category -> [total, published]
    days: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (day, article) -> counters
    slots: dict[tuple[str, str], int] = field(default_factory=dict)
    postings: dict[tuple[str, str], dict[tuple[str, str], int]] = field(default_factory=dict)  # (scope, word)
    parts: dict[tuple[str, str, str], IndexedPart] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    posting_writes: int = 0
    posting_deletes: int = 0


def _holds() -> None:
    return None


class InMemoryArticles:
    def __init__(self, state: KbState) -> None:
        self._state = state

    def get(self, article_id: str) -> Article | None:
        found = self._state.articles.get(article_id)
        return copy.deepcopy(found) if found else None

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        return {i: copy.deepcopy(a) for i in article_ids if (a := self._state.articles.get(i)) is not None}

    def list_articles(self, status: ArticleStatus, category: str | None, limit: int, start: Key | None) -> Page:
        found = sorted(
            (a for a in self._state.articles.values() if a.status is status and category in (None, a.category)),
            key=lambda a: (a.category, a.title, a.id),
        )
        offset = int((start or {}).get("offset", 0))
        more = offset + limit < len(found)
        return Page(
            [copy.deepcopy(a) for a in found[offset : offset + limit]], {"offset": offset + limit} if more else None
        )

    def history(self, article_id: str, limit: int, start: Key | None) -> Page:
        return Page(list(self._state.history.get(article_id, []))[:limit], None)

    def categories(self) -> list[tuple[str, int, int]]:
        return [(name, total, published) for name, (total, published) in sorted(self._state.categories.items())]

    def day_counts(self, day: date) -> list[DayCounts]:
        return [
            DayCounts(article, day.isoformat(), **counts)
            for (d, article), counts in self._state.days.items()
            if d == day.isoformat()
        ]

    def save_parts(self, before: Article | None, after: Article | None, entry: HistoryEntry) -> list[WritePart]:
        state = self._state
        article_id = entry.article_id

        def unchanged() -> Exception | None:
            current = state.articles.get(article_id)
            if before is None:
                return VersionConflict("exists") if current is not None else None
            return None if current is not None and current.version == before.version else VersionConflict("stale")

        def apply() -> None:
            if after is None:
                state.articles.pop(article_id, None)
            else:
                current = state.articles.get(article_id)
                counters = {n: getattr(current, n) for n in (*COUNTERS, "linked_tickets")} if current else {}
                state.articles[article_id] = replace(copy.deepcopy(after), **counters)
            state.history.setdefault(article_id, []).append(entry)
            for article, sign in ((before, -1), (after, 1)):
                if article is not None:
                    counts = state.categories.setdefault(article.category, [0, 0])
                    counts[0] += sign
                    counts[1] += sign if article.published else 0

        return [FakePart(unchanged, apply)]

    def link_part(self, article_id: str, delta: int) -> WritePart:
        def exists() -> Exception | None:
            return None if article_id in self._state.articles else NotFound("no such article")

        def apply() -> None:
            self._state.articles[article_id].linked_tickets += delta

        return FakePart(exists, apply)

    def count(self, article_id: str, day: date, counters: dict[str, int]) -> Article | None:
        article = self._state.articles.get(article_id)
        if article is None:
            return None
        daily = self._state.days.setdefault((day.isoformat(), article_id), dict.fromkeys(COUNTERS, 0))
        for name, value in counters.items():
            setattr(article, name, getattr(article, name) + value)
            daily[name] += value
        return copy.deepcopy(article)

    def take_slot(self, who: str, window: str, limit: int, expires_at: datetime) -> bool:
        taken = self._state.slots.get((who, window), 0)
        if taken >= limit:
            return False
        self._state.slots[(who, window)] = taken + 1
        return True


class InMemorySearchIndex:
    def __init__(self, state: KbState, writer: InMemoryWriter) -> None:
        self._state = state
        self._writer = writer

    def find(self, scopes: Sequence[str], terms: Sequence[QueryTerm], per_word: int, min_match: int) -> list[Hit]:
        words = [token for term in terms for token in term.tokens]
        documents = sum(self._state.documents.get(scope, 0) for scope in scopes)
        return rank(terms, self.postings(scopes, words, per_word), documents, min_match)

    def postings(self, scopes: Sequence[str], words: Sequence[str], limit: int) -> dict[str, list[Posting]]:
        found: dict[str, list[Posting]] = {}
        for word in words:
            found[word] = []
            for scope in scopes:
                entries = self._state.postings.get((scope, word), {})
                ordered = sorted(entries.items(), key=lambda pair: (MAX_IMPACT - pair[1], pair[0]))[:limit]
                found[word] += [Posting(doc, part, impact) for (doc, part), impact in ordered]
        return found

    def part(self, family: str, doc: str, part: str) -> IndexedPart | None:
        return self._state.parts.get((family, doc, part))

    def parts(self, family: str, doc: str) -> list[IndexedPart]:
        return [p for (f, d, _), p in sorted(self._state.parts.items()) if (f, d) == (family, doc)]

    def texts(self, family: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        return {
            (doc, part): (found.text, found.label)
            for doc, part in keys
            if (found := self._state.parts.get((family, doc, part))) is not None
        }

    def replace(self, old: IndexedPart | None, new: IndexedPart | None) -> tuple[int, int]:
        state = self._state
        old_words = {(old.scope, w): i for w, i in old.impacts.items()} if old else {}
        new_words = {(new.scope, w): i for w, i in new.impacts.items()} if new else {}
        stale = [key for key, impact in old_words.items() if new_words.get(key) != impact]
        fresh = [key for key, impact in new_words.items() if old_words.get(key) != impact]
        for key in stale:
            assert old is not None
            state.postings.get(key, {}).pop((old.doc, old.part), None)
        for key in fresh:
            assert new is not None
            state.postings.setdefault(key, {})[(new.doc, new.part)] = new_words[key]
        state.posting_writes += len(fresh)
        state.posting_deletes += len(stale)

        def apply() -> None:
            target = new or old
            assert target is not None
            key = (target.family, target.doc, target.part)
            if new is None:
                state.parts.pop(key, None)
            else:
                state.parts[key] = new
            before = old.scope if old is not None and old.counts else None
            after = new.scope if new is not None and new.counts else None
            if before != after:
                if before is not None:
                    state.documents[before] = state.documents.get(before, 0) - 1
                if after is not None:
                    state.documents[after] = state.documents.get(after, 0) + 1

        self._writer.commit([FakePart(_holds, apply)])
        return len(fresh), len(stale)
