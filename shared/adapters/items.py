"""PynamoDB models of the single tickets table (docs/data-model.md lists the access patterns).

Every item type has a `kind` discriminator, so a query over a shared partition or index returns the right class.
Table names and the endpoint are bound at run time by `bind_tables`, never at import.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection.table import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection, Projection
from pynamodb.models import Model

from shared.config import Settings


class HelpdeskItem(Model):
    class Meta:
        table_name = "unbound"
        region: str | None = None
        host: str | None = None

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """One connection for every item type: they share the table, and each connection of its own would load a
        botocore session and client again (~100 ms of a cold start per item type). It is the ticket's, which
        knows every index."""
        return super(HelpdeskItem, TicketItem)._get_connection()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)


# The sharded list indexes hold only what a list filters on; the page's tickets are then read by BatchGetItem. A
# ticket's write reaches such an index only when its keys, status or priority change (docs/scale.md).
LIST_PROJECTION = ("kind", "status", "priority")


def _index(name: str, hash_attr: str, projection: Projection | None = None) -> type[GlobalSecondaryIndex[Any]]:
    """A GSI keyed on `hash_attr` and sorted by creation (`created_key`), all attributes projected unless said."""
    meta = type("Meta", (), {"index_name": name, "projection": projection or AllProjection()})
    attrs = {
        "Meta": meta,
        hash_attr: UnicodeAttribute(hash_key=True),
        "created_key": UnicodeAttribute(range_key=True),
    }
    return type(f"Index_{name}", (GlobalSecondaryIndex,), attrs)


class SlaCheckpointIndex(GlobalSecondaryIndex[Any]):
    """The sweep's sparse, sharded due list (SLA checkpoints and automations): keys only (the sweep reads each due
    ticket itself)."""

    class Meta:
        index_name = "by_sla_checkpoint"
        projection = KeysOnlyProjection()

    sla_shard = UnicodeAttribute(hash_key=True)
    sla_checkpoint = UnicodeAttribute(range_key=True)


class ChatListIndex(GlobalSecondaryIndex[Any]):
    """Open live chats (docs/chat.md, "Agents"): sparse and sharded, sorted by state, then agent, then start."""

    class Meta:
        index_name = "by_chat"
        projection = IncludeProjection(list(LIST_PROJECTION))

    chat_key = UnicodeAttribute(hash_key=True)
    chat_sort = UnicodeAttribute(range_key=True)


class TicketItem(HelpdeskItem, discriminator="ticket"):
    id = UnicodeAttribute()
    number = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    requester_email = UnicodeAttribute()
    requester_name = UnicodeAttribute(default="")
    team = UnicodeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    custom_fields = JSONAttribute(default=dict)
    language = UnicodeAttribute(default="zh-CN")
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    status_history = JSONAttribute(default=list)
    sla = JSONAttribute(default=dict)
    cc = ListAttribute(of=UnicodeAttribute, null=True)
    satisfaction = JSONAttribute(null=True)  # {score, comment, rated_at}: the requester's survey answer
    automation = JSONAttribute(null=True)  # automations done and next (shared/adapters/workflow_storage.py)
    review = JSONAttribute(null=True)  # 结案审核: {state, requested_by, requested_at, reviewer, reviewed_at, comment}
    articles = ListAttribute(of=UnicodeAttribute, null=True)  # knowledge-base articles linked to it
    followers = ListAttribute(of=UnicodeAttribute, null=True)  # staff following it (shared/domain/collab.py)
    collab = JSONAttribute(null=True)  # {subtasks: [...], collaborations: [...]}
    merge = JSONAttribute(null=True)  # {into: {id, number}, from: [{id, number}]}
    customer = JSONAttribute(null=True)  # the customer record's tier, region, organization as it was opened
    attachments = JSONAttribute(null=True)  # files attached on the web when it was opened
    chat_ended_at = UTCDateTimeAttribute(null=True)  # a live chat's conversation ended
    chat_last_line_at = UTCDateTimeAttribute(null=True)  # its last public line
    chat_idle_minutes = NumberAttribute(null=True)  # it ends itself after this long without a line
    version = VersionAttribute()
    # Index keys, derived from the fields above on every write (ticket_mapping.to_item).
    requester_key = UnicodeAttribute()
    queue_key = UnicodeAttribute(null=True)  # AGENT#<email> while someone holds it
    unassigned_key = UnicodeAttribute(null=True)  # UNASSIGNED#<n> while open and nobody holds it
    team_key = UnicodeAttribute(null=True)
    all_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    sla_shard = UnicodeAttribute(null=True)
    sla_checkpoint = UnicodeAttribute(null=True)
    # AT_RISK / BREACHED while open, REVIEW while waiting for a closing review (shared/adapters/sla_storage.py)
    sla_view = UnicodeAttribute(null=True)
    # CHAT#<n> / W#<started>#<id> (waiting) or A#<agent>#<started>#<id> while a chat ticket is open (chat_lists.py)
    chat_key = UnicodeAttribute(null=True)
    chat_sort = UnicodeAttribute(null=True)

    by_requester = _index("by_requester", "requester_key")()
    by_queue = _index("by_queue", "queue_key")()
    by_unassigned = _index("by_unassigned", "unassigned_key", IncludeProjection(list(LIST_PROJECTION)))()
    by_team = _index("by_team", "team_key", IncludeProjection(list(LIST_PROJECTION)))()
    by_all = _index("by_all", "all_key", IncludeProjection(list(LIST_PROJECTION)))()
    by_sla_view = _index("by_sla_view", "sla_view", IncludeProjection(list(LIST_PROJECTION)))()
    by_sla_checkpoint = SlaCheckpointIndex()
    by_chat = ChatListIndex()


class TicketNumberItem(HelpdeskItem, discriminator="ticket_number"):
    """`NUMBER#GD...`: makes numbers unique and resolves a number to its ticket."""

    ticket_id = UnicodeAttribute()


class CounterItem(HelpdeskItem, discriminator="counter"):
    value = NumberAttribute(default=0)


class IdempotencyKeyItem(HelpdeskItem, discriminator="idempotency_key"):
    ticket_id = UnicodeAttribute()
    request_hash = UnicodeAttribute()


class MessageItem(HelpdeskItem, discriminator="message"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    author = JSONAttribute()
    body = UnicodeAttribute()
    internal = BooleanAttribute(default=False)
    channel = UnicodeAttribute(default="web")
    created_at = UTCDateTimeAttribute()
    email = JSONAttribute(null=True)
    wechat = JSONAttribute(null=True)
    delivery = JSONAttribute(null=True)
    merged_from = UnicodeAttribute(null=True)  # copied from that (merged) ticket's conversation
    files = JSONAttribute(null=True)  # files attached on the web: [{id, filename, content_type, size, key}]


class EventItem(HelpdeskItem, discriminator="event"):
    id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = JSONAttribute()
    at = UTCDateTimeAttribute()
    changes = JSONAttribute(default=list)
    message_id = UnicodeAttribute(null=True)
    internal = BooleanAttribute(null=True)
    snapshot = JSONAttribute(default=dict)
    ticket_version = NumberAttribute(default=0)


class AgentItem(HelpdeskItem, discriminator="agent"):
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    teams = ListAttribute(of=UnicodeAttribute, default=list)
    skills = ListAttribute(of=UnicodeAttribute, default=list)
    capacity = NumberAttribute(default=8)
    chat_capacity = NumberAttribute(default=3)  # live chats at once (docs/chat.md)
    availability = UnicodeAttribute(default="online")
    senior = BooleanAttribute(default=False)
    language = UnicodeAttribute(default="zh-CN")


class TeamItem(HelpdeskItem, discriminator="team"):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    supervisor = UnicodeAttribute(null=True)


class RoleItem(HelpdeskItem, discriminator="role"):
    """`DIRECTORY` / `ROLE#<id>`: a custom role and the permissions it grants."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    permissions = ListAttribute(of=UnicodeAttribute, default=list)


class NotificationItem(HelpdeskItem, discriminator="notification"):
    id = UnicodeAttribute()
    type = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    ticket_number = UnicodeAttribute()
    subject = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    read = BooleanAttribute(default=False)
    message_id = UnicodeAttribute(null=True)  # a mention's note
    note = UnicodeAttribute(null=True)  # the start of that note


class WorkEntryItem(HelpdeskItem, discriminator="work_entry"):
    """`WORK#subtasks#<email>` or `WORK#collaborating#<team>` / `<ticket created key>`: the ticket is in that
    person's sub-task list or that team's collaboration list while it holds an open one (written with the ticket)."""

    ticket_id = UnicodeAttribute()


class NotificationSettingsItem(HelpdeskItem, discriminator="notification_settings"):
    """`PREFS#<email>` / `NOTIFICATIONS`: per kind of notice, in_app, email, both or none."""

    channels = JSONAttribute(default=dict)
    updated_at = UTCDateTimeAttribute(null=True)


class DigestEntryItem(HelpdeskItem, discriminator="digest_entry"):
    """`DIGEST#<email>` / `<time>#<notice key>`: an alert waiting for the person's next digest mail."""

    notice_kind = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    ticket_number = UnicodeAttribute()
    subject = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class DigestWaitItem(HelpdeskItem, discriminator="digest_wait"):
    """`DIGESTS#<0..3>` / `<email>`: the person has alerts waiting for the sweep's digest (the key is the item)."""


class SignInItem(HelpdeskItem, discriminator="sign_in"):
    """A pending one-time code for an email address: what checks it, when it was sent, failed tries."""

    state = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)


class MailIdItem(HelpdeskItem, discriminator="mail_id"):
    """`MAILID#<Message-ID>`: a Message-ID (a customer's, or one we sent) and the ticket it belongs to."""

    ticket_id = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)  # the ticket message it made (inbound mail)
    direction = UnicodeAttribute(default="in")
    raw_key = UnicodeAttribute(null=True)  # the raw MIME that claimed it (a redelivery has the same key)


class MailFilesItem(HelpdeskItem, discriminator="mail_files"):
    """`TICKET#<id>` / `MAILMSG#<message id>`: where an email message's raw MIME and attachments are in S3."""

    message_id = UnicodeAttribute()
    ticket_version = NumberAttribute()
    raw_key = UnicodeAttribute(null=True)
    attachments = JSONAttribute(default=list)
    internal = BooleanAttribute(default=False)


class MailRejectionItem(HelpdeskItem, discriminator="mail_rejection"):
    """`MAILREJECT#<yyyy-mm-dd>` / `<time>#<raw key>`: inbound mail that made no ticket or message, and why."""

    raw_key = UnicodeAttribute()
    reason = UnicodeAttribute()
    detail = UnicodeAttribute(default="")
    sender = UnicodeAttribute(default="")
    subject = UnicodeAttribute(default="")
    mail_message_id = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()


class MailAddressItem(HelpdeskItem, discriminator="mail_address"):
    """`MAILADDR#<address>` / `UNDELIVERABLE`: mail to it bounced (or was complained about)."""

    reason = UnicodeAttribute()
    detail = UnicodeAttribute(default="")
    at = UTCDateTimeAttribute()


class KbListIndex(GlobalSecondaryIndex[Any]):
    """The knowledge base's lists: one partition per status (`KB#draft`, `KB#published`), by category and title."""

    class Meta:
        index_name = "by_kb"
        projection = AllProjection()

    kb_list = UnicodeAttribute(hash_key=True)
    kb_sort = UnicodeAttribute(range_key=True)


class ArticleItem(HelpdeskItem, discriminator="kb_article"):
    """`KBART#<id>` / `ARTICLE`. `version` is checked by hand (not a VersionAttribute): the counters change by ADD
    without a version, and an edit updates the content fields only, so neither loses the other's change."""

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    category = UnicodeAttribute()
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    language = UnicodeAttribute(default="zh-CN")
    status = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    author = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    views = NumberAttribute(default=0)
    helpful = NumberAttribute(default=0)
    not_helpful = NumberAttribute(default=0)
    deflections = NumberAttribute(default=0)
    linked_tickets = NumberAttribute(default=0)
    source_ticket = UnicodeAttribute(null=True)
    kb_list = UnicodeAttribute()
    kb_sort = UnicodeAttribute()

    by_kb = KbListIndex()


class ArticleHistoryItem(HelpdeskItem, discriminator="kb_history"):
    """`KBART#<id>` / `HISTORY#<version, 10 digits>`: one change of an article and its content after it."""

    version = NumberAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    changed = ListAttribute(of=UnicodeAttribute, default=list)
    content = JSONAttribute(default=dict)


class KbCategoryItem(HelpdeskItem, discriminator="kb_category"):
    """`KBCAT` / `CAT#<category>`: how many articles (and published ones) a category holds; changed by ADD in the
    article's own write."""

    category = UnicodeAttribute()
    total = NumberAttribute(default=0)
    published = NumberAttribute(default=0)


class KbDayItem(HelpdeskItem, discriminator="kb_day"):
    """`KBSTAT#<local day>` / `ARTICLE#<id>`: an article's views, votes and deflections that day (by ADD)."""

    article_id = UnicodeAttribute()
    views = NumberAttribute(default=0)
    helpful = NumberAttribute(default=0)
    not_helpful = NumberAttribute(default=0)
    deflections = NumberAttribute(default=0)


class PostingItem(HelpdeskItem, discriminator="posting"):
    """`IDX#<scope>#<word>` / `<9999 - impact>#<10-digit inverted time>#<doc>#<part>`: the search index. A Query
    reads a word's documents highest impact first, newest first among equals. The key is the whole item (the
    smallest a posting can be: a read returns many of them)."""


class IndexedPartItem(HelpdeskItem, discriminator="indexed_part"):
    """`IDXDOC#<family>#<doc>` / `<part>`: what the index holds for one part of a document (its postings' keys,
    the text its snippets come from), so that a change or a removal knows what to delete."""

    scope = UnicodeAttribute()
    postings = JSONAttribute(default=dict)  # word -> sort key
    text = UnicodeAttribute(default="")
    label = UnicodeAttribute(default="")
    at = UTCDateTimeAttribute()


class IndexStatItem(HelpdeskItem, discriminator="index_stat"):
    """`IDXSTAT#<scope>` / `STAT`: documents indexed in a scope (idf needs it)."""

    documents = NumberAttribute(default=0)


class RateItem(HelpdeskItem, discriminator="rate"):
    """`RATE#<what>#<who>` / `<window>`: who was served in a time window (a set, so a redelivery counts once)."""

    served = UnicodeSetAttribute(null=True)
    count = NumberAttribute(null=True)  # a plain count, where repeats count (feedback per caller)


class WechatFollowerItem(HelpdeskItem, discriminator="wechat_follower"):
    """`WXUSER#<openid>` / `FOLLOWER`: the customer behind an openid (docs/wechat.md, "The customer")."""

    openid = UnicodeAttribute()
    name = UnicodeAttribute()
    first_seen_at = UTCDateTimeAttribute()
    subscribed = BooleanAttribute(default=True)
    last_seen_at = UTCDateTimeAttribute(null=True)
    current_ticket = UnicodeAttribute(null=True)
    unsubscribed_at = UTCDateTimeAttribute(null=True)
    named_by_staff = BooleanAttribute(default=False)


class WechatClaimItem(HelpdeskItem, discriminator="wechat_claim"):
    """`WXMSG#<MsgId or event key>` / `CLAIM`: the ticket and message one WeChat message made."""

    ticket_id = UnicodeAttribute()
    message_id = UnicodeAttribute()


class WechatTokenItem(HelpdeskItem, discriminator="wechat_token"):
    """`WECHAT` / `ACCESS_TOKEN`: the account's shared access token, and the lease of whoever renews it."""

    token = UnicodeAttribute(null=True)
    valid_until = UTCDateTimeAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)


class ChatLineItem(HelpdeskItem, discriminator="chat_line"):
    """`CHATLINE#<ticket id>#<line key>` / `CLAIM`: the message one visitor line made (docs/chat.md)."""

    ticket_id = UnicodeAttribute()
    message_id = UnicodeAttribute()


class FactWindowIndex(GlobalSecondaryIndex[Any]):
    """Report facts by the shard and one-minute window they were written in (sparse: fact records only)."""

    class Meta:
        index_name = "by_window"
        projection = IncludeProjection(["rows"])

    window_key = UnicodeAttribute(hash_key=True)  # FACTS#<UTC day>#<shard>
    window_sort = UnicodeAttribute(range_key=True)  # <UTC write time>#<event id>


class ReportsItem(Model):
    """An item of the reports table (report facts, their rollups, creation records, survey answers): a table of its
    own, without a stream, so that the facts written for each event never come back to the stream's consumers."""

    class Meta:
        table_name = "unbound"
        region: str | None = None
        host: str | None = None

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """Every report item type shares one table connection, and that connection shares the tickets table's
        botocore client (a second client would cost a cold start ~100 ms)."""
        table = super(ReportsItem, ReportsItem)._get_connection()
        shared = HelpdeskItem._get_connection().connection
        if table.connection is not shared:
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)
    window_key = UnicodeAttribute(null=True)
    window_sort = UnicodeAttribute(null=True)

    by_window = FactWindowIndex()


class ChatItem(Model):
    """An item of the chat connections table (docs/chat.md): connections, where to push, rate windows. A table of
    its own with a TTL and no stream, so that connects, disconnects and frames never reach the ticket stream."""

    class Meta:
        table_name = "unbound"
        region: str | None = None
        host: str | None = None

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """One connection for every chat item type, sharing the tickets table's botocore client (as reports do)."""
        table = super(ChatItem, ChatItem)._get_connection()
        shared = HelpdeskItem._get_connection().connection
        if table.connection is not shared:
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)


class ChatConnectionItem(ChatItem, discriminator="chat_connection"):
    """`CONN#<connection id>` / `CONN`: one open WebSocket connection and whose it is."""

    connection_id = UnicodeAttribute()
    role = UnicodeAttribute()  # visitor | staff
    email = UnicodeAttribute(null=True)  # a signed-in customer's or staff member's address
    name = UnicodeAttribute(null=True)
    conversation = UnicodeAttribute(null=True)  # the ticket id, once started or resumed
    origin = UnicodeAttribute(null=True)
    connected_at = UTCDateTimeAttribute()


class ChatTargetItem(ChatItem, discriminator="chat_target"):
    """`CHAT#<ticket id>` / `CONN#<connection id>`: a visitor connection of a conversation, where pushes go."""

    connection_id = UnicodeAttribute()


class ChatPushedItem(ChatItem, discriminator="chat_pushed"):
    """`PUSHED#<ticket id>#<message id>` / `PUSHED`: a staff reply the API request already pushed to the visitor, so
    the ticket stream's push skips it (docs/decisions.md, "Live chat: a staff reply pushed from the request")."""


class ChatRateItem(ChatItem, discriminator="chat_rate"):
    """`RATE#<scope>#<subject>#<window start>` / `RATE`: frames counted in one window."""

    n = NumberAttribute(default=0)


_ALL = (
    HelpdeskItem,
    TicketItem,
    TicketNumberItem,
    CounterItem,
    IdempotencyKeyItem,
    MessageItem,
    EventItem,
    AgentItem,
    TeamItem,
    NotificationItem,
    WorkEntryItem,
    NotificationSettingsItem,
    DigestEntryItem,
    DigestWaitItem,
    SignInItem,
    MailIdItem,
    MailFilesItem,
    MailRejectionItem,
    MailAddressItem,
    RateItem,
    WechatFollowerItem,
    WechatClaimItem,
    WechatTokenItem,
    ChatLineItem,
    ChatItem,
    ChatConnectionItem,
    ChatTargetItem,
    ChatRateItem,
    ChatPushedItem,
    ReportsItem,
    ArticleItem,
    ArticleHistoryItem,
    KbCategoryItem,
    KbDayItem,
    PostingItem,
    IndexedPartItem,
    IndexStatItem,
)


def bind_tables(settings: Settings) -> None:
    """Point the models at the deployed (or emulated) table. Idempotent; called lazily by the container."""
    HelpdeskItem.Meta.table_name = settings.tickets_table
    HelpdeskItem.Meta.region = settings.aws_region
    HelpdeskItem.Meta.host = settings.aws_endpoint_url
    ReportsItem.Meta.table_name = settings.reports_table
    ReportsItem.Meta.region = settings.aws_region
    ReportsItem.Meta.host = settings.aws_endpoint_url
    ChatItem.Meta.table_name = settings.chat_table
    ChatItem.Meta.region = settings.aws_region
    ChatItem.Meta.host = settings.aws_endpoint_url
    for model in _ALL:
        model._connection = None
