"""The knowledge-base and search routes (docs/api.md, "Knowledge base and search"), registered on app.py's router.

Routes only: each parses, calls one service (shared/services/kb.py, search.py), shapes the reply. Reading articles
and searching them needs no sign-in; a signed-in caller is still recognised, so staff see drafts.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from chalice import Response

from shared.api.kb_schemas import (
    ArticleCreate,
    ArticleHits,
    ArticleListQuery,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    CategoryList,
    CategoryOut,
    FeedbackBody,
    FeedbackOut,
    HistoryPage,
    LinkBody,
    PreviewBody,
    PreviewOut,
    SearchQuery,
    SearchTermsBody,
    SearchTermsOut,
    SuggestQuery,
    TicketHits,
    TicketSearchQuery,
    article_hit_out,
    article_out,
    article_summary_out,
    history_out,
    ticket_hit_out,
)
from shared.api.routing import ApiRouter, Call, json_response, parse_if_match
from shared.api.schemas import PageQuery, TicketOut, ticket_out
from shared.domain.kb import ArticleStatus
from shared.domain.tickets import Ticket


def _tz(call: Call) -> ZoneInfo:
    return ZoneInfo(call.container.settings.timezone)


def register_kb_routes(api: ApiRouter) -> None:
    def article_reply(call: Call, article: Any, status: int = 200) -> Response:
        return json_response(article_out(article, _tz(call)), status, {"ETag": f'"{article.version}"'})

    def ticket_reply(call: Call, ticket: Ticket) -> Response:
        return json_response(ticket_out(ticket, _tz(call)), headers={"ETag": f'"{ticket.version}"'})

    @api.route(
        "/api/kb/articles",
        "POST",
        summary="Write an article (staff: agents drafts, supervisors and admins may publish)",
        body=ArticleCreate,
        response=ArticleOut,
        status=201,
    )
    def create_article(call: Call) -> Response:
        article = call.container.kb.create(call.principal, call.body.model_dump())
        return article_reply(call, article, 201)

    @api.route(
        "/api/kb/articles",
        "GET",
        summary="Articles by category and title: published for anyone, drafts too for staff",
        query=ArticleListQuery,
        response=ArticlePage,
        optional_auth=True,
    )
    def list_articles(call: Call) -> ArticlePage:
        q: ArticleListQuery = call.query
        status = ArticleStatus(q.status) if q.status else None
        items, cursor = call.container.kb.list(call.principal, q.category, status, q.limit, q.cursor)
        tz = _tz(call)
        return ArticlePage(items=[article_summary_out(a, tz) for a in items], next_cursor=cursor)

    @api.route(
        "/api/kb/categories",
        "GET",
        summary="The knowledge base's categories with their article counts",
        response=CategoryList,
        optional_auth=True,
    )
    def list_categories(call: Call) -> CategoryList:
        found = call.container.kb.categories(call.principal)
        return CategoryList(items=[CategoryOut(category=c, articles=n, published=p) for c, n, p in found])

    @api.route(
        "/api/kb/articles/{id}",
        "GET",
        summary="An article: published for anyone, drafts for staff only",
        response=ArticleOut,
        optional_auth=True,
    )
    def get_article(call: Call, id: str) -> Response:
        return article_reply(call, call.container.kb.get(call.principal, id))

    @api.route(
        "/api/kb/articles/{id}",
        "PATCH",
        summary="Edit an article (If-Match; agents edit drafts, supervisors and admins publish)",
        body=ArticlePatch,
        response=ArticleOut,
    )
    def patch_article(call: Call, id: str) -> Response:
        changes = call.body.model_dump(exclude_unset=True, exclude_none=True)
        expected = parse_if_match(call.headers.get("if-match"))
        return article_reply(call, call.container.kb.update(call.principal, id, changes, expected))

    @api.route("/api/kb/articles/{id}", "DELETE", summary="Delete an article (supervisor, admin)", status=204)
    def delete_article(call: Call, id: str) -> Response:
        call.container.kb.delete(call.principal, id, parse_if_match(call.headers.get("if-match")))
        return Response(body="", status_code=204)

    @api.route(
        "/api/kb/articles/{id}/history",
        "GET",
        summary="Every change of an article, oldest first (staff)",
        query=PageQuery,
        response=HistoryPage,
    )
    def article_history(call: Call, id: str) -> HistoryPage:
        items, cursor = call.container.kb.history(call.principal, id, call.query.limit, call.query.cursor)
        tz = _tz(call)
        return HistoryPage(items=[history_out(e, tz) for e in items], next_cursor=cursor)

    @api.route(
        "/api/kb/articles/{id}/feedback",
        "POST",
        summary="Was it helpful; did it answer the question without a ticket (anyone; rate-limited)",
        body=FeedbackBody,
        response=FeedbackOut,
        optional_auth=True,
    )
    def article_feedback(call: Call, id: str) -> FeedbackOut:
        body: FeedbackBody = call.body
        article = call.container.kb.feedback(call.principal, call.caller, id, body.helpful, body.deflected)
        return FeedbackOut(
            id=article.id, helpful=article.helpful, not_helpful=article.not_helpful, deflections=article.deflections
        )

    @api.route(
        "/api/kb/preview",
        "POST",
        summary="A Markdown body as the article page will show it (staff)",
        body=PreviewBody,
        response=PreviewOut,
    )
    def preview_article(call: Call) -> PreviewOut:
        return PreviewOut(html=call.container.kb.preview(call.principal, call.body.body))

    @api.route(
        "/api/kb/search",
        "GET",
        summary="Search articles, Chinese-aware, best first (anyone: published; staff: drafts too)",
        query=SearchQuery,
        response=ArticleHits,
        optional_auth=True,
    )
    def search_articles(call: Call) -> ArticleHits:
        hits = call.container.search.search_articles(call.principal, call.query.q, call.query.limit)
        return ArticleHits(items=[article_hit_out(h) for h in hits])

    @api.route(
        "/api/search/tickets",
        "GET",
        summary="Search tickets by what they say: subject, description, replies, internal notes (staff)",
        query=TicketSearchQuery,
        response=TicketHits,
    )
    def search_tickets(call: Call) -> TicketHits:
        q: TicketSearchQuery = call.query
        hits, cursor = call.container.search.search_tickets(call.principal, q.q, q.statuses(), q.limit, q.cursor)
        tz = _tz(call)
        return TicketHits(items=[ticket_hit_out(h, tz) for h in hits], next_cursor=cursor)

    @api.route(
        "/api/tickets/{id}/article-suggestions",
        "GET",
        summary="Published articles for a ticket's subject and description (staff)",
        query=SuggestQuery,
        response=ArticleHits,
    )
    def suggest_articles(call: Call, id: str) -> ArticleHits:
        ticket = call.container.tickets.get(call.principal, id)
        hits = call.container.search.suggest_for_ticket(call.principal, ticket, call.query.limit)
        return ArticleHits(items=[article_hit_out(h) for h in hits])

    @api.route(
        "/api/tickets/{id}/articles",
        "POST",
        summary="Link an article to a ticket (staff)",
        body=LinkBody,
        response=TicketOut,
    )
    def link_article(call: Call, id: str) -> Response:
        return ticket_reply(call, call.container.kb.link(call.principal, id, call.body.article_id))

    @api.route(
        "/api/tickets/{id}/articles/{article_id}",
        "DELETE",
        summary="Unlink an article from a ticket (staff)",
        response=TicketOut,
    )
    def unlink_article(call: Call, id: str, article_id: str) -> Response:
        return ticket_reply(call, call.container.kb.unlink(call.principal, id, article_id))

    @api.route(
        "/api/tickets/{id}/kb-draft",
        "POST",
        summary="A draft article from a resolved ticket's question and answer (staff)",
        response=ArticleOut,
        status=201,
    )
    def draft_from_ticket(call: Call, id: str) -> Response:
        return article_reply(call, call.container.kb.draft_from_ticket(call.principal, id), 201)

    @api.route(
        "/api/admin/search-terms",
        "GET",
        summary="The search's product terms and synonyms (staff)",
        response=SearchTermsOut,
    )
    def get_search_terms(call: Call) -> Response:
        terms, synonyms, version = call.container.search.terms(call.principal)
        body = SearchTermsOut(terms=terms, synonyms=synonyms, version=version)
        return json_response(body, headers={"ETag": f'"{version}"'})

    @api.route(
        "/api/admin/search-terms",
        "PUT",
        summary="Save the search's product terms and synonyms (admin)",
        body=SearchTermsBody,
        response=SearchTermsOut,
    )
    def put_search_terms(call: Call) -> Response:
        body: SearchTermsBody = call.body
        expected = parse_if_match(call.headers.get("if-match"))
        terms, synonyms, version = call.container.search.save_terms(call.principal, body.terms, body.synonyms, expected)
        return json_response(SearchTermsOut(terms=terms, synonyms=synonyms, version=version))
