"""Publish the SPA: upload web/dist to the stack's WebBucket, write its config.json, invalidate CloudFront.

    make deploy-web                # after `make deploy`: builds web/ and publishes it to the stack's bucket

Hashed assets (`assets/*`) go first and are cached for a year; `index.html`, `config.json` and the other
top-level files go last with `Cache-Control: no-cache`, so a browser never gets an index that names a chunk not
yet uploaded. Old assets are not deleted: a page loaded before the deploy can still fetch its lazy chunks (the
bucket is versioned and drops noncurrent versions after 30 days).

Options: --stack-name (default helpdesk) reads WebBucketName, WebDistributionId, UserPoolId, UserPoolClientId and
AuthDomain from the stack's outputs; --bucket, --distribution-id and --config name them directly (tests, or a
second stack); --region; --dist (default web/dist). Runs with the tools venv's Python (boto3 comes with SAM).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Minimal hosts often lack these in /etc/mime.types; S3 must label them right or browsers refuse modules.
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/json", ".map")


@dataclass(frozen=True)
class Target:
    bucket: str
    distribution_id: str | None
    config: dict[str, Any]


def stack_target(cloudformation: Any, stack_name: str, region: str) -> Target:
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0].get("Outputs", [])
    }
    missing = [k for k in ("WebBucketName", "UserPoolId", "UserPoolClientId", "AuthDomain") if k not in outputs]
    if missing:
        raise SystemExit(f"stack {stack_name} has no output {', '.join(missing)}: run `make deploy` first")
    return Target(
        bucket=outputs["WebBucketName"],
        distribution_id=outputs.get("WebDistributionId"),
        config=spa_config(
            region,
            outputs["UserPoolId"],
            outputs["UserPoolClientId"],
            outputs["AuthDomain"],
            outputs.get("ChatUrl", ""),
        ),
    )


def spa_config(region: str, user_pool_id: str, client_id: str, domain: str, chat_url: str = "") -> dict[str, Any]:
    """What the SPA reads from /config.json on AWS (docs/api.md): sign in with Cognito; the live chat's WebSocket
    URL (docs/chat.md) when the stack has one."""
    config = {"auth": "cognito", "region": region, "user_pool_id": user_pool_id, "client_id": client_id}
    config["domain"] = domain
    if chat_url:
        config["chat_url"] = chat_url
    return config


def upload_order(dist: Path) -> Iterator[tuple[Path, str]]:
    """Every file of the build with its key: hashed assets first, then the files that name them."""
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    hashed = [p for p in files if p.relative_to(dist).parts[0] == "assets"]
    rest = [p for p in files if p not in hashed]
    # index.html last of all: it is what makes a new build visible.
    rest.sort(key=lambda p: p.name == "index.html")
    for path in hashed + rest:
        yield path, path.relative_to(dist).as_posix()


def publish(s3: Any, cloudfront: Any | None, target: Target, dist: Path) -> list[str]:
    if not (dist / "index.html").is_file():
        raise SystemExit(f"{dist} has no index.html: build the SPA first (cd web && npm ci && npm run build)")
    uploaded: list[str] = []
    digest = hashlib.sha256()
    for path, key in upload_order(dist):
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = IMMUTABLE if key.startswith("assets/") else REVALIDATE
        body = path.read_bytes()
        digest.update(key.encode() + body)
        s3.put_object(Bucket=target.bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache)
        uploaded.append(key)
    config = json.dumps(target.config, ensure_ascii=False).encode()
    s3.put_object(
        Bucket=target.bucket, Key="config.json", Body=config, ContentType="application/json", CacheControl=REVALIDATE
    )
    uploaded.append("config.json")
    if cloudfront is not None and target.distribution_id:
        # Everything that is not content-hashed must be fetched again.
        revalidated = sorted({"/", *(f"/{k}" for k in uploaded if not k.startswith("assets/"))})
        cloudfront.create_invalidation(
            DistributionId=target.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(revalidated), "Items": revalidated},
                # One invalidation per distinct build: running the same deploy twice asks for nothing new.
                "CallerReference": digest.hexdigest()[:32] + hashlib.sha256(config).hexdigest()[:16],
            },
        )
    return uploaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", default="helpdesk")
    parser.add_argument("--region")
    parser.add_argument("--dist", type=Path, default=ROOT / "web" / "dist")
    parser.add_argument("--bucket", help="publish here instead of the stack's WebBucket")
    parser.add_argument("--distribution-id")
    parser.add_argument("--config", type=Path, help="a config.json to publish instead of the stack's Cognito one")
    parser.add_argument("--endpoint-url", help=argparse.SUPPRESS)  # tests: an emulated account
    args = parser.parse_args(argv)
    session = boto3.session.Session(region_name=args.region)
    region = session.region_name or "us-east-1"

    def client(name: str) -> Any:
        return session.client(name, endpoint_url=args.endpoint_url)

    if args.bucket:
        config = json.loads(args.config.read_text()) if args.config else {"auth": "cognito", "region": region}
        target = Target(args.bucket, args.distribution_id, config)
    else:
        target = stack_target(client("cloudformation"), args.stack_name, region)
    uploaded = publish(client("s3"), client("cloudfront"), target, args.dist)
    invalidated = f", invalidated {target.distribution_id}" if target.distribution_id else ""
    print(f"published {len(uploaded)} files to s3://{target.bucket}{invalidated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
