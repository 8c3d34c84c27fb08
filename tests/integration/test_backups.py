"""Backups: the template keeps history of every table and bucket, and the local drill restores everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from infra.local.process import ROOT
from infra.template import load_template, resources_of_type


def test_every_table_has_point_in_time_recovery():
    tables = resources_of_type(load_template(), "AWS::DynamoDB::Table")
    assert tables
    for logical_id, table in tables.items():
        spec = table["Properties"].get("PointInTimeRecoverySpecification") or {}
        assert spec.get("PointInTimeRecoveryEnabled") is True, logical_id


def test_every_bucket_is_versioned():
    buckets = resources_of_type(load_template(), "AWS::S3::Bucket")
    assert buckets
    for logical_id, bucket in buckets.items():
        assert bucket["Properties"]["VersioningConfiguration"]["Status"] == "Enabled", logical_id


def test_the_api_stage_is_throttled():
    api = resources_of_type(load_template(), "AWS::Serverless::Api")["HelpdeskApi"]["Properties"]
    (setting,) = [s for s in api["MethodSettings"] if s["ResourcePath"] == "/*" and s["HttpMethod"] == "*"]
    assert 0 < setting["ThrottlingRateLimit"] <= setting["ThrottlingBurstLimit"]


def test_backup_drill_restores_every_item_and_object(tmp_path: Path):
    """`make backup-drill` as it runs: its own process (a local stack of its own), a backup folder on disk."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra.local.backup_drill",
            "--backup",
            str(tmp_path / "backup"),
            "--report",
            str(tmp_path / "report.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] and not report["problems"]
    assert report["counts"]["TicketsTable"] > 50  # the seed's tickets, directory and KB, and the mail's ticket
    assert report["counts"]["MailBucket"] >= 1  # the raw message taken in through SMTP
    assert (
        len(json.loads((tmp_path / "backup" / "tables" / "TicketsTable.json").read_text()))
        == report["counts"]["TicketsTable"]
    )
