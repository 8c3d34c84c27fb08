"""The API fuzzer in the suite: schemathesis against local mode as a customer, an agent, a supervisor and an admin.

A bounded run, every phase: the fuzzing and stateful phases for each caller (FUZZ_EXAMPLES examples per operation,
schema-valid and schema-violating requests alike), and the coverage phase for the admin, who reaches every operation,
with its schema-valid cases (every enum value, every boundary length and count, every format: about 1,200 requests).
The coverage phase cannot be bounded by a number of examples (it makes every case the schema defines); its
schema-violating cases and undeclared methods (about 2,300 more requests per caller) run in `make fuzz`, with every
phase for every caller at 10x the examples. Zero server errors, zero undocumented status codes, zero response schema
violations, schema-valid requests accepted, schema-violating ones refused (docs/security.md, "Input and transport").
Its own local stack: the fuzzer changes rules, teams and policies that other tests rely on.
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


# (caller, phases, generation mode)
RUNS = [(caller, "fuzzing,stateful", "all") for caller in CALLERS] + [("admin", "coverage", "positive")]


@pytest.mark.parametrize(
    ("caller", "phases", "mode"), RUNS, ids=[f"{caller}-{phases}-{mode}" for caller, phases, mode in RUNS]
)
def test_schemathesis_finds_nothing(fuzzed_stack: LocalStackProcess, caller: str, phases: str, mode: str) -> None:
    run = fuzz(fuzzed_stack.url, caller, EXAMPLES, Path(ROOT / "test-artifacts" / "fuzz"), phases, mode)
    print(f"\n{caller} ({phases}, {mode}): {run.seconds:.0f} s\n{run.summary}")
    assert "Tested:" in run.output, run.output[-5000:]  # it ran, and tested operations
    assert run.returncode == 0, run.output[-20000:]
