"""Carrying out what a trigger or an automation decided (`shared.domain.effects.Effects`) on a ticket: its fields,
its status (closing through the closing review), the people to tell, and the canned replies sent to the requester.

The caller writes the changes and messages in one write through the one writer, with events whose actor names the
rule or the automation; the notices table turns them into the supervisor's alerts and the requester's mail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.canned_replies import CannedReply
from shared.domain.effects import Effects
from shared.domain.events import Message
from shared.domain.lifecycle import Status
from shared.domain.review import ReviewPolicy, close
from shared.domain.tickets import FieldChange, Person, Ticket
from shared.domain.workflow import AUTOMATION_MAIL, ESCALATED
from shared.errors import InvalidTransition


@dataclass
class Applied:
    changes: list[FieldChange] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # public replies to the requester, by the actor
    errors: list[str] = field(default_factory=list)


class Effector:
    def __init__(
        self,
        canned: Callable[[], Sequence[CannedReply]],
        review_policy: Callable[[], ReviewPolicy],
        agent_name: Callable[[str | None], str] = lambda email: "",
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._canned = canned
        self._review_policy = review_policy
        self._agent_name = agent_name
        self._new_id = new_id

    def apply(self, ticket: Ticket, effects: Effects, now: datetime, actor: Person) -> Applied:
        applied = Applied(errors=list(effects.errors))
        applied.changes += ticket.apply_changes(dict(effects.fields), now)
        if effects.status is not None:
            try:
                if effects.status == Status.CLOSED.value:
                    # Something, not someone, closes it: a ticket that needs review waits for a supervisor.
                    applied.changes += close(ticket, self._review_policy(), now, actor.name, may_approve=False)
                else:
                    applied.changes += ticket.apply_changes({"status": Status(effects.status)}, now)
            except InvalidTransition as refused:
                applied.errors.append(refused.message)
        if effects.notify:
            applied.changes.append(FieldChange("notify", None, list(effects.notify)))
        if effects.escalate:
            applied.changes.append(FieldChange(ESCALATED, None, "; ".join(n for n in effects.escalate if n)))
        moved = effects.status is None or ticket.status.value == effects.status
        if effects.mails and moved:
            # A notice tells of the move: a ticket held for review (or a move refused) gets none.
            applied.changes.append(FieldChange(AUTOMATION_MAIL, None, list(effects.mails)))
        if effects.replies:
            by_id = {reply.id: reply for reply in self._canned()}
            for reply_id in effects.replies:
                reply = by_id.get(reply_id)
                if reply is None:
                    applied.errors.append(f"no canned reply '{reply_id}'")
                    continue
                applied.messages.append(self._message(ticket, reply, now, actor))
        return applied

    def _message(self, ticket: Ticket, reply: CannedReply, now: datetime, actor: Person) -> Message:
        """The canned reply with its placeholders filled in, as the console fills them for an agent."""
        values = {
            "customer_name": ticket.requester.name or ticket.requester.email,
            "ticket_number": ticket.number,
            "agent_name": self._agent_name(ticket.assignee) or actor.name,
        }
        body = reply.body
        for name, value in values.items():
            body = body.replace("{" + name + "}", value)
        return Message(self._new_id(), ticket.id, actor, body, False, now, "web")
