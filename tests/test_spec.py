"""Tests of the OpenAPI document (both profiles) and its loader, conformance.spec."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
import schemathesis
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The repo root must be importable when the project is not pip-installed (plain `pytest tests/test_spec.py`),
# as in tests/reference/conftest.py; a shared tests/conftest.py would make this unnecessary.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from conformance import spec  # noqa: E402
from conformance.spec import PROFILES, component_schema, load_spec, merge_patch, webhook_schema  # noqa: E402

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


# --- helpers ---------------------------------------------------------------------------------------


def _pointer(tokens: tuple[str | int, ...]) -> str:
    """Build a URI-fragment JSON Pointer from path tokens."""
    escaped = (quote(str(t).replace("~", "~0").replace("/", "~1"), safe="") for t in tokens)
    return "".join("/" + token for token in escaped)


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (OpenAPI objects, not schemas) until a plain object is reached."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = doc
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _collect_examples(doc: dict[str, Any]) -> Iterator[Example]:
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
            yield from _examples_here(doc, path, node)
        for key, value in node.items():
            if in_properties or key not in ("examples", "example"):
                stack.append(((*path, key), value))


def _examples_here(
    doc: dict[str, Any], path: tuple[str | int, ...], node: dict[str, Any]
) -> Iterator[Example]:
    """Yield the examples attached directly to one object (schema, parameter or media type)."""
    holder = (*path, "schema") if "schema" in node else path  # parameter / media type vs. schema
    if "example" in node:
        yield _pointer((*path, "example")), _pointer(holder), node["example"]
    examples = node.get("examples")
    if isinstance(examples, list):
        for i, value in enumerate(examples):
            yield _pointer((*path, "examples", i)), _pointer(holder), value
    elif isinstance(examples, dict) and "schema" in node:
        for name, example in examples.items():
            yield _pointer((*path, "examples", name)), _pointer(holder), _resolve(doc, example)["value"]


def _validator(doc: dict[str, Any], schema_pointer: str) -> jsonschema.Draft202012Validator:
    """Validator for the schema at `schema_pointer`, resolving references against the whole document."""
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=registry,
        format_checker=FORMAT_CHECKER,
    )


def _example_errors(doc: dict[str, Any]) -> list[str]:
    """Describe every example of `doc` that does not validate against its schema."""
    errors = []
    for where, schema_pointer, value in _collect_examples(doc):
        for error in _validator(doc, schema_pointer).iter_errors(value):
            errors.append(f"{where}: {error.message} (at {list(error.absolute_path)})")
    return errors


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path, method, operation) for every operation under `paths`, path items resolved."""
    for path, item in doc["paths"].items():
        for method, operation in _resolve(doc, item).items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _operation(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    """The operation with this operationId."""
    (operation,) = [op for _, _, op in _operations(doc) if op["operationId"] == operation_id]
    return operation


def _call_example(profile: str) -> dict[str, Any]:
    """The first example of the profile's Call schema."""
    return copy.deepcopy(load_spec(profile)["components"]["schemas"]["Call"]["examples"][0])


def _is_valid(schema: dict[str, Any], instance: Any) -> bool:
    """Whether `instance` satisfies a self-contained schema (formats checked)."""
    return jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER).is_valid(instance)


# --- the documents ---------------------------------------------------------------------------------


def test_public_surface_is_exact() -> None:
    assert sorted(spec.__all__) == [
        "PROFILES",
        "SPEC_DIR",
        "component_schema",
        "documented_response",
        "load_spec",
        "main",
        "merge_patch",
        "webhook_schema",
    ]
    repository = Path(__file__).resolve().parent.parent / "spec"
    for name in ("calls.yaml", "requirements.yaml", "profiles/twilio.yaml"):  # the packaged spec is spec/
        packaged = (spec.SPEC_DIR / name).read_text(encoding="utf-8")
        assert packaged == (repository / name).read_text(encoding="utf-8")
    assert PROFILES == ("signalwire", "twilio")


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_is_valid_openapi_3_1(profile: str) -> None:
    doc = load_spec(profile)
    assert doc["openapi"] == "3.1.0"
    validate_openapi(doc)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_example_validates_against_its_schema(profile: str) -> None:
    doc = load_spec(profile)
    found = list(_collect_examples(doc))
    # Call, CallList, Error, ErrorList, both webhooks, both request bodies, path parameters and the
    # error responses' named examples must all be reached by the walk.
    reached = {schema for _, schema, _ in found}
    for name in (
        "Call",
        "CallList",
        "Error",
        "ErrorList",
        "CreateCallRequest",
        "UpdateCallRequest",
        "StatusCallbackParams",
        "RecordingStatusCallbackParams",
    ):
        assert f"/components/schemas/{name}" in reached
    assert "/components/parameters/AccountSid/schema" in reached
    assert "/components/responses/NotFound/content/application~1json/schema" in reached
    assert _example_errors(doc) == []


@pytest.mark.parametrize(
    ("profile", "mutate", "where"),
    [
        (
            "signalwire",
            lambda d: d["components"]["schemas"]["Call"]["examples"][0].update(duration="x"),
            "/components/schemas/Call/examples/0",
        ),
        (
            "twilio",
            lambda d: d["components"]["schemas"]["Call"]["examples"][0].update(duration=87),
            "/components/schemas/Call/examples/0",
        ),
        (
            "signalwire",
            lambda d: d["components"]["parameters"]["Sid"].update(example="CA" + "0" * 32),
            "/components/parameters/Sid/example",
        ),
        (
            "twilio",
            lambda d: d["components"]["examples"]["NotFoundError"]["value"].update(code="x404"),
            "/components/responses/NotFound/content/application~1json/examples/notFound",
        ),
        (
            "signalwire",
            lambda d: d["components"]["schemas"]["StatusCallbackParams"]["examples"][0].update(
                Timestamp="Thur, 04 Apr 2024 18:32:15 +0000"
            ),
            "/components/schemas/StatusCallbackParams/examples/0",
        ),
    ],
)
def test_example_check_rejects_a_mutated_example(profile: str, mutate: Any, where: str) -> None:
    doc = load_spec(profile)
    mutate(doc)
    errors = _example_errors(doc)
    assert any(error.startswith(f"{where}: ") for error in errors), errors


def test_signalwire_call_has_exactly_the_seed_fields() -> None:
    call = load_spec("signalwire")["components"]["schemas"]["Call"]
    assert set(call["properties"]) == SEED_CALL_FIELDS
    assert set(call["required"]) == SEED_CALL_FIELDS
    assert len(call["required"]) == 36
    assert all(prop.get("description") for prop in call["properties"].values())


def test_twilio_call_has_twilio_field_set() -> None:
    call = load_spec("twilio")["components"]["schemas"]["Call"]
    assert not SIGNALWIRE_ONLY_FIELDS & set(call["properties"])
    assert not SIGNALWIRE_ONLY_FIELDS & set(call["required"])
    assert set(call["properties"]) == TWILIO_CALL_FIELDS
    assert set(call["required"]) == TWILIO_CALL_FIELDS


@pytest.mark.parametrize("profile", PROFILES)
def test_response_schemas_never_forbid_additional_properties(profile: str) -> None:
    text = json.dumps(load_spec(profile)["components"]["schemas"])
    assert '"additionalProperties": false' not in text
    assert '"unevaluatedProperties"' not in text
    call = _call_example(profile)
    call["x_vendor_extra"] = 1
    assert _is_valid(component_schema(profile, "Call"), call)


@pytest.mark.parametrize(
    ("profile", "field", "value", "valid"),
    [
        ("signalwire", "duration", 0, True),
        ("signalwire", "duration", -1, False),
        ("signalwire", "duration", "15", False),
        ("signalwire", "price", None, True),
        ("signalwire", "price", "-0.03", False),
        ("signalwire", "price_unit", "usd", False),
        ("signalwire", "status", "no-answer", True),
        ("signalwire", "status", "answered", False),
        ("signalwire", "direction", "outbound-dial", True),
        ("signalwire", "direction", "trunking-originating", False),
        ("signalwire", "answered_by", "machine_end_beep", True),
        ("signalwire", "answered_by", "robot", False),
        ("signalwire", "sid", "3ACBB648-35D2-4350-B4DB-ACEC4FFF8ACF", True),
        ("signalwire", "sid", "b3877c40-da60-4998-90ad-b792e98472pa", False),
        ("signalwire", "parent_call_sid", None, True),
        ("signalwire", "date_created", "Wed, 19 Sep 2018 20:00:00 +0000", True),
        ("signalwire", "date_created", "Thur, 20 Sept 2018 20:00:00 +0000", False),
        ("signalwire", "date_created", "Wed, 19 Sep 2018 20:00:00 +0100", False),
        ("signalwire", "date_created", "2018-09-19T20:00:00Z", False),
        ("signalwire", "start_time", None, True),
        ("signalwire", "audio_out_lost", -1, False),
        ("signalwire", "audio_in_mos", 5.5, False),
        ("signalwire", "forwarded_from", "+15550001111", True),  # "always null" is a separate check
        ("signalwire", "subresource_uris", {"recordings": "/r.json"}, False),
        ("twilio", "duration", "", True),
        ("twilio", "duration", None, True),
        ("twilio", "duration", "1.5", False),
        ("twilio", "price", "-0.03000", True),
        ("twilio", "price", 0.03, False),
        ("twilio", "sid", "CA73ee68cd4bc4cd16cbd32fc0b810826b", True),
        ("twilio", "sid", "3acbb648-35d2-4350-b4db-acec4fff8acf", False),
        ("twilio", "trunk_sid", "TK3f9c2086c063d00b5e6b02c341d82a8f", True),
        ("twilio", "group_sid", "GPxyz", False),
        ("twilio", "direction", "trunking-terminating", True),
        ("twilio", "subresource_uris", {"events": "/e.json"}, True),
        ("twilio", "subresource_uris", {"events": 1}, False),
    ],
)
def test_call_field_values(profile: str, field: str, value: Any, valid: bool) -> None:
    call = _call_example(profile)
    call[field] = value
    assert _is_valid(component_schema(profile, "Call"), call) is valid


@pytest.mark.parametrize("profile", PROFILES)
def test_call_requires_every_field(profile: str) -> None:
    call = _call_example(profile)
    del call["to_formatted"]
    assert not _is_valid(component_schema(profile, "Call"), call)


def test_list_envelope_per_profile() -> None:
    signalwire = component_schema("signalwire", "CallList")
    twilio = component_schema("twilio", "CallList")
    assert set(signalwire["required"]) == {
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "calls",
    }
    assert set(twilio["required"]) == set(signalwire["required"]) | {"start", "end"}
    page = copy.deepcopy(signalwire["examples"][0])
    page["page_size"] = 1001
    assert not _is_valid(signalwire, page)


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"code": 20404, "message": "Not found", "more_info": "https://x", "status": 404}, True),
        ({"code": "21717", "message": "From must belong to a campaign", "status": 400}, True),
        ({"errors": [{"code": "30010", "message": "Too dear", "more_info": "https://x"}]}, True),
        ({"code": "not_routable", "message": "No route"}, False),
        ({"message": "no code"}, False),
        ({"errors": []}, False),
        ({"detail": "nothing else"}, False),
    ],
)
def test_error_body_shapes(body: dict[str, Any], valid: bool) -> None:
    for profile in PROFILES:
        assert _is_valid(component_schema(profile, "ErrorBody"), body) is valid


# --- operations ------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_schemathesis_loads_the_five_operations(profile: str) -> None:
    schema = schemathesis.openapi.from_dict(load_spec(profile))
    operations = [result.ok() for result in schema.get_all_operations()]
    suffix = ".json" if profile == "twilio" else ""
    found = {op.definition.raw["operationId"]: (op.method.upper(), op.path) for op in operations}
    assert found == {oid: (method, path + suffix) for oid, (method, path) in OPERATIONS.items()}


@pytest.mark.parametrize("profile", PROFILES)
def test_paths_and_servers_per_profile(profile: str) -> None:
    doc = load_spec(profile)
    if profile == "twilio":
        assert set(doc["paths"]) == {
            "/Accounts/{AccountSid}/Calls.json",
            "/Accounts/{AccountSid}/Calls/{Sid}.json",
        }
        assert [s["url"] for s in doc["servers"]] == ["https://api.twilio.com/2010-04-01"]
    else:
        assert set(doc["paths"]) == {"/Accounts/{AccountSid}/Calls", "/Accounts/{AccountSid}/Calls/{Sid}"}
        assert [s["url"] for s in doc["servers"]] == ["https://{space}.signalwire.com/api/laml/2010-04-01"]
    assert all(set(item) == {"$ref"} for item in doc["paths"].values())
    assert doc["security"] == [{"basicAuth": []}]
    scheme = doc["components"]["securitySchemes"]["basicAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "basic")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_declared_statuses(profile: str, operation_id: str) -> None:
    doc = load_spec(profile)
    responses = _operation(doc, operation_id)["responses"]
    # Twilio documents 201 alone for a create (SignalWire's 200 is a warning there: SCHEMA-STATUS-CODE).
    success = (
        {"201"} if (profile, operation_id) == ("twilio", "createCall") else SUCCESS_STATUSES[operation_id]
    )
    assert set(responses) == success | ERROR_STATUSES[operation_id]
    for status in ERROR_STATUSES[operation_id]:
        schema = _resolve(doc, responses[status])["content"]["application/json"]["schema"]
        assert _resolve(doc, schema)["anyOf"] == [
            {"$ref": "#/components/schemas/Error"},
            {"$ref": "#/components/schemas/ErrorList"},
        ]
    if operation_id == "deleteCall":
        assert "content" not in responses["204"]


def test_create_body_is_a_repeated_key_form() -> None:
    body = _operation(load_spec("signalwire"), "createCall")["requestBody"]
    media = body["content"]["application/x-www-form-urlencoded"]
    assert media["encoding"]["StatusCallbackEvent"] == {"style": "form", "explode": True}
    request = component_schema("signalwire", "CreateCallRequest")
    assert request["required"] == ["To", "From"]
    assert _is_valid(
        request,
        {
            "To": "sip:alice@example.com",
            "From": "+15551234567",
            "SendDigits": "1234#wA",
            "Url": "https://example.com/a.xml",
        },
    )
    assert not _is_valid(request, {"To": "", "From": "+15551234567", "Url": "https://example.com/a.xml"})
    assert not _is_valid(request, {"To": "+1555", "From": "+1555", "Timeout": 601})
    assert not _is_valid(request, {"To": "+1555", "From": "+1555", "RecordingStatusCallbackEvent": "done"})
    assert not _is_valid(request, {"To": "+1555", "From": "+1555", "MaxPricePerMinute": "0.123456"})


# --- webhooks and component schemas ----------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", ["statusCallback", "recordingStatusCallback"])
def test_webhook_schema_is_self_contained(profile: str, name: str) -> None:
    schema = webhook_schema(profile, name)
    assert "#/components/" not in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["examples"]
    for example in schema["examples"]:
        assert _is_valid(schema, example)
        without_sid = {k: v for k, v in example.items() if k != "CallSid"}
        assert not _is_valid(schema, without_sid)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("7", True), (7, True), ("", False), ("-1", False), ("seven", False), (-1, False)],
)
def test_webhook_numbers_accept_form_strings_and_json_numbers(value: Any, valid: bool) -> None:
    schema = webhook_schema("signalwire", "statusCallback")
    payload = {**schema["examples"][1], "SequenceNumber": value}
    assert _is_valid(schema, payload) is valid


def test_component_schema_is_self_contained() -> None:
    schema = component_schema("signalwire", "CallList")
    assert schema["properties"]["calls"]["items"] == {"$ref": "#/$defs/Call"}
    assert "#/components/" not in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_unknown_names_raise_value_error() -> None:
    with pytest.raises(ValueError, match="Call"):
        component_schema("signalwire", "Nope")
    with pytest.raises(ValueError, match="statusCallback"):
        webhook_schema("twilio", "nope")


# --- the loader ------------------------------------------------------------------------------------


def test_unknown_profile_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="signalwire, twilio"):
        load_spec("nope")


def test_load_spec_returns_a_fresh_copy() -> None:
    first = load_spec("twilio")
    first["components"]["schemas"]["Call"]["required"].clear()
    first["paths"].clear()
    second = load_spec("twilio")
    assert second["paths"]
    assert len(second["components"]["schemas"]["Call"]["required"]) == len(TWILIO_CALL_FIELDS)


def test_main_writes_the_patched_document(tmp_path: Path) -> None:
    out = tmp_path / "twilio.json"
    assert spec.main(["twilio", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == load_spec("twilio")


# The test cases of RFC 7386, Appendix A: (original, patch, result).
RFC7386_CASES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC7386_CASES)
def test_merge_patch_follows_rfc7386(original: Any, patch: Any, result: Any) -> None:
    assert merge_patch(original, patch) == result


@pytest.mark.parametrize(("original", "patch", "result"), RFC7386_CASES)
def test_merge_patch_leaves_inputs_alone(original: Any, patch: Any, result: Any) -> None:
    original_before, patch_before = copy.deepcopy(original), copy.deepcopy(patch)
    merged = merge_patch(original, patch)
    assert (original, patch) == (original_before, patch_before)
    _scribble(merged)
    assert (original, patch) == (original_before, patch_before)


def _scribble(value: Any) -> None:
    """Mutate every container inside `value`, to prove the result shares nothing with the inputs."""
    if isinstance(value, dict):
        for item in value.values():
            _scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")
