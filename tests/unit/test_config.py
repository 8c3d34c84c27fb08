"""Settings from the environment: typed, checked once, a bad value fails the cold start."""

from __future__ import annotations

import pytest

from shared.config import Settings


def test_values_are_read_typed_and_unknown_names_ignored() -> None:
    settings = Settings.from_environ(
        {
            "HELPDESK_ACK_TIMEOUT_MINUTES": "5",
            "HELPDESK_TRACE_CALLS": "true",
            "HELPDESK_AUTH_MODE": "local",
            "HELPDESK_USER_POOL_ID": "",
            "HELPDESK_SOMETHING_ELSE": "x",
            "AWS_REGION": "us-east-1",
        }
    )
    assert (settings.ack_timeout_minutes, settings.trace_calls, settings.auth_mode) == (5, True, "local")
    assert settings.aws_region == "us-east-1" and settings.user_pool_id is None
    assert "k3y-value" not in repr(Settings(cursor_secret="k3y-value", reply_secret="k3y-value"))


@pytest.mark.parametrize(
    "environ",
    [
        {"HELPDESK_ACK_TIMEOUT_MINUTES": "0"},
        {"HELPDESK_ACK_TIMEOUT_MINUTES": "ten"},
        {"HELPDESK_AUTH_MODE": "basic"},
        {"HELPDESK_TRACE_CALLS": "maybe"},
    ],
)
def test_a_bad_value_is_refused(environ: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="setting"):
        Settings.from_environ(environ)


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ValueError):
        Settings(max_body_bytes="big")  # type: ignore[arg-type]
