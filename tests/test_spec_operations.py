"""The five operations of each profile: Schemathesis loads them, their paths and servers, the statuses each
declares, and the create body as a repeated-key form."""

from __future__ import annotations

import pytest
import schemathesis

from conformance.core.spec import PROFILES, component_schema, load_spec
from tests.spec_facts import (
    ERROR_STATUSES,
    OPERATIONS,
    SUCCESS_STATUSES,
    is_valid,
    operation,
    resolve,
)


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
    responses = operation(doc, operation_id)["responses"]
    # Twilio documents 201 alone for a create (SignalWire's 200 is a warning there: SCHEMA-STATUS-CODE).
    success = (
        {"201"} if (profile, operation_id) == ("twilio", "createCall") else SUCCESS_STATUSES[operation_id]
    )
    assert set(responses) == success | ERROR_STATUSES[operation_id]
    for status in ERROR_STATUSES[operation_id]:
        schema = resolve(doc, responses[status])["content"]["application/json"]["schema"]
        assert resolve(doc, schema)["anyOf"] == [
            {"$ref": "#/components/schemas/Error"},
            {"$ref": "#/components/schemas/ErrorList"},
        ]
    if operation_id == "deleteCall":
        assert "content" not in responses["204"]


def test_create_body_is_a_repeated_key_form() -> None:
    body = operation(load_spec("signalwire"), "createCall")["requestBody"]
    media = body["content"]["application/x-www-form-urlencoded"]
    assert media["encoding"]["StatusCallbackEvent"] == {"style": "form", "explode": True}
    request = component_schema("signalwire", "CreateCallRequest")
    assert request["required"] == ["To", "From"]
    assert is_valid(
        request,
        {
            "To": "sip:alice@example.com",
            "From": "+15551234567",
            "SendDigits": "1234#wA",
            "Url": "https://example.com/a.xml",
        },
    )
    assert not is_valid(request, {"To": "", "From": "+15551234567", "Url": "https://example.com/a.xml"})
    assert not is_valid(request, {"To": "+1555", "From": "+1555", "Timeout": 601})
    assert not is_valid(request, {"To": "+1555", "From": "+1555", "RecordingStatusCallbackEvent": "done"})
    assert not is_valid(request, {"To": "+1555", "From": "+1555", "MaxPricePerMinute": "0.123456"})
