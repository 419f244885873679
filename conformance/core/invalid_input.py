"""Which invalid create or update input every provider must refuse: the core of the contract's Errors section.

The contract makes refusing a few rules a MUST (ERR-INVALID-PARAMS): a create without `To`, `From`, or `Url`
(and no `ApplicationSid`); `To` or `From` that is no phone number, SIP address or client identifier; `Url`,
`FallbackUrl` or `StatusCallback` that is not an absolute http(s) URL; `Method`, `FallbackMethod` or
`StatusCallbackMethod` other than GET or POST; an unknown `StatusCallbackEvent`; `Timeout` that is not an
integer; an update `Status` other than canceled or completed. Every other constraint of the spec (ranges,
recording and machine detection enums, `SendDigits`, …) is a SHOULD (ERR-INVALID-PARAMS-EXTENDED): real
providers clamp or ignore such values.

`core_violation` judges a request as it was sent: its form is validated against a core-only schema built from
the profile's spec (the core parameters with their types and enums, no ranges). It is lenient wherever a correct
provider could read the request otherwise: an empty optional value counts as absent, and a parameter given twice
breaks a rule only when both its first and its last value do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from conformance.core.spec import load_spec

__all__ = ["CORE_PARAMETERS", "core_schema", "core_violation"]

CORE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "createCall": (
        "To", "From", "Url", "ApplicationSid", "FallbackUrl", "StatusCallback", "Method", "FallbackMethod",
        "StatusCallbackMethod", "StatusCallbackEvent", "Timeout",
    ),
    "updateCall": ("Url", "Method", "Status", "FallbackUrl", "FallbackMethod", "StatusCallback", "StatusCallbackMethod"),
}  # fmt: skip
_URLS = frozenset({"Url", "FallbackUrl", "StatusCallback"})
_ADDRESSES = frozenset({"To", "From"})
_KEPT = ("type", "enum", "items")  # what the core keeps of a property: no range, length, pattern or format
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{1,30}$")
_INTEGER = re.compile(r"^\s*[+-]?[0-9]+\s*$")
_FORMATS = jsonschema.FormatChecker(formats=())


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_address(value: object) -> bool:
    if not isinstance(value, str):
        return False
    lowered = value.lower()
    if lowered.startswith(("sip:", "client:")):
        return len(value.split(":", 1)[1]) > 0
    return bool(_PHONE.match(value))


_FORMATS.checks("http-url")(_is_http_url)
_FORMATS.checks("address")(_is_address)


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _request_schema(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for operation in _resolve(spec, item).values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                body = _resolve(spec, operation["requestBody"])
                schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
                return dict(_resolve(spec, schema))
    raise LookupError(f"no operation {operation_id}")


def _core_property(spec: dict[str, Any], name: str, schema: Any) -> dict[str, Any]:
    schema = _resolve(spec, schema)
    core = {key: _resolve(spec, schema[key]) for key in _KEPT if key in schema}
    if isinstance(core.get("items"), dict):
        core["items"] = {key: value for key, value in core["items"].items() if key in _KEPT}
    if name in _URLS:
        core["format"] = "http-url"
    if name in _ADDRESSES:
        core["format"] = "address"
    return core


@functools.cache
def core_schema(profile: str, operation_id: str) -> dict[str, Any]:
    """The core-only JSON Schema of an operation's form (values already read as their types)."""
    spec = load_spec(profile)
    full = _request_schema(spec, operation_id)
    properties = full.get("properties", {})
    names = [n for n in CORE_PARAMETERS[operation_id] if n in properties]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: _core_property(spec, name, properties[name]) for name in names},
        "required": [name for name in full.get("required", ()) if name in names],
    }
    if operation_id == "createCall" and {"Url", "ApplicationSid"} <= set(names):
        schema["anyOf"] = [{"required": ["Url"]}, {"required": ["ApplicationSid"]}]
    return schema


def _typed(value: str, schema: dict[str, Any]) -> Any:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds and _INTEGER.match(value):
        return int(value)
    return value


def _reading(pairs: Sequence[tuple[str, str]], schema: dict[str, Any], index: int) -> dict[str, Any]:
    """The form as one provider reads it: `index` 0 takes each parameter's first value, -1 its last."""
    document: dict[str, Any] = {}
    properties = schema["properties"]
    required = set(schema["required"])
    for name, prop in properties.items():
        values = [value for key, value in pairs if key == name]
        if prop.get("type") == "array":
            tokens = [token for value in values for token in value.split()]
            if tokens:
                document[name] = [_typed(token, prop.get("items", {})) for token in tokens]
            continue
        if not values or (values[index] == "" and name not in required):
            continue
        value = values[index].upper() if name.endswith("Method") else values[index]  # methods: any case
        document[name] = _typed(value, prop)
    return document


def core_violation(profile: str, operation_id: str, pairs: Sequence[tuple[str, str]]) -> str | None:
    """The core rule the form `pairs` breaks, described (None: it breaks none, or a correct provider could read
    it as valid)."""
    if operation_id not in CORE_PARAMETERS:
        return None
    schema = core_schema(profile, operation_id)
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)
    problems = []
    for index in (0, -1):
        error = jsonschema.exceptions.best_match(validator.iter_errors(_reading(pairs, schema, index)))
        if error is None:
            return None
        if error.validator == "anyOf" and not error.absolute_path:
            problems.append("neither Url nor ApplicationSid is given")
            continue
        where = "/".join(str(p) for p in error.absolute_path) or "the form"
        problems.append(f"{where}: {error.message}")
    return problems[-1]
