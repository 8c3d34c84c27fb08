"""The one place that reads the environment. Everything else receives a `Settings`.

A plain dataclass checked by hand, not a pydantic model: every function reads its settings on a cold start, and
pydantic would be the only thing that loads it in the functions that serve no HTTP (~60 ms each).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

PREFIX = "HELPDESK_"
AUTH_MODES = ("cognito", "local")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    """Deployment settings, validated once per process (a bad value fails the cold start, not a request)."""

    tickets_table: str = "helpdesk-tickets"
    idempotency_table: str = "helpdesk-idempotency"
    reports_table: str = "helpdesk-reports"
    timezone: str = "Asia/Shanghai"
    support_address: str = "support@demo.local"
    public_url: str = "http://127.0.0.1:8000"
    ses_configuration_set: str | None = None
    # `cognito`: API Gateway's Cognito authorizer has verified the token, the app reads its claims.
    # `local`: the app verifies its own HS256 tokens (local mode only).
    auth_mode: Literal["cognito", "local"] = "cognito"
    token_secret: str | None = field(default=None, repr=False)
    token_ttl_minutes: int = 12 * 60
    cursor_secret: str = field(default="", repr=False)
    # Local mode points every AWS client at the emulator.
    aws_endpoint_url: str | None = None
    aws_region: str = "ap-southeast-1"
    max_body_bytes: int = 256 * 1024
    # Abuse limits per customer (docs/security.md, "Abuse limits"): at most this many in a rolling hour window
    # (fixed one-hour windows); 0 turns a limit off. Staff are never limited here.
    limit_tickets_per_hour: int = 30
    limit_messages_per_hour: int = 120
    limit_uploads_per_hour: int = 60
    limit_sign_in_codes_per_hour: int = 10
    # Cognito, for customers' one-time-code sign-in on AWS.
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None
    # Routing and SLA: minutes an assignee has to acknowledge (确认接单) before the supervisor is alerted and the
    # ticket reassigned (the stored SLA policy set's `escalation.ack_timeout_minutes` overrides it).
    ack_timeout_minutes: int = 10  # 1 to 1,440
    # Email channel (docs/email.md): the bucket of raw inbound MIME and attachments, and the intake limits.
    mail_bucket: str = "helpdesk-local-mailbucket"
    max_mail_bytes: int = 40 * 1024 * 1024
    max_attachment_bytes: int = 25 * 1024 * 1024
    acknowledgments_per_minute: int = 3
    # Signs reply addresses (support+<token>@...); empty derives one from the cursor secret.
    reply_secret: str = field(default="", repr=False)
    smtp_port: int = 2525
    # WeChat Official Account channel (docs/wechat.md). On AWS the AppID, token, EncodingAESKey and AppSecret come
    # from the Secrets Manager secret named here (read at run time, so values filled in after a deploy apply);
    # without one, from the settings below (local mode and tests). No EncodingAESKey: plaintext mode.
    wechat_secret_arn: str | None = None
    wechat_app_id: str = ""
    wechat_token: str = field(default="", repr=False)
    wechat_encoding_aes_key: str = field(default="", repr=False)
    wechat_app_secret: str = field(default="", repr=False)
    # WeChat's API (access token, customer-service messages, media); local mode points it at its emulator.
    wechat_api_base: str = "https://api.weixin.qq.com"
    # The queue the callback hands accepted messages to (template.yaml: WechatInboundQueue).
    wechat_queue_url: str = ""
    wechat_max_body_bytes: int = 64 * 1024
    wechat_max_media_bytes: int = 10 * 1024 * 1024
    wechat_welcome: str = "您好，欢迎关注！直接在这里发送您的问题，客服会尽快回复您。"
    # Reports (docs/reports.md): the bucket of nightly reports; the key that signs survey links (empty derives one
    # from the cursor secret, as the reply secret does).
    reports_bucket: str = "helpdesk-local-reportsbucket"
    survey_secret: str = field(default="", repr=False)
    # Live chat (docs/chat.md): the connections table; the WebSocket API's management endpoint (https://<api
    # id>.execute-api.<region>.amazonaws.com/<stage>; empty in local mode, where the local WebSocket server pushes);
    # the URL the widget connects to (`/config.json`'s `chat_url`); when an idle chat ends itself.
    chat_table: str = "helpdesk-chat"
    chat_endpoint: str = ""
    chat_url: str = "ws://127.0.0.1:8001"
    chat_idle_minutes: int = 30
    # Sites (scheme://host[:port], comma-separated) whose pages may open a chat; the product's own URL always may.
    chat_origins: str = ""
    # X-Ray subsegments for every AWS call (functions/tracing.py): off by default, it costs a cold start 200-350 ms.
    trace_calls: bool = False

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            expected = _TYPES[_kind(spec)]
            if value is None and "None" in str(spec.type):
                continue
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValueError(f"setting {spec.name}: {value!r} is not a {expected.__name__}")
        if self.auth_mode not in AUTH_MODES:
            raise ValueError(f"setting auth_mode: {self.auth_mode!r} is not one of {', '.join(AUTH_MODES)}")
        if not 1 <= self.ack_timeout_minutes <= 24 * 60:
            raise ValueError("setting ack_timeout_minutes: must be 1 to 1440")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """`HELPDESK_<NAME>` for each setting (empty values ignored), `AWS_REGION` for the region; others ignored."""
        values: dict[str, str] = {
            key[len(PREFIX) :].lower(): value for key, value in environ.items() if key.startswith(PREFIX) and value
        }
        if environ.get("AWS_REGION"):
            values["aws_region"] = environ["AWS_REGION"]
        specs = {spec.name: spec for spec in dataclasses.fields(cls)}
        return cls(**{name: _parse(specs[name], raw) for name, raw in values.items() if name in specs})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_TYPES: dict[str, type] = {"str": str, "int": int, "bool": bool}


def _kind(spec: dataclasses.Field[Any]) -> str:
    """A field's declared type as written (annotations are strings here): a Literal of strings counts as str."""
    kind = str(spec.type).replace(" | None", "")
    return "str" if kind.startswith("Literal[") else kind


def _parse(spec: dataclasses.Field[Any], raw: str) -> Any:
    kind = _kind(spec)
    if kind == "int":
        try:
            return int(raw)
        except ValueError as error:
            raise ValueError(f"setting {spec.name}: {raw!r} is not a whole number") from error
    if kind == "bool":
        if raw.strip().lower() not in (*_TRUE, *_FALSE):
            raise ValueError(f"setting {spec.name}: {raw!r} is not true or false")
        return raw.strip().lower() in _TRUE
    return raw


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ(os.environ)
