"""The composition root: builds adapters and services from the settings, lazily, once per process.

Heavy modules (boto3, PynamoDB, PyJWT, Powertools Idempotency) are imported when first needed, not when a
handler module is imported: a cold start pays only for what its first request uses.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.clock import Clock, SystemClock
from shared.config import Settings, get_settings

if TYPE_CHECKING:
    from shared.adapters.aws import AwsClients
    from shared.adapters.directory_store import DirectoryStore
    from shared.adapters.kb_store import KbStore
    from shared.adapters.mail_blobs import MailBlobs
    from shared.adapters.mail_store import MailStore
    from shared.adapters.mailer import SesMailer
    from shared.adapters.routing_store import RoutingStore
    from shared.adapters.search_index import SearchIndex
    from shared.adapters.ticket_writer import TicketWriter
    from shared.adapters.tickets_store import TicketStore
    from shared.domain.search.text import Segmenter
    from shared.services.assignment import AssignmentService
    from shared.services.auth import Authenticator
    from shared.services.canned_replies import CannedReplyService
    from shared.services.cursors import CursorCodec
    from shared.services.directory import DirectoryService
    from shared.services.email_intake import EmailIntakeService
    from shared.services.kb import KnowledgeBaseService
    from shared.services.mail_feedback import MailFeedbackService
    from shared.services.mail_files import MailFilesService
    from shared.services.notifications import Deliver, NotificationService
    from shared.services.routing import RoutingService
    from shared.services.search import SearchService
    from shared.services.sign_in import CodeChannel, SignInService
    from shared.services.sla import SlaService
    from shared.services.sla_sweep import SweepService
    from shared.services.tickets import TicketService

Job = dict[str, Any]


class Container:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self._idempotent: dict[str, Callable[..., Job]] = {}

    @cached_property
    def aws(self) -> AwsClients:
        from shared.adapters.aws import AwsClients

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
            self.sla,
            self.clock,
            self.cursors,
            self.settings.timezone,
        )

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
        from shared.adapters.routing_store import RoutingStore, bind_models

        self._tables  # noqa: B018
        bind_models()
        return RoutingStore(self.ticket_writer)

    @cached_property
    def sla(self) -> SlaService:
        from shared.services.sla import SlaService

        return SlaService(self.routing_store, self.clock, self.settings.ack_timeout_minutes)

    @cached_property
    def routing(self) -> RoutingService:
        from shared.services.routing import RoutingService

        return RoutingService(
            self.routing_store,
            self.ticket_writer,
            self.directory_store,
            self.sla,
            self.clock,
            self.tickets.get,
            self.tickets.directory_checks,
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
            self.sla,
            self.clock,
            lambda: self.routing.rule_set()[0],
        )

    @cached_property
    def canned_replies(self) -> CannedReplyService:
        from shared.services.canned_replies import CannedReplyService

        return CannedReplyService(self.routing_store, self.clock)

    @cached_property
    def sla_sweep(self) -> SweepService:
        from shared.services.sla_sweep import SweepService

        return SweepService(self.ticket_store, self.ticket_writer, self.routing_store, self.sla, self.clock)

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
        )

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
        )

    @cached_property
    def mailer(self) -> SesMailer:
        from shared.adapters.mailer import SesMailer

        return SesMailer(self.aws.sesv2, self.settings.ses_configuration_set)

    def send_mail_job(self, job: Job) -> Job:
        message_id = self.mailer.send(job["from"], job["to"], base64.b64decode(job["raw"]))
        return {"message_id": message_id}

    def notifications(self, deliver: Deliver | None = None) -> NotificationService:
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

    @cached_property
    def inbox(self) -> NotificationService:
        return self.notifications()

    # -- exactly-once side effects for stream consumers -------------------------------------------
    @cached_property
    def idempotency_config(self) -> Any:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        # Keyed on the domain event (in the job), never on the delivery: a redelivered record finds the record.
        return IdempotencyConfig(
            event_key_jmespath="idempotency_key",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=7 * 24 * 3600,
        )

    def register_lambda_context(self, context: Any) -> None:
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
