"""The API fuzzer in the suite: schemathesis against local mode as a customer, an agent, a supervisor and an admin.

A bounded run (FUZZ_EXAMPLES examples per operation): the fuzzing and stateful phases for each caller. The coverage
phase (deterministic, and the longest: every boundary and every undeclared method of every operation, about 4 minutes
per caller on a 2-core machine) runs in `make fuzz`, with every phase for every caller at 10x the examples. Zero server
errors, zero undocumented status codes, zero response schema violations, schema-valid requests accepted
(docs/security.md, "Input and transport"). Its own local stack: the fuzzer changes rules, teams and policies that
other tests rely on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.fuzz.run import CALLERS, SCHEMATHESIS, fuzz
from infra.local.process import ROOT, LocalStackProcess

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackProcess]:
    if not SCHEMATHESIS.exists():
        pytest.fail(f"{SCHEMATHESIS} is missing: `make fuzz-deps` installs it (make test does)")
    process = LocalStackProcess(tmp_path_factory.mktemp("fuzz") / "state")
    process.start()
    yield process
    process.stop()


RUNS = [(caller, "fuzzing,stateful") for caller in CALLERS]


@pytest.mark.parametrize(("caller", "phases"), RUNS, ids=[f"{caller}-{phases}" for caller, phases in RUNS])
def test_schemathesis_finds_nothing(fuzzed_stack: LocalStackProcess, caller: str, phases: str) -> None:
    run = fuzz(fuzzed_stack.url, caller, EXAMPLES, Path(ROOT / "test-artifacts" / "fuzz"), phases)
    print(f"\n{caller}: {run.seconds:.0f} s\n{run.summary}")
    assert "Tested:" in run.output, run.output[-5000:]  # it ran, and tested operations
    assert run.returncode == 0, run.output[-20000:]
