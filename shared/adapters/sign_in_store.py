"""Pending one-time sign-in codes, one per email address, expiring by TTL."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import SignInItem


class SignInStore:
    def get(self, email: str) -> SignInItem | None:
        try:
            return SignInItem.get(f"SIGNIN#{email}", "CODE", consistent_read=True)
        except DoesNotExist:
            return None

    def put(self, email: str, state: str, sent_at: datetime, ttl: timedelta) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE", state=state, sent_at=sent_at, attempts=0, expires_at=sent_at + ttl).save()

    def count_failure(self, email: str) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE").update(
            actions=[SignInItem.attempts.add(1)], condition=SignInItem.pk.exists()
        )

    def delete(self, email: str) -> None:
        SignInItem(f"SIGNIN#{email}", "CODE").delete()
