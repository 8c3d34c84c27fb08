"""The API fuzzer against local mode: schemathesis (its own virtualenv, .venv-fuzz) with four callers.

    python -m infra.fuzz.run [--max-examples N] [--url http://127.0.0.1:8000]

Without --url it starts local mode in a scratch folder (as the end-to-end tests do) and stops it after. Each caller
(a customer, an agent, a supervisor, an admin, signed in through local mode's /api/dev/login) gets its own
schemathesis run over /api/openapi.json: coverage, fuzzing and stateful phases, every check (infra/fuzz/
schemathesis.toml). The exit status is non-zero if any run found a failure. docs/security.md, "Input and transport".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from infra.local.process import ROOT, LocalStackProcess

SCHEMATHESIS = ROOT / ".venv-fuzz" / "bin" / "schemathesis"
CONFIG = ROOT / "infra" / "fuzz" / "schemathesis.toml"
# One caller per kind of account. The customer is made on first sign-in; staff are local mode's seeded accounts.
PHASES = "coverage,fuzzing,stateful"
CALLERS = {
    "customer": "fuzz.customer@example.com",
    "agent": "zhangwei@demo.local",
    "supervisor": "lead@demo.local",
    "admin": "admin@demo.local",
}


@dataclass
class FuzzRun:
    caller: str
    returncode: int
    seconds: float
    summary: str
    output: str


def token(url: str, email: str) -> str:
    response = requests.post(f"{url}/api/dev/login", json={"email": email}, timeout=30)
    response.raise_for_status()
    return str(response.json()["token"])


# CPython 3.11 can fail inside `ast` when hypothesis describes a strategy's lambda from deep in a draw (fixed in later
# interpreters): schemathesis reports it as its own runtime error, not as a finding about the API.
INTERPRETER_BUG = "AST constructor recursion depth mismatch"


def fuzz(
    url: str, caller: str, max_examples: int, report_dir: Path, phases: str = PHASES, mode: str = "all"
) -> FuzzRun:
    """One schemathesis run as `caller`, run again once if all it hit was the interpreter's bug (INTERPRETER_BUG).
    `mode`: the requests generated, schema-valid (`positive`), schema-violating (`negative`) or both (`all`)."""
    run = _fuzz_once(url, caller, max_examples, report_dir, phases, mode)
    if run.returncode != 0 and INTERPRETER_BUG in run.output and "❌ ST" not in run.output:
        print(f"{caller}: schemathesis hit {INTERPRETER_BUG!r} (no finding); running again")
        run = _fuzz_once(url, caller, max_examples, report_dir, phases, mode)
    return run


def _fuzz_once(url: str, caller: str, max_examples: int, report_dir: Path, phases: str, mode: str) -> FuzzRun:
    """The token goes through the environment (the config reads it), never argv."""
    env = {**os.environ, "HELPDESK_FUZZ_TOKEN": token(url, CALLERS[caller])}
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/openapi.json",
        "--url",
        url,
        "--max-examples",
        str(max_examples),
        "--phases",
        phases,
        "--mode",
        mode,
        "--report",
        "junit",
        "--report-dir",
        str(report_dir / (caller if mode == "all" else f"{caller}-{mode}")),
    ]
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    marker = output.rfind(" SUMMARY ")
    summary = output[output.rfind("\n", 0, marker) + 1 :] if marker >= 0 else output[-3000:]
    return FuzzRun(caller, done.returncode, seconds, summary.strip(), output)


def fuzz_all(
    url: str, max_examples: int, report_dir: Path, callers: list[str], phases: str, mode: str
) -> list[FuzzRun]:
    return [fuzz(url, caller, max_examples, report_dir, phases, mode) for caller in callers]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--url", help="a running local mode (default: start one in a scratch folder)")
    parser.add_argument("--report-dir", type=Path, default=ROOT / "test-artifacts" / "fuzz")
    parser.add_argument("--callers", default=",".join(CALLERS), help="comma-separated: " + ", ".join(CALLERS))
    parser.add_argument("--phases", default=PHASES)
    parser.add_argument("--mode", default="all", choices=["all", "positive", "negative"])
    args = parser.parse_args()
    if not SCHEMATHESIS.exists():
        print(f"{SCHEMATHESIS} is missing: run `make fuzz-deps`", file=sys.stderr)
        return 2
    stack = None
    url = args.url
    if url is None:
        stack = LocalStackProcess(Path(tempfile.mkdtemp(prefix="helpdesk-fuzz-")) / "state")
        stack.start()
        url = stack.url
    try:
        runs = fuzz_all(url, args.max_examples, args.report_dir, args.callers.split(","), args.phases, args.mode)
    finally:
        if stack is not None:
            stack.stop()
    for run in runs:
        status = "passed" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
        print(f"\n## {run.caller}: {status} in {run.seconds:.0f} s\n{run.summary}")
        if run.returncode != 0:
            print(run.output[-20000:])
    return 0 if all(run.returncode == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
