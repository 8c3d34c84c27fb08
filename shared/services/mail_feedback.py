"""SES feedback on mail we sent (configuration-set events via SNS): bounces and complaints mark the address
undeliverable and add an internal note to the ticket the mail was about. Once per SES message and event type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from shared.adapters.mail_store import MailStore
from shared.adapters.tickets_store import TicketStore
from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType, Message, snapshot_of
from shared.domain.mail.threads import ticket_numbers_in_subject
from shared.domain.tickets import Person, Ticket
from shared.errors import VersionConflict

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


def read_feedback(notification: dict[str, Any]) -> Feedback | None:
    """An SES event (`eventType`) or notification (`notificationType`) of a bounce or complaint; None otherwise."""
    kind = str(notification.get("eventType") or notification.get("notificationType") or "").lower()
    mail = notification.get("mail") or {}
    headers = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in mail.get("headers") or []}
    common = mail.get("commonHeaders") or {}
    numbers = ticket_numbers_in_subject(headers.get("x-helpdesk-ticket", "") or str(common.get("subject") or ""))
    base = {
        "ses_message_id": str(mail.get("messageId") or ""),
        "ticket_number": numbers[0] if numbers else None,
        "message_id": headers.get("message-id") or common.get("messageId"),
    }
    if kind == "bounce":
        bounce = notification.get("bounce") or {}
        recipients = [str(r.get("emailAddress", "")).lower() for r in bounce.get("bouncedRecipients") or []]
        detail = "; ".join(str(r.get("diagnosticCode", "")) for r in bounce.get("bouncedRecipients") or [])
        permanent = str(bounce.get("bounceType", "")) == "Permanent"
        detail = f"{bounce.get('bounceType', '')}/{bounce.get('bounceSubType', '')} {detail}".strip()
        return Feedback("bounce", recipients=[r for r in recipients if r], permanent=permanent, detail=detail, **base)
    if kind == "complaint":
        complaint = notification.get("complaint") or {}
        recipients = [str(r.get("emailAddress", "")).lower() for r in complaint.get("complainedRecipients") or []]
        detail = str(complaint.get("complaintFeedbackType") or "complaint")
        return Feedback("complaint", recipients=[r for r in recipients if r], permanent=True, detail=detail, **base)
    return None


class MailFeedbackService:
    def __init__(self, store: TicketStore, mail: MailStore, clock: Clock) -> None:
        self._store = store
        self._mail = mail
        self._clock = clock

    def handle(self, notification: dict[str, Any]) -> str:
        feedback = read_feedback(notification)
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
        for _ in range(5):
            message_id = hashlib.sha256(claim.encode()).hexdigest()[:32]
            message = Message(message_id, ticket.id, SES, body, True, now, "email", {"feedback": feedback.kind})
            ticket.updated_at = now
            event = AuditEvent(
                id=hashlib.sha256(f"event\n{claim}\n{ticket.version}".encode()).hexdigest()[:32],
                ticket_id=ticket.id,
                type=EventType.MESSAGE_ADDED,
                actor=SES,
                at=now,
                message_id=message_id,
                internal=True,
                snapshot={"id": ticket.id, **snapshot_of(ticket)},
                ticket_version=ticket.version + 1,
            )
            try:
                written = self._mail.add_note_once(ticket, event, message, claim)
                return f"{feedback.kind} noted on {ticket.number}" if written else "already noted"
            except VersionConflict:
                fresh = self._store.get(ticket.id)
                if fresh is None:  # pragma: no cover
                    raise
                ticket = fresh
        raise VersionConflict("ticket kept changing; retried by the next delivery")

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
