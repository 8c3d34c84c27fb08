"""The one place that reads the environment. Everything else receives a `Settings`."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings, validated once per process."""

    model_config = SettingsConfigDict(env_prefix="HELPDESK_", extra="ignore", frozen=True)

    tickets_table: str = "helpdesk-tickets"
    idempotency_table: str = "helpdesk-idempotency"
    timezone: str = "Asia/Shanghai"
    support_address: str = "support@demo.local"
    public_url: str = "http://127.0.0.1:8000"
    ses_configuration_set: str | None = None
    # `cognito`: API Gateway's Cognito authorizer has verified the token, the app reads its claims.
    # `local`: the app verifies its own HS256 tokens (local mode only).
    auth_mode: Literal["cognito", "local"] = "cognito"
    token_secret: str | None = None
    token_ttl_minutes: int = 12 * 60
    cursor_secret: str = Field(default="", repr=False)
    # Local mode points every AWS client at the emulator.
    aws_endpoint_url: str | None = None
    aws_region: str = Field(default="ap-southeast-1", validation_alias="AWS_REGION")
    max_body_bytes: int = 256 * 1024
    forbid_scan: bool = False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
