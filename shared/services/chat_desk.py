"""The console's side of live chat (docs/chat.md, "Agents"): the chat lists and accepting a waiting chat.

The lists read the sparse `by_chat` index (waiting oldest first, then the chats agents hold); accepting assigns the
chat to the caller through the ticket's ordinary staff edit (one transaction with its audit event), so the stream
tells the visitor `assigned` as for any assignment, and a second agent accepting at the same moment loses the
version check and is told `conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.access import Permission, Principal
from shared.domain.chat.visitors import is_anonymous
from shared.domain.directory import Agent
from shared.domain.tickets import Channel, Ticket
from shared.errors import ChatTaken, Forbidden, InvalidInput, VersionConflict
from shared.services.cursors import CursorCodec
from shared.services.ports import ChatConnections, ChatLists, DirectoryReader
from shared.services.tickets import TicketService

STATES = ("waiting", "mine", "all")
_ATTEMPTS = 5


@dataclass(frozen=True)
class ChatSummary:
    ticket: Ticket
    assignee_name: str | None
    connected: bool

    @property
    def visitor_email(self) -> str | None:
        email = self.ticket.requester.email
        return None if is_anonymous(email) else email

    @property
    def text(self) -> str:
        return next((line.strip() for line in self.ticket.description.splitlines() if line.strip()), "")

    @property
    def waiting_since(self) -> datetime | None:
        """While nobody holds it and it has not ended: since it started."""
        if self.ticket.assignee or self.ticket.chat_ended_at is not None:
            return None
        return self.ticket.created_at


class ChatDesk:
    def __init__(
        self,
        tickets: TicketService,
        lists: ChatLists,
        connections: ChatConnections,
        directory: DirectoryReader,
        cursors: CursorCodec,
    ) -> None:
        self._tickets = tickets
        self._lists = lists
        self._connections = connections
        self._directory = directory
        self._cursors = cursors

    def list(
        self, principal: Principal, state: str, limit: int, cursor: str | None
    ) -> tuple[list[ChatSummary], str | None]:
        if not principal.can(Permission.TICKET_READ_ALL):
            raise Forbidden("only staff see the chat queue")
        if state not in STATES:
            raise InvalidInput(f"state is one of {', '.join(STATES)}", field="state")
        scope = f"chats:{state}:{principal.email.lower() if state == 'mine' else ''}"
        page = self._lists.page(state, principal.email, limit, self._cursors.decode(scope, cursor))
        tickets: list[Ticket] = [t for t in page.items if t.channel is Channel.CHAT and t.is_open]
        online = self._connections.connected([t.id for t in tickets])
        names = self._names({t.assignee for t in tickets if t.assignee})
        items = [ChatSummary(t, names.get((t.assignee or "").lower()), t.id in online) for t in tickets]
        return items, self._cursors.encode(scope, page.last_key)

    def _names(self, emails: set[str]) -> dict[str, str]:
        if not emails:
            return {}
        agents: list[Agent] = [a for a in (self._directory.get_agent(e) for e in sorted(emails)) if a is not None]
        return {a.email.lower(): a.name or a.email for a in agents}

    def accept(self, principal: Principal, ref: str) -> Ticket:
        """The caller takes a chat: 409 `conflict` when someone else holds it already."""
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff accept chats")
        for _ in range(_ATTEMPTS):
            ticket = self._tickets.get(principal, ref)
            if ticket.channel is not Channel.CHAT:
                raise InvalidInput("this ticket is not a live chat", field="id")
            if ticket.assignee and ticket.assignee.lower() == principal.email.lower():
                return ticket  # accepted already (a double click, a retried request)
            if ticket.assignee:
                raise ChatTaken(f"{ticket.assignee} took this chat first")
            if not ticket.is_open or ticket.chat_ended_at is not None:
                raise ChatTaken("this chat has ended")
            try:
                return self._tickets.edit(principal, ticket, {"assignee": principal.email})
            except VersionConflict:
                continue  # changed meanwhile (another agent's accept, the assignment function): read it again
        raise ChatTaken("this chat kept changing; reload it")
