"""The labelled query set (tests/kb_queries.py) over the seeded articles: the engine's recall@5, and the substring
matching it replaces, measured beside it (bench/search.py prints both)."""

from __future__ import annotations

from infra.seed.kb import ARTICLES
from tests.kb_queries import LABELLED, STOP_ONLY
from tests.unit.test_kb_services import ANONYMOUS, Desk, seed_kb


def substring_top(query: str, k: int = 5) -> list[str]:
    """The baseline: articles whose title or body contains the query as typed (`LIKE '%q%'`), most occurrences
    first."""
    needle = query.strip().lower()
    counted = []
    for article_id, _, title, _, body in ARTICLES:
        text = f"{title}\n{body}".lower()
        if needle and needle in text:
            counted.append((-text.count(needle), article_id))
    return [article_id for _, article_id in sorted(counted)[:k]]


def recall_at_5(top_of: object) -> float:
    found = sum(expected in top_of(query) for query, expected in LABELLED)  # type: ignore[operator]
    return found / len(LABELLED)


def engine_top(desk: Desk) -> object:
    return lambda query: [hit.article.id for hit in desk.search.search_articles(ANONYMOUS, query, 5)]


def test_the_labelled_set_is_large_and_names_seeded_articles() -> None:
    seeded = {a[0] for a in ARTICLES}
    assert len(LABELLED) >= 40 and {expected for _, expected in LABELLED} <= seeded
    assert len(ARTICLES) >= 15 and len({a[1] for a in ARTICLES}) >= 5


def test_recall_at_5_of_the_engine_and_of_substring_matching() -> None:
    desk = Desk()
    seed_kb(desk.kb)
    desk.reindex()
    engine = recall_at_5(engine_top(desk))
    baseline = recall_at_5(substring_top)
    print(f"recall@5 over {len(LABELLED)} queries: engine {engine:.2f}, substring {baseline:.2f}")
    assert engine >= 0.9
    assert baseline < engine  # what word segmentation buys: reordered words, particles, paraphrases


def test_a_query_of_stop_words_finds_nothing() -> None:
    desk = Desk()
    seed_kb(desk.kb)
    desk.reindex()
    for query in STOP_ONLY:
        assert desk.search.search_articles(ANONYMOUS, query, 5) == []


def test_word_order_particles_and_mixed_english_do_not_matter() -> None:
    desk = Desk()
    seed_kb(desk.kb)
    desk.reindex()
    for query in ("重置密码", "密码重置", "我的密码怎么重置"):
        assert engine_top(desk)(query)[0] == "reset-password"  # type: ignore[operator]
    assert engine_top(desk)("VPN 连不上")[0] == "vpn-connect"  # type: ignore[operator]
