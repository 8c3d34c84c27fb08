"""The knowledge base in the tickets table: articles, their history, category counts, daily counters, and the parts
of a write that the one writer commits (an article with its history entry and counts; a ticket's link)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from shared.adapters.items import (
    ArticleHistoryItem,
    ArticleItem,
    KbCategoryItem,
    KbDayItem,
)
from shared.adapters.rate_windows import RateWindows
from shared.adapters.ticket_writer import Part, check, delete, put, update
from shared.domain.kb import COUNTERS, Article, ArticleStatus, DayCounts, HistoryEntry
from shared.domain.requests import Key, Page
from shared.errors import NotFound, VersionConflict

CATEGORIES = "KBCAT"
DAY_COUNTS_KEPT = timedelta(days=400)


def article_pk(article_id: str) -> str:
    return f"KBART#{article_id}"


def list_partition(status: ArticleStatus | str) -> str:
    return f"KB#{ArticleStatus(status).value}"


def _stale() -> Exception:
    return VersionConflict("the article was changed by someone else; reload it", field="If-Match")


def _gone() -> Exception:
    return NotFound("no such article")


def to_item(article: Article) -> ArticleItem:
    return ArticleItem(
        article_pk(article.id),
        "ARTICLE",
        id=article.id,
        title=article.title,
        body=article.body,
        category=article.category,
        tags=list(article.tags),
        language=article.language,
        status=article.status.value,
        summary=article.summary,
        author=article.author,
        created_at=article.created_at,
        updated_at=article.updated_at,
        version=article.version,
        views=article.views,
        helpful=article.helpful,
        not_helpful=article.not_helpful,
        deflections=article.deflections,
        linked_tickets=article.linked_tickets,
        source_ticket=article.source_ticket,
        kb_list=list_partition(article.status),
        kb_sort=f"{article.category}#{article.title}#{article.id}",
    )


def from_item(item: ArticleItem) -> Article:
    return Article(
        id=item.id,
        title=item.title,
        body=item.body,
        category=item.category,
        author=item.author,
        created_at=item.created_at,
        updated_at=item.updated_at,
        tags=list(item.tags or []),
        language=item.language or "zh-CN",
        status=ArticleStatus(item.status),
        summary=item.summary or "",
        version=int(item.version or 0),
        views=int(item.views or 0),
        helpful=int(item.helpful or 0),
        not_helpful=int(item.not_helpful or 0),
        deflections=int(item.deflections or 0),
        linked_tickets=int(item.linked_tickets or 0),
        source_ticket=item.source_ticket,
    )


def parse_article_image(image: dict) -> Article:
    """An article from a stream record's image (DynamoDB JSON)."""
    return from_item(ArticleItem.from_raw_data(image))


class KbStore:
    # -- reading ---------------------------------------------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        try:
            return from_item(ArticleItem.get(article_pk(article_id), "ARTICLE"))
        except DoesNotExist:
            return None

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        keys = [(article_pk(i), "ARTICLE") for i in dict.fromkeys(article_ids)]
        return {item.id: from_item(item) for item in ArticleItem.batch_get(keys)}

    def list_articles(self, status: ArticleStatus, category: str | None, limit: int, start: Key | None) -> Page:
        """One Query on `by_kb`: a status's articles by category and title, or one category's."""
        condition = ArticleItem.kb_sort.startswith(f"{category}#") if category else None
        result = ArticleItem.by_kb.query(
            list_partition(status), condition, page_size=limit, limit=limit, last_evaluated_key=start
        )
        page = next(result.page_iter)
        items = [from_item(ArticleItem.from_raw_data(raw)) for raw in page.get("Items", [])]
        return Page(items, page.get("LastEvaluatedKey"))

    def history(self, article_id: str, limit: int, start: Key | None) -> Page:
        result = ArticleHistoryItem.query(
            article_pk(article_id),
            ArticleHistoryItem.sk.startswith("HISTORY#"),
            page_size=limit,
            limit=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        entries = []
        for raw in page.get("Items", []):
            item = ArticleHistoryItem.from_raw_data(raw)
            entries.append(
                HistoryEntry(
                    article_id,
                    int(item.version),
                    item.action,
                    item.actor,
                    item.at,
                    tuple(item.changed or []),
                    dict(item.content or {}),
                )
            )
        return Page(entries, page.get("LastEvaluatedKey"))

    def categories(self) -> list[tuple[str, int, int]]:
        """(category, articles, published articles), by name: one Query."""
        return [
            (item.category, int(item.total or 0), int(item.published or 0))
            for item in KbCategoryItem.query(CATEGORIES, KbCategoryItem.sk.startswith("CAT#"))
        ]

    def day_counts(self, day: date) -> list[DayCounts]:
        return [
            DayCounts(item.article_id, day.isoformat(), *(int(getattr(item, name) or 0) for name in COUNTERS))
            for item in KbDayItem.query(f"KBSTAT#{day.isoformat()}")
        ]

    # -- writing: the parts of one article change, committed by the one writer ---------------------------------------
    def save_parts(self, before: Article | None, after: Article | None, entry: HistoryEntry) -> list[Part]:
        """The article created (not there before), edited (at the version read: its content fields only, so the
        counters keep what was added meanwhile) or deleted; its history entry; its category counts."""
        parts: list[Part] = []
        if before is None and after is not None:
            parts.append(put(to_item(after), ArticleItem.pk.does_not_exist(), _stale))
        elif before is not None and after is not None:
            parts.append(self._edit(before, after))
        elif before is not None:
            gone = ArticleItem(article_pk(before.id), "ARTICLE")
            parts.append(delete(gone, ArticleItem.version == before.version, _stale))
        history = ArticleHistoryItem(
            article_pk(entry.article_id),
            f"HISTORY#{entry.version:010d}",
            version=entry.version,
            action=entry.action,
            actor=entry.actor,
            at=entry.at,
            changed=list(entry.changed),
            content=entry.content,
        )
        parts.append(put(history, ArticleHistoryItem.pk.does_not_exist(), _stale))
        parts += self._category_counts(before, after)
        return parts

    @staticmethod
    def _edit(before: Article, after: Article) -> Part:
        item = to_item(after)
        names = ("title", "body", "category", "tags", "language", "status", "summary", "updated_at", "version")
        actions: list[Action] = [getattr(ArticleItem, n).set(getattr(item, n)) for n in names]
        actions += [ArticleItem.kb_list.set(item.kb_list), ArticleItem.kb_sort.set(item.kb_sort)]
        target = ArticleItem(article_pk(after.id), "ARTICLE")
        return update(target, actions, ArticleItem.version == before.version, _stale)

    @staticmethod
    def _category_counts(before: Article | None, after: Article | None) -> list[Part]:
        deltas: dict[str, list[int]] = {}
        for article, sign in ((before, -1), (after, 1)):
            if article is not None:
                counts = deltas.setdefault(article.category, [0, 0])
                counts[0] += sign
                counts[1] += sign if article.published else 0
        parts = []
        for category, (total, published) in deltas.items():
            if total or published:
                item = KbCategoryItem(CATEGORIES, f"CAT#{category}")
                actions = [
                    KbCategoryItem.kind.set(KbCategoryItem),
                    KbCategoryItem.category.set(category),
                    KbCategoryItem.total.add(total),
                    KbCategoryItem.published.add(published),
                ]
                parts.append(update(item, actions))
        return parts

    @staticmethod
    def link_part(article_id: str, delta: int) -> Part:
        """A ticket links (+1) or unlinks (-1) the article, in the ticket's own write; a missing article is 404."""
        target = ArticleItem(article_pk(article_id), "ARTICLE")
        if delta == 0:
            return check(target, ArticleItem.pk.exists(), _gone)
        return update(target, [ArticleItem.linked_tickets.add(delta)], ArticleItem.pk.exists(), _gone)

    # -- counters (atomic ADDs, outside any transaction) -------------------------------------------------------------
    def count(self, article_id: str, day: date, counters: dict[str, int]) -> Article | None:
        """Add to an article's counters and to its counters of the day; the article as it is now, None when gone."""
        target = ArticleItem(article_pk(article_id), "ARTICLE")
        try:
            target.update(
                actions=[getattr(ArticleItem, name).add(value) for name, value in counters.items()],
                condition=ArticleItem.pk.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        daily = KbDayItem(f"KBSTAT#{day.isoformat()}", f"ARTICLE#{article_id}")
        expires = datetime.combine(day, time(), tzinfo=UTC) + DAY_COUNTS_KEPT
        daily.update(
            actions=[
                KbDayItem.kind.set(KbDayItem),
                KbDayItem.article_id.set(article_id),
                KbDayItem.expires_at.set(expires),
                *(getattr(KbDayItem, name).add(value) for name, value in counters.items()),
            ]
        )
        return from_item(target)

    def take_slot(self, who: str, window: str, limit: int, expires_at: datetime) -> bool:
        """One more of at most `limit` actions by `who` in a time window (feedback rate limit)."""
        return RateWindows().take("kb_feedback", who, window, limit, expires_at)
