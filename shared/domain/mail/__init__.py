"""The email channel's pure domain: reading raw MIME, charsets, sanitized HTML, quoted history, loop guard,
bounces and threading. No I/O: callers bring the bytes (from S3) and the lookups (from DynamoDB).

Modules: `parsing` (raw bytes -> `ParsedMail`), `charsets`, `sanitize`, `quoting`, `loop_guard`, `threading`,
`problems`.
"""
