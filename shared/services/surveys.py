"""Satisfaction surveys (满意度): the requester answers from the resolution notice's one-click links (a signed token,
no sign-in) or in the portal. A later answer replaces the earlier one until the ticket is closed; each answer is a
`satisfaction.rated` event, which the report facts count and which tells the team's supervisor of a 1 or a 2."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from shared.clock import Clock
from shared.domain.access import Principal
from shared.domain.events import AuditEvent, EventType
from shared.domain.reports.surveys import ticket_id_from_survey_token
from shared.domain.tickets import FieldChange, Satisfaction, Status, Ticket
from shared.errors import Forbidden, NotFound, NotResolved, TicketClosed
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import SlaKeeper, TicketReader, TicketWriter
from shared.services.tickets import TicketService


class SurveyService:
    def __init__(
        self,
        tickets: TicketReader,
        writer: TicketWriter,
        sla: SlaKeeper,
        clock: Clock,
        secret: str,
        ticket_service: TicketService,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._tickets = tickets
        self._writer = writer
        self._sla = sla
        self._clock = clock
        self._secret = secret
        self._ticket_service = ticket_service
        self._new_id = new_id

    # -- the survey page (no sign-in: the token is the credential) -----------------------------------------------------
    def _by_token(self, token: str) -> Ticket:
        ticket_id = ticket_id_from_survey_token(token, self._secret)
        ticket = self._tickets.get(ticket_id) if ticket_id else None
        if ticket is None:
            raise NotFound("no such survey")
        return ticket

    def survey(self, token: str) -> dict[str, Any]:
        ticket = self._by_token(token)
        answer = ticket.satisfaction
        return {
            "ticket": {"number": ticket.number, "subject": ticket.subject},
            "score": answer.score if answer else None,
            "comment": answer.comment if answer else None,
            "status": ticket.status.value,
        }

    def answer(self, token: str, score: int, comment: str | None) -> Ticket:
        return self._rate(self._by_token(token), score, comment)

    # -- the portal ------------------------------------------------------------------------------------------------
    def rate(self, principal: Principal, ref: str, score: int, comment: str | None) -> Ticket:
        if principal.is_staff:
            raise Forbidden("only the requester rates a ticket")
        ticket = self._ticket_service.get(principal, ref)  # 404 unless it is theirs
        return self._rate(ticket, score, comment)

    def _rate(self, ticket: Ticket, score: int, comment: str | None) -> Ticket:
        def attempt(current: Ticket) -> Ticket:
            if current.status is Status.CLOSED:
                raise TicketClosed("the ticket is closed; its rating can no longer change", field="score")
            if current.status is not Status.RESOLVED:
                raise NotResolved("a ticket is rated once it is resolved", field="score")
            previous = current.satisfaction
            text = (comment if comment is not None else (previous.comment if previous else "")).strip()
            if previous is not None and previous.score == score and previous.comment == text:
                return current  # the same answer again (a second click): nothing changes
            now = self._clock.now()
            current.satisfaction = Satisfaction(score, text, now)
            change = FieldChange(
                "satisfaction", previous.to_dict() if previous else None, current.satisfaction.to_dict()
            )
            changes = [change, *self._sla.refresh(current, now, [change])]
            current.updated_at = now
            requester = current.requester
            event = AuditEvent.of(current, EventType.SATISFACTION_RATED, requester, now, changes, id=self._new_id())
            self._writer.write(current, [event])
            return current

        return retry_on_conflict(ticket, self._tickets.get, attempt)
