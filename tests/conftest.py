"""Suite-wide: no test path may issue a DynamoDB Scan (a botocore hook on every session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import scan_guard

scan_guard.install()


@pytest.fixture(autouse=True, scope="session")
def _no_scans() -> Iterator[None]:
    yield
    assert not scan_guard.SCANS, f"DynamoDB Scan issued on {scan_guard.SCANS}"
