"""SES feedback on mail we sent (configuration-set events via SNS): bounces and complaints mark the address
undeliverable and add an internal note to the ticket the mail was about. Once per SES message and event type."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.tickets import Person, Ticket
from shared.errors import AlreadyClaimed
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import Mail, Tickets, TicketWriter

SES = Person("ses", "邮件系统", "system")


@dataclass(frozen=True)
class Feedback:
    kind: str  # bounce | complaint
    ses_message_id: str
    recipients: list[str]
    permanent: bool
    detail: str
    ticket_number: str | None
    message_id: str | None


class MailFeedbackService:
    def __init__(self, store: Tickets, writer: TicketWriter, mail: Mail, clock: Clock) -> None:
        self._store = store
        self._writer = writer
        self._mail = mail
        self._clock = clock

    def handle(self, feedback: Feedback | None) -> str:
        if feedback is None or not feedback.ses_message_id:
            return "ignored"
        now = self._clock.now()
        if feedback.permanent:
            for address in feedback.recipients:
                self._mail.mark_undeliverable(address, feedback.kind, feedback.detail, now)
        ticket = self._ticket(feedback)
        if ticket is None:
            return f"{feedback.kind}: {', '.join(feedback.recipients)} (no ticket)"
        claim = f"<{feedback.kind}-{feedback.ses_message_id}@ses-feedback>"
        label = "退信 / Bounce" if feedback.kind == "bounce" else "投诉 / Complaint"
        body = (
            f"{label}: 发给 {', '.join(feedback.recipients) or '(未知地址)'} 的邮件"
            f"{'被退回' if feedback.kind == 'bounce' else '被收件人标记为垃圾邮件'}"
            f"{'，地址已标记为无法投递' if feedback.permanent else ''}。{feedback.detail}"
        )
        message_id = hashlib.sha256(claim.encode()).hexdigest()[:32]
        message = Message(message_id, ticket.id, SES, body, True, now, "email", {"feedback": feedback.kind})

        def note_once(ticket: Ticket) -> str:
            ticket.updated_at = now
            event_id = hashlib.sha256(f"event\n{claim}\n{ticket.version}".encode()).hexdigest()[:32]
            event = AuditEvent.of(
                ticket, EventType.MESSAGE_ADDED, SES, now, id=event_id, message_id=message_id, internal=True
            )
            parts = [
                *self._mail.claim_parts([claim], ticket.id, message_id, None),
                self._store.message_part(message, ticket),
            ]
            with contextlib.suppress(AlreadyClaimed):
                self._writer.write(ticket, [event], parts)
                return f"{feedback.kind} noted on {ticket.number}"
            return "already noted"

        return retry_on_conflict(ticket, self._store.get, note_once)

    def _ticket(self, feedback: Feedback) -> Ticket | None:
        if feedback.ticket_number:
            ticket_id = self._store.ticket_id_for_number(feedback.ticket_number)
            if ticket_id:
                return self._store.get(ticket_id)
        if feedback.message_id:
            ticket_id = self._mail.ticket_for_message_id(feedback.message_id)
            if ticket_id:
                return self._store.get(ticket_id)
        return None
