"""Telling staff: in-app, by mail, or both, as each person chose per kind of notice (`GET/PUT
/api/me/notification-settings`), and the alert digest.

A notice is keyed on its cause (`<event id>:<kind>`, or the event alone for the kinds that always were): the inbox
entry is a conditional put on that key, an immediate mail goes through the idempotent `deliver` keyed on it, and a
digest entry is a conditional put too, so a redelivered event tells nobody twice. SLA alerts (warnings, breaches,
escalations, ack time-outs, overdue sub-tasks) that a person takes by mail wait in their digest; the sweep sends each
person one mail for everything it holds (`send_digests`), however many alerts a run produced.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.domain.access import Permission, Principal
from shared.domain.collab import DIGEST_KINDS, STAFF_KINDS, Channels, by_mail, channels_for, in_app
from shared.domain.masking import mask_value
from shared.errors import Forbidden, InvalidInput
from shared.services.mail import MailComposer
from shared.services.ports import Inbox, StaffPreferences

Deliver = Callable[[dict[str, Any]], dict[str, Any]]

LABELS = {
    "zh-CN": {
        "mention": "有人在内部备注中提到了您",
        "ticket.assigned": "工单已分派给您",
        "follower.message": "您关注的工单有客户新回复",
        "follower.status": "您关注的工单状态已变更",
        "subtask.assigned": "您有新的子任务",
        "subtask.overdue": "子任务已逾期",
        "collaboration.requested": "新的协作请求",
        "collaboration.answered": "协作请求已答复",
        "ticket.merged": "工单已合并",
        "sla.warning": "SLA 即将超时",
        "sla.breach": "SLA 已超时",
        "ticket.escalated": "工单已升级",
        "sla.escalated_second_level": "超时未处理，已升级至上一级",
        "ticket.ack_timeout": "确认接单超时",
    },
    "en": {
        "mention": "You were mentioned in an internal note",
        "ticket.assigned": "A ticket was assigned to you",
        "follower.message": "A customer replied on a ticket you follow",
        "follower.status": "A ticket you follow changed status",
        "subtask.assigned": "A sub-task was assigned to you",
        "subtask.overdue": "A sub-task is overdue",
        "collaboration.requested": "A collaboration request for your team",
        "collaboration.answered": "Your collaboration request was answered",
        "ticket.merged": "Tickets were merged",
        "sla.warning": "SLA at risk",
        "sla.breach": "SLA breached",
        "ticket.escalated": "Ticket escalated",
        "sla.escalated_second_level": "Breach unhandled: escalated a level up",
        "ticket.ack_timeout": "Not acknowledged in time",
    },
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def label(kind: str, language: str) -> str:
    return LABELS.get(language, LABELS["zh-CN"]).get(kind, kind)


class StaffAlerts:
    def __init__(
        self,
        inbox: Inbox,
        preferences: StaffPreferences,
        composer: MailComposer | None = None,
        deliver: Deliver | None = None,
        language_of: Callable[[str], str] | None = None,
        sees_contacts: Callable[[str], bool] | None = None,
        is_staff_address: Callable[[str], bool] | None = None,
    ) -> None:
        self._sees_contacts = sees_contacts or (lambda _email: True)
        self._is_staff_address = is_staff_address or (lambda _email: False)
        self._inbox = inbox
        self._prefs = preferences
        self._composer = composer
        self._deliver = deliver
        self._language_of = language_of or (lambda _email: "zh-CN")
        self._chosen: dict[str, dict[str, str]] = {}

    def tell(self, who: str, key: str, kind: str, at: datetime, ticket: dict[str, Any], excerpt: str = "") -> list[str]:
        """Everything `who` chose to hear of a notice of `kind` about `ticket`, once per `key`."""
        who = who.lower()
        channels = channels_for(kind, self._settings(who))
        done: list[str] = []
        shown = {**ticket, "note": excerpt[:200]} if excerpt else ticket
        if in_app(channels) and self._inbox.add(who, key, kind, at, shown):
            done.append(f"notified {who} ({kind})")
        if not by_mail(channels):
            return done
        if kind in DIGEST_KINDS or self._composer is None or self._deliver is None:
            if self._prefs.add_digest_entry(who, key, kind, at, ticket):
                done.append(f"{kind} for {who}'s digest")
            return done
        done.append(self._mail_now(who, key, kind, at, ticket, excerpt))
        return done

    def _shown_to(self, who: str, value: Any) -> Any:
        """The one place a staff notice's body is masked (脱敏) for staff without `customers.contact`."""
        if self._sees_contacts(who):
            return value
        return mask_value(value, self._is_staff_address)

    def _settings(self, who: str) -> dict[str, str]:
        if who not in self._chosen:  # read once per person per batch of events
            self._chosen[who] = self._prefs.notification_settings(who)
        return self._chosen[who]

    def _mail_now(self, who: str, key: str, kind: str, at: datetime, ticket: dict[str, Any], excerpt: str) -> str:
        assert self._composer is not None and self._deliver is not None
        language = self._language_of(who)
        ticket, excerpt = self._shown_to(who, ticket), self._shown_to(who, excerpt[:500])
        context = {"ticket": ticket, "now": at, "label": label(kind, language), "excerpt": excerpt}
        message_id = f"<staff-{_digest(key, who)}@{self._composer.domain}>"
        mail = self._composer.compose("staff_notice", language, who, context, message_id, automatic=True)
        result = self._deliver(
            {
                "idempotency_key": f"{key}#{who}",
                "from": self._composer.sender,
                "to": [who],
                "raw": base64.b64encode(mail.as_bytes()).decode(),
            }
        )
        return f"{kind} mail to {who}: {result.get('message_id')}"

    # -- the digest (the sweep) -------------------------------------------------------------------
    def send_digests(self, now: datetime) -> list[str]:
        """One mail per person holding digest alerts, with all of them (up to 100; more wait for the next run).
        The mail is keyed on the last alert it carries, so a run repeated after a failure sends it once."""
        if self._composer is None or self._deliver is None:
            return []
        sent = []
        for who in self._prefs.digest_recipients():
            entries = self._prefs.digest_entries(who, limit=101)
            carried, more = entries[:100], len(entries) > 100
            if carried:
                language = self._language_of(who)
                rows = [{**self._shown_to(who, e), "label": label(e["kind"], language)} for e in carried]
                message_id = f"<digest-{_digest(who, carried[-1]['sk'])}@{self._composer.domain}>"
                mail = self._composer.compose(
                    "alert_digest", language, who, {"entries": rows, "now": now}, message_id, automatic=True
                )
                self._deliver(
                    {
                        "idempotency_key": f"digest#{who}#{carried[-1]['sk']}",
                        "from": self._composer.sender,
                        "to": [who],
                        "raw": base64.b64encode(mail.as_bytes()).decode(),
                    }
                )
                sent.append(f"digest of {len(carried)} alerts to {who}")
            self._prefs.clear_digest(who, [e["sk"] for e in carried], more)
        return sent

    # -- settings ------------------------------------------------------------------------------
    def settings(self, principal: Principal) -> dict[str, str]:
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
        chosen = self._prefs.notification_settings(principal.email)
        return {kind: channels_for(kind, chosen).value for kind in STAFF_KINDS}

    def save_settings(self, principal: Principal, channels: dict[str, str], now: datetime) -> dict[str, str]:
        if not principal.can(Permission.DIRECTORY_READ):
            raise Forbidden("staff only")
        unknown = sorted(set(channels) - set(STAFF_KINDS))
        if unknown:
            raise InvalidInput(f"unknown kinds of notice: {', '.join(unknown)}", field="channels")
        chosen = {
            **self._prefs.notification_settings(principal.email),
            **{k: Channels(v).value for k, v in channels.items()},
        }
        self._prefs.save_notification_settings(principal.email, chosen, now)
        return {kind: channels_for(kind, chosen).value for kind in STAFF_KINDS}
