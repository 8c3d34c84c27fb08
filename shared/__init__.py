"""The helpdesk domain package: config, clock, domain, adapters and services."""
