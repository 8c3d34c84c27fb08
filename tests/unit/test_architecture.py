"""The architecture as a check: the import contracts hold and would catch a violation, and one module writes
tickets."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
WRITER = "shared/adapters/ticket_writer.py"


def _product_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "shared").rglob("*.py")), *sorted((ROOT / "functions").rglob("*.py"))]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", "pyproject.toml"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("shared", "functions"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold(copy_of_the_code: Path) -> None:
    result = _lint(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("shared/domain/lifecycle.py", "import boto3", "The domain touches no AWS library"),
        ("shared/domain/lifecycle.py", "import shared.services.ports", "Handlers -> services -> adapters -> domain"),
        ("shared/services/sla.py", "import pynamodb", "Services reach AWS only through adapters"),
        ("shared/services/sla.py", "import functions.sla_sweep.handler", "Nothing imports a handler"),
        ("functions/sla_sweep/handler.py", "import functions.assignment.handler", "Each function stands alone"),
        ("shared/domain/clock_of_a_cycle.py", "import shared.domain.lifecycle", None),
    ],
)
def test_a_deliberate_violation_fails_them(copy_of_the_code: Path, module: str, line: str, broken: str | None) -> None:
    path = copy_of_the_code / module
    if broken is None:
        # A cycle: lifecycle imports a new module that imports lifecycle back.
        path.write_text(f"{line}\n")
        lifecycle = copy_of_the_code / "shared/domain/lifecycle.py"
        lifecycle.write_text(lifecycle.read_text() + "\nimport shared.domain.clock_of_a_cycle  # noqa\n")
        broken = "No import cycles"
    else:
        path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


def _opens_a_transaction(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "pynamodb.transactions":
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("pynamodb.transactions") for a in node.names):
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("transact_write_items", "TransactWrite"):
            return True
        if isinstance(node, ast.Name) and node.id == "TransactWrite":
            return True
    return False


def test_exactly_one_module_writes_ticket_transactions() -> None:
    writers = [str(p.relative_to(ROOT)) for p in _product_sources() if _opens_a_transaction(p.read_text())]
    assert writers == [WRITER]


def test_the_check_would_see_a_second_writer() -> None:
    assert _opens_a_transaction("from pynamodb.transactions import TransactWrite\n")
    assert _opens_a_transaction("def f(c):\n    c.transact_write_items(TransactItems=[])\n")
    assert not _opens_a_transaction("from pynamodb.models import Model\n")
