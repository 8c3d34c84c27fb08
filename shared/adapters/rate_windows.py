"""Per-caller counters in fixed time windows: `RATE#<kind>#<caller>` / `<window start>`, one atomic `ADD` each,
conditioned below the limit, expiring with TTL. One partition per caller and kind (never a hot key: docs/scale.md)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from shared.adapters.items import RateItem


class RateWindows:
    def take(self, kind: str, caller: str, window: str, limit: int, expires_at: datetime) -> bool:
        """One more of at most `limit` in the window: False (nothing counted) when it is full."""
        item = RateItem(f"RATE#{kind}#{caller.lower()}"[:1000], window)
        try:
            item.update(
                actions=[RateItem.kind.set(RateItem), RateItem.count.add(1), RateItem.expires_at.set(expires_at)],
                condition=RateItem.count.does_not_exist() | (RateItem.count < limit),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
