"""Reading template.yaml: CloudFormation's short-form tags (!Ref, !GetAtt, !Sub...) as plain dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "template.yaml"


class _Loader(yaml.SafeLoader):
    pass


def _tag(name: str) -> Any:
    def construct(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short in ("Ref", "Condition"):
    _Loader.add_constructor(f"!{_short}", _tag(_short))
for _short in (
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "FindInMap",
    "ImportValue",
    "Base64",
    "Cidr",
    "GetAZs",
    "Transform",
):
    _Loader.add_constructor(f"!{_short}", _tag(f"Fn::{_short}"))


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template.get("Resources", {}).items() if res.get("Type") == kind}


def api_routes(template: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, path) of every `Type: Api` event of every function, but the ANY events (`any_method_paths`)."""
    return {route for route in _api_events(template) if route[0] != "ANY"}


def any_method_paths(template: dict[str, Any]) -> set[str]:
    """The paths whose other methods API Gateway sends to the app (for its 405 with Allow)."""
    return {path for method, path in _api_events(template) if method == "ANY"}


def _api_events(template: dict[str, Any]) -> set[tuple[str, str]]:
    routes = set()
    for function in resources_of_type(template, "AWS::Serverless::Function").values():
        for event in (function.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") == "Api":
                props = event["Properties"]
                routes.add((props["Method"].upper(), props["Path"]))
    return routes
