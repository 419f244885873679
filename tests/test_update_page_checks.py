"""The checks of the rest of the seed's Update page, on synthetic captures: the FallbackUrl is fetched (with
FallbackMethod, in time) when the Url fails, for a create and after an update; the final status callback follows
an updated StatusCallback (with its method) and the replaced URL gets no more. Each deviation is named after the
reference endpoint fault that makes it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from conformance.checks import REGISTRY
from conformance.checks.context import CallbackUpdateContext, DocumentContext
from conformance.checks.kinds import CALLBACK_MOVE, DOCUMENT_SET
from conformance.core.capture import Capture
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable

AT = 1000.0
CREATE = DocumentContext(
    "GET", AT, 10.0, "after the create's Url failed (a 500 answer)", "its FallbackUrl", "create-fallback"
)
UPDATE = DocumentContext(
    "GET", AT, 10.0, "after a Url update whose Url failed", "its FallbackUrl", "update-fallback"
)
MOVED = CallbackUpdateContext("old", "new", "GET", AT, 10.0)


def _outcome(requirement: str, ctx: object, captures: Sequence[Capture]) -> str:
    """'passed', 'failed' or 'n/a' for the checks of `requirement` on the captures (as a scenario runs them; the
    answer to the StatusCallback update is judged apart, tests/test_call_action_checks.py)."""
    outcome = "n/a"
    for item in REGISTRY.values():
        if item.requirement != requirement or item.kind not in (DOCUMENT_SET, CALLBACK_MOVE):
            continue
        try:
            item.fn(ctx, captures)
        except NotApplicable:
            continue
        except Violation:
            return "failed"
        outcome = "passed"
    return outcome


def _fetch(method: str, at: float, token: str = "fallback") -> Capture:
    return Capture("document", token, method, "http://127.0.0.1:8123/laml/t/hangup", (), "query", b"", (), at)


def _status(token: str, call_status: str, method: str = "GET", at: float = AT + 1) -> Capture:
    params = (("CallStatus", call_status), ("CallSid", "c1"))
    return Capture(
        "status", token, method, f"http://127.0.0.1:8123/status/{token}", params, "form", b"", (), at
    )


@pytest.mark.parametrize(("requirement", "ctx"), [("CREATE-FALLBACK", CREATE), ("UPDATE-FALLBACK", UPDATE)])
def test_a_fallback_fetched_in_time_with_its_method_passes(requirement: str, ctx: DocumentContext) -> None:
    assert _outcome(requirement, ctx, [_fetch("GET", AT + 0.3)]) == "passed"
    assert _outcome(requirement, ctx, [_fetch("GET", AT - 0.2)]) == "passed"  # before the answer was seen


@pytest.mark.parametrize(
    ("captures", "case"),
    [
        ([], "fallback-create-ignored"),
        ([_fetch("POST", AT + 0.3)], "fallback-wrong-method"),
        ([_fetch("GET", AT + 11)], "fallback-late"),
    ],
    ids=["not-requested", "wrong-method", "late"],
)
@pytest.mark.parametrize(("requirement", "ctx"), [("CREATE-FALLBACK", CREATE), ("UPDATE-FALLBACK", UPDATE)])
def test_a_fallback_not_requested_as_asked_fails(
    requirement: str, ctx: DocumentContext, captures: list[Capture], case: str
) -> None:
    assert _outcome(requirement, ctx, captures) == "failed", case


def test_each_document_check_judges_only_its_own_cause() -> None:
    redirect = DocumentContext("GET", AT, 10.0)
    assert _outcome("CREATE-FALLBACK", redirect, []) == "n/a"
    assert _outcome("UPDATE-FALLBACK", CREATE, []) == "n/a"
    assert _outcome("UPDATE-REDIRECT-FETCH", UPDATE, []) == "n/a"


def test_the_final_callback_at_the_new_url_with_the_new_method_passes() -> None:
    captures = [
        _status("old", "initiated", "POST"),
        _status("old", "in-progress", "POST"),
        _status("new", "completed"),
    ]
    assert _outcome("UPDATE-STATUS-CALLBACK", MOVED, captures) == "passed"
    assert _outcome("UPDATE-STATUS-CALLBACK-OLD", MOVED, captures) == "passed"


@pytest.mark.parametrize(
    ("captures", "requirement"),
    [
        (
            [_status("old", "in-progress", "POST"), _status("old", "completed", "POST")],
            "UPDATE-STATUS-CALLBACK",
        ),
        (
            [_status("old", "in-progress", "POST"), _status("old", "completed", "POST")],
            "UPDATE-STATUS-CALLBACK-OLD",
        ),
        ([_status("new", "completed", "POST")], "UPDATE-STATUS-CALLBACK"),
        ([_status("new", "completed", at=AT + 12)], "UPDATE-STATUS-CALLBACK"),
        ([_status("new", "completed"), _status("old", "completed", "POST")], "UPDATE-STATUS-CALLBACK-OLD"),
    ],
    ids=[
        "cb-update-ignored",
        "cb-update-ignored-old",
        "cb-update-method-ignored",
        "late",
        "cb-update-old-url-too",
    ],
)
def test_a_final_callback_that_does_not_follow_the_update_fails(
    captures: list[Capture], requirement: str
) -> None:
    assert _outcome(requirement, MOVED, captures) == "failed"
