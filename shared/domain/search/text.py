"""Chinese-aware text analysis: normalization, word segmentation and the tokens that go into the index.

Chinese has no spaces between words, so text is segmented with jieba (search mode: a long word also yields the
shorter words inside it, "打印机" → 打印, 印机, 打印机). The segmenter loads its dictionary on first use, not at import:
the API's cold start pays for it only on its first search. Documents and queries go through the same analysis, so
whatever the segmenter does to a phrase, it does on both sides.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shared.domain.search.vocabulary import PRODUCT_TERMS, STOP_WORDS, SYNONYMS

WORDS = Path(__file__).with_name("words.txt")
MAX_TOKEN_CHARS = 32
# How much a query word's relatives count against the word itself.
SYNONYM_WEIGHT = 0.8

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"^[0-9a-z][0-9a-z._+#-]*$")
# Negations and helpers that turn a word into a complaint ("无法登录", "连接不上") without changing what it is about.
_FILLER = frozenset({"无法", "不能", "不了", "不上", "不到", "不行", "不好", "一直", "总是"})


def normalize(text: str) -> str:
    """Full-width to half-width, compatibility forms folded, lower case: "ＶＰＮ" and "vpn" are one word."""
    return unicodedata.normalize("NFKC", text).lower()


def keep(token: str) -> bool:
    """Whether a segment is a word worth indexing: two or more CJK characters, or a Latin word or number of two or
    more characters, and not a stop word."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or token in STOP_WORDS or token in _FILLER:
        return False
    if _CJK.search(token):
        return len(token) >= 2
    return len(token) >= 2 and bool(_LATIN.match(token))


class Segmenter:
    """jieba over the product's small dictionary (shared/domain/search/words.txt, 50,000 words), the built-in
    product terms and the admins' terms. One per process, loaded on first use, safe to share between threads."""

    def __init__(self, dictionary: Path = WORDS, terms: Iterable[str] = PRODUCT_TERMS) -> None:
        self._dictionary = dictionary
        self._terms = tuple(terms)
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._extra: frozenset[str] = frozenset()
        self.load_seconds: float | None = None

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _load(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                started = time.perf_counter()
                tokenizer = _new_tokenizer(self._dictionary)
                for term in self._terms:
                    _add(tokenizer, term)
                self._tokenizer = tokenizer
                self.load_seconds = time.perf_counter() - started
        return self._tokenizer

    def use_terms(self, terms: Iterable[str]) -> None:
        """The admins' terms (a saved setting): added words are kept whole from now on, removed ones forgotten."""
        wanted = frozenset(normalize(t).strip() for t in terms if t.strip())
        if wanted == self._extra:
            return
        tokenizer = self._load()
        with self._lock:
            for term in self._extra - wanted:
                if term not in self._terms:
                    tokenizer.del_word(term)
            for term in wanted - self._extra:
                _add(tokenizer, term)
            self._extra = wanted

    def words(self, text: str) -> list[str]:
        """Precise mode: each character in one word."""
        return [w for w in self._load().lcut(normalize(text)) if w.strip()]

    def search_words(self, text: str) -> list[str]:
        """Search mode: the precise words and the dictionary words inside the longer ones."""
        return [w for w in self._load().lcut_for_search(normalize(text)) if w.strip()]


def _new_tokenizer(dictionary: Path) -> Any:
    # jieba imports pkg_resources (~160 ms) only to find its bundled dictionary, which we never use: without it,
    # jieba falls back to plain file paths.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(60)  # its progress lines are not ours to log
    tokenizer = jieba.Tokenizer(str(dictionary))
    tokenizer.initialize()  # caches the prefix dictionary in the temp directory for the next process
    return tokenizer


def _add(tokenizer: Any, term: str) -> None:
    term = normalize(term).strip()
    if term:
        # Frequent enough to stay whole next to ordinary words ("重置密码" is one word, not 重置 + 密码).
        tokenizer.add_word(term, freq=max(tokenizer.suggest_freq(term, False), 5_000))


def tokens(segmenter: Segmenter, text: str) -> list[str]:
    """The words of a text that go into the index, in order, with repeats (their counts are term frequencies)."""
    return [w for w in segmenter.search_words(text) if keep(w)]


def synonym_groups(extra: Iterable[Iterable[str]] = ()) -> dict[str, tuple[str, ...]]:
    """Each word of a synonym group -> the other words of its groups."""
    found: dict[str, set[str]] = {}
    for group in [*SYNONYMS, *(tuple(g) for g in extra)]:
        words = [normalize(w).strip() for w in group if w.strip()]
        for word in words:
            found.setdefault(word, set()).update(w for w in words if w != word)
    return {word: tuple(sorted(others)) for word, others in found.items()}
