"""The core of invalid input (ERR-INVALID-PARAMS, MUST) and the rest (ERR-INVALID-PARAMS-EXTENDED, SHOULD): the
suite's explicit probes and the classification of generated requests agree, and a correct provider's readings
are never held against it."""

from __future__ import annotations

import pytest

from conformance.core.invalid_input import core_schema, core_violation
from conformance.suite.test_errors import CORE, INVALID_CREATES

VALID = [("To", "+12025550100"), ("From", "+12025550199"), ("Url", "http://127.0.0.1:9/laml/hangup")]


def _form(change: dict[str, str | None]) -> list[tuple[str, str]]:
    pairs = [(k, v) for k, v in VALID if k not in change]
    return pairs + [(k, v) for k, v in change.items() if v is not None]


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
@pytest.mark.parametrize("case", sorted(INVALID_CREATES))
def test_each_probe_is_core_exactly_when_its_requirement_is_the_core_one(profile: str, case: str) -> None:
    requirement, change = INVALID_CREATES[case]
    broken = core_violation(profile, "createCall", _form(change))
    assert (broken is not None) == (requirement == CORE), broken


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_a_valid_create_breaks_no_core_rule(profile: str) -> None:
    assert core_violation(profile, "createCall", VALID) is None
    assert core_violation(profile, "updateCall", [("Status", "completed")]) is None
    assert core_violation(profile, "updateCall", []) is None


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"FallbackUrl": ""}, "an empty optional value may be read as absent"),
        ({"Method": "get"}, "a method in lower case"),
        ({"Timeout": "0"}, "a range, not the type"),
        (
            {"Url": None, "ApplicationSid": "not-a-uuid"},
            "an ApplicationSid in place of Url (its form is beyond the core)",
        ),
        ({"StatusCallbackEvent": "initiated completed"}, "events separated by spaces"),
    ],
)
def test_readings_a_correct_provider_may_make_are_not_core_violations(
    change: dict[str, str | None], why: str
) -> None:
    assert core_violation("signalwire", "createCall", _form(change)) is None, why


def test_a_parameter_given_twice_breaks_the_core_only_when_both_values_do() -> None:
    assert core_violation("signalwire", "createCall", [*VALID, ("Method", "GET"), ("Method", "PUT")]) is None
    assert (
        core_violation("signalwire", "createCall", [*VALID, ("Method", "X"), ("Method", "PUT")]) is not None
    )


def test_an_update_status_other_than_canceled_or_completed_is_core() -> None:
    assert "Status" in (core_violation("signalwire", "updateCall", [("Status", "paused")]) or "")


def test_the_core_schema_keeps_types_and_enums_but_no_ranges() -> None:
    schema = core_schema("signalwire", "createCall")
    assert schema["properties"]["Timeout"] == {"type": "integer"}
    assert set(schema["properties"]) == {
        "To", "From", "Url", "ApplicationSid", "FallbackUrl", "StatusCallback", "Method", "FallbackMethod",
        "StatusCallbackMethod", "StatusCallbackEvent", "Timeout",
    }  # fmt: skip
    assert "RecordingChannels" not in schema["properties"] and schema["required"] == ["To", "From"]


# The core rules of contract-decisions.md's Errors section, each as the create parameters one probe breaks.
CORE_RULES = {
    "a create without To": {"To"},
    "a create without From": {"From"},
    "a create without Url (and no ApplicationSid)": {"Url"},
    "To that is not a phone number, SIP address or client identifier": {"To"},
    "From that is not a phone number, SIP address or client identifier": {"From"},
    "Url, FallbackUrl or StatusCallback that is not an absolute http(s) URL": {"Url", "FallbackUrl", "StatusCallback"},
    "Method, FallbackMethod or StatusCallbackMethod other than GET or POST": {
        "Method", "FallbackMethod", "StatusCallbackMethod",
    },
    "an unknown StatusCallbackEvent value": {"StatusCallbackEvent"},
    "Timeout that is not an integer": {"Timeout"},
}  # fmt: skip


@pytest.mark.parametrize("rule", sorted(CORE_RULES))
def test_every_core_rule_has_an_explicit_probe_for_each_parameter_it_names(rule: str) -> None:
    """Not only the generated requests Schemathesis happens to draw: each parameter of each core rule is broken by
    a probe of the suite's own, which the classification reads as breaking the core."""
    for parameter in CORE_RULES[rule]:
        probes = [
            case
            for case, (requirement, change) in INVALID_CREATES.items()
            if requirement == CORE and set(change) == {parameter}
        ]
        assert probes, f"{rule}: no core probe breaks {parameter}"
        for case in probes:
            assert core_violation("signalwire", "createCall", _form(INVALID_CREATES[case][1])) is not None, (
                case
            )


@pytest.mark.parametrize(
    ("value", "core"),
    [
        ("12.5", True),
        ("30s", True),
        ("soon", True),
        ("", False),
        ("+30", False),
        (" 30 ", False),
        ("-5", False),
    ],
)
def test_a_timeout_is_core_invalid_exactly_when_no_reading_makes_it_an_integer(
    value: str, core: bool
) -> None:
    """Decimals and units are no integer; an empty value may be read as absent, a sign or padding as an integer
    (then only its range is wrong: a SHOULD)."""
    assert (core_violation("twilio", "createCall", _form({"Timeout": value})) is not None) == core
