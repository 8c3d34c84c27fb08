"""Calling WeChat's API with the account's access token: one token shared by every caller, renewed by one at a time.

WeChat gives an account one valid token at a time (a new one invalidates the last after about five minutes), and
limits how often it may be fetched. So the token lives in the table, and renewing it takes a lease: the caller
holding the lease fetches a new token; the others keep using the current one while it is still good, or wait for
the new one. Each process also remembers the token it read, so a send costs one API call, not a table read too.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shared.clock import Clock
from shared.domain.wechat.api import ACCESS_TOKEN_REJECTED, Media, WechatApiError, WechatUnavailable
from shared.services.ports import TokenCache, WechatApi

RENEW_BEFORE = timedelta(minutes=5)  # renew a token this long before WeChat says it expires
LEASE = timedelta(seconds=30)  # how long a renewal may take before another caller may try
WAITS = 25  # x 0.2 s: how long a caller waits for another's renewal


class WechatTokens:
    def __init__(
        self,
        cache: TokenCache,
        api: WechatApi,
        clock: Clock,
        sleep: Callable[[float], None] = time.sleep,
        owner: str | None = None,
    ) -> None:
        self._cache = cache
        self._api = api
        self._clock = clock
        self._sleep = sleep
        self._owner = owner or uuid.uuid4().hex
        self._memo: tuple[str, datetime] | None = None
        self._lock = threading.Lock()  # one renewal per process too (local mode runs every function in one)

    def token(self, rejected: str | None = None) -> str:
        """A token good for a while yet. `rejected`: the token WeChat just refused, which must not come back."""
        now = self._clock.now()
        memo = self._memo
        if memo and memo[0] != rejected and memo[1] - RENEW_BEFORE > now:
            return memo[0]
        with self._lock:
            for _ in range(WAITS):
                now = self._clock.now()
                current = self._current(rejected)
                if current is not None and current[1] - RENEW_BEFORE > now:
                    return self._remember(*current)
                if self._cache.take_lease(self._owner, now, now + LEASE):
                    # Someone may have renewed between our read and our lease: their token is good, keep it.
                    fresh = self._current(rejected)
                    if fresh is not None and fresh[1] - RENEW_BEFORE > now and fresh != current:
                        self._cache.release(self._owner)
                        return self._remember(*fresh)
                    return self._renew(now)
                if current is not None and current[1] > now:
                    return current[0]  # someone else is renewing: the current token works until it expires
                self._sleep(0.2)
        raise WechatUnavailable("the access token is being renewed elsewhere; try again")

    def _current(self, rejected: str | None) -> tuple[str, datetime] | None:
        cached = self._cache.cached()
        if cached is None or not cached.token or cached.token == rejected or cached.valid_until is None:
            return None
        return cached.token, cached.valid_until

    def _renew(self, now: datetime) -> str:
        try:
            token, expires_in = self._api.fetch_token()
        except BaseException:
            self._cache.release(self._owner)
            raise
        valid_until = now + timedelta(seconds=max(60, expires_in))
        self._cache.put_token(token, valid_until, self._owner)
        return self._remember(token, valid_until)

    def _remember(self, token: str, valid_until: datetime) -> str:
        self._memo = (token, valid_until)
        return token


class WechatOutbound:
    """What the product sends to followers, and the media it fetches from WeChat."""

    def __init__(self, tokens: WechatTokens, api: WechatApi, max_media_bytes: int) -> None:
        self._tokens = tokens
        self._api = api
        self._max_media = max_media_bytes

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """`message/custom/send` once (again with a fresh token if WeChat refused the token). WeChat's answer,
        errors included; WechatUnavailable (to be retried) when it was busy or unreachable."""
        token = self._tokens.token()
        answer = self._api.send(token, payload)
        if int(answer.get("errcode") or 0) in ACCESS_TOKEN_REJECTED:
            answer = self._api.send(self._tokens.token(rejected=token), payload)
        errcode = int(answer.get("errcode") or 0)
        if errcode == -1 or errcode in ACCESS_TOKEN_REJECTED:
            raise WechatUnavailable(f"WeChat did not take the message: {errcode} {answer.get('errmsg', '')}")
        return {"errcode": errcode, "errmsg": str(answer.get("errmsg") or "")}

    def media(self, media_id: str) -> Media:
        token = self._tokens.token()
        try:
            return self._api.media(token, media_id, self._max_media)
        except WechatApiError as error:
            if error.errcode not in ACCESS_TOKEN_REJECTED:
                raise
        return self._api.media(self._tokens.token(rejected=token), media_id, self._max_media)
