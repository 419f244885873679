"""What the tests of the spec hold it to (the seed's Call fields, the operations and their statuses) and the
helpers they share: examples and their schemas, operations, validation."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.core.spec import load_spec

__all__ = [
    "ERROR_STATUSES",
    "FORMAT_CHECKER",
    "HTTP_METHODS",
    "OPERATIONS",
    "SEED_CALL_FIELDS",
    "SIGNALWIRE_ONLY_FIELDS",
    "SPEC_URI",
    "SUCCESS_STATUSES",
    "TWILIO_CALL_FIELDS",
    "Example",
    "call_example",
    "collect_examples",
    "example_errors",
    "examples_here",
    "is_valid",
    "operation",
    "operations",
    "pointer",
    "resolve",
    "validator",
]

# The 36 fields of the Call object, as listed in /work/shared/seeds/call-object.txt.
SEED_CALL_FIELDS = frozenset(
    {
        "sid",
        "account_sid",
        "date_created",
        "date_updated",
        "parent_call_sid",
        "to",
        "formatted_to",
        "to_formatted",
        "from",
        "formatted_from",
        "from_formatted",
        "phone_number_sid",
        "status",
        "start_time",
        "end_time",
        "duration",
        "price",
        "price_unit",
        "direction",
        "answered_by",
        "api_version",
        "forwarded_from",
        "caller_name",
        "uri",
        "subresource_uris",
        "annotation",
        "group_sid",
        "audio_in_mos",
        "sip_result_code",
        "audio_rtt_avg",
        "audio_rtt_min",
        "audio_rtt_max",
        "audio_out_jitter_min",
        "audio_out_jitter_max",
        "audio_out_jitter_avg",
        "audio_out_lost",
    }
)


SIGNALWIRE_ONLY_FIELDS = frozenset(
    {
        "formatted_to",
        "formatted_from",
        "annotation",
        "audio_in_mos",
        "sip_result_code",
        "audio_rtt_avg",
        "audio_rtt_min",
        "audio_rtt_max",
        "audio_out_jitter_min",
        "audio_out_jitter_max",
        "audio_out_jitter_avg",
        "audio_out_lost",
    }
)


TWILIO_CALL_FIELDS = (SEED_CALL_FIELDS - SIGNALWIRE_ONLY_FIELDS) | {"queue_time", "trunk_sid"}


OPERATIONS = {  # operationId -> (method, path under the signalwire profile)
    "listCalls": ("GET", "/Accounts/{AccountSid}/Calls"),
    "createCall": ("POST", "/Accounts/{AccountSid}/Calls"),
    "fetchCall": ("GET", "/Accounts/{AccountSid}/Calls/{Sid}"),
    "updateCall": ("POST", "/Accounts/{AccountSid}/Calls/{Sid}"),
    "deleteCall": ("DELETE", "/Accounts/{AccountSid}/Calls/{Sid}"),
}


ERROR_STATUSES = {
    "listCalls": {"400", "401", "403", "404", "422", "429"},
    "createCall": {"400", "401", "403", "404", "422", "429"},
    "fetchCall": {"400", "401", "403", "404", "429"},
    "updateCall": {"400", "401", "403", "404", "422", "429", "503"},
    "deleteCall": {"400", "401", "403", "404", "422", "429"},
}


SUCCESS_STATUSES = {
    "listCalls": {"200"},
    "createCall": {"200", "201"},
    "fetchCall": {"200"},
    "updateCall": {"200"},
    "deleteCall": {"204"},
}


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


SPEC_URI = "urn:calls-conformance:spec"


FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


Example = tuple[str, str, Any]  # (pointer of the example, pointer of its schema, value)


def pointer(tokens: tuple[str | int, ...]) -> str:
    """Build a URI-fragment JSON Pointer from path tokens."""
    escaped = (quote(str(t).replace("~", "~0").replace("/", "~1"), safe="") for t in tokens)
    return "".join("/" + token for token in escaped)


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (OpenAPI objects, not schemas) until a plain object is reached."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = doc
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def collect_examples(doc: dict[str, Any]) -> Iterator[Example]:
    """Yield every example of the document with the pointer of the schema it must satisfy."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        in_properties = bool(path) and path[-1] == "properties"
        if not in_properties:
            yield from examples_here(doc, path, node)
        for key, value in node.items():
            if in_properties or key not in ("examples", "example"):
                stack.append(((*path, key), value))


def examples_here(
    doc: dict[str, Any], path: tuple[str | int, ...], node: dict[str, Any]
) -> Iterator[Example]:
    """Yield the examples attached directly to one object (schema, parameter or media type)."""
    holder = (*path, "schema") if "schema" in node else path  # parameter / media type vs. schema
    if "example" in node:
        yield pointer((*path, "example")), pointer(holder), node["example"]
    examples = node.get("examples")
    if isinstance(examples, list):
        for i, value in enumerate(examples):
            yield pointer((*path, "examples", i)), pointer(holder), value
    elif isinstance(examples, dict) and "schema" in node:
        for name, example in examples.items():
            yield pointer((*path, "examples", name)), pointer(holder), resolve(doc, example)["value"]


def validator(doc: dict[str, Any], schema_pointer: str) -> jsonschema.Draft202012Validator:
    """Validator for the schema at `schema_pointer`, resolving references against the whole document."""
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=registry,
        format_checker=FORMAT_CHECKER,
    )


def example_errors(doc: dict[str, Any]) -> list[str]:
    """Describe every example of `doc` that does not validate against its schema."""
    errors = []
    for where, schema_pointer, value in collect_examples(doc):
        for error in validator(doc, schema_pointer).iter_errors(value):
            errors.append(f"{where}: {error.message} (at {list(error.absolute_path)})")
    return errors


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path, method, operation) for every operation under `paths`, path items resolved."""
    for path, item in doc["paths"].items():
        for method, operation in resolve(doc, item).items():
            if method in HTTP_METHODS:
                yield path, method, operation


def operation(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    """The operation with this operationId."""
    (operation,) = [op for _, _, op in operations(doc) if op["operationId"] == operation_id]
    return operation


def call_example(profile: str) -> dict[str, Any]:
    """The first example of the profile's Call schema."""
    return copy.deepcopy(load_spec(profile)["components"]["schemas"]["Call"]["examples"][0])


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    """Whether `instance` satisfies a self-contained schema (formats checked)."""
    return jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER).is_valid(instance)
