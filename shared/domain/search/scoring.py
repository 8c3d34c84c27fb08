"""What goes into the index for a document, what a query asks for, and how matches are ranked.

The index stores, per word and document part, one weight: BM25's term-frequency part with length normalization,
computed when the part is indexed (the "impact"). A query reads each of its words' postings, highest impact first,
and adds up idf x weight per document. See docs/search.md for the design and its limits.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from shared.domain.search.text import SYNONYM_WEIGHT, Segmenter, keep, tokens

K1 = 1.2
B = 0.75
MAX_IMPACT = 9_999


@dataclass(frozen=True)
class Field:
    """Part of a document's text; `boost` counts its words more (a title's words count three times)."""

    text: str
    boost: float = 1.0


def term_impacts(
    segmenter: Segmenter, fields: Sequence[Field], average_length: float, max_terms: int
) -> dict[str, int]:
    """word -> impact (0..9999) of one document part: at most `max_terms` words, the weightiest kept (this bounds
    the index items a part costs)."""
    frequency: Counter[str] = Counter()
    length = 0
    for part in fields:
        found = tokens(segmenter, part.text)
        length += len(found)
        for token in found:
            frequency[token] += part.boost
    if not frequency:
        return {}
    norm = K1 * (1 - B + B * length / max(average_length, 1.0))
    weights = {token: tf * (K1 + 1) / (tf + norm) for token, tf in frequency.items()}
    best = sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))[:max_terms]
    return {token: min(MAX_IMPACT, max(1, round(weight * 1000))) for token, weight in best}


@dataclass(frozen=True)
class QueryTerm:
    """One word the searcher meant, with what also counts for it: (token, how much) pairs. The word counts 1, and so
    does the longer word it came from; its synonyms count `SYNONYM_WEIGHT`."""

    word: str
    members: tuple[tuple[str, float], ...]

    @property
    def tokens(self) -> list[str]:
        return [token for token, _ in self.members]


def query_terms(
    segmenter: Segmenter,
    query: str,
    synonyms: Mapping[str, tuple[str, ...]],
    max_terms: int = 8,
    expand: bool = True,
) -> list[QueryTerm]:
    """The words of a query, without stop words and filler, each with its synonyms. A compound the segmenter keeps
    whole ("重置密码") stands for the words inside it (重置, 密码), each of which also matches the compound: documents
    are indexed in search mode, so both sides meet on the inner words whatever the dictionary. A query of only stop
    words has no terms (and finds nothing, rather than everything).

    Without `expand` (ticket search: an agent looks for the words a ticket says) each word stands for itself: one
    posting list per word. Search-mode indexing put the whole word into every document that contains it."""
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for word in segmenter.words(query):
        if not keep(word):
            continue
        if not expand:
            if word not in seen:
                seen.add(word)
                terms.append(QueryTerm(word, ((word, 1.0),)))
            if len(terms) == max_terms:
                return terms
            continue
        inner = [w for w in segmenter.search_words(word) if w != word and keep(w)]
        for head in inner or [word]:
            if head in seen:
                continue
            seen.add(head)
            members: dict[str, float] = {head: 1.0, word: 1.0}
            for relative in (*synonyms.get(head, ()), *synonyms.get(word, ())):
                for token in (w for w in segmenter.words(relative) if keep(w)):
                    members.setdefault(token, SYNONYM_WEIGHT)
            terms.append(QueryTerm(head, tuple(members.items())))
            if len(terms) == max_terms:
                return terms
    return terms


@dataclass(frozen=True)
class Posting:
    doc: str
    part: str
    impact: int


@dataclass
class Hit:
    doc: str
    score: float
    matched: int  # query terms matched
    part: str  # the part that matched best (a ticket's message, say): its text gives the snippet
    words: list[str] = field(default_factory=list)  # the matched tokens, weightiest first


def idf(document_frequency: int, documents: int) -> float:
    documents = max(documents, document_frequency, 1)
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def rank(
    terms: Sequence[QueryTerm],
    postings: Mapping[str, Sequence[Posting]],
    documents: int,
    min_match: int,
) -> list[Hit]:
    """Documents scored by the sum over query terms of their best match (the term's idf x impact x member weight),
    times the share of terms matched. A term's idf counts the documents of all its members together: a rare synonym
    is worth no more than the word itself. Documents matching fewer than `min_match` terms are left out."""
    by_doc: dict[str, dict[str, dict[int, float]]] = {}  # doc -> part -> term index -> best score there
    words: dict[str, dict[str, float]] = {}
    for index, term in enumerate(terms):
        covered = {p.doc for token in term.tokens for p in postings.get(token, ())}
        rarity = idf(len(covered), documents)
        for token, weight in term.members:
            for posting in postings.get(token, ()):
                gained = rarity * posting.impact / 1000 * weight
                scores = by_doc.setdefault(posting.doc, {}).setdefault(posting.part, {})
                scores[index] = max(scores.get(index, 0.0), gained)
                seen = words.setdefault(posting.doc, {})
                seen[token] = max(seen.get(token, 0.0), gained)
    hits: list[Hit] = []
    for doc, parts in by_doc.items():
        best_per_term: dict[int, float] = {}
        for scores in parts.values():
            for index, value in scores.items():
                best_per_term[index] = max(best_per_term.get(index, 0.0), value)
        matched = len(best_per_term)
        if matched < min_match:
            continue
        score = sum(best_per_term.values()) * matched / max(len(terms), 1)
        best_part = max(parts, key=lambda p: (sum(parts[p].values()), p))
        ordered = [w for w, _ in sorted(words[doc].items(), key=lambda pair: (-pair[1], pair[0]))]
        hits.append(Hit(doc, round(score, 4), matched, best_part, ordered))
    hits.sort(key=lambda h: (-h.score, h.doc))
    return hits


def min_match(terms: int, strict: bool) -> int:
    """How many of a query's terms a document must match: most of them for ticket search (`strict`, agents look for
    a particular ticket), a third for articles (a paraphrase should still find its answer)."""
    if terms == 0:
        return 1
    if strict:
        return terms if terms <= 2 else math.ceil(terms * 0.6)
    return max(1, math.ceil(terms / 3))


def snippet(text: str, words: Iterable[str], width: int = 90) -> str:
    """A window of `text` around the first of `words` it contains (rarest word first), on whole characters."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    start = -1
    for word in words:
        start = lowered.find(word.lower())
        if start >= 0:
            break
    if start < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    begin = max(0, start - width // 3)
    end = min(len(flat), begin + width)
    begin = max(0, end - width)
    return ("…" if begin else "") + flat[begin:end] + ("…" if end < len(flat) else "")
