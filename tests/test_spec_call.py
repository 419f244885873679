"""The Call object's schema under each profile: its field set, the values each field takes, the required
fields, the list envelope and the error bodies."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conformance.core.spec import PROFILES, component_schema, load_spec
from tests.spec_facts import (
    SEED_CALL_FIELDS,
    SIGNALWIRE_ONLY_FIELDS,
    TWILIO_CALL_FIELDS,
    call_example,
    is_valid,
)


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
    call = call_example(profile)
    call[field] = value
    assert is_valid(component_schema(profile, "Call"), call) is valid


@pytest.mark.parametrize("profile", PROFILES)
def test_call_requires_every_field(profile: str) -> None:
    call = call_example(profile)
    del call["to_formatted"]
    assert not is_valid(component_schema(profile, "Call"), call)


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
    assert not is_valid(signalwire, page)


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
        assert is_valid(component_schema(profile, "ErrorBody"), body) is valid
