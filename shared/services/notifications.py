"""Reacting to ticket events: the requester's mail and agents' in-app notifications.

Delivery is at-least-once, so every side effect is keyed on the domain event: mail goes through an idempotent
`deliver` (Powertools Idempotency in the Lambda), in-app notifications are conditional puts keyed on the event.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from shared.adapters.directory_store import InboxStore
from shared.adapters.tickets_store import TicketStore
from shared.domain.access import STAFF_ROLES, Permission, Principal
from shared.domain.events import AuditEvent, EventType
from shared.errors import Forbidden
from shared.services.cursors import CursorCodec
from shared.services.mail import MailComposer

PRIORITY_LABELS = {
    "zh-CN": {"P1": "紧急", "P2": "重要", "P3": "一般", "P4": "低"},
    "en": {"P1": "Urgent", "P2": "High", "P3": "Normal", "P4": "Low"},
}

# A job for `deliver`: {"idempotency_key", "from", "to", "raw" (base64)} -> {"message_id"}.
Deliver = Callable[[dict[str, Any]], dict[str, Any]]


class NotificationService:
    def __init__(
        self,
        store: TicketStore,
        inbox: InboxStore,
        composer: MailComposer,
        deliver: Deliver,
        cursors: CursorCodec,
    ) -> None:
        self._cursors = cursors
        self._store = store
        self._inbox = inbox
        self._composer = composer
        self._deliver = deliver

    def handle(self, event: AuditEvent) -> list[str]:
        """Everything one event calls for; returns what was done, for the log."""
        done: list[str] = []
        ticket = {"id": event.ticket_id, **event.snapshot}
        if event.type is EventType.TICKET_CREATED:
            done += self._acknowledge(event, ticket)
        if event.type is EventType.MESSAGE_ADDED and not event.internal and event.actor.role in STAFF_ROLES:
            done += self._send_reply(event, ticket)
        assigned = event.changed("assignee")
        to_notify = assigned.new if assigned is not None and assigned.new != event.actor.email else None
        if to_notify and self._inbox.add(to_notify, event.id, "ticket.assigned", event.at, ticket):
            done.append(f"notified {to_notify}")
        return done

    def _acknowledge(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        language = ticket.get("language", "zh-CN")
        context = {
            "ticket": ticket,
            "now": event.at,
            "priority_label": PRIORITY_LABELS.get(language, PRIORITY_LABELS["zh-CN"]).get(ticket["priority"], ""),
        }
        return self._mail(event, "acknowledgment", ticket, context, automatic=True)

    def _send_reply(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        message = self._store.get_message(event.ticket_id, event.ticket_version, event.message_id or "")
        if message is None:
            return []
        context = {
            "ticket": ticket,
            "now": event.at,
            "body": message.body,
            "author": {"name": message.author.name or message.author.email},
        }
        return self._mail(event, "reply", ticket, context, automatic=False)

    def _mail(
        self, event: AuditEvent, kind: str, ticket: dict[str, Any], context: dict[str, Any], automatic: bool
    ) -> list[str]:
        to = ticket["requester"]["email"]
        thread_root = f"<ticket-{ticket['id']}@{self._composer.domain}>"
        message_id = f"<{kind}-{event.id}@{self._composer.domain}>"
        mail = self._composer.compose(
            kind,
            ticket.get("language", "zh-CN"),
            to,
            context,
            message_id,
            automatic,
            references=[thread_root],
        )
        mail["In-Reply-To"] = thread_root
        result = self._deliver(
            {
                "idempotency_key": f"{event.id}#{kind}",
                "from": self._composer.sender,
                "to": [to],
                "raw": base64.b64encode(mail.as_bytes()).decode(),
            }
        )
        return [f"{kind} mail to {to}: {result.get('message_id')}"]

    # -- the agent's inbox -----------------------------------------------------------------------
    def inbox(self, principal: Principal, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
        scope = f"inbox|{principal.email}"
        page = self._inbox.list(principal.email, limit, self._cursors.decode(scope, cursor))
        return page.items, self._cursors.encode(scope, page.last_key)
