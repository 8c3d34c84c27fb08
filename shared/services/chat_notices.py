"""What a `chat` ticket's visitor hears while their chat is open (docs/chat.md, "Agents").

The notification function calls this for every event on a `chat` ticket, before the notices table's mail:

- a public staff reply is pushed to the visitor's open connections as a `message` frame (with the message's id, so
  a redelivered stream record is shown once by the widget); with no connection open, it is mailed as for any
  ticket when the visitor gave an address, and only kept on the ticket when they did not. A reply the API request
  already pushed (`ChatService.relay_reply` left a mark) is skipped: the visitor is not sent it twice;
- the ticket's assignee changing to someone pushes `assigned` with their name;
- the acknowledgment mail is not sent: the visitor was answered on the socket (`started`).

Anonymous visitors' addresses (`@chat.invalid`) are never mailed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.domain.chat import protocol
from shared.domain.chat.visitors import is_anonymous
from shared.domain.events import AuditEvent, EventType
from shared.services.ports import Tickets

# A frame to a conversation's open connections -> how many took it (ChatService.push_to_conversation).
PushToConversation = Callable[[str, dict[str, Any]], int]
AgentName = Callable[[str], str | None]
# Whether the request that wrote a reply pushed it already (ticket id, message id): ChatConnections.was_pushed.
WasPushed = Callable[[str, str], bool]


class ChatNotices:
    def __init__(
        self, store: Tickets, push: PushToConversation, agent_name: AgentName, was_pushed: WasPushed | None = None
    ) -> None:
        self._store = store
        self._was_pushed = was_pushed or (lambda ticket_id, message_id: False)
        self._push = push
        self._agent_name = agent_name

    @staticmethod
    def serves(ticket: dict[str, Any]) -> bool:
        return ticket.get("channel") == "chat"

    @staticmethod
    def mailable(ticket: dict[str, Any]) -> bool:
        return not is_anonymous(str((ticket.get("requester") or {}).get("email", "")))

    def on_event(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        """Pushes that follow from an event whatever the notices table says (the assignment; an idle chat ended by
        the sweep, which cannot reach the sockets itself: an `end` by the visitor or an agent was told at once)."""
        if event.type is EventType.CHAT_ENDED and event.actor.role == "system":
            delivered = self._push(event.ticket_id, protocol.ended())
            return [f"chat ended (idle) pushed to {delivered} connection(s)"]
        change = event.changed("assignee")
        if change is None or not change.new or event.type is EventType.MESSAGE_ADDED:
            return []
        name = self._agent_name(str(change.new)) or str(change.new).split("@")[0]
        delivered = self._push(event.ticket_id, protocol.assigned(name))
        return [f"chat assigned pushed to {delivered} connection(s)"]

    def deliver(self, kind: str, event: AuditEvent, ticket: dict[str, Any]) -> tuple[list[str], bool]:
        """What was done, and whether the usual mail should still go out."""
        if kind == "acknowledgment":
            return ["no acknowledgment mail for a chat: the visitor was answered on the socket"], False
        if kind != "reply":
            return [], self.mailable(ticket)
        if event.message_id and self._was_pushed(event.ticket_id, event.message_id):
            return ["chat reply already pushed by the request that wrote it"], False
        message = self._store.get_message(event.ticket_id, event.ticket_version, event.message_id or "")
        if message is None:
            return [], False
        frame = protocol.line("agent", message.author.name or message.author.email, message.body, message.created_at)
        delivered = self._push(event.ticket_id, {**frame, "id": message.id})
        if delivered:
            return [f"chat reply pushed to {delivered} connection(s)"], False
        if not self.mailable(ticket):
            return ["chat reply kept: the visitor is gone and gave no address"], False
        return ["chat reply: the visitor is gone, mailing it"], True
