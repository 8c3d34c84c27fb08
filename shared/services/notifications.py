"""Reacting to ticket events: the requester's mail and agents' in-app notifications.

Delivery is at-least-once, so every side effect is keyed on the domain event: mail goes through an idempotent
`deliver` (Powertools Idempotency in the Lambda), in-app notifications are conditional puts keyed on the event.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.access import ADMIN, Permission, Principal
from shared.domain.directory import Agent, Team
from shared.domain.events import AuditEvent
from shared.domain.mail.loop_guard import is_system_address
from shared.domain.notices import Audience, Delivery, Notice, Sender, notices_for
from shared.domain.workflow import MAIL_TEMPLATES
from shared.errors import Forbidden
from shared.services.chat_notices import ChatNotices
from shared.services.cursors import CursorCodec
from shared.services.mail import MailComposer
from shared.services.ports import Inbox, Mail, Tickets
from shared.services.staff_alerts import StaffAlerts
from shared.services.wechat_notices import WechatNotices

PRIORITY_LABELS = {
    "zh-CN": {"P1": "紧急", "P2": "重要", "P3": "一般", "P4": "低"},
    "en": {"P1": "Urgent", "P2": "High", "P3": "Normal", "P4": "Low"},
}

TEAM_NAMES = {"zh-CN": "客服团队", "en": "The support team"}

# A job for `deliver`: {"idempotency_key", "from", "to", "raw" (base64)} -> {"message_id"}.
Deliver = Callable[[dict[str, Any]], dict[str, Any]]
TRANSCRIPT_LINES = 200
# The signed reply address of a ticket (support+<token>@domain).
ReplyAddress = Callable[[str], str]
# The five one-click survey links of a ticket ({"score", "url"}).
SurveyLinks = Callable[[str], list[dict[str, Any]]]


def _minute_of(at: datetime) -> datetime:
    """The acknowledgment limit's window: the UTC minute the event happened in."""
    return at.astimezone(UTC).replace(second=0, microsecond=0)


class NotificationService:
    def __init__(
        self,
        store: Tickets,
        inbox: Inbox,
        composer: MailComposer,
        deliver: Deliver,
        cursors: CursorCodec,
        mail: Mail | None = None,
        reply_address: ReplyAddress | None = None,
        acknowledgments_per_minute: int = 3,
        survey_links: SurveyLinks | None = None,
        wechat: WechatNotices | None = None,
        alerts: StaffAlerts | None = None,
        directory: Callable[[], tuple[list[Agent], list[Team]]] | None = None,
        chat: ChatNotices | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        self._chat = chat
        self._timezone = timezone
        self._alerts = alerts
        self._directory = directory
        self._survey_links = survey_links
        self._wechat = wechat
        self._mail_store = mail
        self._reply_address = reply_address
        self._ack_limit = acknowledgments_per_minute
        self._cursors = cursors
        self._store = store
        self._inbox = inbox
        self._composer = composer
        self._deliver = deliver

    def handle(self, event: AuditEvent) -> list[str]:
        """Everything one event calls for (shared/domain/notices.py); returns what was done, for the log."""
        done: list[str] = []
        ticket = {"id": event.ticket_id, **event.snapshot}
        chat = self._chat if self._chat is not None and self._chat.serves(ticket) else None
        if chat is not None:
            done += chat.on_event(event, ticket)
        for notice in notices_for(event, Sender.NOTIFICATION):
            if notice.delivery is Delivery.MAIL and self._wechat is not None and self._wechat.serves(ticket):
                done += self._wechat.deliver(notice.kind, event, ticket)
            elif notice.delivery is Delivery.MAIL and chat is not None:
                pushed, mail_too = chat.deliver(notice.kind, event, ticket)
                done += pushed + (self._requester_mail(notice, event, ticket) if mail_too else [])
            elif notice.delivery is Delivery.MAIL:
                done += self._requester_mail(notice, event, ticket)
            elif notice.delivery is Delivery.STAFF:
                done += self._staff(notice, event, ticket)
            else:
                done += self._in_app(notice, event, ticket)
        return done

    def _requester_mail(self, notice: Notice, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        if notice.kind == "acknowledgment":
            return self._acknowledge(event, ticket)
        if notice.kind == "reply":
            return self._send_reply(event, ticket)
        if notice.kind == "chat_transcript":
            return self._chat_transcript(event, ticket)
        if notice.kind in MAIL_TEMPLATES:
            return self._automation_notice(notice.kind, event, ticket)
        return self._resolution_notice(event, ticket)

    def _in_app(self, notice: Notice, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        change = event.changed("assignee") if notice.audience is Audience.NEW_ASSIGNEE else None
        who = change.new if change is not None else None
        if notice.audience is Audience.MESSAGE_AUTHOR:
            delivery = event.changed("delivery")
            who = delivery.new.get("author") if delivery is not None and isinstance(delivery.new, dict) else None
        if not who or (notice.not_to_actor and who == event.actor.email):
            return []
        # Keyed on the event alone (one assignment per event): the key notices of this kind always had.
        if self._alerts is not None:
            return self._alerts.tell(who, event.id, notice.kind, event.at, ticket)
        return [f"notified {who}"] if self._inbox.add(who, event.id, notice.kind, event.at, ticket) else []

    def _staff(self, notice: Notice, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        """A notice to staff, each told once per event and kind, in the ways they chose."""
        excerpt = ""
        if notice.kind == "mention" and event.message_id:
            message = self._store.get_message(event.ticket_id, event.ticket_version, event.message_id)
            excerpt = message.body if message is not None else ""
        done: list[str] = []
        for who in dict.fromkeys(w.lower() for w in self._staff_audience(notice.audience, event, ticket) if w):
            if notice.not_to_actor and who == event.actor.email.lower():
                continue
            key = f"{event.id}:{notice.kind}"
            about = {**ticket, "message_id": event.message_id} if notice.kind == "mention" else ticket
            if self._alerts is not None:
                done += self._alerts.tell(who, key, notice.kind, event.at, about, excerpt)
            elif self._inbox.add(who, key, notice.kind, event.at, about):
                done.append(f"notified {who} ({notice.kind})")
        return done

    def _staff_audience(self, audience: Audience, event: AuditEvent, ticket: dict[str, Any]) -> list[str | None]:
        def new(name: str) -> Any:
            change = event.changed(name)
            return change.new if change is not None else None

        if audience is Audience.MENTIONED:
            return list(new("mentions") or [])
        if audience is Audience.FOLLOWERS:
            return list(ticket.get("followers") or [])
        if audience is Audience.SUBTASK_ASSIGNEE:
            return [(new("subtask") or {}).get("assignee")]
        if audience is Audience.SUBTASK_PEOPLE:
            return [(new("subtask") or {}).get("assignee"), ticket.get("assignee")]
        if audience is Audience.COLLABORATION_REQUESTER:
            return [(new("collaboration") or {}).get("requested_by")]
        if audience is Audience.ASSIGNEE:
            return [ticket.get("assignee")]
        agents, teams = self._directory() if self._directory is not None else ([], [])
        if audience is Audience.ADMINS:
            return [a.email for a in agents if a.role == ADMIN]
        if audience is Audience.COLLABORATION_TEAM:
            team = (new("collaboration") or {}).get("team")
            found = next((t for t in teams if t.id == team), None)
            members = [a.email for a in agents if team in a.teams]
            return [*members, *([found.supervisor] if found and found.supervisor else [])]
        return []

    def _acknowledge(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        to = ticket["requester"]["email"]
        if is_system_address(to):
            return [f"no acknowledgment to system address {to}"]
        if self._mail_store is not None:
            # At most N acknowledgments per sender per minute: a set of event ids per window, so a redelivered
            # event takes its own slot again instead of a new one.
            window = _minute_of(event.at)
            if not self._mail_store.claim_slot(
                "ack", to, f"{window:%Y-%m-%dT%H:%M}", event.id, self._ack_limit, window + timedelta(hours=1)
            ):
                return [f"acknowledgment to {to} withheld: over {self._ack_limit} per minute"]
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
        automatic = message.author.role == "system"  # a canned reply a trigger or automation sent
        # The customer sees the desk, never the name of the rule that answered.
        name = TEAM_NAMES.get(ticket.get("language", "zh-CN"), TEAM_NAMES["zh-CN"]) if automatic else None
        context = {
            "ticket": ticket,
            "now": event.at,
            "body": message.body,
            "author": {"name": name or message.author.name or message.author.email},
        }
        return self._mail(event, "reply", ticket, context, automatic=automatic, auto_submitted="auto-generated")

    def _chat_transcript(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        """The conversation's public lines, oldest first (one page: a chat is short; the rest is on the portal)."""
        page = self._store.list_messages(event.ticket_id, TRANSCRIPT_LINES, None, include_internal=False)
        zone = ZoneInfo(self._timezone)  # the tenant's time, as the console shows it
        lines = [
            {
                "name": m.author.name or m.author.email,
                "at": m.created_at.astimezone(zone),
                "text": m.body,
                "staff": m.author.role != "customer",
            }
            for m in page.items
        ]
        # With the satisfaction question where surveys are on (the resolution notice's one-click links).
        survey = self._survey_links(ticket["id"]) if self._survey_links else []
        context = {
            "ticket": ticket,
            "now": event.at,
            "lines": lines,
            "more": page.last_key is not None,
            "survey": survey,
        }
        return self._mail(event, "chat_transcript", ticket, context, automatic=True, auto_submitted="auto-generated")

    def _resolution_notice(self, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        survey = self._survey_links(ticket["id"]) if self._survey_links else []
        context = {"ticket": ticket, "now": event.at, "survey": survey}
        return self._mail(event, "resolved", ticket, context, automatic=True, auto_submitted="auto-generated")

    def _automation_notice(self, kind: str, event: AuditEvent, ticket: dict[str, Any]) -> list[str]:
        """An automation's notice: the reminder while waiting, the resolution after waiting (with the survey), the
        closing notice (结案)."""
        survey = self._survey_links(ticket["id"]) if self._survey_links and kind == "auto_resolved" else []
        context = {"ticket": ticket, "now": event.at, "survey": survey}
        return self._mail(event, kind, ticket, context, automatic=True, auto_submitted="auto-generated")

    def _mail(
        self,
        event: AuditEvent,
        kind: str,
        ticket: dict[str, Any],
        context: dict[str, Any],
        automatic: bool,
        auto_submitted: str = "auto-replied",
    ) -> list[str]:
        to = ticket["requester"]["email"]
        cc = [] if automatic and kind == "acknowledgment" else list(ticket.get("cc") or [])
        if self._mail_store is not None:
            if self._mail_store.undeliverable(to) is not None:
                return [f"no {kind} mail: {to} is undeliverable"]
            cc = [address for address in cc if self._mail_store.undeliverable(address) is None]
        thread_root = f"<ticket-{ticket['id']}@{self._composer.domain}>"
        message_id = f"<{kind}-{event.id}@{self._composer.domain}>"
        customer_root = self._mail_store.thread_root(ticket["id"]) if self._mail_store is not None else None
        references = [*([customer_root] if customer_root else []), thread_root]
        if self._mail_store is not None:
            # SES replaces Message-ID on the way out: the ids we wrote are found again in In-Reply-To/References.
            self._mail_store.remember_outbound([message_id, thread_root], ticket["id"])
        mail = self._composer.compose(
            kind,
            ticket.get("language", "zh-CN"),
            to,
            context,
            message_id,
            automatic,
            references=references,
            reply_to=self._reply_address(ticket["id"]) if self._reply_address else None,
            in_reply_to=customer_root or thread_root,
            cc=cc,
            auto_submitted=auto_submitted,
        )
        result = self._deliver(
            {
                "idempotency_key": f"{event.id}#{kind}",
                "from": self._composer.sender,
                "to": [to, *cc],
                "raw": base64.b64encode(mail.as_bytes()).decode(),
            }
        )
        return [f"{kind} mail to {to}: {result.get('message_id')}"]

    # -- the agent's inbox -----------------------------------------------------------------------
    def inbox(
        self, principal: Principal, limit: int, cursor: str | None, unread: bool = False
    ) -> tuple[list[Any], str | None]:
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
        scope = f"inbox|{principal.email}|{unread}"
        page = self._inbox.list(principal.email, limit, self._cursors.decode(scope, cursor), unread)
        return page.items, self._cursors.encode(scope, page.last_key)

    def mark_read(self, principal: Principal, ids: list[str], everything: bool) -> int:
        """Marks the caller's notifications read: these ids, or all of them; how many were marked."""
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
        if everything:
            return self._inbox.mark_all_read(principal.email)
        return self._inbox.mark_read(principal.email, ids)
