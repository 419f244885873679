"""The OpenAPI document of each profile: valid OpenAPI 3.1, every example valid against its schema (and the
check able to fail), response schemas open to extra properties, self-contained webhook and component schemas."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from conformance.core.spec import PROFILES, component_schema, load_spec, webhook_schema
from tests.spec_facts import call_example, collect_examples, example_errors, is_valid


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_is_valid_openapi_3_1(profile: str) -> None:
    doc = load_spec(profile)
    assert doc["openapi"] == "3.1.0"
    validate_openapi(doc)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_example_validates_against_its_schema(profile: str) -> None:
    doc = load_spec(profile)
    found = list(collect_examples(doc))
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
    assert example_errors(doc) == []


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
    errors = example_errors(doc)
    assert any(error.startswith(f"{where}: ") for error in errors), errors


@pytest.mark.parametrize("profile", PROFILES)
def test_response_schemas_never_forbid_additional_properties(profile: str) -> None:
    text = json.dumps(load_spec(profile)["components"]["schemas"])
    assert '"additionalProperties": false' not in text
    assert '"unevaluatedProperties"' not in text
    call = call_example(profile)
    call["x_vendor_extra"] = 1
    assert is_valid(component_schema(profile, "Call"), call)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", ["statusCallback", "recordingStatusCallback"])
def test_webhook_schema_is_self_contained(profile: str, name: str) -> None:
    schema = webhook_schema(profile, name)
    assert "#/components/" not in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["examples"]
    for example in schema["examples"]:
        assert is_valid(schema, example)
        without_sid = {k: v for k, v in example.items() if k != "CallSid"}
        assert not is_valid(schema, without_sid)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("7", True), (7, True), ("", False), ("-1", False), ("seven", False), (-1, False)],
)
def test_webhook_numbers_accept_form_strings_and_json_numbers(value: Any, valid: bool) -> None:
    schema = webhook_schema("signalwire", "statusCallback")
    payload = {**schema["examples"][1], "SequenceNumber": value}
    assert is_valid(schema, payload) is valid


def test_component_schema_is_self_contained() -> None:
    schema = component_schema("signalwire", "CallList")
    assert schema["properties"]["calls"]["items"] == {"$ref": "#/$defs/Call"}
    assert "#/components/" not in json.dumps(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
