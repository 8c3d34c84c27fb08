"""Routing use cases of the API: the rule set (stored, versioned, validated), its dry run, agents' availability,
and the ticket actions around assignment: acknowledge (确认接单), transfer (转办), urge (催办).

The stream side (evaluating rules on new tickets, choosing agents, queues) is `shared/services/assignment.py`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.directory import Agent, Availability
from shared.domain.events import AuditEvent, EventType
from shared.domain.rules import Outcome, RuleSet, TicketFacts, TriggerEvent, default_rule_set, validate_rule_set
from shared.domain.tickets import FieldChange, Person, Ticket
from shared.errors import Forbidden, InvalidInput, NotFound, RulesRejected
from shared.services.ports import ConfigStore, Directory, SlaKeeper, TicketWriter, WritePart

RULES = "RULES"
CACHE_SECONDS = 30.0
SYSTEM = Person("routing@system", "自动分派", "system")


class RoutingService:
    def __init__(
        self,
        store: ConfigStore,
        writer: TicketWriter,
        directory: Directory,
        sla: SlaKeeper,
        clock: Clock,
        get_ticket: Callable[[Principal, str], Ticket],
        directory_checks: Callable[[list[FieldChange]], list[WritePart]],
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        canned_ids: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self._canned_ids = canned_ids
        self._store = store
        self._writer = writer
        self._directory_checks = directory_checks
        self._directory = directory
        self._sla = sla
        self._clock = clock
        self._get_ticket = get_ticket
        self._new_id = new_id
        self._cached: tuple[float, RuleSet, int] | None = None

    # -- the rule set --------------------------------------------------------------------------------
    def rule_set(self) -> tuple[RuleSet, int]:
        """The stored rules (the product's defaults until an admin saves some). Stored sets are parsed leniently:
        a rule that cannot run fails alone, in the trace, and the others still route. Cached for 30 s per process
        (a save clears this process's copy)."""
        if self._cached is not None and time.monotonic() - self._cached[0] < CACHE_SECONDS:
            return self._cached[1], self._cached[2]
        stored = self._store.get_config(RULES)
        if stored is None:
            rules, version = default_rule_set(), 0
        else:
            rules, version = RuleSet.from_dict(stored.data, validate=False), stored.version
        self._cached = (time.monotonic(), rules, version)
        return rules, version

    def get_rules(self, principal: Principal) -> tuple[RuleSet, int]:
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        return self.rule_set()

    def put_rules(
        self, principal: Principal, data: dict[str, Any], expected_version: int | None
    ) -> tuple[RuleSet, int]:
        if not principal.can(Permission.RULES_MANAGE):
            raise Forbidden("admins only")
        rules = self._validated(data)
        stored = self._store.put_config(RULES, rules.to_dict(), expected_version, principal.email, self._clock.now())
        self._cached = None
        return rules, stored.version

    def dry_run(
        self,
        principal: Principal,
        ticket: dict[str, Any],
        rules: dict[str, Any] | None,
        event: str = TriggerEvent.CREATED.value,
        changes: list[dict[str, Any]] | None = None,
    ) -> Outcome:
        """The rules answering `event` on a sample ticket; an `updated` trigger also sees `changes` (the audit
        trail's `[{"field", "old", "new"}]`)."""
        if not principal.can(Permission.RULES_READ):
            raise Forbidden("supervisors and admins only")
        if rules is not None:
            rules = {k: v for k, v in rules.items() if k != "version"}  # a set as GET returned it, edited
        rule_set = self._validated(rules) if rules is not None else self.rule_set()[0]
        facts = {k: v for k, v in ticket.items() if v is not None}
        if changes:
            facts["changes"] = changes
        return rule_set.evaluate(TicketFacts.from_dict(facts), TriggerEvent(event))

    def _validated(self, data: Any) -> RuleSet:
        teams = [t.id for t in self._directory.list_all()[1]]
        canned = list(self._canned_ids()) if self._canned_ids is not None else None
        reasons = validate_rule_set(data, teams=teams, canned=canned)
        if reasons:
            raise RulesRejected("invalid routing rules: " + "; ".join(reasons), reasons, field="rules")
        return RuleSet.from_dict(data, teams=teams, canned=canned)

    # -- availability ------------------------------------------------------------------------------
    def set_availability(self, principal: Principal, email: str, availability: str) -> Agent:
        email = email.lower()
        if email != principal.email and not principal.can(Permission.AVAILABILITY_MANAGE):
            raise Forbidden("only the agent or a supervisor may switch an agent's availability")
        # Only the switch is written: an admin changing the agent's profile meanwhile keeps their change.
        # The directory item's stream record tells the assignment function to serve the agent's queues.
        agent = self._directory.set_availability(email, Availability(availability)) if principal.is_staff else None
        if agent is None:
            raise NotFound("no such agent")
        return agent

    # -- 确认接单, 转办, 催办 ----------------------------------------------------------------------------
    def acknowledge(self, principal: Principal, ref: str) -> Ticket:
        ticket = self._get_ticket(principal, ref)
        if not ticket.assignee or ticket.assignee != principal.email:
            raise Forbidden("only the ticket's assignee acknowledges it")
        if ticket.sla.acknowledged_at is not None:
            return ticket
        now = self._clock.now()
        ticket.sla = replace(ticket.sla, acknowledged_at=now)
        ticket.updated_at = now
        changes = [FieldChange("acknowledged_at", None, now.isoformat()), *self._sla.refresh(ticket, now)]
        self._write(ticket, EventType.TICKET_ACKNOWLEDGED, principal, now, changes)
        return ticket

    def transfer(
        self, principal: Principal, ref: str, team: str | None, assignee: str | None, assignee_given: bool, reason: str
    ) -> Ticket:
        if not principal.can(Permission.TICKET_UPDATE):
            raise Forbidden("only staff may transfer tickets")
        ticket = self._get_ticket(principal, ref)
        if team is None and not assignee_given:
            raise InvalidInput("name the team or the agent to transfer to", field="team")
        changes: dict[str, Any] = {}
        if team is not None and team != ticket.team:
            changes["team"] = team
            changes["assignee"] = None  # a new team's own queue picks the agent, unless one is named
        if assignee_given:
            changes["assignee"] = assignee
        if assignee:
            agent = self._directory.get_agent(assignee)
            target = team or ticket.team
            if agent is None:
                raise InvalidInput(f"no such assignee: {assignee!r}", field="assignee")
            if target and target not in agent.teams:
                raise InvalidInput(f"{assignee} is not in team {target}", field="assignee")
        now = self._clock.now()
        applied = ticket.apply_changes(changes, now)
        applied += self._sla.refresh(ticket, now, applied)
        applied.append(FieldChange("transfer_reason", None, reason))
        ticket.updated_at = now
        self._write(ticket, EventType.TICKET_TRANSFERRED, principal, now, applied, self._directory_checks(applied))
        return ticket

    def urge(self, principal: Principal, ref: str, note: str | None) -> Ticket:
        if not principal.can(Permission.TICKET_URGE):
            raise Forbidden("supervisors and admins only")
        ticket = self._get_ticket(principal, ref)
        if not ticket.is_open:
            raise InvalidInput("only open tickets can be urged", field="status")
        now = self._clock.now()
        ticket.updated_at = now
        changes = [FieldChange("urged", None, note or ""), *self._sla.refresh(ticket, now)]
        self._write(ticket, EventType.TICKET_URGED, principal, now, changes)
        return ticket

    def _write(
        self,
        ticket: Ticket,
        kind: EventType,
        principal: Principal,
        now: datetime,
        changes: list[FieldChange],
        parts: list[WritePart] | None = None,
    ) -> None:
        actor = Person(principal.email, principal.name, principal.party)
        event = AuditEvent.of(ticket, kind, actor, now, changes, id=self._new_id())
        self._writer.write(ticket, [event], parts or [])
