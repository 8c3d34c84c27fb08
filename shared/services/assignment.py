"""The assignment function's work on the ticket stream: rules on new tickets, choosing agents, team queues, load
claims, and the in-app notifications of routing and SLA events.

For each domain event it reads the ticket as it is now (never the event's snapshot: a later event may have changed
it) and:
1. on `ticket.created` (and only while nothing else changed the ticket since), evaluates the rule set: team,
   priority, category, tags, assignee, people to notify (and status, canned replies, followers, escalation); a rule
   that fails is recorded in the audit trail and the others still apply; on any other event, hands it to the
   triggers (`shared/services/triggers.py`), which answer changes, replies and notes;
2. keeps the ticket's load claim in step with its assignee (an open ticket counts in its assignee's load; a
   resolved, closed, unassigned or transferred one in nobody's), and when that frees an agent's capacity, serves the
   queues of the agent's teams;
3. when the ticket is open, has a team and no assignee, chooses an agent (`choose_agent`: online, with the required
   skills, under capacity; the requester's previous agent; seniors for P1/P2; lowest weighted load; round-robin) and
   claims the agent's capacity in the same transaction that assigns it, or puts it in the team's queue;
4. adds the in-app notifications that routing and SLA events call for.

Every step is idempotent: a redelivered event finds the ticket already routed, the claim already in place, the
queue entry already there, the notification already added (keyed on the event).
"""

from __future__ import annotations

import copy
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from shared.clock import Clock
from shared.domain.assignment import (
    Assignment,
    AssignmentReason,
    Claim,
    RoutingWrite,
    TicketNeeds,
    Wait,
    choose_agent,
)
from shared.domain.chat.capacity import CHAT_PRIORITY
from shared.domain.directory import Agent, Availability, Team
from shared.domain.effects import Effects
from shared.domain.events import AuditEvent, EventType, Message
from shared.domain.notices import Audience, Sender, notices_for
from shared.domain.rules import RuleSet, RuleStatus, facts_of
from shared.domain.tickets import Channel, FieldChange, Priority, Ticket
from shared.domain.triggers import trigger_actor
from shared.errors import CapacityTaken, QueueEntryGone, VersionConflict
from shared.services.assignment_directory import Directory
from shared.services.chat_queue import ChatQueue
from shared.services.effects import Effector
from shared.services.ports import DirectoryReader, Inbox, Routing, SlaKeeper, Tickets, TicketWriter
from shared.services.routing import SYSTEM
from shared.services.staff_alerts import StaffAlerts
from shared.services.triggers import TriggerService

log = logging.getLogger("helpdesk.assignment")
SKILL_TAG = "skill:"
_ATTEMPTS = 5
DIRECTORY_SECONDS = 10.0  # docs/scale.md: the directory partition's reads; a change seen here resets it
_NOBODY_AT_ALL = {AssignmentReason.NOBODY_AVAILABLE, AssignmentReason.ALL_AT_CAPACITY, AssignmentReason.NO_TEAM_MEMBERS}


def _chat_over(ticket: Ticket) -> bool:
    """A chat ticket whose conversation ended: it holds no chat seat and waits for none."""
    return ticket.channel is Channel.CHAT and ticket.chat_ended_at is not None


def required_skills(ticket: Ticket) -> frozenset[str]:
    """Skills a ticket needs: its `skill:<name>` tags (set by routing rules, or by staff)."""
    return frozenset(t[len(SKILL_TAG) :] for t in ticket.tags if t.startswith(SKILL_TAG) and len(t) > len(SKILL_TAG))


class AssignmentService:
    def __init__(
        self,
        tickets: Tickets,
        writer: TicketWriter,
        store: Routing,
        directory: DirectoryReader,
        inbox: Inbox,
        sla: SlaKeeper,
        clock: Clock,
        rules: Callable[[], RuleSet],
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        triggers: TriggerService | None = None,
        effector: Effector | None = None,
        alerts: Callable[[], StaffAlerts] | None = None,
        chat_queue: Callable[[], ChatQueue] | None = None,
    ) -> None:
        self._chat_queue = chat_queue  # what waiting chat visitors are told (their position, or nobody online)
        self._alerts = alerts  # each person's choice of in-app, mail (digest) or both; the inbox alone without it
        self._tickets = tickets
        self._writer = writer
        self._store = store
        self._directory = directory
        self._inbox = inbox
        self._sla = sla
        self._clock = clock
        self._rules = rules
        self._new_id = new_id
        self._triggers = triggers
        self._effector = effector
        self._staff: tuple[float, tuple[list[Agent], list[Team]]] | None = None

    def _list_all(self) -> tuple[list[Agent], list[Team]]:
        """The directory, read at most every couple of seconds (a batch's records share it; loads are always read
        fresh, and the capacity condition is what holds the limit)."""
        if self._staff is None or time.monotonic() - self._staff[0] > DIRECTORY_SECONDS:
            self._staff = (time.monotonic(), self._directory.list_all())
        return self._staff[1]

    # -- the ticket stream ---------------------------------------------------------------------------
    def handle(self, event: AuditEvent) -> list[str]:
        done = self._notify(event)
        for attempt in range(_ATTEMPTS):
            try:
                return done + self._route(event)
            except VersionConflict:
                if attempt == _ATTEMPTS - 1:
                    raise
        return done  # pragma: no cover

    def agent_changed(self, old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
        """A directory change: an agent coming online, given more capacity, joining a team or learning a skill
        serves their teams' queues."""
        self._staff = None  # this very change must be seen
        before = old or {}
        came_online = new.get("availability") == Availability.ONLINE and before.get("availability") != "online"
        more_room = int(new.get("capacity", 0)) > int(before.get("capacity", 0)) or int(
            new.get("chat_capacity", 3)
        ) > int(before.get("chat_capacity", 3))
        joined = set(new.get("teams") or []) - set(before.get("teams") or [])
        learned = set(new.get("skills") or []) - set(before.get("skills") or [])
        if not (came_online or more_room or joined or learned):
            return []
        return self.serve_queues(new.get("teams") or [])

    def serve_queues(self, teams: Iterable[str], pools: frozenset[bool] = frozenset({False, True})) -> list[str]:
        """Assign waiting tickets of these teams while someone can take them (oldest highest-priority first).
        `pools`: whose capacity may have freed, tickets' (False) and/or live chats' (True); waiting entries of the
        other pool are passed over, and serving stops once nobody can take more of the pools asked for."""
        done: list[str] = []
        directory = Directory(self._list_all, self._store)
        moved: list[str] = []  # teams whose waiting chats moved up
        for team in dict.fromkeys(teams):
            full: set[bool] = {True, False} - pools  # the pools nobody in the team can take more of now
            for wait in self._store.waiting(team):
                ticket = self._tickets.get(wait.ticket_id)
                if ticket is None or not ticket.is_open or ticket.assignee or ticket.team != team or _chat_over(ticket):
                    self._store.dequeue(wait)  # resolved, taken, moved or (a chat) ended meanwhile
                    continue
                chat = ticket.channel is Channel.CHAT
                if chat in full:
                    continue
                try:
                    outcome = self._assign(ticket, directory, [], wait=wait)
                except (VersionConflict, QueueEntryGone, CapacityTaken):
                    continue  # someone else took or changed it first
                done.append(outcome[1])
                if outcome[0] is not None and outcome[0].assigned and chat:
                    moved.append(team)
                if outcome[0] is not None and not outcome[0].assigned and outcome[0].reason in _NOBODY_AT_ALL:
                    full.add(chat)
                    if len(full) == 2:
                        break  # nobody in this team can take anything more of what freed
        if moved and self._chat_queue is not None:
            done += self._chat_queue().tell_positions(moved)
        return done

    # -- routing one ticket -----------------------------------------------------------------------------
    def _route(self, event: AuditEvent) -> list[str]:
        ticket = self._tickets.get(event.ticket_id)
        if ticket is None:
            return []
        done: list[str] = []
        freed = self._reconcile_claim(ticket)
        if freed:
            done.append(f"released {freed}'s capacity")
        changes: list[FieldChange] = []
        messages: list[Message] = []
        directory = Directory(self._list_all, self._store)  # read once per event, when first needed
        if event.type is EventType.TICKET_CREATED and ticket.version == event.ticket_version:
            changes, messages = self._apply_rules(ticket, directory)
        elif self._triggers is not None:
            done += self._triggers.answer(event, ticket)
        wants_agent = ticket.is_open and not ticket.assignee and ticket.team is not None and not _chat_over(ticket)
        triggered = event.type is EventType.TICKET_CREATED or any(
            event.changed(name) is not None for name in ("assignee", "team", "status", "priority")
        )
        if wants_agent and triggered:
            # The claim was just reconciled: an unassigned ticket counts in nobody's load.
            # A chat's visitor hears the outcome once: not again on the stream's copy of this function's own write.
            own = event.actor.email == SYSTEM.email and event.type is not EventType.TICKET_CREATED
            _, line = self._assign(ticket, directory, changes, claim_known=True, messages=messages, tell=not own)
            done.append(line)
        elif changes:
            routing = RoutingWrite(claim_agent=self._claimed_assignee(ticket))
            self._write(ticket, changes, routing, messages)
            done.append(f"routed {ticket.number}: " + ", ".join(c.field for c in changes))
        if freed:
            agent = self._directory.get_agent(freed)
            teams = [*(agent.teams if agent else []), *([ticket.team] if ticket.team else [])]
            done += self.serve_queues(teams, frozenset({ticket.channel is Channel.CHAT}))  # the seat that freed
        taken = event.changed("assignee") is not None or event.type is EventType.CHAT_ENDED
        if ticket.channel is Channel.CHAT and taken and not freed and self._chat_queue is not None:
            done += self._chat_queue().tell_positions([ticket.team])  # accepted or ended: those behind move up
        return done

    def _apply_rules(self, ticket: Ticket, directory: Directory) -> tuple[list[FieldChange], list[Message]]:
        outcome = self._rules().evaluate(facts_of(ticket))
        wanted: dict[str, Any] = {}
        notes: list[FieldChange] = []
        if outcome.team != ticket.team and outcome.team is not None and ticket.team is None:
            # A team chosen by whoever opened the ticket is kept; rules route the tickets that arrive without one.
            if outcome.team in directory.teams():
                wanted["team"] = outcome.team
            else:
                notes.append(FieldChange("routing.errors", None, [f"unknown team '{outcome.team}'"]))
        if outcome.priority and outcome.priority != ticket.priority.value:
            wanted["priority"] = Priority(outcome.priority)
        if outcome.category != ticket.category and outcome.category is not None:
            wanted["category"] = outcome.category
        if list(outcome.tags) != ticket.tags:
            wanted["tags"] = list(outcome.tags)
        if outcome.assignee and outcome.assignee != ticket.assignee:
            if outcome.assignee in directory.agents():
                wanted["assignee"] = outcome.assignee
            else:
                notes.append(FieldChange("routing.errors", None, [f"unknown assignee '{outcome.assignee}'"]))
        now = self._clock.now()
        applied = ticket.apply_changes(wanted, now)
        if outcome.fired:
            applied.append(FieldChange("routing.rules", None, list(outcome.fired)))
        if outcome.notify:
            applied.append(FieldChange("notify", None, list(outcome.notify)))
        errors = [f"{t.rule}: {t.detail}" for t in outcome.trace if t.status is RuleStatus.ERROR]
        messages: list[Message] = []
        status = outcome.status if outcome.status != ticket.status.value else None
        extra = Effects(status=status, replies=outcome.replies, escalate=outcome.escalate)
        if self._effector is not None and not extra.empty:
            done = self._effector.apply(ticket, extra, now, trigger_actor(outcome.fired))
            applied += done.changes
            errors += done.errors
            messages = done.messages
        if errors:
            applied.append(FieldChange("routing.errors", None, errors))
        return applied + notes, messages

    def _assign(
        self,
        ticket: Ticket,
        directory: Directory,
        changes: list[FieldChange],
        wait: Wait | None = None,
        claim_known: bool = False,
        messages: list[Message] | None = None,
        tell: bool = True,
    ) -> tuple[Assignment | None, str]:
        """Choose and claim an agent for the ticket in one write, or queue it. Returns the choice and a log line."""
        chat = ticket.channel is Channel.CHAT  # chat capacity, fewest open chats (shared/services/chat_queue.py)
        previous = None if chat else self._store.previous_agent(ticket.requester.email, ticket.id)
        cursor = self._store.cursor(ticket.team or "")
        needs = TicketNeeds(ticket.team, CHAT_PRIORITY if chat else ticket.priority, required_skills(ticket), previous)
        claim = None if claim_known else self._store.claim_of(ticket.id)
        for _ in range(_ATTEMPTS):
            candidates = directory.candidates(ticket.team or "", ticket.sla.passed_over, chat=chat)
            choice = choose_agent(needs, candidates, cursor)
            if not choice.assigned:
                return choice, self._queue(ticket, changes, choice, wait, claim, messages or [], tell)
            agent = directory.agents()[choice.agent or ""]
            before = copy.deepcopy(ticket)
            now = self._clock.now()
            applied = ticket.apply_changes({"assignee": agent.email}, now)
            all_changes = [*changes, *applied, FieldChange("routing", None, f"{choice.reason.value}: {choice.detail}")]
            routing = RoutingWrite(
                claim_agent=agent.email,
                capacity=agent.chat_capacity if chat else agent.capacity,
                old_claim=claim,
                dequeue=wait,
                cursor=(ticket.team, choice.cursor) if ticket.team and choice.cursor else None,
            )
            try:
                self._write(ticket, all_changes, routing, messages or [])
            except CapacityTaken:
                # Another ticket took the agent's last slot first: undo and choose again with fresh loads.
                ticket.__dict__.update(before.__dict__)
                directory.refresh_loads(ticket.team or "", chat)
                continue
            directory.count(agent.email, ticket.priority, chat)
            return choice, f"assigned {ticket.number} to {agent.email} ({choice.reason.value})"
        # Lost every race for a slot: fail the record, so that the stream delivers it again shortly.
        raise CapacityTaken(f"{ticket.number}: capacity kept changing")

    def _queue(
        self,
        ticket: Ticket,
        changes: list[FieldChange],
        choice: Assignment,
        wait: Wait | None,
        claim: Claim | None,
        messages: list[Message],
        tell: bool = True,
    ) -> str:
        if wait is not None and not changes:
            return f"{ticket.number} still waits in team {ticket.team} ({choice.reason.value})"
        note = FieldChange("routing", None, f"{choice.reason.value}: {choice.detail}")
        if changes:
            self._write(ticket, [*changes, note], RoutingWrite(old_claim=claim, enqueue=ticket.team), messages)
        else:
            # Nothing about the ticket changes: only its place in the queue (idempotent put, no audit event).
            self._store.enqueue(ticket)
        line = f"{ticket.number} waits in team {ticket.team} ({choice.reason.value})"
        if ticket.channel is Channel.CHAT and self._chat_queue is not None and tell:
            # The visitor hears it (again, harmlessly, if this record is delivered twice).
            if choice.reason in (AssignmentReason.NOBODY_AVAILABLE, AssignmentReason.NO_TEAM_MEMBERS):
                return "; ".join([line, *self._chat_queue().tell_offline(ticket)])
            return "; ".join([line, *self._chat_queue().tell_positions([ticket.team])])
        return line

    def _write(
        self, ticket: Ticket, changes: list[FieldChange], routing: RoutingWrite, messages: list[Message] | None = None
    ) -> None:
        """The routing write: the ticket, its event, the routing parts, and the canned replies a rule sent."""
        now = self._clock.now()
        ticket.updated_at = now
        changes = [*changes, *self._sla.refresh(ticket, now, changes)]
        events = [AuditEvent.of(ticket, EventType.TICKET_UPDATED, SYSTEM, now, changes, id=self._new_id())]
        parts = []
        for message in messages or []:
            kind = EventType.MESSAGE_ADDED
            events.append(
                AuditEvent.of(
                    ticket, kind, message.author, now, id=self._new_id(), message_id=message.id, internal=False
                )
            )
            parts.append(self._tickets.message_part(message, ticket))
        if routing.old_claim is None and routing.claim_agent is not None and routing.capacity is None:
            routing.old_claim = self._store.claim_of(ticket.id)
        self._writer.write(ticket, events, [*parts, *self._store.parts(ticket, routing)])
        if routing.cursor is not None:
            self._store.save_cursor(*routing.cursor)

    def _claimed_assignee(self, ticket: Ticket) -> str | None:
        """Who the ticket counts against: its assignee while open (a chat: until it ends, which frees the seat)."""
        return ticket.assignee if ticket.is_open and ticket.assignee and not _chat_over(ticket) else None

    def _reconcile_claim(self, ticket: Ticket) -> str | None:
        """Make the ticket count in its assignee's load, at its priority, and nobody else's; returns an agent whose
        capacity freed."""
        desired = self._claimed_assignee(ticket)
        for _ in range(_ATTEMPTS):
            claim = self._store.claim_of(ticket.id)
            try:
                if (claim.agent if claim else None) == (desired.lower() if desired else None):
                    if claim is not None and claim.priority is not ticket.priority:
                        self._store.reweigh_claim(ticket, claim)
                    return None
                self._store.move_claim(ticket, claim, desired)
            except VersionConflict:
                continue
            return claim.agent if claim is not None else None
        raise VersionConflict("the ticket's load claim kept changing")

    # -- notifications (the routing and SLA alerts of shared/domain/notices.py) --------------------------------
    def _notify(self, event: AuditEvent) -> list[str]:
        snapshot = {"id": event.ticket_id, **event.snapshot}
        done = []
        for notice in notices_for(event, Sender.ROUTING):
            for who in self._audience(notice.audience, event, snapshot):
                if notice.not_to_actor and who == event.actor.email:
                    continue
                if self._alerts is not None:
                    done += self._alerts().tell(who, f"{event.id}:{notice.kind}", notice.kind, event.at, snapshot)
                elif self._inbox.add(who, f"{event.id}:{notice.kind}", notice.kind, event.at, snapshot):
                    done.append(f"notified {who} ({notice.kind})")
        return done

    def _audience(self, audience: Audience, event: AuditEvent, snapshot: dict[str, Any]) -> list[str]:
        assignee = snapshot.get("assignee")
        if audience is Audience.RULE_NOTIFY:
            notify = event.changed("notify")
            return list(notify.new or []) if notify is not None else []
        if audience is Audience.ASSIGNEE:
            return [assignee] if assignee else []
        if audience is Audience.ASSIGNEE_OR_SUPERVISOR and assignee:
            return [assignee]
        supervisor = self._supervisor(snapshot.get("team"))
        return [supervisor] if supervisor else []

    def _supervisor(self, team: str | None) -> str | None:
        if not team:
            return None
        found = next((t for t in self._list_all()[1] if t.id == team), None)
        return found.supervisor if found else None
