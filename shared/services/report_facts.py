"""Report facts kept as tickets change: the notification function hands every domain event here.

Why the notification function and not a consumer of its own: DynamoDB Streams serves at most two readers per shard
without throttling, and the table already has two (notification, assignment). Facts, like the requester's mail, are
a function of the event alone (no ticket read), so they sit with the mail; the assignment function keeps routing.

Each event's facts are one immutable record keyed on the event, put only if it is not there yet: the same stream
record delivered twice counts once, and no two events ever write the same item (a scheduled run folds the records
into per-day rollups, shared/services/report_rollup.py). Only the events that give a ticket its first team, agent or
category read one item (where the ticket's creation was counted) and move that creation there, in one commit with
their record; a survey answer's list entry changes in the same way. Both items are the ticket's own: nothing another
ticket writes is in such a commit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.domain.events import AuditEvent, EventType
from shared.domain.reports.facts import (
    CreationRecord,
    Increment,
    creation_moves,
    creation_record,
    dims_of,
    facts_of,
    may_move_creation,
    merged,
)
from shared.errors import AlreadyClaimed, VersionConflict
from shared.services.ports import ReportFacts, TicketWriter

MOVE_ATTEMPTS = 3  # the ticket's record changed underneath (an earlier event redelivered late): read it again


class ReportFactsService:
    def __init__(self, store: ReportFacts, writer: TicketWriter, clock: Clock, timezone: str) -> None:
        self._store = store
        self._writer = writer
        self._clock = clock
        self._tz = ZoneInfo(timezone)

    def record(self, event: AuditEvent) -> list[str]:
        """Count what this event adds to the reports, once; returns what was done, for the log."""
        for _ in range(MOVE_ATTEMPTS - 1):
            try:
                return self._record(event)
            except VersionConflict:
                continue
        return self._record(event)

    def _record(self, event: AuditEvent) -> list[str]:
        increments: list[Increment] = facts_of(event, self._tz)
        record: CreationRecord | None = None
        before: CreationRecord | None = None
        if event.type is EventType.TICKET_CREATED:
            # Kept before the facts: a crash in between leaves a record whose facts a redelivery writes.
            self._store.keep_creation_record(event.ticket_id, creation_record(event, self._tz))
        elif may_move_creation(event):
            before = self._store.creation_record(event.ticket_id)
            if before is not None:
                after, moves = creation_moves(event, before)
                if moves:
                    record, increments = after, increments + moves
        answer, answer_before = self._answer(event)
        rows = merged(increments)
        if not rows and record is None and answer is None:
            return []
        now = self._clock.now()  # the write time: the facts' window is still open, however late the event comes
        if record is None and answer is None and answer_before is None:
            if not self._store.put_facts(event.id, rows, now):
                return [f"facts of {event.id} counted already"]
        else:
            parts = self._store.fact_parts(event.id, rows, now, event.ticket_id, record, before, answer, answer_before)
            try:
                self._writer.commit(parts)
            except AlreadyClaimed:
                return [f"facts of {event.id} counted already"]
        return [f"counted {len(rows)} report rows for {event.type.value}"]

    def _answer(self, event: AuditEvent) -> tuple[tuple[date, dict[str, Any]] | None, date | None]:
        """A survey answer's row for the report's list of answers (and the day of the one it replaces)."""
        change = event.changed("satisfaction")
        if event.type is not EventType.SATISFACTION_RATED or change is None or not change.new:
            return None, None
        snap, dims = event.snapshot, dims_of(event)
        answer = {
            "ticket_id": event.ticket_id,
            "number": snap.get("number"),
            "subject": snap.get("subject"),
            "customer_email": (snap.get("requester") or {}).get("email", ""),
            "score": int(change.new["score"]),
            "comment": change.new.get("comment") or "",
            "rated_at": change.new["rated_at"],
            "team": snap.get("team"),
            "agent": snap.get("assignee"),
            "channel": dims["channel"],
        }
        day = event.at.astimezone(self._tz).date()
        before = None
        if change.old:
            before = datetime.fromisoformat(change.old["rated_at"]).astimezone(self._tz).date()
        return (day, answer), before
