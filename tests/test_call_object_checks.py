"""The Call checks that judge every field of an object: an answer that was no JSON object reaches them as {}
(the verifier judges it as an empty Call, so that CALL-FIELDS fails it); they must say "nothing to judge" rather
than pass, as they did against an endpoint answering HTML to everything."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable

FIELD_BY_FIELD = ("CALL-TYPES", "CALL-EXTRA-FIELDS")


def _check(requirement: str) -> Callable[[CheckContext, dict[str, object]], None]:
    (fn,) = [c.fn for c in REGISTRY.values() if c.requirement == requirement and c.kind.name == "call"]
    return fn


def _ctx() -> CheckContext:
    return CheckContext(
        profile="signalwire", account_sid="AC1", method="GET", path="/Calls/x", query={}, status_code=200
    )


@pytest.mark.parametrize("requirement", FIELD_BY_FIELD)
def test_an_empty_object_is_not_judged(requirement: str) -> None:
    with pytest.raises(NotApplicable):
        _check(requirement)(_ctx(), {})


@pytest.mark.parametrize(
    ("requirement", "call"),
    [("CALL-TYPES", {"duration": ["not", "a", "duration"]}), ("CALL-EXTRA-FIELDS", {"no_such_field": 1})],
)
def test_a_call_with_fields_is_still_judged(requirement: str, call: dict[str, object]) -> None:
    with pytest.raises(Violation):
        _check(requirement)(_ctx(), call)


def test_the_empty_object_still_fails_call_fields() -> None:
    with pytest.raises(Violation):
        _check("CALL-FIELDS")(_ctx(), {})
