"""Pending one-time sign-in codes, one per email address, expiring by TTL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import SignInItem


@dataclass(frozen=True)
class PendingCode:
    state: str  # what checks the code (never the code itself)
    sent_at: datetime
    attempts: int  # wrong codes tried


class SignInStore:
    def get(self, email: str) -> PendingCode | None:
        try:
            item = SignInItem.get(f"SIGNIN#{email}", "CODE", consistent_read=True)
        except DoesNotExist:
            return None
        return PendingCode(item.state, item.sent_at, int(item.attempts or 0))

    def put(self, email: str, state: str, sent_at: datetime, ttl: timedelta) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE", state=state, sent_at=sent_at, attempts=0, expires_at=sent_at + ttl).save()

    def count_failure(self, email: str) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE").update(
            actions=[SignInItem.attempts.add(1)], condition=SignInItem.pk.exists()
        )

    def delete(self, email: str) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE").delete()
