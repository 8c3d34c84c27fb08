"""Knowledge-base use cases (知识库): articles written, published and read; feedback and deflection; articles linked
to tickets; a draft from a resolved ticket; the counts the dashboard reads.

Drafts are staff-only: anyone else asking for one gets 404, as for an article that does not exist.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.events import AuditEvent, EventType
from shared.domain.kb import (
    COUNTERS,
    MAX_BODY_CHARS,
    Article,
    ArticleStatus,
    DayCounts,
    HistoryEntry,
    action_of,
    check_category,
    draft_from_ticket,
    render_markdown,
)
from shared.domain.tickets import FINISHED_STATUSES, FieldChange, Person, Ticket
from shared.errors import Forbidden, InvalidInput, NotFound, NotResolved, RateLimited, VersionConflict
from shared.services.conflicts import retry_on_conflict
from shared.services.cursors import CursorCodec
from shared.services.ports import Articles, SlaKeeper, Tickets, TicketWriter

MAX_LINKED = 20
FEEDBACK_PER_WINDOW = 20  # votes a caller may cast in ten minutes
FEEDBACK_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class KbReport:
    """The knowledge base over a period, for the dashboard's `kb` section (docs/search.md, "Counts")."""

    since: date
    until: date
    views: int
    helpful: int
    not_helpful: int
    deflections: int
    articles: list[DayCounts]  # per article over the period (`day` is the period's first day), most viewed first

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            **{name: getattr(self, name) for name in COUNTERS},
            "articles": [
                {"article_id": a.article_id, **{name: getattr(a, name) for name in COUNTERS}} for a in self.articles
            ],
        }


class KnowledgeBaseService:
    def __init__(
        self,
        store: Articles,
        writer: TicketWriter,
        tickets: Tickets,
        get_ticket: Callable[[Principal, str], Ticket],
        sla: SlaKeeper,
        clock: Clock,
        cursors: CursorCodec,
        timezone: str,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._store = store
        self._writer = writer
        self._tickets = tickets
        self._get_ticket = get_ticket
        self._sla = sla
        self._clock = clock
        self._cursors = cursors
        self._tz = ZoneInfo(timezone)
        self._new_id = new_id

    # -- writing -----------------------------------------------------------------------------------------------------
    def create(
        self,
        principal: Principal,
        fields: dict[str, Any],
        source_ticket: str | None = None,
        article_id: str | None = None,
    ) -> Article:
        """A new article (a draft unless a publisher says otherwise); `article_id` only for seeded articles."""
        if not principal.can(Permission.KB_WRITE):
            raise Forbidden("staff only")
        status = ArticleStatus(fields.get("status") or ArticleStatus.DRAFT)
        if status is ArticleStatus.PUBLISHED and not principal.can(Permission.KB_PUBLISH):
            raise Forbidden("agents write drafts; a supervisor or an admin publishes them")
        now = self._clock.now()
        article = Article(
            id=article_id or self._new_id(),
            title=fields["title"],
            body=_body(fields["body"]),
            category=check_category(fields["category"]),
            author=principal.email,
            created_at=now,
            updated_at=now,
            tags=list(fields.get("tags") or []),
            language=fields.get("language") or "zh-CN",
            status=status,
            summary=fields.get("summary") or "",
            version=1,
            source_ticket=source_ticket,
        )
        self._save(principal, None, article, list(article.content()))
        return article

    def update(
        self, principal: Principal, article_id: str, changes: dict[str, Any], expected_version: int | None
    ) -> Article:
        if not principal.can(Permission.KB_WRITE):
            raise Forbidden("staff only")
        before = self._visible(principal, article_id)
        if expected_version is not None and expected_version != before.version:
            raise _stale(before.version, expected_version)
        after = replace(before, tags=list(before.tags))
        if "category" in changes:
            changes = {**changes, "category": check_category(changes["category"])}
        if "body" in changes:
            changes = {**changes, "body": _body(changes["body"])}
        changed = after.apply(changes)
        if not changed:
            return before
        if (before.published or after.published) and not principal.can(Permission.KB_PUBLISH):
            raise Forbidden("agents edit drafts; published articles are a supervisor's or an admin's")
        after.version = before.version + 1
        after.updated_at = self._clock.now()
        self._save(principal, before, after, changed)
        return after

    def delete(self, principal: Principal, article_id: str, expected_version: int | None = None) -> None:
        if not principal.can(Permission.KB_PUBLISH):
            raise Forbidden("supervisors and admins only")
        before = self._visible(principal, article_id)
        if expected_version is not None and expected_version != before.version:
            raise _stale(before.version, expected_version)
        self._save(principal, before, None, [])

    def _save(self, principal: Principal, before: Article | None, after: Article | None, changed: list[str]) -> None:
        shown = after or before
        assert shown is not None
        version = after.version if after is not None else shown.version + 1
        entry = HistoryEntry(
            shown.id,
            version,
            action_of(before, after),
            principal.email,
            self._clock.now(),
            tuple(changed),
            shown.content(),
        )
        self._writer.commit(self._store.save_parts(before, after, entry))

    def preview(self, principal: Principal, body: str) -> str:
        if not principal.can(Permission.KB_WRITE):
            raise Forbidden("staff only")
        return render_markdown(_body(body))

    # -- reading -----------------------------------------------------------------------------------------------------
    def _visible(self, principal: Principal, article_id: str) -> Article:
        article = self._store.get(article_id) if _valid_id(article_id) else None
        if article is None or (not article.published and not principal.is_staff):
            raise NotFound("no such article")
        return article

    def get(self, principal: Principal, article_id: str) -> Article:
        """An article; a reader who is not staff counts as a view (the help centre's and the portal's)."""
        article = self._visible(principal, article_id)
        if principal.is_staff:
            return article
        return self._store.count(article.id, self._today(), {"views": 1}) or article

    def list(
        self, principal: Principal, category: str | None, status: ArticleStatus | None, limit: int, cursor: str | None
    ) -> tuple[builtins.list[Article], str | None]:
        """Published articles for anyone; staff also drafts (drafts first, then published, unless `status`)."""
        if status is ArticleStatus.DRAFT and not principal.is_staff:
            return [], None
        statuses = (
            [status] if status else ([ArticleStatus.DRAFT, ArticleStatus.PUBLISHED] if principal.is_staff else [])
        )
        statuses = statuses or [ArticleStatus.PUBLISHED]
        scope = f"kb|{principal.is_staff}|{category or ''}|{status or ''}"
        position = self._cursors.decode(scope, cursor) or {"s": 0, "k": None}
        segment = int(position.get("s", 0))
        if segment >= len(statuses):
            raise InvalidInput("the cursor is not valid for this query", field="cursor")
        page = self._store.list_articles(statuses[segment], category, limit, position.get("k"))
        following = None
        if page.last_key:
            following = {"s": segment, "k": page.last_key}
        elif segment + 1 < len(statuses):
            following = {"s": segment + 1, "k": None}
        return page.items, self._cursors.encode(scope, following)

    def categories(self, principal: Principal) -> builtins.list[tuple[str, int, int]]:
        """(category, articles, published): staff see every category, others those with published articles."""
        found = self._store.categories()
        if principal.is_staff:
            return [c for c in found if c[1] > 0]
        return [(name, published, published) for name, _, published in found if published > 0]

    def history(
        self, principal: Principal, article_id: str, limit: int, cursor: str | None
    ) -> tuple[builtins.list[HistoryEntry], str | None]:
        if not principal.is_staff:
            raise NotFound("no such article")
        if not _valid_id(article_id):
            raise NotFound("no such article")
        scope = f"kb-history|{article_id}"
        page = self._store.history(article_id, limit, self._cursors.decode(scope, cursor))
        if not page.items and cursor is None:
            raise NotFound("no such article")
        return page.items, self._cursors.encode(scope, page.last_key)

    # -- feedback and deflection -------------------------------------------------------------------------------------
    def feedback(self, principal: Principal, caller: str, article_id: str, helpful: bool, deflected: bool) -> Article:
        """A reader's vote; `deflected`: the article answered a question that would otherwise have become a ticket
        (the portal's "这解决了我的问题"). At most `FEEDBACK_PER_WINDOW` votes per caller in ten minutes."""
        if deflected and not helpful:
            raise InvalidInput("only a helpful article deflects a ticket", field="deflected")
        article = self._visible(principal, article_id)
        now = self._clock.now()
        window_start = datetime.fromtimestamp(
            now.timestamp() // FEEDBACK_WINDOW.total_seconds() * FEEDBACK_WINDOW.total_seconds(), tz=now.tzinfo
        )
        if not self._store.take_slot(caller, window_start.isoformat(), FEEDBACK_PER_WINDOW, now + FEEDBACK_WINDOW):
            retry = int((window_start + FEEDBACK_WINDOW - now).total_seconds()) + 1
            raise RateLimited("too many votes; try again later", retry_after=retry)
        counters = {"helpful" if helpful else "not_helpful": 1}
        if deflected:
            counters["deflections"] = 1
        return self._store.count(article.id, self._today(), counters) or article

    def report(self, since: date, until: date) -> KbReport:
        """Views, votes and deflections over the tenant-time days `since`..`until` (inclusive): one Query per day.
        The reports' dashboard calls this for its `kb` section."""
        if until < since or (until - since).days > 366:
            raise InvalidInput("the period is one day to a year", field="since")
        per_article: dict[str, dict[str, int]] = {}
        days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
        # One Query a day, sent together: a month's report waits for the slowest of them, not their sum.
        with ThreadPoolExecutor(max_workers=min(8, len(days))) as pool:
            for day_counts in pool.map(self._store.day_counts, days):
                for counts in day_counts:
                    totals = per_article.setdefault(counts.article_id, dict.fromkeys(COUNTERS, 0))
                    for name in COUNTERS:
                        totals[name] += getattr(counts, name)
        articles = [DayCounts(a, since.isoformat(), **totals) for a, totals in per_article.items()]
        articles.sort(key=lambda c: (-c.views, -c.deflections, c.article_id))
        sums = {name: sum(getattr(a, name) for a in articles) for name in COUNTERS}
        return KbReport(since, until, articles=articles, **sums)

    def dashboard(self, since: date, until: date, top: int = 10) -> dict[str, Any]:
        """The reports' `kb` section: the period's totals and its `top` most viewed articles with their titles (an
        article deleted since keeps its counts under its id)."""
        section = self.report(since, until).to_dict()
        section["articles"] = section["articles"][:top]
        titles = self._store.get_many([a["article_id"] for a in section["articles"]])
        for entry in section["articles"]:
            found = titles.get(entry["article_id"])
            entry["title"] = found.title if found else entry["article_id"]
        return section

    def _today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    # -- articles on tickets -----------------------------------------------------------------------------------------
    def link(self, principal: Principal, ref: str, article_id: str) -> Ticket:
        return self._relink(principal, ref, article_id, linked=True)

    def unlink(self, principal: Principal, ref: str, article_id: str) -> Ticket:
        return self._relink(principal, ref, article_id, linked=False)

    def _relink(self, principal: Principal, ref: str, article_id: str, linked: bool) -> Ticket:
        if not principal.can(Permission.KB_WRITE):
            raise Forbidden("staff only")
        ticket = self._get_ticket(principal, ref)
        if linked:
            self._visible(principal, article_id)
        actor = Person(principal.email, principal.name, principal.party)

        def attempt(current: Ticket) -> Ticket:
            if (article_id in current.articles) == linked:
                return current
            if linked and len(current.articles) >= MAX_LINKED:
                raise InvalidInput(f"a ticket links at most {MAX_LINKED} articles", field="article_id")
            now = self._clock.now()
            old = list(current.articles)
            current.articles = [*old, article_id] if linked else [a for a in old if a != article_id]
            current.updated_at = now
            applied = [FieldChange("articles", old, list(current.articles))]
            applied += self._sla.refresh(current, now, applied)
            event = AuditEvent.of(current, EventType.TICKET_UPDATED, actor, now, applied, id=self._new_id())
            # Unlinking an article deleted since counts nothing down.
            part = self._store.link_part(article_id, 1 if linked else -1)
            if not linked and self._store.get(article_id) is None:
                part = None
            self._writer.write(current, [event], [part] if part is not None else [])
            return current

        return retry_on_conflict(ticket, self._tickets.get, attempt)

    def draft_from_ticket(self, principal: Principal, ref: str) -> Article:
        """A draft whose question is the ticket's and whose answer is what staff told the customer (public replies,
        oldest first), with the customer's name, addresses, phone and order numbers taken out."""
        if not principal.can(Permission.KB_WRITE):
            raise Forbidden("staff only")
        ticket = self._get_ticket(principal, ref)
        if ticket.status not in FINISHED_STATUSES:
            raise NotResolved("only a resolved or closed ticket's answer becomes an article", field="status")
        answers: builtins.list[str] = []
        start = None
        for _ in range(10):  # at most 1,000 messages
            page = self._tickets.list_messages(ticket.id, 100, start, include_internal=False)
            answers += [m.body for m in page.items if m.author.role != "customer"]
            start = page.last_key
            if not start:
                break
        title, body = draft_from_ticket(ticket.subject, ticket.description, answers, ticket.requester.name)
        fields = {"title": title or ticket.number, "body": body, "category": ticket.category or "未分类"}
        return self.create(principal, fields, source_ticket=ticket.id)


def _body(body: str) -> str:
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"the body is over {MAX_BODY_CHARS} characters", field="body")
    return body


def _valid_id(article_id: str) -> bool:
    return 0 < len(article_id) <= 64 and article_id.replace("-", "").replace("_", "").isalnum()


def _stale(current: int, expected: int) -> Exception:
    return VersionConflict(f"the article is at version {current}, not {expected}; reload it", field="If-Match")
