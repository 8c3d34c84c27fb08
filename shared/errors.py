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


class TicketNotResolved(HelpdeskError):
    code = "ticket_not_resolved"


class IdempotencyKeyReused(HelpdeskError):
    code = "idempotency_key_reused"


class VersionConflict(HelpdeskError):
    code = "version_conflict"


class PayloadTooLarge(HelpdeskError):
    code = "payload_too_large"


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"


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


class UnstorableWrite(WriteConflict):
    """DynamoDB refused the write itself (an item over 400 KB, a key too long): retrying cannot help."""
