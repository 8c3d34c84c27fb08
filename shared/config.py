"""The one place that reads the environment. Everything else receives a `Settings`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PREFIX = "HELPDESK_"


class Settings(BaseModel):
    """Deployment settings, validated once per process (a bad value fails the cold start, not a request)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    tickets_table: str = "helpdesk-tickets"
    idempotency_table: str = "helpdesk-idempotency"
    timezone: str = "Asia/Shanghai"
    support_address: str = "support@demo.local"
    public_url: str = "http://127.0.0.1:8000"
    ses_configuration_set: str | None = None
    # `cognito`: API Gateway's Cognito authorizer has verified the token, the app reads its claims.
    # `local`: the app verifies its own HS256 tokens (local mode only).
    auth_mode: Literal["cognito", "local"] = "cognito"
    token_secret: str | None = Field(default=None, repr=False)
    token_ttl_minutes: int = 12 * 60
    cursor_secret: str = Field(default="", repr=False)
    # Local mode points every AWS client at the emulator.
    aws_endpoint_url: str | None = None
    aws_region: str = "ap-southeast-1"
    max_body_bytes: int = 256 * 1024
    # Cognito, for customers' one-time-code sign-in on AWS.
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None
    # Routing and SLA: minutes an assignee has to acknowledge (确认接单) before the supervisor is alerted and the
    # ticket reassigned (the stored SLA policy set's `escalation.ack_timeout_minutes` overrides it).
    ack_timeout_minutes: int = Field(default=10, ge=1, le=24 * 60)
    # Email channel (docs/email.md): the bucket of raw inbound MIME and attachments, and the intake limits.
    mail_bucket: str = "helpdesk-local-mailbucket"
    max_mail_bytes: int = 40 * 1024 * 1024
    max_attachment_bytes: int = 25 * 1024 * 1024
    acknowledgments_per_minute: int = 3
    # Signs reply addresses (support+<token>@...); empty derives one from the cursor secret.
    reply_secret: str = Field(default="", repr=False)
    smtp_port: int = 2525
    # WeChat Official Account channel (docs/wechat.md). On AWS the AppID, token, EncodingAESKey and AppSecret come
    # from the Secrets Manager secret named here (read at run time, so values filled in after a deploy apply);
    # without one, from the settings below (local mode and tests). No EncodingAESKey: plaintext mode.
    wechat_secret_arn: str | None = None
    wechat_app_id: str = ""
    wechat_token: str = Field(default="", repr=False)
    wechat_encoding_aes_key: str = Field(default="", repr=False)
    wechat_app_secret: str = Field(default="", repr=False)
    # WeChat's API (access token, customer-service messages, media); local mode points it at its emulator.
    wechat_api_base: str = "https://api.weixin.qq.com"
    # The queue the callback hands accepted messages to (template.yaml: WechatInboundQueue).
    wechat_queue_url: str = ""
    wechat_max_body_bytes: int = 64 * 1024
    wechat_max_media_bytes: int = 10 * 1024 * 1024
    wechat_welcome: str = "您好，欢迎关注！直接在这里发送您的问题，客服会尽快回复您。"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        values: dict[str, str] = {
            key[len(PREFIX) :].lower(): value for key, value in environ.items() if key.startswith(PREFIX) and value
        }
        if environ.get("AWS_REGION"):
            values["aws_region"] = environ["AWS_REGION"]
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ(os.environ)
