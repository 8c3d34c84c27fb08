"""Look at what `sam build` produced for each function in template.yaml (run by `make template-check`).

Fails when an artifact carries what must never ship (tests, the SPA, caches, virtualenvs), when it is
larger than Lambda accepts, or when a handler module that exists in the repository is missing from the
artifact (a packaging bug). A handler whose module is not written yet is reported, not failed, so the stack
can be checked while the code is being written.

Usage: python infra/deploy/check_build.py template.yaml .aws-sam/build
Runs with the tools venv's Python (PyYAML comes with SAM CLI); standard library otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

# Lambda's limit for a function's unzipped code and layers.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
# Our own sources in an artifact, and what none of them may contain.
OWN_SOURCES = ("app.py", "shared", "functions")
FORBIDDEN_NAMES = {"__pycache__", "tests", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
# Top-level entries that mean the whole repository was copied in.
FORBIDDEN_TOP_LEVEL = {
    "web",
    "node_modules",
    ".venv",
    ".venv-tools",
    ".git",
    ".aws-sam",
    "docs",
    "infra",
    "bench",
    "tests",
    "vendor",
}


class _AnyTagLoader(yaml.SafeLoader):
    """Safe loader that also accepts CloudFormation short-form tags (!Ref, !Sub...) should any appear."""


def _construct_any(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_AnyTagLoader.add_multi_constructor("!", _construct_any)


def _functions(template: dict) -> dict[str, dict]:
    resources = template.get("Resources") or {}
    return {
        name: res.get("Properties") or {}
        for name, res in resources.items()
        if res.get("Type") == "AWS::Serverless::Function"
    }


def _handler_module(handler: str) -> str:
    # "app.app" -> "app"; "functions/notification/handler.lambda_handler" -> "functions/notification/handler"
    return handler.rsplit(".", 1)[0].replace(".", "/")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def check(template_path: Path, build_dir: Path, repo_root: Path) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    notes: list[str] = []
    template = _AnyTagLoader(template_path.read_text(encoding="utf-8")).get_single_data()
    functions = _functions(template)
    if not functions:
        errors.append(f"{template_path}: no AWS::Serverless::Function found")
    for name, props in sorted(functions.items()):
        artifact = build_dir / name
        if not artifact.is_dir():
            errors.append(f"{name}: no build output at {artifact}")
            continue
        for entry in sorted(p.name for p in artifact.iterdir()):
            if entry in FORBIDDEN_TOP_LEVEL:
                errors.append(
                    f"{name}: artifact contains {entry}/ (only app.py, shared/, functions/ and the installed "
                    "requirements belong there)"
                )
        for source in OWN_SOURCES:
            root = artifact / source
            if not root.exists():
                continue
            paths = [root, *root.rglob("*")] if root.is_dir() else [root]
            for path in paths:
                if path.name in FORBIDDEN_NAMES or path.suffix in {".pyc", ".pyo"}:
                    errors.append(f"{name}: artifact contains {path.relative_to(artifact)}")
        handler = props.get("Handler")
        if isinstance(handler, str):
            module = _handler_module(handler)
            candidates = (f"{module}.py", f"{module}/__init__.py")
            in_artifact = any((artifact / c).is_file() for c in candidates)
            in_repo = any((repo_root / c).is_file() for c in candidates)
            if not in_artifact and in_repo:
                errors.append(f"{name}: handler {handler} exists in the repository but not in the artifact")
            elif not in_artifact:
                notes.append(f"{name}: handler {handler} not written yet ({module}.py is not in the repo)")
        size = _size(artifact)
        if size > MAX_UNZIPPED_BYTES:
            errors.append(f"{name}: artifact is {size / 2**20:.0f} MiB unzipped, over Lambda's 250 MiB")
        else:
            notes.append(f"{name}: {size / 2**20:.1f} MiB unzipped")
    return errors, notes


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    template_path, build_dir = Path(argv[1]), Path(argv[2])
    errors, notes = check(template_path, build_dir, template_path.resolve().parent)
    for note in notes:
        print(f"check_build: {note}")
    for error in errors:
        print(f"check_build: ERROR {error}", file=sys.stderr)
    if not errors:
        print("check_build: artifacts OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
