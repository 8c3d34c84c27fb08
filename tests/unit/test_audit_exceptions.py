"""The supply-chain audit honours a dated exception until its review date, and only for the advisory it names."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "audit_check", Path(__file__).resolve().parents[2] / "infra" / "audit" / "check.py"
)
assert _spec and _spec.loader
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

TABLE = """
| advisory | package | why it is accepted | granted | review by |
|---|---|---|---|---|
| GHSA-aaaa-bbbb-cccc | jinja2 | the sandbox is not used | 2026-11-01 | 2026-12-31 |
| PYSEC-2026-1 | nh3 | expired | 2026-01-01 | 2026-02-01 |
"""


def test_only_exceptions_in_force_are_honoured():
    granted = check.exceptions(date(2026, 12, 6), TABLE)
    assert granted == {"GHSA-AAAA-BBBB-CCCC": "jinja2"}
    findings = [
        {"package": "jinja2", "version": "3.1.6", "ids": ["PYSEC-1", "GHSA-aaaa-bbbb-cccc"], "fix": ""},
        {"package": "nh3", "version": "0.3.7", "ids": ["PYSEC-2026-1"], "fix": "0.3.8"},
    ]
    assert [f["package"] for f in check.unexcused(findings, granted)] == ["nh3"]
    assert check.exceptions(date(2027, 1, 1), TABLE) == {}


def test_the_repositorys_exception_file_parses():
    assert isinstance(check.exceptions(date.today()), dict)
