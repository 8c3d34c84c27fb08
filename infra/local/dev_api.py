"""`/api/dev/*`: local mode's sign-in, clock, outbox and WeChat emulator. Registered on the app only by local mode."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from chalice import Chalice

from infra.local.outbox import Outbox
from infra.local.wechat import WechatEmulator
from infra.seed.demo import STAFF
from shared.api.routing import ApiRouter, Call
from shared.api.schemas import DevClock, DevLogin, LoginOut, user_out
from shared.api.wechat_schemas import DevWechatSend, DevWechatSent
from shared.clock import OffsetClock
from shared.container import Container
from shared.errors import Forbidden, InvalidInput


def register_dev_api(
    app: Chalice,
    container: Callable[[], Container],
    clock: OffsetClock,
    outbox: Outbox,
    run_due: Callable[[], None],
    wechat: WechatEmulator | None = None,
) -> ApiRouter:
    dev = ApiRouter(app, container, access=None)  # local-only routes: each checks its caller itself

    @dev.route("/api/dev/accounts", "GET", summary="Staff accounts to sign in as (seeded and added)", public=True)
    def dev_accounts(call: Call) -> dict[str, Any]:
        # The seeded ones first, in their order, then whoever an admin added.
        order = {a.email: i for i, a in enumerate(STAFF)}
        agents = call.container.directory_store.list_all()[0]
        staff = sorted(agents, key=lambda a: (order.get(a.email, len(order)), a.email))
        return {"items": [{"email": a.email, "name": a.name, "role": a.role} for a in staff]}

    @dev.route("/api/dev/login", "POST", summary="Sign in as anyone", public=True, body=DevLogin, response=LoginOut)
    def dev_login(call: Call) -> LoginOut:
        token, principal = call.container.authenticator.sign_in_local(call.body.email)
        return LoginOut(token=token, user=user_out(principal, call.container.directory.language_of(principal)))

    @dev.route("/api/dev/clock", "POST", summary="Move the clock forward", body=DevClock)
    def dev_clock(call: Call) -> dict[str, str]:
        now = clock.advance(timedelta(minutes=call.body.advance_minutes))
        run_due()
        return {"now": now.astimezone(_tz(call)).isoformat()}

    @dev.route("/api/dev/outbox", "GET", summary="Mail sent so far (staff)")
    def dev_outbox(call: Call) -> dict[str, Any]:
        if not call.principal.is_staff:
            raise Forbidden("staff only")
        return {"items": outbox.items()}

    @dev.route("/api/dev/objects", "GET", summary="Every object version in the local buckets, base64 (admin)")
    def dev_objects(call: Call) -> dict[str, Any]:
        """What S3 holds, for tests that prove an object is gone (every version, as the buckets are versioned)."""
        if call.principal.role != "admin":
            raise Forbidden("admins only")
        settings = call.container.settings
        s3 = call.container.aws.client("s3")
        items = []
        for bucket in (settings.mail_bucket, settings.reports_bucket):
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                for version in page.get("Versions", []):
                    key, version_id = version["Key"], version["VersionId"]
                    body = s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"].read()
                    items.append(
                        {
                            "bucket": bucket,
                            "key": key,
                            "version_id": version_id,
                            "body": base64.b64encode(body).decode(),
                        }
                    )
        return {"items": items}

    if wechat is not None:
        _register_wechat(dev, wechat)
    return dev


def _register_wechat(dev: ApiRouter, wechat: WechatEmulator) -> None:
    @dev.route(
        "/api/dev/wechat/send",
        "POST",
        summary="A follower writes to the Official Account: signed and posted to the callback as WeChat would",
        public=True,
        body=DevWechatSend,
        response=DevWechatSent,
    )
    def dev_wechat_send(call: Call) -> DevWechatSent:
        body: DevWechatSend = call.body
        try:
            media = base64.b64decode(body.media_base64, validate=True) if body.media_base64 else None
        except ValueError as error:
            raise InvalidInput("media_base64 is not base64", field="media_base64") from error
        return DevWechatSent(msg_id=wechat.send(body.openid, body.msg_type, body.content, media))

    @dev.route("/api/dev/wechat/outbox", "GET", summary="What the product sent to followers, oldest first (staff)")
    def dev_wechat_outbox(call: Call) -> dict[str, Any]:
        if not call.principal.is_staff:
            raise Forbidden("staff only")
        return {"items": list(wechat.outbox)}


def _tz(call: Call) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(call.container.settings.timezone)
