"""`make audit`: known vulnerabilities in the runtime dependencies (pip-audit on requirements.txt, `npm audit
--omit=dev` in web/), high or critical ones fail unless docs/security-exceptions.md holds a dated exception for
that advisory that has not expired.

pip-audit and npm ask their advisory databases over the network: offline, this says so and fails (a run that could
not look is not a clean run).

An exception is a row of the table in docs/security-exceptions.md:
`| <advisory id> | <package> | <reason> | <granted YYYY-MM-DD> | <review by YYYY-MM-DD> |`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXCEPTIONS = ROOT / "docs" / "security-exceptions.md"
ROW = re.compile(
    r"^\|\s*([A-Za-z0-9._:-]+)\s*\|\s*([^|]+?)\s*\|[^|]*\|\s*(\d{4}-\d{2}-\d{2})\s*\|\s*(\d{4}-\d{2}-\d{2})\s*\|"
)
SERIOUS = {"high", "critical"}
OFFLINE_HINTS = (
    "ConnectionError",
    "Max retries",
    "Name or service not known",
    "ENOTFOUND",
    "EAI_AGAIN",
    "getaddrinfo",
    "network",
    "Temporary failure in name resolution",
    "ECONNREFUSED",
)


class Offline(RuntimeError):
    pass


def exceptions(today: date, text: str | None = None) -> dict[str, str]:
    """Advisory id -> package, for the exceptions still in force today."""
    text = EXCEPTIONS.read_text(encoding="utf-8") if text is None else text
    granted = {}
    for line in text.splitlines():
        match = ROW.match(line.strip())
        if match and date.fromisoformat(match.group(3)) <= today <= date.fromisoformat(match.group(4)):
            granted[match.group(1).upper()] = match.group(2)
    return granted


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode not in (0, 1) or (result.returncode and not result.stdout.strip()):
        if any(hint.lower() in (result.stderr + result.stdout).lower() for hint in OFFLINE_HINTS):
            raise Offline(f"{command[0]} could not reach its advisory database (no network?):\n{result.stderr[-800:]}")
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-1500:]}")
    return result


def python_findings(pip_audit: str) -> list[dict[str, str]]:
    """pip-audit reports no severity: every advisory it finds on a runtime package counts as serious."""
    result = _run(
        [pip_audit, "--requirement", "requirements.txt", "--format", "json", "--progress-spinner", "off"], ROOT
    )
    report = json.loads(result.stdout)
    findings = []
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            findings.append(
                {
                    "package": dependency["name"],
                    "version": dependency.get("version", ""),
                    "ids": ids,
                    "fix": ", ".join(vuln.get("fix_versions", [])),
                }
            )
    return findings


def npm_findings() -> list[dict[str, str]]:
    result = subprocess.run(
        ["npm", "audit", "--omit=dev", "--json"], cwd=ROOT / "web", capture_output=True, text=True, timeout=600
    )
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {"error": {"summary": result.stdout[-500:]}}
    if "error" in report or "statusCode" in report:
        # No network, or a registry (a mirror) that does not serve the advisory endpoint: nothing was checked.
        status = report.get("statusCode") or ""
        detail = report.get("message") or json.dumps(report.get("error"))
        raise Offline(f"npm audit could not ask the registry's advisory endpoint ({status} {detail})"[:800])
    findings = []
    for name, entry in report.get("vulnerabilities", {}).items():
        if entry.get("severity") not in SERIOUS:
            continue
        ids = [
            str(via.get("url", "")).rsplit("/", 1)[-1] or str(via.get("source"))
            for via in entry.get("via", [])
            if isinstance(via, dict)
        ] or [name]
        findings.append(
            {
                "package": name,
                "version": entry.get("range", ""),
                "ids": ids,
                "fix": json.dumps(entry.get("fixAvailable")),
            }
        )
    return findings


def unexcused(findings: list[dict[str, str]], granted: dict[str, str]) -> list[dict[str, str]]:
    return [f for f in findings if not any(i.upper() in granted for i in f["ids"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pip-audit and npm audit, with the dated exceptions")
    parser.add_argument("--pip-audit", default=str(ROOT / ".venv-audit" / "bin" / "pip-audit"))
    parser.add_argument(
        "--unreachable-ok",
        action="store_true",
        help="an advisory database that cannot be reached is a loud warning, not a failure (make test)",
    )
    args = parser.parse_args(argv)
    granted = exceptions(date.today())
    findings: list[dict[str, str]] = []
    unreachable = []
    for name, check in (("pip-audit", lambda: python_findings(args.pip_audit)), ("npm audit", npm_findings)):
        try:
            found = check()
        except Offline as problem:
            unreachable.append(name)
            print(f"audit: {name} UNREACHABLE, nothing was checked by it. {problem}", file=sys.stderr)
            continue
        print(f"audit: {name} checked: {len(found)} known vulnerabilities in runtime dependencies")
        findings += found
    left = unexcused(findings, granted)
    for finding in findings:
        state = "EXCEPTION" if finding not in left else "FAIL"
        print(
            f"audit: {state} {finding['package']} {finding['version']} {' '.join(finding['ids'])} fix: {finding['fix']}"
        )
    print(f"audit: {len(findings)} high/critical advisories, {len(findings) - len(left)} under a dated exception")
    if left:
        return 1
    if unreachable and not args.unreachable_ok:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
