"""What the services need from storage and the outside world, as Protocols.

Services are typed against these, never against the adapters: the adapters in `shared/adapters/` implement them over
DynamoDB, S3 and SES, and the unit tests' in-memory fakes (`tests/fakes.py`) implement them over dictionaries.

Every change to a ticket goes through one `TicketWriter.write`: the ticket, its audit events, and the `WritePart`s
that other stores contribute to the same transaction. A part is opaque to the services; the store that made it knows
what it writes and what a failure of its condition means (`shared.errors.WriteConflict` and `VersionConflict`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only types: importing the ports loads nothing (a cold start pays only for what it uses)
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date, datetime, timedelta

    from shared.domain.access import Role
    from shared.domain.assignment import Claim, RoutingWrite, Wait
    from shared.domain.chat.connections import ChatConnection
    from shared.domain.customers import CustomerRecord
    from shared.domain.directory import Agent, Availability, Team
    from shared.domain.events import AuditEvent, Message
    from shared.domain.kb import Article, ArticleStatus, DayCounts, HistoryEntry
    from shared.domain.mail.records import MailFiles, Rejection
    from shared.domain.mail.threads import TicketParties
    from shared.domain.reports.facts import CreationRecord, RowKey
    from shared.domain.reports.report import Span
    from shared.domain.reports.rollup import FactsRead, Rollup, RollupKey
    from shared.domain.requests import IdempotencyClaim, Key, Page, TicketFilter
    from shared.domain.search.index import IndexedPart
    from shared.domain.search.scoring import Hit, QueryTerm
    from shared.domain.settings import StoredConfig
    from shared.domain.tickets import FieldChange, Priority, Ticket
    from shared.domain.uploads import Upload
    from shared.domain.views import SavedView
    from shared.domain.wechat.api import CachedToken, Media
    from shared.domain.wechat.followers import Follower
    from shared.domain.wechat.protocol import InboundMessage


class WritePart(Protocol):
    """One more item of a ticket's transaction, made by the store that owns it."""


# -- the ticket --------------------------------------------------------------------------------------------------
class TicketWriter(Protocol):
    def write(
        self,
        ticket: Ticket,
        events: Sequence[AuditEvent],
        parts: Sequence[WritePart] = (),
        *,
        create: bool = False,
    ) -> None:
        """All or nothing: the ticket (new, or at the version read), its events and the parts. Raises
        `VersionConflict` when the ticket changed meanwhile, the failed part's conflict otherwise."""
        ...

    def commit(self, parts: Sequence[WritePart]) -> None:
        """Parts alone, all or nothing (a change that touches no ticket item)."""
        ...


class TicketReader(Protocol):
    def get(self, ticket_id: str) -> Ticket | None: ...

    def get_many(self, ticket_ids: Sequence[str]) -> dict[str, Ticket]:
        """The tickets that exist among `ticket_ids`, by id (BatchGetItem)."""
        ...

    def ticket_id_for_number(self, number: str) -> str | None: ...


class Tickets(TicketReader, Protocol):
    """The ticket store: reading, numbering, and its parts of a write."""

    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        """Add `count` to the day's ticket counter; returns the last sequence of the block reserved."""
        ...

    def list_tickets(
        self,
        view: str,
        owner: str | None,
        limit: int,
        start: Key | None,
        statuses: list[str],
        priorities: list[str],
        filters: TicketFilter | None = None,
    ) -> Page:
        """A page of a view, newest first: `owner` is the requester's or agent's email, or the team's id; `filters`
        narrow it (a creation window in the key condition, the rest a filter: a page may be short)."""
        ...

    def list_messages(self, ticket_id: str, limit: int, start: Key | None, include_internal: bool) -> Page: ...

    def get_message(self, ticket_id: str, ticket_version: int, message_id: str) -> Message | None: ...

    def list_events(self, ticket_id: str, limit: int, start: Key | None) -> Page: ...

    def find_claim(self, claim: IdempotencyClaim) -> tuple[str, str] | None:
        """The ticket id and request hash an Idempotency-Key was claimed with, if it was."""
        ...

    def team_has_open_tickets(self, team: str) -> bool: ...

    def message_part(self, message: Message, ticket: Ticket) -> WritePart: ...

    def idempotency_part(self, claim: IdempotencyClaim, ticket_id: str, now: datetime) -> WritePart: ...

    def directory_checks(self, requires: dict[str, str]) -> Sequence[WritePart]: ...

    def ticket_part(self, ticket: Ticket, events: Sequence[AuditEvent]) -> Sequence[WritePart]:
        """Another ticket (a merge's target) written with this one, at the version read, with its events."""
        ...

    def copied_message_part(self, message: Message, target: Ticket, position: int, source_number: str) -> WritePart:
        """A merged duplicate's message, copied into the target's conversation at the merge."""
        ...

    def delivery_part(
        self, ticket_id: str, ticket_version: int, message_id: str, delivery: dict[str, Any]
    ) -> WritePart:
        """Marks a public reply's delivery on the requester's channel (once: `AlreadyClaimed` when marked)."""
        ...


class SlaKeeper(Protocol):
    """Brings a ticket's SLA in step with the policies: once per write, after all of its changes."""

    def refresh(self, ticket: Ticket, now: datetime, applied: Sequence[FieldChange] = ()) -> list[FieldChange]: ...

    def set_breach_reason(self, ticket: Ticket, reason: str | None) -> list[FieldChange]: ...


# -- staff -------------------------------------------------------------------------------------------------------
class DirectoryReader(Protocol):
    def list_all(self) -> tuple[list[Agent], list[Team]]: ...

    def get_agent(self, email: str) -> Agent | None: ...


class RoleReader(Protocol):
    def get_role(self, role_id: str) -> Role | None:
        """A custom role (built-in roles are not stored)."""
        ...


class RoleStore(RoleReader, Protocol):
    """Custom roles (自定义角色), in the directory's partition."""

    def list_roles(self) -> list[Role]: ...

    def put_role(self, role: Role) -> bool:
        """Saves the role; True when it is new."""
        ...

    def remove_role(self, role_id: str) -> None: ...


class Directory(DirectoryReader, Protocol):
    def put_agent(self, agent: Agent) -> None: ...

    def add_agent(self, agent: Agent) -> bool: ...

    def update_profile(self, agent: Agent, availability: Availability | None = None) -> Agent | None: ...

    def set_availability(self, email: str, availability: Availability) -> Agent | None: ...

    def remove_agent(self, email: str) -> None: ...

    def get_team(self, team_id: str) -> Team | None: ...

    def put_team(self, team: Team) -> None: ...

    def remove_team(self, team_id: str) -> None: ...


class Inbox(Protocol):
    """Staff's in-app notifications, keyed by what caused them (adding one twice adds nothing)."""

    def add(self, recipient: str, event_id: str, kind: str, at: datetime, ticket: dict[str, Any]) -> bool: ...

    def list(self, recipient: str, limit: int, start: Key | None, unread: bool = False) -> Page:
        """Newest first; only the unread ones when `unread` (a filtered page may be short)."""
        ...

    def mark_read(self, recipient: str, ids: Sequence[str]) -> int:
        """Marks these notifications (their API ids) read; how many there were."""
        ...

    def mark_all_read(self, recipient: str) -> int: ...


class WorkLists(Protocol):
    """A person's tickets with open sub-tasks and a team's tickets with open collaboration requests, kept by parts
    of the ticket's write."""

    def work_parts(self, before: Ticket | None, after: Ticket) -> Sequence[WritePart]: ...

    def list_work(self, view: str, owner: str, limit: int, start: Key | None) -> Page: ...


class StaffPreferences(Protocol):
    """Each staff member's choice of in-app, email or both per kind of notice, and the alerts waiting for their
    digest mail."""

    def notification_settings(self, email: str) -> dict[str, str]: ...

    def save_notification_settings(self, email: str, channels: dict[str, str], now: datetime) -> None: ...

    def add_digest_entry(self, email: str, key: str, kind: str, at: datetime, ticket: dict[str, Any]) -> bool: ...

    def digest_recipients(self, limit: int = 200) -> list[str]: ...

    def digest_entries(self, email: str, limit: int = 100) -> list[dict[str, Any]]: ...

    def clear_digest(self, email: str, sort_keys: Iterable[str], more: bool) -> None: ...


# -- routing and SLA ---------------------------------------------------------------------------------------------
class ConfigStore(Protocol):
    """Versioned settings (rules, SLA policies, canned replies): a save names the version it read."""

    def get_config(self, name: str) -> StoredConfig | None: ...

    def get_configs(self, names: Sequence[str]) -> dict[str, StoredConfig]:
        """Several at once (one request); the ones never saved are left out."""
        ...

    def put_config(
        self, name: str, data: dict[str, Any], expected_version: int | None, who: str, now: datetime
    ) -> StoredConfig: ...


class Loads(Protocol):
    def loads(self, agents: Iterable[str], chat: bool = False) -> Mapping[str, Mapping[Priority, int]]:
        """These agents' open tickets (or, with `chat`, live chats) by priority (one holding none may be left out)."""
        ...


class DueList(Protocol):
    def due(self, now: datetime, limit: int = 500) -> tuple[list[str], int, int]:
        """Ticket ids with an SLA checkpoint due by `now` (at most `limit` per shard, the oldest first), how many index
        items were read, and from how many shards."""
        ...


class Routing(ConfigStore, Loads, Protocol):
    """Routing's storage: loads and load claims, team queues, round-robin cursors, and its parts of a write."""

    def claim_of(self, ticket_id: str) -> Claim | None: ...

    def waiting(self, team: str, limit: int = 25) -> list[Wait]: ...

    def cursor(self, team: str) -> str | None: ...

    def save_cursor(self, team: str, agent: str) -> None:
        """The team's round-robin cursor (not part of the assigning write: it only breaks ties)."""
        ...

    def previous_agent(self, requester: str, exclude_ticket: str) -> str | None: ...

    def enqueue(self, ticket: Ticket) -> None: ...

    def dequeue(self, wait: Wait) -> None: ...

    def move_claim(self, ticket: Ticket, old: Claim | None, agent: str | None) -> None: ...

    def reweigh_claim(self, ticket: Ticket, old: Claim) -> None: ...

    def parts(self, ticket: Ticket, routing: RoutingWrite) -> Sequence[WritePart]: ...


# -- reports (docs/reports.md) -----------------------------------------------------------------------------------
class ReportFacts(Protocol):
    """Each event's report facts as one immutable record (in a shard and a one-minute window of its write time), the
    record of where each ticket's creation was counted, and the latest survey answers."""

    def fact_shards(self) -> Sequence[str]: ...

    def creation_record(self, ticket_id: str) -> CreationRecord | None: ...

    def keep_creation_record(self, ticket_id: str, record: CreationRecord) -> None:
        """Where a new ticket's creation was counted, unless it was kept already (a redelivered event)."""
        ...

    def put_facts(self, event_id: str, rows: Mapping[tuple[date, RowKey], Mapping[str, int]], now: datetime) -> bool:
        """The event's facts, written at `now`; False when they were written already (one put, no transaction)."""
        ...

    def fact_parts(
        self,
        event_id: str,
        rows: Mapping[tuple[date, RowKey], Mapping[str, int]],
        now: datetime,
        ticket_id: str,
        record: CreationRecord | None = None,
        record_before: CreationRecord | None = None,
        answer: tuple[date, dict[str, Any]] | None = None,
        answer_before: date | None = None,
    ) -> Sequence[WritePart]:
        """The event's facts with the ticket's items that must change with them (its creation record, its survey
        answer), for one commit: a second commit raises `AlreadyClaimed`, a changed record `VersionConflict`."""
        ...

    def facts_after(self, after: Mapping[str, str], through: str, limit: int | None = None) -> FactsRead:
        """Per shard (every shard in `after`), the facts of the windows after `after[shard]` up to `through`, oldest
        first; about `limit` facts a shard at most, but never part of a window."""
        ...

    def answers(self, span: Span, limit: int = 100) -> list[dict[str, Any]]: ...


class ReportRollups(Protocol):
    """The per-day rollups of the facts, and per shard the last window folded into every rollup it touches."""

    def progress(self) -> tuple[dict[str, str], int | None]:
        """Per shard the last window folded everywhere, and the version read (None: never saved)."""
        ...

    def save_progress(self, folded: Mapping[str, str], version: int | None) -> bool:
        """False when it changed since `version` was read."""
        ...

    def rollup(self, key: RollupKey) -> Rollup | None: ...

    def save_rollup(self, rollup: Rollup) -> bool:
        """Saved if nobody saved it since it was read (`rollup.version`); False otherwise."""
        ...

    def rollups(self, span: Span, totals_only: bool = False) -> list[Rollup]:
        """The stored rollups of the span's days, strongly consistent, for reading (their `version` may be None)."""
        ...


class ReportData(ReportFacts, ReportRollups, Protocol):
    """Everything the reports keep: what a report reads."""


class ReportFiles(Protocol):
    """Where the nightly reports are kept (S3)."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...


# -- the email channel -------------------------------------------------------------------------------------------
class MailIds(Protocol):
    def ticket_for_message_id(self, message_id: str) -> str | None: ...

    def parties_by_number(self, number: str) -> TicketParties | None: ...


class Mail(MailIds, Protocol):
    """The email channel's items: Message-ID claims, file indexes, rejections, undeliverable addresses, rates."""

    def claimed(self, message_id: str) -> tuple[str, str | None] | None:
        """The ticket id and raw key a Message-ID was claimed with, if it was."""
        ...

    def thread_root(self, ticket_id: str) -> str | None: ...

    def claim_parts(
        self, mail_ids: list[str], ticket_id: str, message_id: str, files: MailFiles | None
    ) -> Sequence[WritePart]: ...

    def files_part(self, message: Message, ticket: Ticket, files: MailFiles) -> WritePart: ...

    def web_files_part(
        self, ticket_id: str, message_id: str, ticket_version: int, attachments: list[dict[str, Any]], internal: bool
    ) -> WritePart: ...

    def root_part(self, ticket_id: str, root_message_id: str) -> WritePart: ...

    def remember_outbound(self, message_ids: list[str], ticket_id: str) -> None: ...

    def record_rejection(self, rejection: Rejection) -> None: ...

    def mark_undeliverable(self, address: str, reason: str, detail: str, at: datetime) -> None: ...

    def undeliverable(self, address: str) -> Any: ...

    def claim_slot(self, what: str, who: str, window: str, token: str, limit: int, expires_at: datetime) -> bool: ...

    def mail_files(self, ticket_id: str, message_id: str) -> MailFiles | None: ...

    def list_rejections(self, day: date, limit: int, start: Key | None = None) -> Page: ...


class Mailer(Protocol):
    def send(self, sender: str, recipients: list[str], raw: bytes) -> str:
        """Send a raw message; returns the mail system's message id."""
        ...


class PendingCode(Protocol):
    @property
    def state(self) -> str: ...

    @property
    def sent_at(self) -> datetime: ...

    @property
    def attempts(self) -> int: ...


class SignIns(Protocol):
    """Pending one-time sign-in codes, one per address."""

    def get(self, email: str) -> PendingCode | None: ...

    def put(self, email: str, state: str, sent_at: datetime, ttl: timedelta) -> None: ...

    def count_failure(self, email: str) -> None: ...

    def delete(self, email: str) -> None: ...


class Blobs(Protocol):
    """Raw MIME and attachments (S3)."""

    @property
    def bucket(self) -> str: ...

    def get(self, key: str, bucket: str | None = None) -> bytes | None: ...

    def size(self, key: str, bucket: str | None = None) -> int | None: ...

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def presign(
        self,
        key: str,
        ttl: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        disposition: str = "attachment",
    ) -> str: ...


class UploadBlobs(Blobs, Protocol):
    """Web uploads: presigned POSTs straight to S3, the first bytes to check, a server-side copy."""

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires: timedelta) -> dict[str, Any]: ...

    def head_bytes(self, key: str, count: int) -> tuple[int, bytes] | None: ...

    def copy(self, source: str, target: str, content_type: str) -> None: ...


# -- the desk: customer records, uploads, saved views (docs/data-model.md) ------------------------------------------
class Customers(Protocol):
    def customer(self, email: str) -> CustomerRecord | None: ...

    def save_customer(self, record: CustomerRecord, before: CustomerRecord | None) -> None: ...

    def find_customers(self, kind: str, term: str) -> list[CustomerRecord]: ...


class Uploads(Protocol):
    def put_upload(self, upload: Upload) -> None: ...

    def uploads(self, upload_ids: Sequence[str]) -> dict[str, Upload]: ...

    def use_upload_part(self, upload: Upload, used_by: str) -> WritePart: ...


class Views(Protocol):
    def views(self, owner: str, teams: Sequence[str]) -> list[SavedView]: ...

    def view(self, view_id: str, owner: str | None, team: str | None) -> SavedView | None: ...

    def put_view(self, view: SavedView) -> None: ...

    def delete_view(self, view: SavedView) -> None: ...


# -- the WeChat channel (docs/wechat.md) --------------------------------------------------------------------------
class InboundQueue(Protocol):
    """Where the callback hands an accepted message, to be taken in by the intake function."""

    def put(self, message: InboundMessage) -> None: ...


class Followers(Protocol):
    """The customers behind openids, and the claims that make one MsgId one ticket or one message."""

    def follower(self, openid: str) -> Follower | None: ...

    def save(self, follower: Follower) -> None:
        """Outside any ticket write: a subscription, an unsubscription, a menu click, a new name."""
        ...

    def follower_part(self, follower: Follower, expected_ticket: str | None) -> WritePart:
        """The follower as changed by a message, conditioned on their current ticket being `expected_ticket`
        (`VersionConflict` when another message moved it first)."""
        ...

    def claimed(self, key: str) -> str | None:
        """The ticket a message's dedupe key (its MsgId) was taken into, if it was."""
        ...

    def claim_part(self, key: str, ticket_id: str, message_id: str) -> WritePart: ...


class TokenCache(Protocol):
    """The one access token the account's callers share, and a lease so that one caller at a time renews it."""

    def cached(self) -> CachedToken | None: ...

    def take_lease(self, owner: str, now: datetime, until: datetime) -> bool: ...

    def put_token(self, token: str, valid_until: datetime, owner: str) -> None:
        """Stores the new token and releases `owner`'s lease."""
        ...

    def release(self, owner: str) -> None: ...


class WechatApi(Protocol):
    def fetch_token(self) -> tuple[str, int]:
        """A new access token and its lifetime in seconds."""
        ...

    def send(self, token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`message/custom/send`: WeChat's answer, `{"errcode", "errmsg"}`."""
        ...

    def media(self, token: str, media_id: str, limit: int) -> Media: ...


# -- knowledge base and search (docs/search.md) --------------------------------------------------------------------
class Articles(Protocol):
    """Knowledge-base articles, their history, category counts and counters, and their parts of a write."""

    def get(self, article_id: str) -> Article | None: ...

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]: ...

    def list_articles(self, status: ArticleStatus, category: str | None, limit: int, start: Key | None) -> Page: ...

    def history(self, article_id: str, limit: int, start: Key | None) -> Page: ...

    def categories(self) -> list[tuple[str, int, int]]:
        """(category, articles, published articles)."""
        ...

    def day_counts(self, day: date) -> list[DayCounts]: ...

    def save_parts(self, before: Article | None, after: Article | None, entry: HistoryEntry) -> Sequence[WritePart]:
        """The article as `after` (None: deleted) if it is still as `before` (None: new), with its history entry;
        `VersionConflict` otherwise."""
        ...

    def link_part(self, article_id: str, delta: int) -> WritePart:
        """A ticket's write links (+1) or unlinks (-1) the article; `NotFound` when there is no such article."""
        ...

    def count(self, article_id: str, day: date, counters: dict[str, int]) -> Article | None: ...

    def take_slot(self, who: str, window: str, limit: int, expires_at: datetime) -> bool: ...


class SearchStore(Protocol):
    """The search engine: what each document part put into it, and the documents a query's terms find. The token
    index in the table implements it (shared/adapters/search_index.py); a managed engine would be another adapter
    (docs/search.md, "Moving to OpenSearch")."""

    def find(self, scopes: Sequence[str], terms: Sequence[QueryTerm], per_word: int, min_match: int) -> list[Hit]:
        """Documents of the scopes matching at least `min_match` of the terms, best first; at most `per_word`
        documents are considered per word and scope (the best-weighted)."""
        ...

    def part(self, family: str, doc: str, part: str) -> IndexedPart | None: ...

    def parts(self, family: str, doc: str) -> list[IndexedPart]: ...

    def texts(self, family: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        """(text, label) of document parts, by (doc, part)."""
        ...

    def replace(self, old: IndexedPart | None, new: IndexedPart | None) -> tuple[int, int]:
        """The index holds `new` instead of `old`; (postings written, postings deleted)."""
        ...


# -- live chat (docs/chat.md) ---------------------------------------------------------------------------------
class ChatConnections(Protocol):
    """Open connections, where a conversation's pushes go, rate windows, and the claims of visitor lines."""

    def connect(self, connection: ChatConnection) -> None: ...

    def connection(self, connection_id: str) -> ChatConnection | None: ...

    def join(self, connection: ChatConnection, ticket_id: str) -> None: ...

    def targets(self, ticket_id: str, role: str = "visitor") -> list[str]: ...

    def drop(self, connection_id: str, ticket_id: str | None = None) -> None: ...

    def count(self, key: str, ends: datetime) -> int:
        """One more in the window `key`; the count after it."""
        ...

    def line_claimed(self, ticket_id: str, key: str) -> bool: ...

    def mark_pushed(self, ticket_id: str, message_id: str, at: datetime) -> None:
        """A staff reply was pushed to the visitor by the request that wrote it (kept past the stream's 24 h)."""
        ...

    def was_pushed(self, ticket_id: str, message_id: str) -> bool: ...

    def connected(self, ticket_ids: Sequence[str]) -> set[str]:
        """Which of these conversations have a visitor's connection open."""
        ...

    def line_part(self, ticket_id: str, key: str, message_id: str) -> WritePart: ...


class ChatLists(Protocol):
    def page(self, state: str, agent: str | None, limit: int, start: Key | None) -> Page:
        """Open chat tickets: `waiting` (oldest first), `mine` (held by `agent`) or `all`."""
        ...


class ChatPush(Protocol):
    def post(self, connection_id: str, data: str) -> None:
        """One text frame to one connection; `ConnectionGone` when the connection no longer exists."""
        ...
