"""Domain errors. The HTTP layer maps each `code` to a status in one place (shared/api/routing.py)."""

from __future__ import annotations


class HelpdeskError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(HelpdeskError):
    code = "validation_error"


class Unauthenticated(HelpdeskError):
    code = "unauthenticated"


class Forbidden(HelpdeskError):
    code = "forbidden"


class NotFound(HelpdeskError):
    code = "not_found"


class InvalidTransition(HelpdeskError):
    code = "invalid_transition"


class TicketClosed(HelpdeskError):
    code = "ticket_closed"


class NotResolved(HelpdeskError):
    """A step that needs a resolved ticket (a satisfaction answer, an article drafted from its answer) on one that is
    not resolved (yet, or again)."""

    code = "not_resolved"


class NotInReview(HelpdeskError):
    """A review decision (结案审核) for a ticket that is not waiting for one."""

    code = "not_in_review"


class OpenSubtasks(HelpdeskError):
    """Resolving or closing a ticket whose sub-tasks are not all done."""

    code = "open_subtasks"


class MergeRefused(HelpdeskError):
    """A merge into the ticket itself, into a closed ticket, or of a ticket already merged away (or too long to
    copy in one write)."""

    code = "merge_refused"


class IdempotencyKeyReused(HelpdeskError):
    code = "idempotency_key_reused"


class VersionConflict(HelpdeskError):
    code = "version_conflict"


class ChatTaken(HelpdeskError):
    """Another agent holds the chat already, or it has ended."""

    code = "conflict"


class PayloadTooLarge(HelpdeskError):
    code = "payload_too_large"


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"


# -- the WeChat callback (docs/wechat.md): what WeChat's server, or someone pretending to be it, sent -----------------
class InvalidSignature(HelpdeskError):
    """The request is not signed with our token (or the AES message does not decrypt to our AppID)."""

    code = "invalid_signature"


class StaleRequest(HelpdeskError):
    """The signed timestamp is more than five minutes away from our clock: a replay, or a wrong clock."""

    code = "stale_timestamp"


class InvalidXml(InvalidInput):
    """Malformed XML, a DTD or entity (never sent by WeChat: the billion laughs), or a message missing its fields."""

    code = "invalid_xml"


class Rejected(InvalidInput):
    """Input refused for several reasons at once (all listed, for the admin to fix together)."""

    def __init__(self, message: str, reasons: list[str], *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reasons = list(reasons)


class RulesRejected(Rejected):
    code = "invalid_rules"


class SlaPoliciesRejected(Rejected):
    code = "invalid_sla_policies"


class CannedRepliesRejected(Rejected):
    code = "invalid_canned_replies"


class AutomationsRejected(Rejected):
    code = "invalid_automations"


class ReviewPolicyRejected(Rejected):
    code = "invalid_review_policy"


class SearchTermsRejected(Rejected):
    code = "invalid_search_terms"


class RateLimited(HelpdeskError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StaffConflict(HelpdeskError):
    """A directory change that would leave the desk worse off (an admin locking themselves out, an agent removed
    while holding tickets); `code` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# -- what the one ticket writer reports when a condition of its transaction failed (not client errors) -------------
class WriteConflict(Exception):
    """A part of a transaction found the table other than it expected; the caller decides what that means."""


class AlreadyClaimed(WriteConflict):
    """A claim (a Message-ID, an Idempotency-Key, a ticket id) was taken before: this write is a redelivery."""


class CapacityTaken(WriteConflict):
    """The chosen agent's last slot went to another ticket first: choose again with fresh loads."""


class QueueEntryGone(WriteConflict):
    """Another assignment took this waiting ticket first."""


class FollowerChanged(WriteConflict):
    """Another message from the same WeChat follower moved their current ticket first: read them again."""


class UnstorableWrite(WriteConflict):
    """DynamoDB refused the write itself (an item over 400 KB, a key too long): retrying cannot help."""


class ConnectionGone(Exception):
    """A chat connection API Gateway (or the local WebSocket server) no longer knows: its items are deleted, the
    push is not retried."""
