"""Live chat (在线客服, docs/chat.md): a visitor's WebSocket frames become a ticket with channel `chat` and its
messages, through the one ticket writer.

The three routes of API Gateway's WebSocket API arrive here as `connect`, `disconnect` and `receive`. Every answer
to the visitor is pushed through the `ChatPush` port (the management API on AWS, the local server's sockets in local
mode), so both modes behave alike. Bad input is answered with an error frame, never with a dropped socket. A visitor
line is claimed (`CHATLINE#<ticket>#<line key>`) in the ticket's transaction: a frame delivered twice, or resent by
the widget after a reconnect, makes one message.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared.clock import Clock
from shared.domain.access import Principal
from shared.domain.chat import protocol
from shared.domain.chat.connections import ChatConnection
from shared.domain.chat.protocol import End, Frame, FrameError, Line, Resume, Start, Typing, Watch
from shared.domain.chat.rates import FRAMES_PER_CONNECTION, LINES_PER_CONVERSATION, RateLimit
from shared.domain.chat.settings import ChatSettings
from shared.domain.chat.tokens import make_conversation_token, ticket_id_from_conversation_token
from shared.domain.chat.visitors import anonymous_address
from shared.domain.directory import Agent, Availability
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.requests import TicketDraft
from shared.domain.tickets import Channel, Person, Status, Ticket
from shared.errors import AlreadyClaimed, ConnectionGone, Forbidden, InvalidInput, NotFound
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import ChatConnections, ChatPush, DirectoryReader, Tickets, TicketWriter
from shared.services.tickets import TicketService

log = logging.getLogger("helpdesk.chat")
MAX_SUBJECT = 200
RESUME_LINES = 100

# The signed-in customer or staff member behind a connect's `?token=`, or None when the token is not good.
Identify = Callable[[str], Principal | None]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def subject_of(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return " ".join(first.split())[:MAX_SUBJECT] or "在线咨询"


class ChatService:
    def __init__(
        self,
        tickets: TicketService,
        store: Tickets,
        writer: TicketWriter,
        connections: ChatConnections,
        push: ChatPush,
        directory: DirectoryReader,
        identify: Identify,
        clock: Clock,
        secret: str,
        settings: Callable[[], ChatSettings],
        own_origin: str,
    ) -> None:
        self._settings = settings  # the admin setting (allowed sites, idle time), cached by its service
        self._own_origin = own_origin  # the product's own site: always allowed
        self._tickets = tickets
        self._store = store
        self._writer = writer
        self._connections = connections
        self._push = push
        self._directory = directory
        self._identify = identify
        self._clock = clock
        self._secret = secret

    # -- $connect / $disconnect -------------------------------------------------------------------------------
    def connect(self, connection_id: str, origin: str | None, token: str | None) -> ChatConnection:
        """Refuses (`Forbidden`) a site that is not allowed and a sign-in token that is not good."""
        if origin is not None and not self._settings().allows(origin, self._own_origin):
            raise Forbidden("this site may not open a chat")
        principal = self._identify(token) if token else None
        if token and principal is None:
            raise Forbidden("the sign-in token is not good")
        connection = ChatConnection(
            connection_id=connection_id,
            role="staff" if principal is not None and principal.is_staff else "visitor",
            connected_at=self._clock.now(),
            email=principal.email if principal else None,
            name=principal.name if principal else None,
            origin=origin,
        )
        self._connections.connect(connection)
        return connection

    def disconnect(self, connection_id: str) -> None:
        self._connections.drop(connection_id)

    # -- $default: one frame -------------------------------------------------------------------------------------
    def receive(self, connection_id: str, body: str | bytes | None, delivery_id: str) -> None:
        connection = self._connections.connection(connection_id)
        if connection is None:  # expired or never connected: say so rather than stay silent
            self._send(connection_id, protocol.error("no_connection", "connect again"))
            return
        if not self._within(FRAMES_PER_CONNECTION, connection_id, connection_id):
            return
        try:
            staff = connection.role == "staff"
            frame = protocol.parse_frame(body, signed_in=connection.email is not None, staff=staff)
            self._dispatch(connection, frame, delivery_id)
        except FrameError as refused:
            self._send(connection_id, protocol.error(refused.code, refused.message))

    def apologize(self, connection_id: str) -> None:
        """After a fault of ours: the visitor hears that the line may not have arrived (the widget resends it with
        its id, which makes it one message however often it arrives)."""
        try:
            self._send(connection_id, protocol.error("unavailable", "something went wrong; please send it again"))
        except Exception:  # the push itself failing must not hide the fault being reported
            log.exception("could not tell connection %s about a fault", connection_id)

    def _dispatch(self, connection: ChatConnection, frame: Frame, delivery_id: str) -> None:
        if isinstance(frame, Start):
            self._start(connection, frame, delivery_id)
        elif isinstance(frame, Resume):
            self._resume(connection, frame)
        elif isinstance(frame, Line):
            self._line(connection, frame, delivery_id)
        elif isinstance(frame, Typing):
            ticket_id = self._conversation(connection)
            if connection.role == "staff":
                self.push_to_conversation(ticket_id, protocol.typing())
            else:
                self.push_to_conversation(ticket_id, protocol.visitor_typing(ticket_id), role="staff")
        elif isinstance(frame, End):
            self._end(connection)
        elif isinstance(frame, Watch):
            self._watch(connection, frame)

    def _within(self, limit: RateLimit, subject: str, connection_id: str) -> bool:
        now = self._clock.now()
        key, ends = limit.window(subject, now)
        if self._connections.count(key, ends) <= limit.limit:
            return True
        seconds = max(1, int(limit.retry_after(now).total_seconds()))
        self._send(connection_id, protocol.error("rate_limited", f"too many messages, wait {seconds} s"))
        return False

    # -- start ------------------------------------------------------------------------------------------------
    def _start(self, connection: ChatConnection, frame: Start, delivery_id: str) -> None:
        ticket_id = _digest("chat", connection.connection_id, delivery_id)
        if connection.conversation == ticket_id:  # this very start delivered again: the same answer
            ticket = self._store.get(ticket_id)
            if ticket is not None:
                token = make_conversation_token(ticket.id, self._secret)
                self._send(connection.connection_id, protocol.started(token, ticket.number))
                return
        if connection.conversation:
            raise FrameError("already_started", "this connection already has a conversation")
        if connection.email:
            requester = Person(connection.email, connection.name or connection.email)
        elif frame.email:
            requester = Person(frame.email, frame.name)
        else:
            requester = Person(anonymous_address(ticket_id), frame.name)
        draft = TicketDraft(
            subject=subject_of(frame.text),
            description=frame.text,
            channel=Channel.CHAT,
            requester=requester,
            language="zh-CN",
        )
        ticket, event = self._tickets.prepare_intake(draft, ticket_id, [])
        ticket.chat_last_line_at, ticket.chat_idle_minutes = ticket.created_at, self._settings().idle_minutes
        posted = self._visitor_message(ticket, requester, frame.text, _digest("message", ticket_id, delivery_id))
        event = replace(event, message_id=posted.id, internal=False)
        parts = [
            self._connections.line_part(ticket.id, delivery_id, posted.id),
            self._store.message_part(posted, ticket),
        ]
        try:
            self._writer.write(ticket, [event], parts, create=True)
        except AlreadyClaimed:  # the same start delivered again: answer as the first time
            found = self._store.get(ticket_id)
            if found is None:  # pragma: no cover - the claim is written with the ticket
                raise
            ticket = found
        self._connections.join(connection, ticket.id)
        self._send(
            connection.connection_id,
            protocol.started(make_conversation_token(ticket.id, self._secret), ticket.number),
        )
        if not self._anyone_online(ticket):
            self._send(connection.connection_id, protocol.offline())

    def anyone_online(self) -> bool:
        """Whether any agent at all is online (then the start did not say `offline`)."""
        agents, _ = self._directory.list_all()
        return any(a.role == "agent" and a.availability is Availability.ONLINE for a in agents)

    def _anyone_online(self, ticket: Ticket) -> bool:
        """Whether an agent could answer now (the ticket's team when it has one); the assignment function routes
        the ticket as any other, and the `assigned` frame follows its decision."""
        agents, _ = self._directory.list_all()

        def serves(agent: Agent) -> bool:
            return agent.role == "agent" and (not ticket.team or ticket.team in agent.teams)

        return any(agent.availability is Availability.ONLINE for agent in agents if serves(agent))

    # -- the console watching a chat -----------------------------------------------------------------------------
    def _watch(self, connection: ChatConnection, frame: Watch) -> None:
        """A staff connection follows one chat ticket it may see: the visitor's lines and typing reach it."""
        agent = self._directory.get_agent(connection.email or "")
        if agent is None:
            raise FrameError("invalid_conversation", "this ticket cannot be watched here")
        principal = Principal.of(agent.email, agent.name, agent.role, tuple(agent.teams))
        try:
            ticket = self._tickets.get(principal, frame.ticket)
        except NotFound:
            ticket = None
        if ticket is None or ticket.channel is not Channel.CHAT:
            raise FrameError("invalid_conversation", "this ticket cannot be watched here")
        self._connections.join(connection, ticket.id)
        self._send(connection.connection_id, protocol.watching(ticket.id, ticket.number))

    # -- resume -----------------------------------------------------------------------------------------------
    def _resume(self, connection: ChatConnection, frame: Resume) -> None:
        ticket = self._owned(connection, frame.conversation)
        if connection.conversation and connection.conversation != ticket.id:
            raise FrameError("invalid_conversation", "this connection has another conversation")
        self._connections.join(connection, ticket.id)
        page = self._store.list_messages(ticket.id, RESUME_LINES, None, include_internal=False)
        lines = [self._as_line(message) for message in page.items]
        self._send(connection.connection_id, protocol.resumed(lines))

    def _owned(self, connection: ChatConnection, token: str) -> Ticket:
        """The conversation a token names, when it is a chat this connection may see; one answer for every
        refusal, so a token never tells whether another ticket exists."""
        ticket_id = ticket_id_from_conversation_token(token, self._secret)
        ticket = self._store.get(ticket_id) if ticket_id else None
        if (
            ticket is None
            or ticket.channel is not Channel.CHAT
            or (connection.email is not None and ticket.requester.email.lower() != connection.email.lower())
        ):
            raise FrameError("invalid_conversation", "this conversation cannot be resumed here")
        return ticket

    @staticmethod
    def _as_line(message: Message) -> dict[str, Any]:
        sender = "visitor" if message.author.role == "customer" else "agent"
        line = protocol.line(sender, message.author.name, message.body, message.created_at)
        return {key: value for key, value in line.items() if key != "type"}

    # -- lines ------------------------------------------------------------------------------------------------
    def _conversation(self, connection: ChatConnection) -> str:
        if not connection.conversation:
            raise FrameError("no_conversation", "start or resume a conversation first")
        return connection.conversation

    def _line(self, connection: ChatConnection, frame: Line, delivery_id: str) -> None:
        ticket_id = self._conversation(connection)
        key = f"id:{frame.id}" if frame.id else delivery_id
        if self._connections.line_claimed(ticket_id, key):
            return  # delivered before: the message is on the ticket
        if not self._within(LINES_PER_CONVERSATION, ticket_id, connection.connection_id):
            return
        ticket = self._store.get(ticket_id)
        if ticket is None:  # pragma: no cover - the connection joined an existing ticket
            raise FrameError("invalid_conversation", "this conversation is gone")
        message_id = _digest("message", ticket_id, key)

        def add(ticket: Ticket) -> Message | None:
            if ticket.status is Status.CLOSED:
                raise FrameError("conversation_ended", "this conversation is closed; start a new one")
            now = self._clock.now()
            applied = self._tickets.apply_customer_reply(ticket, now)
            ticket.updated_at = ticket.chat_last_line_at = now
            posted = self._visitor_message(ticket, ticket.requester, frame.text, message_id)
            event = AuditEvent.of(
                ticket,
                EventType.MESSAGE_ADDED,
                posted.author,
                now,
                applied,
                id=_digest("event", ticket.id, str(ticket.version), posted.id),
                message_id=posted.id,
                internal=False,
            )
            parts = [self._connections.line_part(ticket.id, key, posted.id), self._store.message_part(posted, ticket)]
            try:
                self._writer.write(ticket, [event], parts)
            except AlreadyClaimed:
                return None  # the same line, written meanwhile by its other delivery
            return posted

        posted = retry_on_conflict(ticket, self._store.get, add)
        if posted is not None:  # the console watching the chat sees the line at once, before the stream has it
            name = posted.author.name or posted.author.email
            seen = protocol.visitor_line(ticket_id, posted.id, name, posted.body, posted.created_at)
            self.push_to_conversation(ticket_id, seen, role="staff")

    def _visitor_message(self, ticket: Ticket, requester: Person, text: str, message_id: str) -> Message:
        return Message(
            id=message_id,
            ticket_id=ticket.id,
            author=Person(requester.email, requester.name, "customer"),
            body=text,
            internal=False,
            created_at=self._clock.now(),
            channel="chat",
        )

    # -- end --------------------------------------------------------------------------------------------------
    def _end(self, connection: ChatConnection) -> None:
        ticket_id = self._conversation(connection)
        ticket = self._store.get(ticket_id)
        if ticket is None:  # pragma: no cover
            raise FrameError("invalid_conversation", "this conversation is gone")
        self._record_end(ticket, Person(ticket.requester.email, ticket.requester.name, "customer"))

    def end_by(self, principal: Principal, ref: str) -> tuple[Ticket, int]:
        """An agent (or the requester, from the portal) ends the chat: `chat.ended`, and the visitor is told."""
        ticket = self._tickets.get(principal, ref)
        if ticket.channel is not Channel.CHAT:
            raise InvalidInput("this ticket is not a live chat", field="id")
        return ticket, self._record_end(ticket, Person(principal.email, principal.name, principal.party))

    def _record_end(self, ticket: Ticket, actor: Person) -> int:
        def record(ticket: Ticket) -> None:
            now = self._clock.now()
            ticket.updated_at = now
            ticket.chat_ended_at = ticket.chat_ended_at or now  # leaves the waiting list; frees the agent's seat
            event = AuditEvent.of(
                ticket, EventType.CHAT_ENDED, actor, now, [], id=_digest("ended", ticket.id, str(ticket.version))
            )
            self._writer.write(ticket, [event])

        retry_on_conflict(ticket, self._store.get, record)
        return self.push_to_conversation(ticket.id, protocol.ended())

    # -- pushes -----------------------------------------------------------------------------------------------
    def relay_reply(self, message: Message) -> int:
        """A staff public reply on a chat ticket, pushed by the request that wrote it, once the write committed: the
        visitor sees it without waiting for the ticket stream. When it reached a socket, a mark tells the stream's
        push (`ChatNotices`) to skip it; when it reached none, the stream still mails it or tries again. A fault
        here must not fail a reply already saved: the stream delivers it as before."""
        author = message.author.name or message.author.email
        frame = {**protocol.line("agent", author, message.body, message.created_at), "id": message.id}
        try:
            delivered = self.push_to_conversation(message.ticket_id, frame)
            if delivered:
                self._connections.mark_pushed(message.ticket_id, message.id, self._clock.now())
        except Exception:  # the reply is saved; the stream's push is the fallback
            log.exception("could not push reply %s of ticket %s", message.id, message.ticket_id)
            return 0
        return delivered

    def push_to_conversation(self, ticket_id: str, frame: dict[str, Any], role: str = "visitor") -> int:
        """A frame to every open connection of a conversation's visitor (or of the staff watching it); gone ones
        are deleted. How many took it."""
        delivered = 0
        for connection_id in self._connections.targets(ticket_id, role):
            if self._send(connection_id, frame, ticket_id):
                delivered += 1
        return delivered

    def _send(self, connection_id: str, frame: dict[str, Any], ticket_id: str | None = None) -> bool:
        try:
            self._push.post(connection_id, protocol.encode(frame))
        except ConnectionGone:
            log.info("chat connection %s is gone", connection_id)
            self._connections.drop(connection_id, ticket_id)
            return False
        return True
