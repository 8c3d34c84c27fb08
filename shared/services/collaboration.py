"""Working together on a ticket: followers, sub-tasks (子任务) and collaboration requests (协作请求).

Each change is one write of the ticket (its item carries followers, sub-tasks and requests), its audit event, and the
work-list entries that change with it (`WorkLists.work_parts`), redone on a version conflict. Who is told of what
is the notices table's (shared/domain/notices.py), delivered by the stream consumers.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.collab import (
    ANSWERS,
    MAX_COLLABORATIONS,
    MAX_FOLLOWERS,
    MAX_SUBTASKS,
    Collaboration,
    CollaborationStatus,
    SubTask,
    SubTaskStatus,
)
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.tickets import FieldChange, Person, Status, Ticket
from shared.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, TicketClosed
from shared.services.conflicts import retry_on_conflict
from shared.services.ports import DirectoryReader, SlaKeeper, Tickets, TicketWriter, WorkLists, WritePart

ANSWER_LABELS = {"accepted": "已接受", "done": "已完成", "declined": "已拒绝"}


class CollaborationService:
    def __init__(
        self,
        get_ticket: Callable[[Principal, str], Ticket],
        store: Tickets,
        work: WorkLists,
        writer: TicketWriter,
        directory: DirectoryReader,
        keeper: SlaKeeper,
        clock: Clock,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._keeper = keeper
        self._get = get_ticket
        self._store = store
        self._work = work
        self._writer = writer
        self._directory = directory
        self._clock = clock
        self._new_id = new_id

    # -- followers -------------------------------------------------------------------------------
    def follow(self, principal: Principal, ref: str, email: str) -> Ticket:
        ticket = self._staff_ticket(principal, ref, forbidden=True)
        email = email.lower()
        if self._directory.get_agent(email) is None:
            raise InvalidInput(f"{email} is not on the staff", field="email")

        def change(ticket: Ticket) -> Ticket:
            if len(ticket.followers) >= MAX_FOLLOWERS and email not in ticket.followers:
                raise InvalidInput(f"a ticket has at most {MAX_FOLLOWERS} followers", field="email")
            self._write(principal, ticket, EventType.TICKET_UPDATED, ticket.follow([email]))
            return ticket

        return retry_on_conflict(ticket, self._store.get, change)

    def unfollow(self, principal: Principal, ref: str, email: str) -> Ticket:
        ticket = self._staff_ticket(principal, ref, forbidden=True)

        def change(ticket: Ticket) -> Ticket:
            self._write(principal, ticket, EventType.TICKET_UPDATED, ticket.unfollow(email))
            return ticket

        return retry_on_conflict(ticket, self._store.get, change)

    # -- sub-tasks -------------------------------------------------------------------------------
    def subtasks(self, principal: Principal, ref: str) -> list[SubTask]:
        return list(self._staff_ticket(principal, ref).subtasks)

    def add_subtask(
        self,
        principal: Principal,
        ref: str,
        title: str,
        assignee: str | None,
        team: str | None,
        due_at: datetime | None,
    ) -> SubTask:
        ticket = self._staff_ticket(principal, ref)
        now = self._clock.now()
        subtask = SubTask(
            id=self._new_id()[:12],
            title=title,
            status=SubTaskStatus.OPEN,
            created_by=principal.email,
            created_at=now,
            assignee=assignee.lower() if assignee else None,
            team=team,
            due_at=due_at,
        )

        def change(ticket: Ticket) -> SubTask:
            _writable(ticket)
            if len(ticket.subtasks) >= MAX_SUBTASKS:
                raise InvalidInput(f"a ticket has at most {MAX_SUBTASKS} sub-tasks", field="title")
            before = copy.deepcopy(ticket)
            ticket.subtasks = [*ticket.subtasks, subtask]
            changes = [FieldChange("subtask", None, subtask.to_dict())]
            checks = {k: v for k, v in (("assignee", subtask.assignee), ("team", team)) if v}
            self._write(
                principal, ticket, EventType.SUBTASK_ADDED, changes, before, self._store.directory_checks(checks)
            )
            return subtask

        return retry_on_conflict(ticket, self._store.get, change)

    def edit_subtask(self, principal: Principal, ref: str, subtask_id: str, changes: dict[str, Any]) -> SubTask:
        ticket = self._staff_ticket(principal, ref)
        if ticket.subtask(subtask_id) is None:
            raise NotFound("no such sub-task")
        if changes.get("assignee"):
            changes = {**changes, "assignee": str(changes["assignee"]).lower()}

        def change(ticket: Ticket) -> SubTask:
            old = ticket.subtask(subtask_id)
            if old is None:  # pragma: no cover - sub-tasks are never removed
                raise NotFound("no such sub-task")
            new = old.edited(changes, self._clock.now())
            if new == old:
                return old
            _writable(ticket)
            before = copy.deepcopy(ticket)
            ticket.subtasks = [new if s.id == subtask_id else s for s in ticket.subtasks]
            checks = {"assignee": new.assignee} if new.assignee and new.assignee != old.assignee else {}
            field_change = [FieldChange("subtask", old.to_dict(), new.to_dict())]
            self._write(
                principal,
                ticket,
                EventType.SUBTASK_UPDATED,
                field_change,
                before,
                self._store.directory_checks(checks),
            )
            return new

        return retry_on_conflict(ticket, self._store.get, change)

    # -- collaboration requests (协作请求) ---------------------------------------------------------
    def collaborations(self, principal: Principal, ref: str) -> list[Collaboration]:
        return list(self._staff_ticket(principal, ref).collaborations)

    def request(
        self, principal: Principal, ref: str, team: str, request: str, due_at: datetime | None
    ) -> Collaboration:
        ticket = self._staff_ticket(principal, ref)
        collaboration = Collaboration(
            id=self._new_id()[:12],
            team=team,
            request=request,
            status=CollaborationStatus.OPEN,
            requested_by=principal.email,
            requested_at=self._clock.now(),
            due_at=due_at,
        )

        def change(ticket: Ticket) -> Collaboration:
            _writable(ticket)
            if len(ticket.collaborations) >= MAX_COLLABORATIONS:
                raise InvalidInput(f"a ticket has at most {MAX_COLLABORATIONS} requests", field="team")
            before = copy.deepcopy(ticket)
            ticket.collaborations = [*ticket.collaborations, collaboration]
            changes = [FieldChange("collaboration", None, collaboration.to_dict())]
            checks = self._store.directory_checks({"team": team})
            self._write(principal, ticket, EventType.COLLABORATION_REQUESTED, changes, before, checks)
            return collaboration

        return retry_on_conflict(ticket, self._store.get, change)

    def answer(
        self, principal: Principal, ref: str, collaboration_id: str, status: str, response: str | None
    ) -> Collaboration:
        """A member or the supervisor of the asked team answers; the answer is an internal note on the ticket."""
        ticket = self._staff_ticket(principal, ref)
        asked = ticket.collaboration(collaboration_id)
        if asked is None:
            raise NotFound("no such collaboration request")
        if not self._answers_for(principal, asked.team):
            raise Forbidden("only the asked team's members and supervisor answer its requests")
        answer = CollaborationStatus(status)
        if answer not in ANSWERS:
            raise InvalidInput("status must be accepted, done or declined", field="status")

        def change(ticket: Ticket) -> Collaboration:
            old = ticket.collaboration(collaboration_id)
            if old is None:  # pragma: no cover - requests are never removed
                raise NotFound("no such collaboration request")
            if not old.pending:
                raise InvalidTransition(f"this request was {old.status.value} already", field="status")
            _writable(ticket)
            now = self._clock.now()
            new = replace(
                old,
                status=answer,
                response=response if response is not None else old.response,
                answered_by=principal.email,
                answered_at=now,
            )
            before = copy.deepcopy(ticket)
            ticket.collaborations = [new if c.id == collaboration_id else c for c in ticket.collaborations]
            ticket.updated_at = now
            note = Message(
                id=self._new_id(),
                ticket_id=ticket.id,
                author=_person(principal),
                body=_answer_note(new),
                internal=True,
                created_at=now,
            )
            changes = [FieldChange("collaboration", old.to_dict(), new.to_dict())]
            parts = [self._store.message_part(note, ticket)]
            self._write(principal, ticket, EventType.COLLABORATION_ANSWERED, changes, before, parts, note.id)
            return new

        return retry_on_conflict(ticket, self._store.get, change)

    def _answers_for(self, principal: Principal, team: str) -> bool:
        agents, teams = self._directory.list_all()
        agent = next((a for a in agents if a.email == principal.email), None)
        supervised = any(t.id == team and t.supervisor == principal.email for t in teams)
        return supervised or (agent is not None and team in agent.teams)

    # -- the one write -------------------------------------------------------------------------------
    def _write(
        self,
        principal: Principal,
        ticket: Ticket,
        kind: EventType,
        changes: Sequence[FieldChange],
        before: Ticket | None = None,
        parts: Sequence[WritePart] = (),
        message_id: str | None = None,
    ) -> None:
        if not changes:
            return
        now = self._clock.now()
        ticket.updated_at = now
        # The SLA and the next automation in step (sub-tasks hold back an automation that would resolve or close it).
        changes = [*changes, *self._keeper.refresh(ticket, now, changes)]
        internal = True if message_id else None
        event = AuditEvent.of(
            ticket, kind, _person(principal), now, changes, id=self._new_id(), message_id=message_id, internal=internal
        )
        work = self._work.work_parts(before, ticket) if before is not None else []
        self._writer.write(ticket, [event], [*parts, *work])

    def _staff_ticket(self, principal: Principal, ref: str, forbidden: bool = False) -> Ticket:
        """The ticket for staff. Customers get 404 (they never see sub-tasks or requests), or 403 where the route is
        a staff edit of a ticket they can see (`forbidden`)."""
        ticket = self._get(principal, ref)
        if not principal.can(Permission.TICKET_UPDATE):
            if forbidden:
                raise Forbidden("only staff may change followers")
            raise NotFound("no such ticket")
        return ticket


def _writable(ticket: Ticket) -> None:
    if ticket.status is Status.CLOSED:
        raise TicketClosed("this ticket is closed", field="status")


def _person(principal: Principal) -> Person:
    return Person(principal.email, principal.name, principal.party)


def _answer_note(collaboration: Collaboration) -> str:
    label = ANSWER_LABELS.get(collaboration.status.value, collaboration.status.value)
    head = f"【协作答复 · {collaboration.team} · {label}】"
    return f"{head}\n{collaboration.response}" if collaboration.response else head
