"""The twilio profile of the spec against Twilio's own OpenAPI description, fact by fact.

The facts below were read from twilio/twilio-oai at the commit recorded here (``spec/json/twilio_api_v2010.json``:
the schema ``api.v2010.account.call``, the operations CreateCall, ListCall, FetchCall, UpdateCall and DeleteCall,
their request bodies, query parameters and documented responses). The merged document
(``spec/calls.yaml`` with ``spec/profiles/twilio.yaml``) must agree with each, except where Twilio's file
contradicts itself: there the overlay carries an ``x-twilio-oai`` note and takes the contract's side.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.core.spec import load_spec

TWILIO_OAI_REPOSITORY = "twilio/twilio-oai"
TWILIO_OAI_COMMIT = "d50069b44ea8cd23141385bdb6db48f16ff75bb5"
TWILIO_OAI_FILE = "spec/json/twilio_api_v2010.json"

# api.v2010.account.call: the 26 properties and their JSON types; every one but status is nullable.
CALL_TYPES = {
    "sid": "string", "date_created": "string", "date_updated": "string", "parent_call_sid": "string",
    "account_sid": "string", "to": "string", "to_formatted": "string", "from": "string",
    "from_formatted": "string", "phone_number_sid": "string", "status": "string", "start_time": "string",
    "end_time": "string", "duration": "string", "price": "string", "price_unit": "string",
    "direction": "string", "answered_by": "string", "api_version": "string", "forwarded_from": "string",
    "group_sid": "string", "caller_name": "string", "queue_time": "string", "trunk_sid": "string",
    "uri": "string", "subresource_uris": "object",
}  # fmt: skip
NOT_NULLABLE = {"status"}
SID_PATTERNS = {
    "sid": "^CA[0-9a-fA-F]{32}$", "parent_call_sid": "^CA[0-9a-fA-F]{32}$",
    "account_sid": "^AC[0-9a-fA-F]{32}$", "phone_number_sid": "^PN[0-9a-fA-F]{32}$",
    "group_sid": "^GP[0-9a-fA-F]{32}$", "trunk_sid": "^TK[0-9a-fA-F]{32}$",
}  # fmt: skip
CALL_STATUSES = {"queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"}
UPDATE_STATUSES = {"canceled", "completed"}
# CreateCallRequest: 36 parameters and their types; required To and From.
CREATE_TYPES = {
    "To": "string", "From": "string", "Method": "string", "FallbackUrl": "string", "FallbackMethod": "string",
    "StatusCallback": "string", "StatusCallbackEvent": "array", "StatusCallbackMethod": "string",
    "SendDigits": "string", "Timeout": "integer", "Record": "boolean", "RecordingChannels": "string",
    "RecordingStatusCallback": "string", "RecordingStatusCallbackMethod": "string",
    "SipAuthUsername": "string", "SipAuthPassword": "string", "MachineDetection": "string",
    "MachineDetectionTimeout": "integer", "RecordingStatusCallbackEvent": "array", "Trim": "string",
    "CallerId": "string", "MachineDetectionSpeechThreshold": "integer",
    "MachineDetectionSpeechEndThreshold": "integer", "MachineDetectionSilenceTimeout": "integer",
    "AsyncAmd": "string", "AsyncAmdStatusCallback": "string", "AsyncAmdStatusCallbackMethod": "string",
    "Byoc": "string", "CallReason": "string", "CallToken": "string", "RecordingTrack": "string",
    "TimeLimit": "integer", "ClientNotificationUrl": "string", "Url": "string", "Twiml": "string",
    "ApplicationSid": "string",
}  # fmt: skip
CREATE_REQUIRED = {"To", "From"}
PARAM_PATTERNS = {"Byoc": "^BY[0-9a-fA-F]{32}$", "ApplicationSid": "^AP[0-9a-fA-F]{32}$"}
METHOD_PARAMS = {
    "Method", "FallbackMethod", "StatusCallbackMethod", "RecordingStatusCallbackMethod",
    "AsyncAmdStatusCallbackMethod",
}  # fmt: skip
# UpdateCallRequest: 9 parameters, none required.
UPDATE_TYPES = {
    "Url": "string", "Method": "string", "Status": "string", "FallbackUrl": "string",
    "FallbackMethod": "string", "StatusCallback": "string", "StatusCallbackMethod": "string",
    "Twiml": "string", "TimeLimit": "integer",
}  # fmt: skip
# ListCall: 13 query parameters; the envelope's 9 keys, of which 2 are nullable.
LIST_QUERY = {
    "To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<",
    "EndTime>", "PageSize", "Page", "PageToken",
}  # fmt: skip
ENVELOPE_TYPES = {
    "calls": "array", "end": "integer", "first_page_uri": "string", "next_page_uri": "string",
    "page": "integer", "page_size": "integer", "previous_page_uri": "string", "start": "integer",
    "uri": "string",
}  # fmt: skip
NULLABLE_ENVELOPE = {"next_page_uri", "previous_page_uri"}
SUCCESS = {
    "createCall": "201",
    "listCalls": "200",
    "fetchCall": "200",
    "updateCall": "200",
    "deleteCall": "204",
}

DOC = load_spec("twilio")
SCHEMAS = DOC["components"]["schemas"]


def _resolved(node: Any) -> Any:
    """`node` with local `$ref`s followed."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = DOC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _types(schema: dict[str, Any]) -> set[str]:
    kind = _resolved(schema).get("type")
    return set(kind) if isinstance(kind, list) else {kind}


def _operation(operation_id: str) -> dict[str, Any]:
    for item in DOC["components"]["pathItems"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation
    raise KeyError(operation_id)


def test_the_overlay_names_the_file_and_commit_it_was_written_against() -> None:
    note = DOC["info"]["x-twilio-oai"]
    assert note["commit"] == TWILIO_OAI_COMMIT and note["file"] == TWILIO_OAI_FILE
    assert note["repository"].endswith(TWILIO_OAI_REPOSITORY)


def test_call_has_twilios_26_fields_with_their_types_and_nullability() -> None:
    properties = SCHEMAS["Call"]["properties"]
    assert set(properties) == set(CALL_TYPES) and len(CALL_TYPES) == 26
    for name, kind in CALL_TYPES.items():
        expected = {kind} if name in NOT_NULLABLE else {kind, "null"}
        assert _types(properties[name]) == expected, name
    for name, pattern in SID_PATTERNS.items():
        assert properties[name]["pattern"] == pattern, name


def test_status_enums() -> None:
    assert set(_resolved(SCHEMAS["Call"]["properties"]["status"])["enum"]) == CALL_STATUSES
    assert set(SCHEMAS["UpdateCallRequest"]["properties"]["Status"]["enum"]) == UPDATE_STATUSES


def test_create_takes_twilios_36_parameters() -> None:
    body = SCHEMAS["CreateCallRequest"]
    assert set(body["properties"]) == set(CREATE_TYPES) and len(CREATE_TYPES) == 36
    assert set(body["required"]) == CREATE_REQUIRED
    for name, kind in CREATE_TYPES.items():
        assert _types(body["properties"][name]) == {kind}, name
    for name, pattern in PARAM_PATTERNS.items():
        assert body["properties"][name]["pattern"] == pattern, name
    for name in METHOD_PARAMS:
        assert set(_resolved(body["properties"][name])["enum"]) == {"GET", "POST"}, name


def test_update_takes_twilios_9_parameters() -> None:
    body = SCHEMAS["UpdateCallRequest"]
    assert set(body["properties"]) == set(UPDATE_TYPES) and "required" not in body
    for name, kind in UPDATE_TYPES.items():
        assert _types(body["properties"][name]) == {kind}, name


def test_list_query_and_envelope() -> None:
    parameters = [_resolved(p) for p in _operation("listCalls")["parameters"]]
    assert {p["name"] for p in parameters} == LIST_QUERY
    by_name = {p["name"]: p["schema"] for p in parameters}
    assert (by_name["PageSize"]["minimum"], by_name["PageSize"]["maximum"]) == (1, 1000)
    assert by_name["Page"]["minimum"] == 0
    envelope = SCHEMAS["CallList"]["properties"]
    assert set(envelope) == set(ENVELOPE_TYPES)
    for name, kind in ENVELOPE_TYPES.items():
        expected = {kind, "null"} if name in NULLABLE_ENVELOPE else {kind}
        assert _types(envelope[name]) == expected, name


@pytest.mark.parametrize(("operation_id", "status"), sorted(SUCCESS.items()))
def test_success_codes(operation_id: str, status: str) -> None:
    documented = {code for code in _operation(operation_id)["responses"] if code.startswith("2")}
    assert documented == {status}


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("Call", "status"),
        ("Call", "direction"),
        ("Call", "answered_by"),
        ("Call", "duration"),
        ("Call", "price"),
        ("Call", "price_unit"),
        ("CreateCallRequest", "AsyncAmd"),
        ("CreateCallRequest", "RecordingStatusCallbackEvent"),
        ("CreateCallRequest", "RecordingStatusCallback"),
        ("CreateCallRequest", "Twiml"),
        ("CreateCallRequest", "StatusCallbackEvent"),
    ],
)
def test_where_twilios_file_contradicts_itself_the_spec_says_so(where: str, name: str) -> None:
    assert SCHEMAS[where]["properties"][name]["x-twilio-oai"].strip()
