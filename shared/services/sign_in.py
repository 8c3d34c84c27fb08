"""Customers sign in with a one-time code sent to their email address.

On AWS, Cognito sends and checks the code (its EMAIL_OTP first factor) and its ID token is what API Gateway's
authorizer accepts; in local mode the product sends the code itself (it lands in the outbox) and issues its own
token. Either way this service limits how often a code is sent and how many wrong codes are tried.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Protocol

from shared.clock import Clock
from shared.domain.access import Principal
from shared.errors import RateLimited, Unauthenticated
from shared.services.auth import Authenticator
from shared.services.mail import MailComposer
from shared.services.ports import Mailer, SignIns

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5


class CodeChannel(Protocol):
    def send(self, email: str) -> str:
        """Send a code; returns the state that later checks it (never the code itself)."""
        ...

    def check(self, email: str, code: str, state: str) -> tuple[str, Principal] | None:
        """The signed-in token and principal when the code is right, else None."""
        ...


class SignInService:
    def __init__(self, store: SignIns, channel: CodeChannel, clock: Clock) -> None:
        self._store = store
        self._channel = channel
        self._clock = clock

    def send_code(self, email: str) -> None:
        email = email.lower()
        now = self._clock.now()
        pending = self._store.get(email)
        if pending is not None and now - pending.sent_at < RESEND_AFTER:
            wait = RESEND_AFTER - (now - pending.sent_at)
            raise RateLimited(
                "a code was just sent; wait before asking again", retry_after=int(wait.total_seconds()) + 1
            )
        self._store.put(email, self._channel.send(email), now, CODE_TTL)

    def verify(self, email: str, code: str) -> tuple[str, Principal]:
        email = email.lower()
        pending = self._store.get(email)
        if pending is None or self._clock.now() - pending.sent_at > CODE_TTL:
            raise Unauthenticated("the code has expired; ask for a new one")
        if pending.attempts >= MAX_ATTEMPTS:
            raise Unauthenticated("too many wrong codes; ask for a new one")
        signed_in = self._channel.check(email, code, pending.state)
        if signed_in is None:
            self._store.count_failure(email)
            raise Unauthenticated("the code is not right")
        self._store.delete(email)
        return signed_in


class MailedCodeChannel:
    """Local mode: the product mails the code itself and signs its own token."""

    def __init__(
        self, composer: MailComposer, mailer: Mailer, authenticator: Authenticator, secret: str, clock: Clock
    ) -> None:
        self._composer = composer
        self._mailer = mailer
        self._authenticator = authenticator
        self._secret = secret.encode()
        self._clock = clock

    def _digest(self, email: str, code: str) -> str:
        return hmac.new(self._secret, f"{email}\n{code}".encode(), hashlib.sha256).hexdigest()

    def send(self, email: str) -> str:
        code = f"{secrets.randbelow(10**6):06d}"
        context = {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60), "now": self._clock.now()}
        message_id = f"<sign-in-{secrets.token_hex(8)}@{self._composer.domain}>"
        mail = self._composer.compose("sign_in_code", "zh-CN", email, context, message_id, automatic=True)
        self._mailer.send(self._composer.sender, [email], mail.as_bytes())
        return self._digest(email, code)

    def check(self, email: str, code: str, state: str) -> tuple[str, Principal] | None:
        if not hmac.compare_digest(self._digest(email, code.strip()), state):
            return None
        return self._authenticator.sign_in_local(email)
