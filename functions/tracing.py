"""X-Ray tracing for the functions, started on the first invocation.

Powertools' Tracer imports the X-Ray SDK when it is created (about 100 ms); creating it on the first call keeps
the module import, which every cold start and every tool that loads a handler pays, down to what it needs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, Any], Any]


def traced(service: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        wrapped: list[Handler] = []

        @functools.wraps(handler)
        def invoke(event: Any, context: Any) -> Any:
            if not wrapped:
                from aws_lambda_powertools import Tracer

                wrapped.append(Tracer(service=service).capture_lambda_handler(handler))
            return wrapped[0](event, context)

        return invoke

    return decorate
