"""The knowledge base (知识库): articles in Markdown, drafts and published ones, their history and counters.

Agents write drafts; supervisors and admins publish. Anonymous visitors and customers only ever see published
articles. The body is Markdown, shown as HTML that has been through the same kind of sanitizer as mail.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from shared.errors import InvalidInput


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


# What an edit may change; the rest (counters, author, times) is the product's.
EDITABLE = ("title", "body", "category", "tags", "language", "status", "summary")
MAX_BODY_CHARS = 100_000
SUMMARY_CHARS = 140


@dataclass
class Article:
    id: str
    title: str
    body: str
    category: str
    author: str
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)
    language: str = "zh-CN"
    status: ArticleStatus = ArticleStatus.DRAFT
    summary: str = ""  # empty: the body's first paragraph
    version: int = 0
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    deflections: int = 0
    linked_tickets: int = 0
    source_ticket: str | None = None  # the resolved ticket it was drafted from

    @property
    def published(self) -> bool:
        return self.status is ArticleStatus.PUBLISHED

    @property
    def html(self) -> str:
        return render_markdown(self.body)

    @property
    def lead(self) -> str:
        """The summary an agent inserts into a reply and a help-centre list shows."""
        return self.summary or first_paragraph(self.body)

    def content(self) -> dict[str, Any]:
        """What the history keeps of each version, and what a search index is built from."""
        return {name: _plain(getattr(self, name)) for name in EDITABLE}

    def apply(self, changes: dict[str, Any]) -> list[str]:
        """Apply an edit; returns the names of the fields that changed."""
        changed = []
        for name in EDITABLE:
            if name in changes and changes[name] != getattr(self, name):
                value = changes[name]
                setattr(self, name, ArticleStatus(value) if name == "status" else value)
                changed.append(name)
        return changed


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else (list(value) if isinstance(value, list) else value)


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an article: the version it produced, what happened, who, when, and the content after it."""

    article_id: str
    version: int
    action: str  # created | updated | published | unpublished | deleted
    actor: str
    at: datetime
    changed: tuple[str, ...]
    content: dict[str, Any]


def action_of(before: Article | None, after: Article | None) -> str:
    if before is None:
        return "created"
    if after is None:
        return "deleted"
    if before.status is not after.status:
        return "published" if after.published else "unpublished"
    return "updated"


_CATEGORY = re.compile(r"^[^#\s][^#]{0,31}$")


def check_category(category: str) -> str:
    category = category.strip()
    if not _CATEGORY.match(category):
        raise InvalidInput("a category is 1-32 characters, without '#'", field="category")
    return category


@dataclass(frozen=True)
class DayCounts:
    """An article's counters on one day (the dashboard's `kb` section reads these)."""

    article_id: str
    day: str  # YYYY-MM-DD, tenant time
    views: int = 0
    helpful: int = 0
    not_helpful: int = 0
    deflections: int = 0


COUNTERS = tuple(f.name for f in fields(DayCounts) if f.name not in ("article_id", "day"))


# -- Markdown ------------------------------------------------------------------------------------------------------
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt  # loaded with the first article shown, not with the API

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def render_markdown(body: str) -> str:
    """Markdown -> sanitized HTML: raw HTML in the source is shown as text, links get `rel=noopener noreferrer`,
    only http(s) and mailto links and http(s) images survive."""
    import nh3

    rendered = _markdown().render(body)
    return nh3.clean(
        rendered,
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(body: str) -> str:
    """The words of a Markdown body without its markup (for the index, snippets and summaries)."""
    import nh3

    text = nh3.clean(_markdown().render(body), tags=set())
    return " ".join(html_lib.unescape(text).split())


def first_paragraph(body: str, limit: int = SUMMARY_CHARS) -> str:
    for block in re.split(r"\n\s*\n", body.strip()):
        if block.strip() and not block.lstrip().startswith("#"):
            text = plain_text(block)
            if text:
                return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


# -- an article from a resolved ticket ---------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ORDER = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}\d{6,}(?![A-Za-z0-9])")


def redact(text: str) -> str:
    """Customers' addresses, mobile numbers and order numbers out of a text that becomes public."""
    text = _EMAIL.sub("[邮箱]", text)
    text = _PHONE.sub("[手机号]", text)
    return _ORDER.sub("[单号]", text)


def draft_from_ticket(subject: str, description: str, answers: list[str], requester_name: str) -> tuple[str, str]:
    """Title and Markdown body of a draft article: the question, then the answer the agents gave."""

    def clean(text: str) -> str:
        text = redact(text.strip())
        return text.replace(requester_name, "[客户]") if requester_name.strip() else text

    answer = "\n\n".join(clean(a) for a in answers if a.strip()) or "（请填写解决方法）"
    body = f"## 问题\n\n{clean(description) or clean(subject)}\n\n## 解决方法\n\n{answer}\n"
    return clean(subject)[:200], body
