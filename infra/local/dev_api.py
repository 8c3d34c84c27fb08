"""`/api/dev/*`: local mode's sign-in, clock and outbox. Registered on the app only by local mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from chalice import Chalice

from infra.local.outbox import Outbox
from infra.seed.demo import STAFF
from shared.api.routing import ApiRouter, Call
from shared.api.schemas import DevClock, DevLogin, LoginOut, user_out
from shared.clock import OffsetClock
from shared.container import Container
from shared.errors import Forbidden


def register_dev_api(
    app: Chalice,
    container: Callable[[], Container],
    clock: OffsetClock,
    outbox: Outbox,
    run_due: Callable[[], None],
) -> ApiRouter:
    dev = ApiRouter(app, container)

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

    return dev


def _tz(call: Call) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(call.container.settings.timezone)
