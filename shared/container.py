"""The composition root: builds adapters and services from the settings, lazily, once per process.

Heavy modules (boto3, PynamoDB, PyJWT, Powertools Idempotency) are imported when first needed, not when a
handler module is imported: a cold start pays only for what its first request uses.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.clock import Clock, SystemClock
from shared.config import Settings, get_settings

if TYPE_CHECKING:
    from shared.adapters.aws import AwsClients
    from shared.adapters.chat_push import LocalSockets
    from shared.adapters.chat_store import ChatStore
    from shared.adapters.collab_store import CollabStore
    from shared.adapters.desk_store import DeskStore
    from shared.adapters.directory_store import DirectoryStore
    from shared.adapters.kb_store import KbStore
    from shared.adapters.mail_blobs import MailBlobs
    from shared.adapters.mail_store import MailStore
    from shared.adapters.mailer import SesMailer
    from shared.adapters.report_store import ReportStore
    from shared.adapters.routing_store import RoutingStore
    from shared.adapters.search_index import SearchIndex
    from shared.adapters.ticket_writer import TicketWriter
    from shared.adapters.tickets_store import TicketStore
    from shared.adapters.wechat_store import WechatStore
    from shared.domain.access import Principal
    from shared.domain.search.text import Segmenter
    from shared.domain.wechat.api import WechatConfig
    from shared.services.abuse import AbuseLimits
    from shared.services.assignment import AssignmentService
    from shared.services.auth import Authenticator
    from shared.services.automations import AutomationService
    from shared.services.bulk import BulkEditService
    from shared.services.canned_replies import CannedReplyService
    from shared.services.chat import ChatService
    from shared.services.chat_desk import ChatDesk
    from shared.services.chat_notices import ChatNotices
    from shared.services.chat_queue import ChatQueue
    from shared.services.chat_settings import ChatSettingsService
    from shared.services.collaboration import CollaborationService
    from shared.services.cursors import CursorCodec
    from shared.services.customers import CustomerService
    from shared.services.desk_forms import FormsService
    from shared.services.directory import DirectoryService
    from shared.services.effects import Effector
    from shared.services.email_intake import EmailIntakeService
    from shared.services.kb import KnowledgeBaseService
    from shared.services.keeping import TicketKeeper
    from shared.services.mail_feedback import MailFeedbackService
    from shared.services.mail_files import MailFilesService
    from shared.services.merge import MergeService
    from shared.services.nightly_report import NightlyReportService
    from shared.services.notifications import Deliver, NotificationService
    from shared.services.personal_data import PersonalDataService
    from shared.services.ports import ChatPush
    from shared.services.report_facts import ReportFactsService
    from shared.services.report_rollup import ReportRollupService
    from shared.services.reports import ReportService
    from shared.services.review import ReviewService
    from shared.services.roles import RoleService
    from shared.services.routing import RoutingService
    from shared.services.search import SearchService
    from shared.services.settings_cache import SettingsCache
    from shared.services.sign_in import CodeChannel, SignInService
    from shared.services.sla import SlaService
    from shared.services.sla_sweep import SweepService
    from shared.services.staff_alerts import StaffAlerts
    from shared.services.surveys import SurveyService
    from shared.services.tickets import TicketService
    from shared.services.triggers import TriggerService
    from shared.services.uploads import UploadService
    from shared.services.views import ViewService
    from shared.services.wechat_callback import WechatCallback
    from shared.services.wechat_intake import WechatIntakeService
    from shared.services.wechat_notices import WechatNotices
    from shared.services.wechat_outbound import WechatOutbound, WechatTokens

Job = dict[str, Any]


class Container:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self._idempotent: dict[str, Callable[..., Job]] = {}
        self._lambda_context: Any = None
        self._wechat_config: tuple[float, WechatConfig] | None = None
        self._wechat_config_lock = threading.Lock()

    @cached_property
    def aws(self) -> AwsClients:
        from shared.adapters.aws import AwsClients

        self._tables  # noqa: B018 - the clients come from the table connection's botocore session
        return AwsClients(self.settings)

    @cached_property
    def _tables(self) -> None:
        from shared.adapters.items import bind_tables

        bind_tables(self.settings)

    @cached_property
    def ticket_store(self) -> TicketStore:
        from shared.adapters.tickets_store import TicketStore

        self._tables  # noqa: B018 - binds the models to this deployment's table first
        return TicketStore()

    @cached_property
    def ticket_writer(self) -> TicketWriter:
        from shared.adapters.ticket_writer import TicketWriter

        self._tables  # noqa: B018
        return TicketWriter()

    @cached_property
    def directory_store(self) -> DirectoryStore:
        from shared.adapters.directory_store import DirectoryStore

        self._tables  # noqa: B018
        return DirectoryStore()

    @cached_property
    def cursors(self) -> CursorCodec:
        from shared.services.cursors import CursorCodec

        # Without a configured secret (tests), derive one that is stable for this deployment's table.
        secret = self.settings.cursor_secret or hashlib.sha256(self.settings.tickets_table.encode()).hexdigest()
        return CursorCodec(secret.encode())

    @cached_property
    def tickets(self) -> TicketService:
        from shared.services.tickets import TicketService

        return TicketService(
            self.ticket_store,
            self.ticket_writer,
            self.directory_store,
            self.keeper,
            self.clock,
            self.cursors,
            self.settings.timezone,
            review_policy=lambda: self.review.policy(),
            work=self.collab_store,
            forms=self.forms,
            customer_facts=lambda email: self.customers.facts_for(email),
            uploads=lambda: self.uploads,
            chat_reply=lambda message: self.chat.relay_reply(message),
        )

    # -- working together (shared/services/collaboration.py, merge.py, staff_alerts.py) ----------------------------
    @cached_property
    def collab_store(self) -> CollabStore:
        from shared.adapters.collab_store import CollabStore

        self._tables  # noqa: B018
        return CollabStore()

    @cached_property
    def collaboration(self) -> CollaborationService:
        from shared.services.collaboration import CollaborationService

        return CollaborationService(
            self.tickets.get,
            self.ticket_store,
            self.collab_store,
            self.ticket_writer,
            self.directory_store,
            self.keeper,
            self.clock,
        )

    @cached_property
    def merges(self) -> MergeService:
        from shared.services.merge import MergeService

        return MergeService(
            self.tickets.get, self.ticket_store, self.collab_store, self.ticket_writer, self.keeper, self.clock
        )

    def staff_alerts(self, deliver: Deliver | None = None, mail_now: bool = True) -> StaffAlerts:
        """Without `mail_now` (the assignment function, which sends no mail) every mail waits for the digest."""
        from shared.adapters.directory_store import InboxStore
        from shared.services.mail import MailComposer
        from shared.services.staff_alerts import StaffAlerts

        self._tables  # noqa: B018

        def language_of(email: str) -> str:
            agent = self.directory_store.get_agent(email)
            return agent.language if agent else "zh-CN"

        def sees_contacts(email: str) -> bool:
            from shared.domain.access import BUILTIN_ROLES, Permission

            agent = self.directory_store.get_agent(email)
            if agent is None:
                return False
            role = self.directory_store.get_role(agent.role) if agent.role not in BUILTIN_ROLES else None
            granted = role.permissions if role else BUILTIN_ROLES.get(agent.role, frozenset())
            return Permission.CUSTOMER_CONTACT in granted

        def is_staff_address(email: str) -> bool:
            return self.directory_store.get_agent(email) is not None

        composer = MailComposer(self.settings.support_address, self.settings.public_url)
        if not mail_now:
            return StaffAlerts(InboxStore(), self.collab_store, language_of=language_of)
        return StaffAlerts(
            InboxStore(),
            self.collab_store,
            composer,
            deliver or self.send_mail_job,
            language_of,
            sees_contacts=functools.lru_cache(maxsize=256)(sees_contacts),
            is_staff_address=functools.lru_cache(maxsize=1024)(is_staff_address),
        )

    # -- the desk: fields and templates, uploads, customer records, bulk edits, saved views ------------------------
    @cached_property
    def forms(self) -> FormsService:
        from shared.services.desk_forms import FormsService

        return FormsService(self.write_settings, self.clock)  # read with the other settings a write needs

    @cached_property
    def desk_store(self) -> DeskStore:
        from shared.adapters.desk_store import DeskStore

        self._tables  # noqa: B018
        return DeskStore(self.ticket_writer)

    @cached_property
    def uploads(self) -> UploadService:
        from shared.services.uploads import UploadService

        return UploadService(self.desk_store, self.mail_store, self.mail_blobs, self.clock)

    @cached_property
    def customers(self) -> CustomerService:
        from shared.services.customers import CustomerService

        return CustomerService(self.desk_store, self.ticket_store, self.clock)

    @cached_property
    def bulk(self) -> BulkEditService:
        from shared.services.bulk import BulkEditService

        return BulkEditService(self.tickets, self.ticket_store)

    @cached_property
    def views(self) -> ViewService:
        from shared.services.views import ViewService

        return ViewService(self.desk_store, self.directory_store, self.tickets, self.clock)

    # -- knowledge base and search (shared/services/kb.py, search.py; docs/search.md) ------------------------------
    @cached_property
    def kb_store(self) -> KbStore:
        from shared.adapters.kb_store import KbStore

        self._tables  # noqa: B018
        return KbStore()

    @cached_property
    def kb(self) -> KnowledgeBaseService:
        from shared.services.kb import KnowledgeBaseService

        return KnowledgeBaseService(
            self.kb_store,
            self.ticket_writer,
            self.ticket_store,
            self.tickets.get,
            self.sla,
            self.clock,
            self.cursors,
            self.settings.timezone,
        )

    @cached_property
    def segmenter(self) -> Segmenter:
        # The dictionary itself loads on the first search or indexing, not here.
        from shared.domain.search.text import Segmenter

        return Segmenter()

    @cached_property
    def search_index(self) -> SearchIndex:
        from shared.adapters.search_index import SearchIndex

        self._tables  # noqa: B018
        return SearchIndex(self.ticket_writer)

    @cached_property
    def search(self) -> SearchService:
        from shared.services.search import SearchService

        return SearchService(
            self.search_index,
            self.kb_store,
            self.ticket_store,
            self.routing_store,
            self.segmenter,
            self.clock,
            self.cursors,
        )

    # -- routing, assignment and SLA (shared/services/routing.py, assignment.py, sla.py, sla_sweep.py) ---------
    @cached_property
    def routing_store(self) -> RoutingStore:
        from shared.adapters.routing_store import RoutingStore

        self._tables  # noqa: B018
        return RoutingStore(self.ticket_writer)

    @cached_property
    def write_settings(self) -> SettingsCache:
        """The settings every ticket write reads (SLA policies, automations, the review policy, custom fields and
        templates): one request for all of them when they expire, 30 s per process."""
        from shared.services.automations import AUTOMATIONS
        from shared.services.desk_forms import FIELDS, TEMPLATES
        from shared.services.review import REVIEW_POLICY
        from shared.services.settings_cache import SettingsCache
        from shared.services.sla import SLA_POLICIES

        return SettingsCache(self.routing_store, (SLA_POLICIES, AUTOMATIONS, REVIEW_POLICY, FIELDS, TEMPLATES))

    @cached_property
    def sla(self) -> SlaService:
        from shared.services.sla import SlaService

        return SlaService(self.write_settings, self.clock, self.settings.ack_timeout_minutes)

    @cached_property
    def keeper(self) -> TicketKeeper:
        """What every ticket write keeps in step: the closing review, the SLA, the next automation."""
        from shared.services.keeping import TicketKeeper

        return TicketKeeper(self.sla, lambda: self.automations.automations())

    @cached_property
    def routing(self) -> RoutingService:
        from shared.services.routing import RoutingService

        return RoutingService(
            self.routing_store,
            self.ticket_writer,
            self.directory_store,
            self.keeper,
            self.clock,
            self.tickets.get,
            self.tickets.directory_checks,
            canned_ids=lambda: [reply.id for reply in self.canned_replies.current()[0]],
        )

    @cached_property
    def assignment(self) -> AssignmentService:
        from shared.adapters.directory_store import InboxStore
        from shared.services.assignment import AssignmentService

        return AssignmentService(
            self.ticket_store,
            self.ticket_writer,
            self.routing_store,
            self.directory_store,
            InboxStore(),
            self.keeper,
            self.clock,
            lambda: self.routing.rule_set()[0],
            triggers=self.triggers,
            effector=self.effector,
            alerts=lambda: self.staff_alerts(mail_now=False),
            chat_queue=lambda: self.chat_queue,
        )

    # -- triggers, automations, closing review (shared/services/triggers.py, automations.py, review.py) --------
    @cached_property
    def effector(self) -> Effector:
        from shared.services.effects import Effector

        def agent_name(email: str | None) -> str:
            agent = self.directory_store.get_agent(email) if email else None
            return agent.name if agent else ""

        return Effector(lambda: self.canned_replies.current()[0], lambda: self.review.policy(), agent_name)

    @cached_property
    def triggers(self) -> TriggerService:
        from shared.services.triggers import TriggerService

        return TriggerService(
            self.ticket_store,
            self.ticket_writer,
            self.keeper,
            self.clock,
            lambda: self.routing.rule_set()[0],
            self.effector,
            directory=self.directory_store,
        )

    @cached_property
    def automations(self) -> AutomationService:
        from shared.services.automations import AutomationService

        return AutomationService(
            self.write_settings,
            self.clock,
            lambda: dict(self.sla.config().policies.calendars),
            self.effector,
            lambda: [reply.id for reply in self.canned_replies.current()[0]],
        )

    @cached_property
    def review(self) -> ReviewService:
        from shared.services.review import ReviewService

        return ReviewService(
            self.write_settings, self.ticket_store, self.ticket_writer, self.keeper, self.clock, self.tickets.get
        )

    @cached_property
    def canned_replies(self) -> CannedReplyService:
        from shared.services.canned_replies import CannedReplyService

        return CannedReplyService(self.routing_store, self.clock)

    @cached_property
    def sla_sweep(self) -> SweepService:
        from shared.services.sla_sweep import SweepService

        return SweepService(
            self.ticket_store,
            self.ticket_writer,
            self.routing_store,
            self.sla,
            self.clock,
            keeper=self.keeper,
            automations=self.automations,
            message_part=self.ticket_store.message_part,
            digests=lambda now: self.staff_alerts(self.digest_mail_job).send_digests(now),
        )

    def digest_mail_job(self, job: Job) -> Job:
        """A digest mail, once per digest even when two sweeps overlap (Powertools Idempotency)."""
        return self.idempotent("digest", self.send_mail_job)(job)

    @cached_property
    def directory(self) -> DirectoryService:
        from shared.services.directory import DirectoryService

        accounts = None
        if self.settings.auth_mode == "cognito":
            from shared.adapters.cognito import CognitoStaffAccounts

            accounts = CognitoStaffAccounts(self.aws.client("cognito-idp"), self.settings.user_pool_id or "")
        return DirectoryService(
            self.directory_store,
            self.routing_store,
            accounts,
            tickets=self.ticket_store,
            rules=lambda: self.routing.rule_set()[0],
            roles=self.directory_store,
        )

    @cached_property
    def roles(self) -> RoleService:
        from shared.services.roles import RoleService

        return RoleService(self.directory_store, self.directory_store)

    @cached_property
    def authenticator(self) -> Authenticator:
        from shared.services.auth import Authenticator

        verify = None
        if self.settings.auth_mode == "cognito" and self.settings.user_pool_id:
            from shared.adapters.cognito import CognitoIdTokens

            pool, client = self.settings.user_pool_id, self.settings.user_pool_client_id or ""
            verify = CognitoIdTokens(self.settings.aws_region, pool, client)
        return Authenticator(
            self.settings.auth_mode,
            self.directory_store,
            self.clock,
            secret=self.settings.token_secret,
            ttl=timedelta(minutes=self.settings.token_ttl_minutes),
            verify_id_token=verify,
            roles=self.directory_store,
        )

    @cached_property
    def mailer(self) -> SesMailer:
        from shared.adapters.mailer import SesMailer

        return SesMailer(self.aws.sesv2, self.settings.ses_configuration_set)

    def send_mail_job(self, job: Job) -> Job:
        message_id = self.mailer.send(job["from"], job["to"], base64.b64decode(job["raw"]))
        return {"message_id": message_id}

    def notifications(
        self, deliver: Deliver | None = None, wechat_send: Callable[[Job], Job] | None = None
    ) -> NotificationService:
        from shared.adapters.directory_store import InboxStore
        from shared.services.mail import MailComposer
        from shared.services.notifications import NotificationService

        self._tables  # noqa: B018
        return NotificationService(
            self.ticket_store,
            InboxStore(),
            MailComposer(self.settings.support_address, self.settings.public_url),
            deliver or self.send_mail_job,
            self.cursors,
            mail=self.mail_store,
            reply_address=self.reply_address,
            acknowledgments_per_minute=self.settings.acknowledgments_per_minute,
            survey_links=self.survey_links,
            wechat=self.wechat_notices(wechat_send),
            alerts=self.staff_alerts(deliver),
            directory=self.directory_store.list_all,
            chat=self.chat_notices,
            timezone=self.settings.timezone,
        )

    @cached_property
    def chat_notices(self) -> ChatNotices:
        from shared.services.chat_notices import ChatNotices

        def agent_name(email: str) -> str | None:
            agent = self.directory_store.get_agent(email)
            return agent.name if agent else None

        return ChatNotices(
            self.ticket_store,
            lambda ticket_id, frame: self.chat.push_to_conversation(ticket_id, frame),
            agent_name,
            self.chat_store.was_pushed,
        )

    # -- the email channel (shared/services/email_intake.py, docs/email.md) ------------------------
    @cached_property
    def reply_secret(self) -> str:
        if self.settings.reply_secret:
            return self.settings.reply_secret
        base = self.settings.cursor_secret or self.settings.tickets_table
        return hashlib.sha256(f"reply-address\n{base}".encode()).hexdigest()

    def reply_address(self, ticket_id: str) -> str:
        from shared.domain.mail.threads import make_reply_address

        return make_reply_address(ticket_id, self.reply_secret, self.settings.support_address)

    @cached_property
    def mail_store(self) -> MailStore:
        from shared.adapters.mail_store import MailStore

        self._tables  # noqa: B018
        return MailStore()

    @cached_property
    def mail_blobs(self) -> MailBlobs:
        from shared.adapters.mail_blobs import MailBlobs

        return MailBlobs(self.aws.client("s3"), self.settings.mail_bucket)

    @cached_property
    def email_intake(self) -> EmailIntakeService:
        from shared.services.email_intake import EmailIntakeService

        return EmailIntakeService(
            self.tickets,
            self.ticket_store,
            self.ticket_writer,
            self.mail_store,
            self.mail_blobs,
            self.clock,
            self.settings.support_address,
            self.reply_secret,
            self.settings.max_mail_bytes,
            self.settings.max_attachment_bytes,
        )

    @cached_property
    def mail_feedback(self) -> MailFeedbackService:
        from shared.services.mail_feedback import MailFeedbackService

        return MailFeedbackService(self.ticket_store, self.ticket_writer, self.mail_store, self.clock)

    @cached_property
    def mail_files(self) -> MailFilesService:
        from shared.services.mail_files import MailFilesService

        return MailFilesService(self.tickets, self.mail_store, self.mail_blobs, self.clock, self.cursors)

    @cached_property
    def abuse(self) -> AbuseLimits:
        from shared.adapters.rate_windows import RateWindows
        from shared.services.abuse import AbuseLimits

        self._tables  # noqa: B018
        settings = self.settings
        limits = {
            "ticket": settings.limit_tickets_per_hour,
            "message": settings.limit_messages_per_hour,
            "upload": settings.limit_uploads_per_hour,
            "sign_in_code": settings.limit_sign_in_codes_per_hour,
        }
        return AbuseLimits(RateWindows(), self.clock, limits)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        from shared.adapters.privacy_store import PrivacyStore
        from shared.services.personal_data import PersonalDataService

        self._tables  # noqa: B018
        forget: Callable[[str], object] | None = None
        if self.settings.auth_mode == "cognito":
            from shared.adapters.cognito import CognitoCustomerIdentities

            forget = CognitoCustomerIdentities(self.aws.client("cognito-idp"), self.settings.user_pool_id or "").forget
        return PersonalDataService(
            PrivacyStore(),
            self.ticket_store,
            self.ticket_writer,
            self.mail_blobs,
            self.clock,
            self.settings.timezone,
            forget,
        )

    @cached_property
    def sign_in(self) -> SignInService:
        from shared.adapters.sign_in_store import SignInStore
        from shared.services.sign_in import SignInService

        self._tables  # noqa: B018
        return SignInService(SignInStore(), self._code_channel(), self.clock)

    def _code_channel(self) -> CodeChannel:
        if self.settings.auth_mode == "cognito":
            from shared.adapters.cognito import CognitoCodeChannel

            return CognitoCodeChannel(
                self.aws.client("cognito-idp"),
                self.settings.user_pool_id or "",
                self.settings.user_pool_client_id or "",
            )
        from shared.services.mail import MailComposer
        from shared.services.sign_in import MailedCodeChannel

        composer = MailComposer(self.settings.support_address, self.settings.public_url)
        return MailedCodeChannel(
            composer, self.mailer, self.authenticator, self.settings.token_secret or "", self.clock
        )

    # -- the WeChat channel (shared/services/wechat_*.py, docs/wechat.md) ----------------------------------------
    WECHAT_CONFIG_TTL = 300.0  # seconds: a secret changed in Secrets Manager applies within five minutes

    def wechat_config(self) -> WechatConfig:
        """From the Secrets Manager secret on AWS (cached per process), else from the settings."""
        from shared.domain.wechat.api import WechatConfig

        arn = self.settings.wechat_secret_arn
        if not arn:
            s = self.settings
            return WechatConfig(s.wechat_app_id, s.wechat_token, s.wechat_encoding_aes_key, s.wechat_app_secret)
        with self._wechat_config_lock:
            cached = self._wechat_config
            if cached is None or time.monotonic() - cached[0] > self.WECHAT_CONFIG_TTL:
                from shared.adapters.secrets import wechat_config

                cached = (time.monotonic(), wechat_config(self.aws.client("secretsmanager"), arn))
                self._wechat_config = cached
            return cached[1]

    @cached_property
    def wechat_store(self) -> WechatStore:
        from shared.adapters.wechat_store import WechatStore

        self._tables  # noqa: B018
        return WechatStore()

    @cached_property
    def wechat_tokens(self) -> WechatTokens:
        from shared.adapters.wechat_api import WechatApiClient
        from shared.services.wechat_outbound import WechatTokens

        api = WechatApiClient(self.settings.wechat_api_base, self.wechat_config)
        return WechatTokens(self.wechat_store, api, self.clock)

    @cached_property
    def wechat_outbound(self) -> WechatOutbound:
        from shared.adapters.wechat_api import WechatApiClient
        from shared.services.wechat_outbound import WechatOutbound

        api = WechatApiClient(self.settings.wechat_api_base, self.wechat_config)
        return WechatOutbound(self.wechat_tokens, api, self.settings.wechat_max_media_bytes)

    def send_wechat_job(self, job: Job) -> Job:
        """One customer-service message: {"idempotency_key", "payload"} -> WeChat's {"errcode", "errmsg"}."""
        return self.wechat_outbound.send(job["payload"])

    @cached_property
    def wechat_callback(self) -> WechatCallback:
        from shared.adapters.wechat_queue import SqsInboundQueue
        from shared.services.wechat_callback import WechatCallback

        queue = SqsInboundQueue(self.aws.client("sqs"), self.settings.wechat_queue_url)
        return WechatCallback(self.wechat_config, queue, self.clock, self.settings.wechat_max_body_bytes)

    def wechat_intake(self, send: Callable[[Job], Job] | None = None) -> WechatIntakeService:
        from shared.services.wechat_intake import WechatIntakeService

        return WechatIntakeService(
            self.tickets,
            self.ticket_store,
            self.ticket_writer,
            self.wechat_store,
            self.mail_store,
            self.mail_blobs,
            self.wechat_outbound.media,
            send or self.send_wechat_job,
            self.clock,
            self.settings.wechat_welcome,
        )

    def wechat_notices(self, send: Callable[[Job], Job] | None = None) -> WechatNotices:
        from shared.services.mail import MailComposer
        from shared.services.wechat_notices import WechatNotices

        composer = MailComposer(self.settings.support_address, self.settings.public_url)
        return WechatNotices(
            self.ticket_store,
            self.ticket_writer,
            self.wechat_store,
            send or self.send_wechat_job,
            composer.render,
            self.clock,
        )

    @cached_property
    def inbox(self) -> NotificationService:
        return self.notifications()

    # -- reports and satisfaction surveys (shared/services/reports.py, surveys.py; docs/reports.md) -------------
    @cached_property
    def survey_secret(self) -> str:
        if self.settings.survey_secret:
            return self.settings.survey_secret
        base = self.settings.cursor_secret or self.settings.tickets_table
        return hashlib.sha256(f"survey\n{base}".encode()).hexdigest()

    def survey_links(self, ticket_id: str) -> list[dict[str, Any]]:
        from shared.domain.reports.surveys import make_survey_token, survey_links

        return survey_links(self.settings.public_url, make_survey_token(ticket_id, self.survey_secret))

    @cached_property
    def report_store(self) -> ReportStore:
        from shared.adapters.report_store import ReportStore, bind_models

        self._tables  # noqa: B018
        bind_models()
        return ReportStore()

    @cached_property
    def report_facts(self) -> ReportFactsService:
        from shared.services.report_facts import ReportFactsService

        return ReportFactsService(self.report_store, self.ticket_writer, self.clock, self.settings.timezone)

    @cached_property
    def report_rollup(self) -> ReportRollupService:
        from shared.services.report_rollup import ReportRollupService

        return ReportRollupService(self.report_store, self.clock)

    @cached_property
    def reports(self) -> ReportService:
        from shared.services.reports import ReportService

        return ReportService(
            self.report_store, self.sla, self.clock, self.settings.timezone, lambda s, u: self.kb.dashboard(s, u)
        )

    @cached_property
    def surveys(self) -> SurveyService:
        from shared.services.surveys import SurveyService

        return SurveyService(
            self.ticket_store, self.ticket_writer, self.keeper, self.clock, self.survey_secret, self.tickets
        )

    def nightly_report(self, deliver: Deliver | None = None) -> NightlyReportService:
        from shared.adapters.mail_blobs import MailBlobs
        from shared.services.mail import MailComposer
        from shared.services.nightly_report import NightlyReportService

        return NightlyReportService(
            self.reports,
            self.directory_store,
            MailBlobs(self.aws.client("s3"), self.settings.reports_bucket),
            MailComposer(self.settings.support_address, self.settings.public_url),
            deliver or self.send_mail_job,
            self.clock,
            self.settings.timezone,
            self.settings.public_url,
        )

    # -- exactly-once side effects for stream consumers -------------------------------------------
    @cached_property
    def idempotency_config(self) -> Any:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        # Keyed on the domain event (in the job), never on the delivery: a redelivered record finds the record.
        config = IdempotencyConfig(
            event_key_jmespath="idempotency_key",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=7 * 24 * 3600,
        )
        if self._lambda_context is not None:
            config.register_lambda_context(self._lambda_context)
        return config

    def register_lambda_context(self, context: Any) -> None:
        """The invocation's context, for Powertools Idempotency's in-progress records; Powertools is loaded only by
        an invocation that sends something (the sweep's digest, not every sweep)."""
        self._lambda_context = context
        if "idempotency_config" in self.__dict__:
            self.idempotency_config.register_lambda_context(context)

    def idempotent(self, prefix: str, action: Callable[[Job], Job]) -> Callable[[Job], Job]:
        """`action(job)` at most once per `job["idempotency_key"]`, recorded in the idempotency table."""
        if prefix not in self._idempotent:
            from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent_function

            persistence = DynamoDBPersistenceLayer(
                table_name=self.settings.idempotency_table, boto3_client=self.aws.dynamodb
            )

            def run(job: Job) -> Job:
                return action(job)

            self._idempotent[prefix] = idempotent_function(
                data_keyword_argument="job",
                persistence_store=persistence,
                config=self.idempotency_config,
                key_prefix=prefix,
            )(run)
        wrapped = self._idempotent[prefix]
        return lambda job: wrapped(job=job)

    # -- live chat (shared/services/chat.py, docs/chat.md) ------------------------------------------------------
    @cached_property
    def chat_store(self) -> ChatStore:
        from shared.adapters.chat_store import ChatStore

        self._tables  # noqa: B018
        return ChatStore()

    @cached_property
    def chat_push(self) -> ChatPush:
        """The management API when the stack names its endpoint; otherwise (local mode, tests) the local WebSocket
        server's sockets, which it registers in `local_sockets`."""
        if not self.settings.chat_endpoint:
            return self.local_sockets
        from shared.adapters.chat_push import ManagementApiPush

        aws = self.aws
        endpoint = self.settings.chat_endpoint
        client: list[Any] = []

        def management_api() -> Any:
            if not client:
                client.append(
                    aws.session.create_client(
                        "apigatewaymanagementapi", region_name=self.settings.aws_region, endpoint_url=endpoint
                    )
                )
            return client[0]

        return ManagementApiPush(management_api)

    @cached_property
    def local_sockets(self) -> LocalSockets:
        from shared.adapters.chat_push import LocalSockets

        return LocalSockets()

    @cached_property
    def chat_secret(self) -> str:
        base = self.settings.cursor_secret or self.settings.tickets_table
        return hashlib.sha256(f"chat\n{self.settings.token_secret or ''}\n{base}".encode()).hexdigest()

    def _chat_principal(self, token: str) -> Principal | None:
        """A sign-in token on connect: a customer's (their own chats) or staff's (the console watching chats). On AWS
        the Cognito ID token is verified here against the pool's keys (the WebSocket API has no authorizer); locally,
        the product's own signed token."""
        from shared.errors import HelpdeskError

        try:
            return self.authenticator.optional(None, f"Bearer {token}")
        except HelpdeskError:
            return None

    @cached_property
    def chat_settings(self) -> ChatSettingsService:
        """The allowed sites and the idle time (an admin setting; the deployment's values until one is saved)."""
        from shared.domain.chat.settings import CHAT_SETTINGS, ChatSettings
        from shared.services.chat_settings import ChatSettingsService
        from shared.services.settings_cache import SettingsCache

        defaults = ChatSettings.defaults(self.settings.chat_origins, self.settings.chat_idle_minutes)
        return ChatSettingsService(SettingsCache(self.routing_store, (CHAT_SETTINGS,)), self.clock, defaults)

    @cached_property
    def chat(self) -> ChatService:
        from shared.services.chat import ChatService

        return ChatService(
            self.tickets,
            self.ticket_store,
            self.ticket_writer,
            self.chat_store,
            self.chat_push,
            self.directory_store,
            self._chat_principal,
            self.clock,
            self.chat_secret,
            self.chat_settings.current,
            self.settings.public_url,
        )

    @cached_property
    def chat_queue(self) -> ChatQueue:
        from shared.adapters.chat_lists import ChatLists
        from shared.services.chat_queue import ChatQueue

        self._tables  # noqa: B018
        return ChatQueue(ChatLists(), self.chat.push_to_conversation, self.chat.anyone_online)

    @cached_property
    def chat_desk(self) -> ChatDesk:
        from shared.adapters.chat_lists import ChatLists
        from shared.services.chat_desk import ChatDesk

        self._tables  # noqa: B018
        return ChatDesk(self.tickets, ChatLists(), self.chat_store, self.directory_store, self.cursors)


_container: Container | None = None


def get_container() -> Container:
    global _container
    if _container is None:
        _container = Container(get_settings())
    return _container


def set_container(container: Container | None) -> None:
    """Local mode and tests install their own (emulator endpoint, movable clock)."""
    global _container
    _container = container
