"""Settings kept in AWS Secrets Manager, read at run time (so values ops put in after a deploy apply)."""

from __future__ import annotations

import json
from typing import Any

from shared.domain.wechat.api import WechatConfig


def wechat_config(client: Any, secret_id: str) -> WechatConfig:
    """The WeChat secret: a JSON object {"app_id", "token", "encoding_aes_key", "app_secret"} (docs/wechat.md)."""
    value = client.get_secret_value(SecretId=secret_id)
    data = json.loads(value.get("SecretString") or "{}")
    if not isinstance(data, dict):
        raise ValueError("the WeChat secret is not a JSON object")
    return WechatConfig(
        app_id=str(data.get("app_id") or ""),
        token=str(data.get("token") or ""),
        encoding_aes_key=str(data.get("encoding_aes_key") or ""),
        app_secret=str(data.get("app_secret") or ""),
    )
