"""Who hears of what: the one table of notices each domain event calls for.

Both ticket-stream consumers read it. The notification function sends the requester's notices and tells a new assignee;
the assignment function delivers the routing and SLA alerts in-app, because it already holds the directory that says
who supervises the ticket's team. Each notice is delivered at most once per event (keyed on the event and the kind).
A requester's notice (`Delivery.MAIL`) goes out on the requester's own channel: mail, or WeChat for a follower's
ticket (shared/services/wechat_notices.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.access import STAFF_ROLES
from shared.domain.events import AuditEvent, EventType
from shared.domain.lifecycle import Status
from shared.domain.workflow import (
    AUTOMATION_EMAIL,
    AUTOMATION_MAIL,
    ESCALATED,
    MAIL_TEMPLATES,
    REVIEW,
    TRIGGER_EMAIL,
)


class Audience(StrEnum):
    REQUESTER = "requester"  # the customer (and the ticket's CCs, where the mail says so)
    NEW_ASSIGNEE = "new_assignee"  # whom the event made the assignee, unless they did it themselves
    ASSIGNEE = "assignee"  # the ticket's assignee after the event, if any
    SUPERVISOR = "supervisor"  # the supervisor of the ticket's team
    ASSIGNEE_OR_SUPERVISOR = "assignee_or_supervisor"  # the assignee; the supervisor while nobody holds it
    RULE_NOTIFY = "rule_notify"  # the people a routing rule named
    MESSAGE_AUTHOR = "message_author"  # who wrote the message the event is about
    MENTIONED = "mentioned"  # the staff an internal note named with @ (change `mentions`)
    FOLLOWERS = "followers"  # the ticket's followers
    SUBTASK_ASSIGNEE = "subtask_assignee"  # whom the event made a sub-task's assignee
    SUBTASK_PEOPLE = "subtask_people"  # an overdue sub-task's assignee and the ticket's assignee
    COLLABORATION_TEAM = "collaboration_team"  # the asked team's members and supervisor
    COLLABORATION_REQUESTER = "collaboration_requester"  # who asked for the collaboration
    ADMINS = "admins"  # the second level of escalation (the admins)


class Delivery(StrEnum):
    MAIL = "mail"  # the requester's channel: mail, or WeChat
    IN_APP = "in_app"
    STAFF = "staff"  # in-app, email or both, as the person chose (shared/services/staff_alerts.py)


class Sender(StrEnum):
    NOTIFICATION = "notification"  # functions/notification
    ROUTING = "routing"  # functions/assignment


@dataclass(frozen=True)
class Notice:
    kind: str  # the mail's template, or the in-app notification's type
    audience: Audience
    delivery: Delivery
    sender: Sender
    not_to_actor: bool = False  # nobody is told of what they did themselves


def _is(kind: EventType) -> Callable[[AuditEvent], bool]:
    return lambda event: event.type is kind


def _public_staff_reply(event: AuditEvent) -> bool:
    return event.type is EventType.MESSAGE_ADDED and not event.internal and event.actor.role in STAFF_ROLES


def _public_reply(event: AuditEvent) -> bool:
    """A public reply by staff, or by a trigger or automation (a canned reply sent to the requester)."""
    system = event.actor.role == "system" and event.actor.email in (TRIGGER_EMAIL, AUTOMATION_EMAIL)
    return _public_staff_reply(event) or (
        event.type is EventType.MESSAGE_ADDED and not event.internal and system and event.message_id is not None
    )


def _resolved(event: AuditEvent) -> bool:
    """Resolved: the requester hears so, unless an automation resolved it with a notice of its own."""
    status = event.changed("status")
    resolved = event.type is EventType.TICKET_UPDATED and status is not None and status.new == Status.RESOLVED.value
    return resolved and event.changed(AUTOMATION_MAIL) is None


def _automation_mail(template: str) -> Callable[[AuditEvent], bool]:
    def sends(event: AuditEvent) -> bool:
        change = event.changed(AUTOMATION_MAIL)
        return change is not None and template in (change.new or ())

    return sends


def _escalated(event: AuditEvent) -> bool:
    return event.changed(ESCALATED) is not None


def _review(state: str) -> Callable[[AuditEvent], bool]:
    def moved(event: AuditEvent) -> bool:
        change = event.changed(REVIEW)
        return change is not None and change.new == state

    return moved


def _assigned(event: AuditEvent) -> bool:
    change = event.changed("assignee")
    return change is not None and bool(change.new)


def _rated_low(event: AuditEvent) -> bool:
    """差评回访: a 1 or a 2, unless the answer it replaces was low already (one call-back per ticket)."""
    change = event.changed("satisfaction")
    if event.type is not EventType.SATISFACTION_RATED or change is None or not change.new:
        return False
    low_now = int(change.new["score"]) <= 2
    low_before = bool(change.old) and int(change.old["score"]) <= 2
    return low_now and not low_before


def _rule_notified(event: AuditEvent) -> bool:
    change = event.changed("notify")
    return change is not None and bool(change.new)


def _mentioned(event: AuditEvent) -> bool:
    change = event.changed("mentions")
    return change is not None and bool(change.new)


def _customer_message(event: AuditEvent) -> bool:
    return event.type is EventType.MESSAGE_ADDED and not event.internal and event.actor.role not in STAFF_ROLES


def _status_moved(event: AuditEvent) -> bool:
    return event.changed("status") is not None


def _subtask_assigned(event: AuditEvent) -> bool:
    change = event.changed("subtask")
    if event.type not in (EventType.SUBTASK_ADDED, EventType.SUBTASK_UPDATED) or change is None:
        return False
    new, old = change.new or {}, change.old or {}
    return bool(new.get("assignee")) and new.get("assignee") != old.get("assignee")


def _merged_here(event: AuditEvent) -> bool:
    return event.type is EventType.TICKET_MERGED and event.changed("merged_from") is not None


MAIL, IN_APP, STAFF = Delivery.MAIL, Delivery.IN_APP, Delivery.STAFF
NOTIFICATION, ROUTING = Sender.NOTIFICATION, Sender.ROUTING

NOTICES: tuple[tuple[Callable[[AuditEvent], bool], Notice], ...] = (
    (_is(EventType.TICKET_CREATED), Notice("acknowledgment", Audience.REQUESTER, MAIL, NOTIFICATION)),
    (_public_reply, Notice("reply", Audience.REQUESTER, MAIL, NOTIFICATION)),
    (_resolved, Notice("resolved", Audience.REQUESTER, MAIL, NOTIFICATION)),
    # A live chat ended (docs/chat.md): the transcript to the visitor's address, when they gave one.
    (_is(EventType.CHAT_ENDED), Notice("chat_transcript", Audience.REQUESTER, MAIL, NOTIFICATION)),
    # An automation's own notices (shared/templates/<language>/<name>.*), once per event.
    *((_automation_mail(t), Notice(t, Audience.REQUESTER, MAIL, NOTIFICATION)) for t in MAIL_TEMPLATES),
    (_assigned, Notice("ticket.assigned", Audience.NEW_ASSIGNEE, IN_APP, NOTIFICATION, not_to_actor=True)),
    (_is(EventType.TICKET_ACK_TIMEOUT), Notice("ticket.ack_timeout", Audience.SUPERVISOR, IN_APP, ROUTING)),
    (_is(EventType.SLA_BREACH), Notice("sla.breach", Audience.SUPERVISOR, IN_APP, ROUTING)),
    (_is(EventType.SLA_WARNING), Notice("sla.warning", Audience.ASSIGNEE_OR_SUPERVISOR, IN_APP, ROUTING)),
    (_is(EventType.TICKET_URGED), Notice("ticket.urged", Audience.ASSIGNEE, IN_APP, ROUTING)),
    (
        _is(EventType.TICKET_TRANSFERRED),
        Notice("ticket.transferred", Audience.ASSIGNEE_OR_SUPERVISOR, IN_APP, ROUTING, not_to_actor=True),
    ),
    (_rule_notified, Notice("rule.notify", Audience.RULE_NOTIFY, IN_APP, ROUTING)),
    (_rated_low, Notice("satisfaction.low", Audience.SUPERVISOR, IN_APP, ROUTING)),
    (
        _is(EventType.MESSAGE_UNDELIVERED),
        Notice("message.undelivered", Audience.MESSAGE_AUTHOR, IN_APP, NOTIFICATION),
    ),
    (_escalated, Notice("ticket.escalated", Audience.SUPERVISOR, IN_APP, ROUTING)),
    (_review("pending"), Notice("review.requested", Audience.SUPERVISOR, IN_APP, ROUTING)),
    (_review("rejected"), Notice("review.rejected", Audience.ASSIGNEE, IN_APP, ROUTING, not_to_actor=True)),
    # Working together (shared/services/collaboration.py, merge.py, sla_sweep.py): each person's own choice of
    # in-app, email or both (`Delivery.STAFF`).
    (_mentioned, Notice("mention", Audience.MENTIONED, STAFF, NOTIFICATION, not_to_actor=True)),
    (_customer_message, Notice("follower.message", Audience.FOLLOWERS, STAFF, NOTIFICATION, not_to_actor=True)),
    (_status_moved, Notice("follower.status", Audience.FOLLOWERS, STAFF, NOTIFICATION, not_to_actor=True)),
    (_subtask_assigned, Notice("subtask.assigned", Audience.SUBTASK_ASSIGNEE, STAFF, NOTIFICATION, not_to_actor=True)),
    (_is(EventType.SUBTASK_OVERDUE), Notice("subtask.overdue", Audience.SUBTASK_PEOPLE, STAFF, NOTIFICATION)),
    (
        _is(EventType.COLLABORATION_REQUESTED),
        Notice("collaboration.requested", Audience.COLLABORATION_TEAM, STAFF, NOTIFICATION, not_to_actor=True),
    ),
    (
        _is(EventType.COLLABORATION_ANSWERED),
        Notice("collaboration.answered", Audience.COLLABORATION_REQUESTER, STAFF, NOTIFICATION, not_to_actor=True),
    ),
    (_merged_here, Notice("ticket.merged", Audience.ASSIGNEE, STAFF, NOTIFICATION, not_to_actor=True)),
    (_is(EventType.SLA_SECOND_LEVEL), Notice("sla.escalated_second_level", Audience.ADMINS, STAFF, NOTIFICATION)),
)


def notices_for(event: AuditEvent, sender: Sender) -> list[Notice]:
    """The notices `sender` delivers for this event, in the table's order."""
    return [notice for applies, notice in NOTICES if notice.sender is sender and applies(event)]
