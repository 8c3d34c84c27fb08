"""Request and response bodies of the knowledge-base and search routes (docs/api.md, "Knowledge base and search")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from shared.api.schemas import Out, StatusList, Strict, Tag, TicketOut, _csv, ticket_out
from shared.domain.kb import Article, HistoryEntry
from shared.domain.tickets import Status

if TYPE_CHECKING:  # the search service (and its ports) load with the first search, not with the API
    from shared.services.search import ArticleHit, TicketHit

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[^#]+$")]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Language = Literal["zh-CN", "en"]
ArticleId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w-]+$")]
Query = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class ArticleCreate(Strict):
    title: Title
    body: Body
    category: Category
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    language: Language = "zh-CN"
    status: Literal["draft", "published"] = "draft"
    summary: Summary = ""


class ArticlePatch(Strict):
    title: Title | None = None
    body: Body | None = None
    category: Category | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    language: Language | None = None
    status: Literal["draft", "published"] | None = None
    summary: Summary | None = None


class ArticleSummaryOut(Out):
    id: str
    title: str
    summary: str = Field(description="the given summary, or the body's first paragraph")
    category: str
    tags: list[str]
    status: Literal["draft", "published"]
    version: int
    updated_at: datetime
    views: int
    helpful: int
    not_helpful: int
    deflections: int
    linked_tickets: int = Field(description="tickets that link it")
    url: str = Field(description="where the help centre shows it")


class ArticleOut(ArticleSummaryOut):
    body: str
    html: str = Field(description="the body as sanitized HTML")
    given_summary: str = Field(default="", description="the summary as written (empty: the first paragraph is used)")
    language: str
    author: str
    created_at: datetime
    source_ticket: str | None = Field(default=None, description="the resolved ticket it was drafted from")


class ArticlePage(Out):
    items: list[ArticleSummaryOut]
    next_cursor: str | None


class ArticleListQuery(Out):
    model_config = ConfigDict(extra="ignore")

    category: Category | None = None
    status: Literal["draft", "published"] | None = Field(default=None, description="staff: one status only")
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None


class CategoryOut(Out):
    category: str
    articles: int
    published: int


class CategoryList(Out):
    items: list[CategoryOut]


class HistoryOut(Out):
    version: int
    action: str
    actor: str
    at: datetime
    changed: list[str]
    content: dict[str, Any]


class HistoryPage(Out):
    items: list[HistoryOut]
    next_cursor: str | None


class PreviewBody(Strict):
    body: Annotated[str, StringConstraints(max_length=100_000)]


class PreviewOut(Out):
    html: str


class FeedbackBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        defer_build=True,
        json_schema_extra={
            "anyOf": [{"properties": {"helpful": {"const": True}}}, {"properties": {"deflected": {"const": False}}}]
        },
    )
    helpful: bool
    deflected: bool = False


class FeedbackOut(Out):
    id: str
    helpful: int
    not_helpful: int
    deflections: int


class LinkBody(Strict):
    article_id: ArticleId


class SearchQuery(Out):
    model_config = ConfigDict(extra="ignore")

    q: Query
    limit: int = Field(default=10, ge=1, le=50)


class ArticleHitOut(Out):
    id: str
    title: str
    snippet: str
    score: float
    summary: str
    category: str
    status: Literal["draft", "published"]
    url: str


class ArticleHits(Out):
    items: list[ArticleHitOut]


class SuggestQuery(Out):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(default=5, ge=1, le=20)


class TicketSearchQuery(Out):
    model_config = ConfigDict(extra="ignore")

    q: Query
    status: StatusList = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None

    def statuses(self) -> tuple[Status, ...]:
        return tuple(Status(s) for s in _csv(self.status))


class TicketHitOut(TicketOut):
    snippet: str
    score: float
    matched: Literal["subject", "message", "internal"] = Field(
        description="where the best match is: the subject or description, a reply, an internal note"
    )


class TicketHits(Out):
    items: list[TicketHitOut]
    next_cursor: str | None


class SearchTermsBody(Strict):
    terms: list[Term] = Field(default_factory=list, max_length=2000)
    synonyms: list[list[Term]] = Field(default_factory=list, max_length=500)


class SearchTermsOut(Out):
    terms: list[str]
    synonyms: list[list[str]]
    version: int


def article_url(article_id: str) -> str:
    return f"/help/articles/{article_id}"


def article_out(article: Article, tz: Any) -> ArticleOut:
    return ArticleOut(
        **dict(article_summary_out(article, tz)),
        body=article.body,
        html=article.html,
        given_summary=article.summary,
        language=article.language,
        author=article.author,
        created_at=article.created_at.astimezone(tz),
        source_ticket=article.source_ticket,
    )


def article_summary_out(article: Article, tz: Any) -> ArticleSummaryOut:
    return ArticleSummaryOut(
        id=article.id,
        title=article.title,
        summary=article.lead,
        category=article.category,
        tags=list(article.tags),
        status=article.status.value,  # type: ignore[arg-type]
        version=article.version,
        updated_at=article.updated_at.astimezone(tz),
        views=article.views,
        helpful=article.helpful,
        not_helpful=article.not_helpful,
        deflections=article.deflections,
        linked_tickets=article.linked_tickets,
        url=article_url(article.id),
    )


def history_out(entry: HistoryEntry, tz: Any) -> HistoryOut:
    return HistoryOut(
        version=entry.version,
        action=entry.action,
        actor=entry.actor,
        at=entry.at.astimezone(tz),
        changed=list(entry.changed),
        content=entry.content,
    )


def article_hit_out(hit: ArticleHit) -> ArticleHitOut:
    article = hit.article
    return ArticleHitOut(
        id=article.id,
        title=article.title,
        snippet=hit.snippet,
        score=hit.score,
        summary=article.lead,
        category=article.category,
        status=article.status.value,  # type: ignore[arg-type]
        url=article_url(article.id),
    )


def ticket_hit_out(hit: TicketHit, tz: Any) -> TicketHitOut:
    base = ticket_out(hit.ticket, tz).model_dump()
    return TicketHitOut(**base, snippet=hit.snippet, score=hit.score, matched=hit.matched)  # type: ignore[arg-type]
