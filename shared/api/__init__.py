"""The HTTP layer's shared machinery: request/response schemas, routing with one error mapping, OpenAPI."""
