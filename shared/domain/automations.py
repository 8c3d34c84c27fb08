"""Automations (自动化): what happens to a ticket when time passes in a status.

An automation names a status, a time to count from (`hours_since`: resolved_at, updated_at, waiting_since,
created_at), a number of hours (calendar hours, or working hours of a business calendar), optional conditions on
the ticket's facts (the rules' conditions), and actions. It acts at most once per ticket and condition: its name
and the moment the ticket entered its status are recorded on the ticket (`AutomationState.done`), so a sweep that
runs twice or late finds it done, and a ticket that comes back to the status (waiting again after the customer
answered) starts the timer afresh.

Every write of a ticket computes its next automation (`next_due`), which joins the sweep's sparse due list; the
sweep reads only what is due and acts (`due_now`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from shared.domain.lifecycle import TRANSITIONS, Status, resolved_at
from shared.domain.rules.matching import check
from shared.domain.rules.model import Action, ActionType, Condition, Match, RuleError, facts_of
from shared.domain.rules.parsing import action_reasons, parse_actions, parse_conditions
from shared.domain.workflow import MAIL_TEMPLATES, AutomationState
from shared.errors import AutomationsRejected

if TYPE_CHECKING:
    from shared.domain.sla.calendar import BusinessCalendar
    from shared.domain.tickets import Ticket

MAX_AUTOMATIONS = 100
MAX_HOURS = 366 * 24
MAX_NAME = 100
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DEFAULT_CALENDAR = "business"
AUTOMATION_ACTIONS = (
    ActionType.SET_STATUS,
    ActionType.SEND_MAIL,
    ActionType.SEND_CANNED_REPLY,
    ActionType.SET_PRIORITY,
    ActionType.ADD_TAGS,
    ActionType.ADD_FOLLOWER,
    ActionType.NOTIFY,
    ActionType.ESCALATE,
)


class Anchor(StrEnum):
    RESOLVED_AT = "resolved_at"  # when the ticket last became resolved
    UPDATED_AT = "updated_at"  # its last change
    WAITING_SINCE = "waiting_since"  # when it last began waiting for the customer
    CREATED_AT = "created_at"


@dataclass(frozen=True)
class Automation:
    id: str
    name: str
    status: Status
    hours_since: Anchor
    hours: float
    actions: tuple[Action, ...]
    enabled: bool = True
    conditions: tuple[Condition, ...] = ()
    match: Match = Match.ALL
    business_hours: bool = False  # count working hours of `calendar` (default: "business") instead of clock hours
    calendar: str | None = None

    def to_dict(self) -> dict[str, Any]:
        when: dict[str, Any] = {
            "status": self.status.value,
            "hours_since": self.hours_since.value,
            "hours": self.hours,
            "business_hours": self.business_hours,
        }
        if self.calendar is not None:
            when["calendar"] = self.calendar
        if self.conditions:
            when["conditions"] = [c.to_dict() for c in self.conditions]
            when["match"] = self.match.value
        return {
            "id": self.id,
            "name": self.name,
            "enabled": self.enabled,
            "when": when,
            "actions": [a.to_dict() for a in self.actions],
        }

    @property
    def mails(self) -> tuple[str, ...]:
        return tuple(str(a.value) for a in self.actions if a.type is ActionType.SEND_MAIL)

    @property
    def sets_status(self) -> Status | None:
        return next((Status(str(a.value)) for a in self.actions if a.type is ActionType.SET_STATUS), None)

    def holds_for(self, ticket: Ticket) -> bool:
        """Its status and conditions hold for the ticket as it is (a condition that cannot be evaluated: not)."""
        if not self.enabled or ticket.status is not self.status:
            return False
        if self.sets_status in (Status.RESOLVED, Status.CLOSED) and ticket.open_subtasks:
            return False  # open sub-tasks hold back resolving and closing, as they do for staff
        if not self.conditions:
            return True
        facts = facts_of(ticket)
        try:
            results = [check(c, facts).matched for c in self.conditions]
        except (RuleError, re.error, TypeError, ValueError):
            return False
        return all(results) if self.match is Match.ALL else any(results)


@dataclass(frozen=True)
class AutomationSet:
    automations: tuple[Automation, ...] = ()
    version: int = 0

    def to_list(self) -> list[dict[str, Any]]:
        return [a.to_dict() for a in self.automations]

    def get(self, automation_id: str) -> Automation | None:
        return next((a for a in self.automations if a.id == automation_id), None)

    @classmethod
    def from_list(
        cls,
        data: Any,
        *,
        calendars: Iterable[str] | None = None,
        canned: Iterable[str] | None = None,
        new_id: Any = None,
        validate: bool = True,
        version: int = 0,
    ) -> AutomationSet:
        """Automations from JSON; an item without an id gets `new_id()`. Every reason at once
        (`AutomationsRejected`); `validate=False` keeps what parses (a stored set, read back)."""
        automations, reasons = _parse(data, calendars, canned, new_id)
        if reasons and validate:
            raise AutomationsRejected("invalid automations: " + "; ".join(reasons), reasons, field="automations")
        return cls(tuple(automations), version)


# -- when an automation is due --------------------------------------------------------------------------------------
def entered_status_at(ticket: Ticket) -> datetime:
    """When the ticket entered the status it is in: the start of the current condition."""
    return ticket.status_history[-1].at if ticket.status_history else ticket.created_at


def done_key(automation: Automation, ticket: Ticket) -> str:
    return f"{automation.id}@{entered_status_at(ticket).isoformat()}"


def anchor_of(ticket: Ticket, anchor: Anchor) -> datetime | None:
    if anchor is Anchor.CREATED_AT:
        return ticket.created_at
    if anchor is Anchor.UPDATED_AT:
        return ticket.updated_at
    if anchor is Anchor.WAITING_SINCE:
        return entered_status_at(ticket) if ticket.status is Status.WAITING_CUSTOMER else None
    return resolved_at(ticket.status_history)


def due_at(automation: Automation, ticket: Ticket, calendars: Mapping[str, BusinessCalendar]) -> datetime | None:
    """When the automation acts on the ticket as it is now, or None when it does not apply."""
    if not automation.holds_for(ticket):
        return None
    start = anchor_of(ticket, automation.hours_since)
    if start is None:
        return None
    length = timedelta(hours=automation.hours)
    if automation.business_hours:
        calendar = calendars.get(automation.calendar or DEFAULT_CALENDAR)
        if calendar is not None:
            return calendar.add_business_time(start, length)
    return start + length


def pending(
    ticket: Ticket,
    automations: AutomationSet,
    calendars: Mapping[str, BusinessCalendar],
    done: Iterable[str] | None = None,
) -> list[tuple[datetime, Automation]]:
    """The automations not yet acted on for the ticket's current condition (`done`: the ticket's record), earliest
    first."""
    if ticket.status is Status.CLOSED:
        return []
    done = set(ticket.automation.done if done is None else done)
    found = []
    for automation in automations.automations:
        at = due_at(automation, ticket, calendars)
        if at is not None and done_key(automation, ticket) not in done:
            found.append((at, automation))
    return sorted(found, key=lambda pair: pair[0])


def scheduled(ticket: Ticket, automations: AutomationSet, calendars: Mapping[str, BusinessCalendar]) -> AutomationState:
    """The ticket's automation state after a write: the next automation due, and the record of those done, kept
    only for the current condition (so it never grows past the automations of one status)."""
    episode = f"@{entered_status_at(ticket).isoformat()}"
    done = tuple(key for key in ticket.automation.done if key.endswith(episode))
    kept = replace(ticket.automation, done=done)
    upcoming = pending(ticket, automations, calendars, done)
    if not upcoming:
        return replace(kept, next_at=None, next_id=None, next_name=None)
    at, automation = upcoming[0]
    return replace(kept, next_at=at, next_id=automation.id, next_name=automation.name)


def due_now(
    ticket: Ticket, automations: AutomationSet, calendars: Mapping[str, BusinessCalendar], now: datetime
) -> list[Automation]:
    return [automation for at, automation in pending(ticket, automations, calendars) if at <= now]


# -- parsing and validation -----------------------------------------------------------------------------------------
_KEYS = {"id", "name", "enabled", "when", "actions"}
_WHEN = {"status", "hours_since", "hours", "business_hours", "calendar", "conditions", "match"}


def _parse(
    data: Any, calendars: Iterable[str] | None, canned: Iterable[str] | None, new_id: Any
) -> tuple[list[Automation], list[str]]:
    reasons: list[str] = []
    if not isinstance(data, list):
        return [], ["automations must be a list"]
    if len(data) > MAX_AUTOMATIONS:
        reasons.append(f"at most {MAX_AUTOMATIONS} automations")
    known_calendars = None if calendars is None else set(calendars)
    known_canned = None if canned is None else set(canned)
    automations = []
    for index, raw in enumerate(data, 1):
        automation = _parse_one(raw, f"automation {index}", reasons, known_calendars, known_canned, new_id)
        if automation is not None:
            automations.append(automation)
    for what, values in (("id", [a.id for a in automations]), ("name", [a.name for a in automations])):
        reasons += [
            f"two automations have the {what} '{v}'" for v in sorted({v for v in values if values.count(v) > 1})
        ]
    reasons += _cycle_reasons(automations)
    return automations, reasons


def _parse_one(
    raw: Any,
    where: str,
    reasons: list[str],
    calendars: set[str] | None,
    canned: set[str] | None,
    new_id: Any,
) -> Automation | None:
    if not isinstance(raw, Mapping):
        reasons.append(f"{where} must be an object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        reasons.append(f"{where}: name must be a text of 1-{MAX_NAME} characters")
        name = ""
    else:
        name = name.strip()
        where = f"{where} ({name})"
    reasons += [f"{where}: unknown setting '{k}'" for k in raw if k not in _KEYS]
    automation_id = raw.get("id")
    if automation_id is None and new_id is not None:
        automation_id = new_id()
    if not isinstance(automation_id, str) or not _ID.match(automation_id):
        reasons.append(f"{where}: id must be 1-40 letters, digits, '-' or '_'")
        automation_id = ""
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        reasons.append(f"{where}: enabled must be true or false")
        enabled = True
    when = raw.get("when")
    if not isinstance(when, Mapping):
        reasons.append(f"{where}: when must be an object with status, hours_since and hours")
        return None
    reasons += [f"{where}: when: unknown setting '{k}'" for k in when if k not in _WHEN]
    status = _member(Status, when.get("status"), f"{where}: when.status", reasons)
    anchor = _member(Anchor, when.get("hours_since"), f"{where}: when.hours_since", reasons)
    hours = when.get("hours")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 < hours <= MAX_HOURS:
        reasons.append(f"{where}: when.hours must be a number of hours above 0, at most {MAX_HOURS}")
        hours = 1
    business = when.get("business_hours", False)
    if not isinstance(business, bool):
        reasons.append(f"{where}: when.business_hours must be true or false")
        business = False
    calendar = when.get("calendar")
    if calendar is not None and (
        not isinstance(calendar, str) or (calendars is not None and calendar not in calendars)
    ):
        reasons.append(f"{where}: when.calendar names no business calendar of the SLA policies: {calendar!r}")
        calendar = None
    if business and calendar is None and calendars is not None and DEFAULT_CALENDAR not in calendars:
        reasons.append(f"{where}: business hours need a calendar (there is no '{DEFAULT_CALENDAR}' calendar)")
    match = when.get("match", Match.ALL.value)
    if match not in Match.__members__.values():
        reasons.append(f"{where}: when.match must be 'all' or 'any'")
        match = Match.ALL.value
    values: list[str] = []
    conditions = parse_conditions(when.get("conditions", []), f"{where}: when", reasons, values, None)
    actions = parse_actions(raw.get("actions"), where, reasons, values, None, canned, AUTOMATION_ACTIONS)
    reasons += values
    if status is None or anchor is None:
        return None
    automation = Automation(
        automation_id,
        name,
        status,
        anchor,
        hours,
        tuple(actions),
        enabled,
        tuple(conditions),
        Match(match),
        business,
        calendar,
    )
    reasons += [f"{where}: {r}" for r in _meaning_reasons(automation, canned)]
    return automation


def _member(kind: Any, value: Any, where: str, reasons: list[str]) -> Any:
    if value not in kind.__members__.values():
        reasons.append(f"{where} must be one of {', '.join(m.value for m in kind)}, not {value!r}")
        return None
    return kind(value)


def _meaning_reasons(automation: Automation, canned: set[str] | None) -> list[str]:
    reasons = []
    if automation.status is Status.CLOSED:
        reasons.append("a closed ticket is final: nothing can happen to it")
    if automation.hours_since is Anchor.WAITING_SINCE and automation.status is not Status.WAITING_CUSTOMER:
        reasons.append("waiting_since counts only for waiting_customer tickets")
    if automation.hours_since is Anchor.RESOLVED_AT and automation.status is not Status.RESOLVED:
        reasons.append("resolved_at counts only for resolved tickets")
    target = automation.sets_status
    if target is not None and target is not automation.status and target not in TRANSITIONS[automation.status]:
        reasons.append(f"a {automation.status.value} ticket cannot move to {target.value}")
    if target is automation.status:
        reasons.append(f"the ticket is {target.value} already")
    for action in automation.actions:
        if action.type is ActionType.SEND_MAIL and action.value not in MAIL_TEMPLATES:
            reasons.append(f"send_mail takes one of {', '.join(MAIL_TEMPLATES)}, not {action.value!r}")
        elif action.type is ActionType.SEND_CANNED_REPLY:
            reasons += action_reasons(action, None, canned)
    return sorted(set(reasons), key=reasons.index)


def _cycle_reasons(automations: Sequence[Automation]) -> list[str]:
    """Automations that move tickets from status to status in a circle would move a ticket forever (each acts once
    per stay in a status, and each move starts a new stay)."""
    moves: dict[Status, set[Status]] = {}
    for automation in automations:
        target = automation.sets_status
        if automation.enabled and target is not None and target is not automation.status:
            moves.setdefault(automation.status, set()).add(target)
    reasons = []
    for start in sorted(moves, key=list(Status).index):
        seen, frontier = set(), set(moves[start])
        while frontier:
            status = frontier.pop()
            if status is start:
                reasons.append(f"automations move tickets from {start.value} round back to {start.value}")
                break
            if status not in seen:
                seen.add(status)
                frontier |= moves.get(status, set())
    return reasons[:1]


# -- the seed -------------------------------------------------------------------------------------------------------
DEFAULT_AUTOMATIONS: list[dict[str, Any]] = [
    {
        "id": "close-resolved",
        "name": "已解决 72 小时后结案",
        "enabled": True,
        "when": {"status": "resolved", "hours_since": "resolved_at", "hours": 72},
        "actions": [{"type": "set_status", "value": "closed"}, {"type": "send_mail", "value": "closing_notice"}],
    },
    {
        "id": "remind-waiting",
        "name": "待响应 48 小时提醒客户",
        "enabled": True,
        "when": {"status": "waiting_customer", "hours_since": "waiting_since", "hours": 48},
        "actions": [{"type": "send_mail", "value": "waiting_reminder"}],
    },
    {
        "id": "resolve-waiting",
        "name": "待响应 7 天自动解决",
        "enabled": True,
        "when": {"status": "waiting_customer", "hours_since": "waiting_since", "hours": 168},
        "actions": [{"type": "set_status", "value": "resolved"}, {"type": "send_mail", "value": "auto_resolved"}],
    },
]


def default_automations() -> AutomationSet:
    return AutomationSet.from_list(DEFAULT_AUTOMATIONS)
