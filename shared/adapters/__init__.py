"""Adapters: the only code that talks to AWS (DynamoDB through PynamoDB, SES, S3)."""
