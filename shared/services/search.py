"""Search use cases: keeping the token index in step with tickets, messages and articles (called by the search
function on the table's stream), and the searches themselves (articles for anyone, tickets for staff).

docs/search.md has the design, its limits, and when to move to a managed engine (a `SearchStore` over OpenSearch).
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.events import Message
from shared.domain.kb import Article, plain_text
from shared.domain.lifecycle import Status
from shared.domain.search.index import (
    ARTICLE_PART,
    ARTICLES,
    AVERAGE_WORDS,
    DRAFT_SCOPE,
    MAX_WORDS_PER_PART,
    PUBLISHED_SCOPE,
    TEXT_KEPT,
    TICKET_PART,
    TICKET_SCOPE,
    TICKETS,
    IndexedPart,
    message_part,
)
from shared.domain.search.scoring import Field, Hit, QueryTerm, min_match, query_terms, snippet, term_impacts
from shared.domain.search.text import Segmenter, synonym_groups
from shared.domain.tickets import Ticket
from shared.errors import Forbidden, SearchTermsRejected
from shared.services.cursors import CursorCodec
from shared.services.ports import Articles, ConfigStore, SearchStore, Tickets

SEARCH_TERMS = "SEARCH_TERMS"
ARTICLE_POSTINGS = 100  # per word: the best-weighted articles of a word (docs/search.md, "Limits")
TICKET_POSTINGS = 200  # per word: the best-weighted tickets of a word
MAX_CANDIDATES = 1_000
MAX_TERMS = 2_000
MAX_SYNONYM_GROUPS = 500


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    score: float
    snippet: str


@dataclass(frozen=True)
class TicketHit:
    ticket: Ticket
    score: float
    snippet: str
    matched: str  # subject (subject or description) | message | internal


class SearchService:
    def __init__(
        self,
        index: SearchStore,
        articles: Articles,
        tickets: Tickets,
        config: ConfigStore,
        segmenter: Segmenter,
        clock: Clock,
        cursors: CursorCodec,
        cache_seconds: float = 30,
    ) -> None:
        self._index = index
        self._articles = articles
        self._tickets = tickets
        self._config = config
        self._segmenter = segmenter
        self._clock = clock
        self._cursors = cursors
        self._cache_seconds = cache_seconds
        self._synonyms: dict[str, tuple[str, ...]] = {}
        self._loaded_at: float | None = None

    # -- the admins' terms and synonyms --------------------------------------------------------------------------
    def _vocabulary(self) -> dict[str, tuple[str, ...]]:
        """The saved terms (kept whole by the segmenter) and synonym groups, re-read every `cache_seconds`."""
        now = time.monotonic()
        if self._loaded_at is None or now - self._loaded_at > self._cache_seconds:
            stored = self._config.get_config(SEARCH_TERMS)
            data = stored.data if stored else {}
            self._segmenter.use_terms(data.get("terms", []))
            self._synonyms = synonym_groups(data.get("synonyms", []))
            self._loaded_at = now
        return self._synonyms

    def terms(self, principal: Principal) -> tuple[list[str], list[list[str]], int]:
        if not principal.is_staff:
            raise Forbidden("staff only")
        stored = self._config.get_config(SEARCH_TERMS)
        data = stored.data if stored else {}
        return list(data.get("terms", [])), [list(g) for g in data.get("synonyms", [])], stored.version if stored else 0

    def save_terms(
        self, principal: Principal, terms: list[str], synonyms: list[list[str]], expected_version: int | None
    ) -> tuple[list[str], list[list[str]], int]:
        """Admins' product terms and synonyms. New terms apply to what is indexed from now on and to every query;
        synonyms apply to queries at once (docs/search.md, "Dictionary")."""
        if not principal.can(Permission.SEARCH_TERMS_MANAGE):
            raise Forbidden("admins only")
        terms = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
        groups = [list(dict.fromkeys(w.strip() for w in g if w.strip())) for g in synonyms]
        reasons = [f"term {t!r} is over 20 characters or has spaces" for t in terms if len(t) > 20 or " " in t]
        reasons += [f"synonym group {i + 1} needs 2 to 20 words" for i, g in enumerate(groups) if not 2 <= len(g) <= 20]
        if len(terms) > MAX_TERMS:
            reasons.append(f"at most {MAX_TERMS} terms")
        if len(groups) > MAX_SYNONYM_GROUPS:
            reasons.append(f"at most {MAX_SYNONYM_GROUPS} synonym groups")
        if reasons:
            raise SearchTermsRejected("invalid search terms: " + "; ".join(reasons[:10]), reasons, field="terms")
        data = {"terms": terms, "synonyms": groups}
        stored = self._config.put_config(SEARCH_TERMS, data, expected_version, principal.email, self._clock.now())
        self._loaded_at = None
        return terms, groups, stored.version

    # -- keeping the index in step (the search function, on the table's stream) ------------------------------------
    def index_ticket(self, ticket: Ticket) -> str:
        fields = [Field(ticket.subject, 3.0), Field(ticket.description)]
        text = f"{ticket.subject}\n{ticket.description}"
        return self._put(TICKETS, ticket.id, TICKET_PART, TICKET_SCOPE, fields, text, "subject", ticket.created_at)

    def index_message(self, message: Message) -> str:
        label = "internal" if message.internal else "message"
        part = message_part(message.id)
        return self._put(
            TICKETS,
            message.ticket_id,
            part,
            TICKET_SCOPE,
            [Field(message.body)],
            message.body,
            label,
            message.created_at,
        )

    def index_article(self, article: Article) -> str:
        scope = PUBLISHED_SCOPE if article.published else DRAFT_SCOPE
        body = plain_text(article.body)
        fields = [
            Field(article.title, 3.0),
            Field(" ".join(article.tags), 2.0),
            Field(article.category),
            Field(article.summary),
            Field(body),
        ]
        return self._put(ARTICLES, article.id, ARTICLE_PART, scope, fields, body, "article", article.created_at)

    def _put(
        self, family: str, doc: str, part: str, scope: str, fields: list[Field], text: str, label: str, at: Any
    ) -> str:
        self._vocabulary()
        impacts = term_impacts(self._segmenter, fields, AVERAGE_WORDS[scope], MAX_WORDS_PER_PART[scope])
        new = IndexedPart(family, doc, part, scope, impacts, text[:TEXT_KEPT], label, at)
        old = self._index.part(family, doc, part)
        if old is not None and (old.scope, old.impacts, old.text, old.label) == (scope, impacts, new.text, label):
            return f"{family} {doc}/{part}: unchanged"
        written, deleted = self._index.replace(old, new)
        return f"{family} {doc}/{part}: {written} postings written, {deleted} deleted"

    def remove(self, family: str, doc: str, part: str | None = None) -> str:
        """A document (every part) or one part of it gone from the index: a deleted article, an erased ticket."""
        if part is None:
            parts = self._index.parts(family, doc)
        else:
            found = self._index.part(family, doc, part)
            parts = [found] if found is not None else []
        deleted = sum(self._index.replace(old, None)[1] for old in parts)
        return f"{family} {doc}/{part or '*'}: {deleted} postings deleted"

    # -- searching -----------------------------------------------------------------------------------------------
    def _find(
        self, scopes: Sequence[str], query: str, per_word: int, strict: bool, max_terms: int = 8, loose: bool = False
    ) -> tuple[list[QueryTerm], list[Hit]]:
        terms = query_terms(self._segmenter, query, self._vocabulary(), max_terms, expand=not strict)
        if not terms:
            return [], []
        needed = 1 if loose else min_match(len(terms), strict)
        return terms, self._index.find(scopes, terms, per_word, needed)

    def search_articles(self, principal: Principal, query: str, limit: int) -> builtins.list[ArticleHit]:
        """Best first. Anyone: published articles; staff: drafts too. Each hit is checked against the article as
        stored, so a draft never shows to someone who may not see it, even while the index catches up."""
        scopes = [PUBLISHED_SCOPE, DRAFT_SCOPE] if principal.is_staff else [PUBLISHED_SCOPE]
        return self._article_hits(principal, *self._find(scopes, query, ARTICLE_POSTINGS, strict=False), limit)

    def suggest_for_ticket(self, principal: Principal, ticket: Ticket, limit: int) -> builtins.list[ArticleHit]:
        """Published articles for a ticket's subject and description (what an agent may send the customer)."""
        if not principal.is_staff:
            raise Forbidden("staff only")
        query = f"{ticket.subject} {ticket.description[:300]}"
        terms, hits = self._find([PUBLISHED_SCOPE], query, ARTICLE_POSTINGS, False, max_terms=12, loose=True)
        return self._article_hits(principal, terms, hits, limit)

    def _article_hits(
        self, principal: Principal, terms: list[QueryTerm], hits: list[Hit], limit: int
    ) -> builtins.list[ArticleHit]:
        top = hits[: limit * 2]
        found = self._articles.get_many([h.doc for h in top]) if top else {}
        results = []
        for hit in top:
            article = found.get(hit.doc)
            if article is None or not (article.published or principal.is_staff):
                continue
            text = f"{article.summary} {plain_text(article.body)}"
            results.append(ArticleHit(article, hit.score, snippet(text, hit.words)))
            if len(results) == limit:
                break
        return results

    def search_tickets(
        self, principal: Principal, query: str, statuses: Sequence[Status], limit: int, cursor: str | None
    ) -> tuple[builtins.list[TicketHit], str | None]:
        """Staff only (customers 403). Tickets whose subject, description or messages (internal notes included)
        hold the query's words, best match first, `statuses` filtered after ranking (a page may be short)."""
        if not principal.can(Permission.TICKET_READ_ALL):
            raise Forbidden("staff only")
        wanted = {s.value for s in statuses}
        scope = f"ticket-search|{query}|{','.join(sorted(wanted))}"
        offset = int((self._cursors.decode(scope, cursor) or {}).get("o", 0))
        _, hits = self._find([TICKET_SCOPE], query, TICKET_POSTINGS, strict=True)
        hits = hits[:MAX_CANDIDATES]
        chosen: list[tuple[Hit, Ticket]] = []
        position = offset
        while position < len(hits) and len(chosen) < limit:
            chunk = hits[position : position + limit]
            tickets = self._tickets.get_many([h.doc for h in chunk])
            for hit in chunk:
                position += 1
                ticket = tickets.get(hit.doc)
                if ticket is not None and (not wanted or ticket.status.value in wanted):
                    chosen.append((hit, ticket))
                    if len(chosen) == limit:
                        break
        texts = self._index.texts(TICKETS, [(hit.doc, hit.part) for hit, _ in chosen]) if chosen else {}
        results = []
        for hit, ticket in chosen:
            text, label = texts.get((hit.doc, hit.part), (f"{ticket.subject}\n{ticket.description}", "subject"))
            matched = label if label in ("message", "internal") else "subject"
            results.append(TicketHit(ticket, hit.score, snippet(text, hit.words), matched))
        following = {"o": position} if position < len(hits) else None
        return results, self._cursors.encode(scope, following)
