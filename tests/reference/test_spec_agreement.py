"""The spec's request schemas and the reference endpoint accept the same requests (signalwire profile).

Standard tools judge an endpoint by the spec: a request the schema allows must be accepted, one it refuses
must be refused. Each case here is sent to the endpoint and validated against the spec the way those tools
do (form strings read as the property's type, formats asserted), and both must agree. Refusals that depend
on state are the spec's `x-inherent-refusals` and are not cases here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.core.spec import component_schema, load_spec
from conformance.reference.dates import parse_filter_date
from conformance.reference.syntax import is_http_url
from tests.reference.conftest import Api

SPEC = load_spec("signalwire")
PARAMETERS = SPEC["components"]["parameters"]
LIST_PARAMETERS = {
    p["name"]: p
    for p in (
        PARAMETERS[ref["$ref"].rsplit("/", 1)[1]]
        for ref in SPEC["components"]["pathItems"]["CallList"]["get"]["parameters"]
    )
}
DATE_PATTERN = PARAMETERS["StartTime"]["schema"]["pattern"]
URL_PATTERN = component_schema("signalwire", "CreateCallRequest")["properties"]["Url"]["pattern"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SID = "3acbb648-35d2-4350-b4db-acec4fff8acf"
Pairs = list[tuple[str, str]]


def _validator(schema: dict[str, Any]) -> Any:
    """A validator that asserts formats, as Schemathesis' does; a bare component `$ref` is followed."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = component_schema("signalwire", ref.rsplit("/", 1)[1])
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _post(api: Api, path: str, pairs: Pairs) -> httpx.Response:
    """A form POST with the pairs in order, repeated keys included."""
    return api.http.post(
        path, content=urlencode(pairs), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


def _instance(pairs: Pairs, schema: dict[str, Any]) -> dict[str, Any]:
    """Form pairs as a validator reads them: typed by the property's schema, repeated keys as a list."""
    properties = schema.get("properties", {})
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    instance: dict[str, Any] = {}
    for key, found in values.items():
        kind = properties.get(key, {}).get("type")
        typed = [_typed(value, kind) for value in found]
        instance[key] = typed if kind == "array" or len(typed) > 1 else typed[0]
    return instance


def _typed(value: str, kind: Any) -> Any:
    """A form string as the given JSON type, where it reads as one (otherwise left a string)."""
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


# ---------------------------------------------------------------- create


def _create_pairs(**overrides: Any) -> Pairs:
    base: dict[str, Any] = {"To": "+12025550100", "From": "+12025550199", "Url": "http://127.0.0.1:9/cxml"}
    base.update(overrides)
    pairs: Pairs = []
    for key, value in base.items():
        if value is None:
            continue
        pairs += [(key, item) for item in value] if isinstance(value, list) else [(key, value)]
    return pairs


CREATES: dict[str, Pairs] = {
    "plain": _create_pairs(),
    "ApplicationSid instead of Url": _create_pairs(Url=None, ApplicationSid=str(uuid.uuid4())),
    "both Url and ApplicationSid": _create_pairs(ApplicationSid=str(uuid.uuid4())),
    "neither Url nor ApplicationSid": _create_pairs(Url=None),
    "SIP and client addresses": _create_pairs(To="sip:alice@example.com", From="client:bob"),
    "SIP address with a space": _create_pairs(To="sip:al ice@example.com"),
    "number with a trailing newline": _create_pairs(To="+12025550100\n"),
    "Url with port, query and fragment": _create_pairs(
        Url="https://user@example.com:8443/a/b.xml?x=1&y=%20#top"
    ),
    "Url empty": _create_pairs(Url=""),
    "Url ftp": _create_pairs(Url="ftp://example.com/a.xml"),
    "Url without a host": _create_pairs(Url="http://:80/a"),
    "Url port out of range": _create_pairs(Url="http://example.com:99999/"),
    "Url not ASCII": _create_pairs(Url="http://exämple.com/"),
    "ApplicationSid empty": _create_pairs(ApplicationSid=""),
    "MaxPricePerMinute with a dot and no decimals": _create_pairs(MaxPricePerMinute="10."),
    "MaxPricePerMinute empty": _create_pairs(MaxPricePerMinute=""),
    "MaxPricePerMinute five decimals": _create_pairs(MaxPricePerMinute="0.12345"),
    "MaxPricePerMinute Arabic-Indic digit": _create_pairs(MaxPricePerMinute="\u0663"),
    "Timeout bounds": _create_pairs(Timeout="600"),
    "Timeout empty": _create_pairs(Timeout=""),
    "Timeout with a newline": _create_pairs(Timeout="60\n"),
    "Timeout twice": _create_pairs(Timeout=["60", "61"]),
    "Method empty": _create_pairs(Method=""),
    "Record empty": _create_pairs(Record=""),
    "SendDigits empty": _create_pairs(SendDigits=""),
    "SendDigits all keys": _create_pairs(SendDigits="1234wW#*ABCD"),
    "StatusCallbackEvent repeated": _create_pairs(StatusCallbackEvent=["initiated", "completed"]),
    "StatusCallbackEvent empty": _create_pairs(StatusCallbackEvent=""),
    "RecordingStatusCallbackEvent list": _create_pairs(RecordingStatusCallbackEvent="in-progress completed"),
    "RecordingStatusCallbackEvent empty": _create_pairs(RecordingStatusCallbackEvent=""),
    "plain text parameters empty": _create_pairs(CallerId="", SipAuthUsername="", SipAuthPassword=""),
    "unknown parameter twice": _create_pairs(Something=["a", "b"]),
}


@pytest.mark.parametrize("name", list(CREATES))
def test_create_spec_and_endpoint_agree(api: Api, name: str) -> None:
    pairs = CREATES[name]
    schema = component_schema("signalwire", "CreateCallRequest")
    valid = _validator(schema).is_valid(_instance(pairs, schema))
    response = _post(api, api.calls_path(), pairs)
    assert (response.status_code == 200) is valid, (valid, response.status_code, response.text)


@pytest.mark.parametrize(
    ("pairs", "why"),
    [
        (_create_pairs(StatusCallbackEvent="initiated ringing answered completed"), "space-separated events"),
        (_create_pairs(Method="get", FallbackMethod="post"), "lower-case methods"),
        (_create_pairs(Record="True"), "a capitalised boolean"),
        # An array under twilio, and what Twilio's SDK sends: the signalwire mode serves that SDK too.
        (
            _create_pairs(RecordingStatusCallbackEvent=["in-progress", "completed"]),
            "repeated recording events",
        ),
    ],
)
def test_known_tolerances_beyond_the_spec(api: Api, pairs: Pairs, why: str) -> None:
    """What the endpoint accepts although the spec does not (clients and the project's tests send it)."""
    schema = component_schema("signalwire", "CreateCallRequest")
    assert not _validator(schema).is_valid(_instance(pairs, schema)), why
    assert _post(api, api.calls_path(), pairs).status_code == 200, why


# ---------------------------------------------------------------- update


def test_update_with_no_parameters_is_valid_and_changes_nothing(api: Api) -> None:
    operation = SPEC["components"]["pathItems"]["CallInstance"]["post"]
    assert operation["requestBody"]["required"] is False
    assert _validator(component_schema("signalwire", "UpdateCallRequest")).is_valid({})
    call = api.create_call(To="+12025550104")  # held up until ended through the API
    for body in ({}, None):
        response = api.http.post(api.calls_path(call["sid"]), data=body)
        assert response.status_code == 200, response.text
        assert response.json()["date_updated"] == call["date_updated"]
    api.update(call["sid"], Status="completed")


@pytest.mark.parametrize(
    ("pairs", "valid"),
    [
        ([("StatusCallback", "http://127.0.0.1:9/new")], True),
        ([("Url", "")], False),
        ([("StatusCallback", "")], False),
        ([("Method", "")], False),
        ([("Status", "completed"), ("Status", "completed")], False),
    ],
)
def test_update_spec_and_endpoint_agree(api: Api, pairs: Pairs, valid: bool) -> None:
    schema = component_schema("signalwire", "UpdateCallRequest")
    assert _validator(schema).is_valid(_instance(pairs, schema)) is valid
    call = api.create_call(To="+12025550104")
    response = _post(api, api.calls_path(call["sid"]), pairs)
    assert (response.status_code == 200) is valid, response.text
    api.update(call["sid"], Status="completed")


# ---------------------------------------------------------------- list

LIST_VALUES = [
    ("StartTime", "2018-09-19", True),
    ("StartTime<", "Wed, 19 Sep 2018 20:00:00 +0000", True),
    ("EndTime>", "19 Sep 2018 20:00 GMT", True),
    ("EndTime", "2024-02-30", False),
    ("StartTime>", "19 Sep 2018", False),
    ("ParentCallSid", SID, True),
    ("ParentCallSid", "null", False),
    ("To", "+12025550100", True),
    ("Status", "busy", True),
    ("PageSize", "1000", True),
    *[(name, "", False) for name in LIST_PARAMETERS],
]


@pytest.mark.parametrize(("name", "value", "valid"), LIST_VALUES)
def test_list_spec_and_endpoint_agree(api: Api, name: str, value: str, valid: bool) -> None:
    assert (
        _validator(LIST_PARAMETERS[name]["schema"]).is_valid(
            _typed(value, LIST_PARAMETERS[name]["schema"].get("type"))
        )
        is valid
    )
    response = api.http.get(api.calls_path(), params={name: value})
    assert (response.status_code == 200) is valid, response.text


@pytest.mark.parametrize("name", ["To", "Status", "StartTime", "PageSize"])
def test_a_list_parameter_given_twice_is_refused(api: Api, name: str) -> None:
    sample = {"To": "+12025550100", "Status": "busy", "StartTime": "2018-09-19", "PageSize": "5"}[name]
    response = api.http.get(api.calls_path(), params=[(name, sample), (name, sample)])
    assert response.status_code == 400 and response.json()["code"] == 10000


def test_a_well_formed_token_the_endpoint_did_not_issue_is_an_inherent_refusal(api: Api) -> None:
    token = "PA" + str(uuid.uuid4())
    assert re.fullmatch(PARAMETERS["PageToken"]["schema"]["pattern"], token)
    response = api.http.get(api.calls_path(), params={"PageToken": token})
    assert response.status_code == 400 and response.json()["code"] == 21481
    listed = SPEC["components"]["pathItems"]["CallList"]["get"]["x-inherent-refusals"]
    assert any(21481 in entry["codes"] and 400 in entry["statuses"] for entry in listed)


# ---------------------------------------------------------------- value grammars, exhaustively


def _endpoint_reads_date(value: str) -> bool:
    try:
        parse_filter_date(value)
    except ValueError:
        return False
    return True


def test_date_filter_pattern_is_the_endpoints_calendar() -> None:
    pattern = re.compile(DATE_PATTERN)
    disagreements = []
    for year in (1000, 1004, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 2400, 9999):
        for month in range(1, 13):
            for day in range(0, 33):
                for value in (
                    f"{year:04d}-{month:02d}-{day:02d}",
                    f"{day} {MONTHS[month - 1]} {year} 10:00 +0000",
                    f"Wed, {day:02d} {MONTHS[month - 1]} {year} 23:59:59 -2359",
                ):
                    if bool(pattern.fullmatch(value)) != _endpoint_reads_date(value):
                        disagreements.append(value)
    assert disagreements == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        " 2018-09-19",
        "2018-09-19\n",
        "0999-01-01",
        "19 sep 2018 20:00 +0000",
        "19 Sep 2018 24:00 +0000",
        "19 Sep 2018 20:00:60 +0000",
        "19 Sep 2018 20:00 EST",
        "19 Sep 2018 20:00 +0060",
        "Wed,  19 Sep 2018 20:00 +0000",
    ],
)
def test_date_forms_both_refuse(value: str) -> None:
    assert not re.fullmatch(DATE_PATTERN, value) and not _endpoint_reads_date(value)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(DATE_PATTERN, fullmatch=True))
def test_every_date_the_pattern_allows_is_read(value: str) -> None:
    assert _endpoint_reads_date(value)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(URL_PATTERN, fullmatch=True).filter(lambda v: len(v) <= 4096))
def test_every_url_the_schema_allows_is_accepted(value: str) -> None:
    if _validator({"type": "string", "format": "uri"}).is_valid(value):
        assert is_http_url(value), value
