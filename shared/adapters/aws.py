"""AWS clients, created lazily from the settings and shared by the adapters that need them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3

from shared.config import Settings


class AwsClients:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @cached_property
    def session(self) -> boto3.session.Session:
        return boto3.session.Session(region_name=self._settings.aws_region)

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self._settings.aws_endpoint_url)

    @cached_property
    def sesv2(self) -> Any:
        return self.client("sesv2")

    @cached_property
    def dynamodb(self) -> Any:
        return self.client("dynamodb")
