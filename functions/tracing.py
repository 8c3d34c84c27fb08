"""X-Ray subsegments for the functions' AWS calls, when the deployment asks for them (`HELPDESK_TRACE_CALLS`).

Lambda's active tracing (template.yaml) records every invocation, its cold start and its duration without any code.
Powertools' Tracer adds a subsegment per AWS call, but it loads the X-Ray SDK: 200-350 ms of every cold start, more
than the rest of a first invocation. So it is off by default and switched on per deployment while investigating; when
on, it starts with the first invocation, so importing a handler stays light either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from shared.config import get_settings

Handler = Callable[[Any, Any], Any]


def traced(service: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        wrapped: list[Handler] = []

        @functools.wraps(handler)
        def invoke(event: Any, context: Any) -> Any:
            if not wrapped:
                if get_settings().trace_calls:
                    from aws_lambda_powertools import Tracer

                    wrapped.append(Tracer(service=service).capture_lambda_handler(handler))
                else:
                    wrapped.append(handler)
            return wrapped[0](event, context)

        return invoke

    return decorate
