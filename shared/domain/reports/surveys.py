"""Satisfaction survey links: a signed token naming the ticket, so a requester answers with one click, unsigned in.

`<base64url(ticket id bytes + MAC)>`, the MAC an HMAC-SHA256 (first 12 bytes) keyed with the survey secret: only
the product can make one, and a token names exactly one ticket. Like the reply address's token
(`shared/domain/mail/threads.py`), with its own key and label, so neither token works as the other.
"""

from __future__ import annotations

from shared.domain.ticket_tokens import TicketToken

SCORES = range(1, 6)
_SURVEY = TicketToken(b"helpdesk-survey:")


def make_survey_token(ticket_id: str, secret: str) -> str:
    return _SURVEY.make(ticket_id, secret)


def ticket_id_from_survey_token(token: str, secret: str) -> str | None:
    """The ticket a token names, or None when it is malformed or not ours."""
    return _SURVEY.ticket_id(token, secret)


def survey_links(base_url: str, token: str) -> list[dict[str, object]]:
    """The five one-click links of the resolution notice, 1 very dissatisfied ... 5 very satisfied."""
    return [{"score": n, "url": f"{base_url.rstrip('/')}/survey/{token}?score={n}"} for n in SCORES]
