"""Publishing the SPA to the stack's bucket (infra/deploy/publish_web.py), against moto's S3 and CloudFront."""

from __future__ import annotations

import json

import pytest

from infra.deploy.publish_web import IMMUTABLE, REVALIDATE, Target, publish, spa_config, upload_order
from infra.local.stack import REGION


@pytest.fixture
def build(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<script type="module" src="/assets/index-abc123.js"></script>')
    (dist / "assets" / "index-abc123.js").write_text("console.log('工单');")
    (dist / "assets" / "index-abc123.css").write_text("body{}")
    (dist / "favicon.svg").write_text("<svg/>")
    return dist


def _distribution(cloudfront) -> str:
    config = {
        "CallerReference": "test",
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "web", "DomainName": "web.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https"},
    }
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def test_assets_first_index_last(build):
    keys = [key for _, key in upload_order(build)]
    assert keys[:2] == ["assets/index-abc123.css", "assets/index-abc123.js"]
    assert keys[-1] == "index.html"


def test_publish_uploads_the_build_its_config_and_invalidates(env, build):
    s3, cloudfront = env.stack.client("s3"), env.stack.client("cloudfront")
    bucket = env.stack.names["WebBucket"]
    distribution = _distribution(cloudfront)
    config = spa_config(REGION, "pool-1", "client-1", "helpdesk.auth.example.com")
    uploaded = publish(s3, cloudfront, Target(bucket, distribution, config), build)

    assert set(uploaded) == {
        "index.html",
        "favicon.svg",
        "config.json",
        "assets/index-abc123.js",
        "assets/index-abc123.css",
    }
    script = s3.get_object(Bucket=bucket, Key="assets/index-abc123.js")
    assert script["ContentType"] == "application/javascript"
    assert script["CacheControl"] == IMMUTABLE
    index = s3.get_object(Bucket=bucket, Key="index.html")
    assert index["ContentType"] == "text/html"
    assert index["CacheControl"] == REVALIDATE
    published = s3.get_object(Bucket=bucket, Key="config.json")
    assert json.loads(published["Body"].read()) == {
        "auth": "cognito",
        "region": REGION,
        "user_pool_id": "pool-1",
        "client_id": "client-1",
        "domain": "helpdesk.auth.example.com",
    }
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    assert invalidations["Quantity"] == 1
    detail = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidations["Items"][0]["Id"])
    assert sorted(detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) == [
        "/",
        "/config.json",
        "/favicon.svg",
        "/index.html",
    ]


def test_publish_refuses_a_missing_build(env, tmp_path):
    with pytest.raises(SystemExit, match=r"no index\.html"):
        publish(env.stack.client("s3"), None, Target(env.stack.names["WebBucket"], None, {}), tmp_path)


def test_the_chat_widget_is_published_beside_the_spa_and_never_cached_stale(env, build):
    """/widget.js keeps its name from build to build (a company's page names it): uploaded after the hashed assets,
    as JavaScript, revalidated, and invalidated with the index."""
    (build / "widget.js").write_text("(function(){})();")
    s3, cloudfront = env.stack.client("s3"), env.stack.client("cloudfront")
    bucket = env.stack.names["WebBucket"]
    distribution = _distribution(cloudfront)
    keys = [key for _, key in upload_order(build)]
    assert keys.index("widget.js") > keys.index("assets/index-abc123.js")
    publish(s3, cloudfront, Target(bucket, distribution, {"auth": "local", "chat_url": "wss://x/chat"}), build)
    widget = s3.get_object(Bucket=bucket, Key="widget.js")
    assert widget["ContentType"] == "application/javascript"
    assert widget["CacheControl"] == REVALIDATE
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    detail = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidations["Items"][0]["Id"])
    assert "/widget.js" in detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
