"""The suite's OpenAPI document: load a profile and hand out self-contained JSON Schemas from it."""

from __future__ import annotations

import argparse
import copy
import functools
import json
import re
import sys
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from conformance.core.terms import PROFILES

__all__ = [
    "PROFILES",
    "SPEC_DIR",
    "component_schema",
    "documented_response",
    "load_spec",
    "main",
    "merge_patch",
    "webhook_schema",
]

# spec/ of the repository, shipped inside the package (pyproject.toml): found wherever the package is installed.
SPEC_DIR: Traversable = files("conformance._spec")

_BASE_FILE = "calls.yaml"
# yaml.safe_load's loader, its parser in C when PyYAML was built with libyaml (the same constructor and resolver).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCHEMA_PREFIX = "#/components/schemas/"
_DEFS_PREFIX = "#/$defs/"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_WEBHOOK_MEDIA_TYPE = "application/x-www-form-urlencoded"


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON Merge Patch and return a new value, leaving both inputs unchanged."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    _patch_in_place(result, patch)
    return result


def _patch_in_place(result: dict[str, Any], patch: dict[str, Any]) -> None:
    """Merge `patch` into `result`, which the caller owns; values taken from `patch` are copied."""
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(result.get(key), dict):
                result[key] = {}
            _patch_in_place(result[key], value)
        else:
            result[key] = copy.deepcopy(value)


def _read_yaml(path: Traversable) -> Any:
    """Parse one YAML file (safely; with libyaml's parser where present: every run reads the spec)."""
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=SAFE_LOADER)


def _check_profile(profile: str) -> None:
    """Raise ValueError unless `profile` is one of PROFILES."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid profiles: {', '.join(PROFILES)}")


@functools.cache
def _cached_spec(profile: str) -> dict[str, Any]:
    """Build the document of a profile once; callers get copies."""
    base = _read_yaml(SPEC_DIR / _BASE_FILE)
    if profile == PROFILES[0]:
        return base
    return merge_patch(base, _read_yaml(SPEC_DIR / "profiles" / f"{profile}.yaml"))


def load_spec(profile: str = "signalwire") -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI document of `profile` (the twilio one is the patched base)."""
    _check_profile(profile)
    return copy.deepcopy(_cached_spec(profile))


def _rewrite_refs(node: Any) -> Any:
    """Copy `node`, pointing `#/components/schemas/X` references at `#/$defs/X`."""
    if isinstance(node, dict):
        out = {key: _rewrite_refs(value) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_PREFIX):
            out["$ref"] = _DEFS_PREFIX + ref[len(_SCHEMA_PREFIX) :]
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def _self_contained(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Make `schema` standalone: every component schema goes under `$defs`, references rewritten."""
    components = spec.get("components", {}).get("schemas", {})
    result = _rewrite_refs(schema)
    result["$schema"] = _DIALECT
    result["$defs"] = {name: _rewrite_refs(value) for name, value in components.items()}
    return result


def component_schema(profile: str, name: str) -> dict[str, Any]:
    """Return `components/schemas/<name>` of `profile` as a self-contained JSON Schema (2020-12)."""
    spec = load_spec(profile)
    schemas = spec.get("components", {}).get("schemas", {})
    if name not in schemas:
        raise ValueError(f"unknown schema {name!r}; known schemas: {', '.join(sorted(schemas))}")
    return _self_contained(spec, schemas[name])


def webhook_schema(profile: str, name: str) -> dict[str, Any]:
    """Return the form-body schema of the webhook `name` of `profile` as a self-contained JSON Schema."""
    spec = load_spec(profile)
    webhooks = spec.get("webhooks", {})
    if name not in webhooks:
        raise ValueError(f"unknown webhook {name!r}; known webhooks: {', '.join(sorted(webhooks))}")
    content = webhooks[name]["post"]["requestBody"]["content"]
    return _self_contained(spec, _follow_component_ref(spec, content[_WEBHOOK_MEDIA_TYPE]["schema"]))


def _follow_component_ref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Replace a bare `{"$ref": "#/components/schemas/X"}` with the schema X itself."""
    ref = schema.get("$ref")
    if len(schema) == 1 and isinstance(ref, str) and ref.startswith(_SCHEMA_PREFIX):
        return spec["components"]["schemas"][ref[len(_SCHEMA_PREFIX) :]]
    return schema


def _follow_ref(spec: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/a/b` pointers) until a node without one."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


@functools.cache
def _operations(profile: str) -> tuple[tuple[re.Pattern[str], str, dict[str, Any]], ...]:
    spec = _cached_spec(profile)
    found = []
    for template, item in spec.get("paths", {}).items():
        item = _follow_ref(spec, item)
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((_template_regex(template), method.upper(), operation))
    return tuple(found)


def documented_response(
    profile: str, method: str, path: str, status: int
) -> tuple[bool, dict[str, Any] | None]:
    """For a request path (any prefix) and answer status: (is the status documented, its JSON body schema).

    Raises LookupError when no operation of the profile matches the method and path.
    """
    _check_profile(profile)
    for index, (regex, op_method, _) in enumerate(_operations(profile)):
        if op_method == method.upper() and regex.search(path):
            documented, schema = _response_schema(profile, index, status)
            return documented, json.loads(schema) if schema else None
    raise LookupError(f"no {method} operation for {path}")


@functools.cache
def _response_schema(profile: str, index: int, status: int) -> tuple[bool, str | None]:
    """Whether the status is documented for the profile's `index`th operation, and its self-contained JSON body
    schema as JSON text: made once (every answer of a run is looked up), a fresh copy parsed for each caller."""
    responses = _operations(profile)[index][2].get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX") or responses.get("default")
    if response is None:
        return False, None
    schema = (
        _follow_ref(_cached_spec(profile), response)
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    return True, json.dumps(_self_contained(_cached_spec(profile), copy.deepcopy(schema))) if schema else None


def main(argv: list[str] | None = None) -> int:
    """Write the document of a profile as JSON (for linters): `python -m conformance.core.spec twilio -o x.json`."""
    parser = argparse.ArgumentParser(prog="python -m conformance.core.spec", description=main.__doc__)
    parser.add_argument("profile", nargs="?", default=PROFILES[0], choices=PROFILES)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = json.dumps(load_spec(args.profile), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
