"""AWS clients, created lazily from the settings and shared by the adapters that need them.

They come from the botocore session PynamoDB's connection already holds: a client of a session reuses the service
models and endpoint rules that session loaded, so a function's second DynamoDB client (Powertools' idempotency
store) or its S3 and SES clients cost a few milliseconds instead of a fresh session's ~100 ms on a cold start.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.config import Settings

if TYPE_CHECKING:
    import botocore.session


class AwsClients:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @cached_property
    def session(self) -> botocore.session.Session:
        from shared.adapters.items import HelpdeskItem

        # The container binds the models to this deployment's table before it creates these clients.
        return HelpdeskItem._get_connection().connection.session

    def client(self, service: str) -> Any:
        return self.session.create_client(
            service, region_name=self._settings.aws_region, endpoint_url=self._settings.aws_endpoint_url
        )

    @cached_property
    def sesv2(self) -> Any:
        return self.client("sesv2")

    @cached_property
    def dynamodb(self) -> Any:
        return self.client("dynamodb")
