"""The checks that judge callbacks against the Call object and the create's URL, on synthetic captures: a correct
call's callbacks pass, each deviation (named after the reference endpoint fault that makes it) fails its
requirement, and what a correct provider may do otherwise passes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from conformance.checks.callback_agreement import agrees
from conformance.checks.context import CallbackContext
from conformance.receiver import Capture
from conformance.receiver.urls import APP_QUERY, APP_QUERY_ITEMS
from tests.callback_captures import (
    ACCOUNT,
    AGREEMENT_REQUIREMENTS,
    CALL,
    context,
    judge,
    replace_param,
    signed,
    status_params,
)

CREATED = dt.datetime(2024, 4, 4, 18, 32, 15, tzinfo=dt.UTC)
APP_URL = f"http://127.0.0.1:8123/hooks/acme%20corp/v1/tok/status?{APP_QUERY}"


def _rfc2822(moment: dt.datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _call(**changes: Any) -> dict[str, Any]:
    call = {
        "sid": CALL,
        "account_sid": ACCOUNT,
        "to": "+12025550100",
        "from": "+12025550199",
        "direction": "outbound-api",
        "status": "completed",
        "duration": 4,
        "date_created": _rfc2822(CREATED),
    }
    return {**call, **changes}


def _capture(
    status: str, sequence: int, seconds: int, *, method: str = "POST", url: str = APP_URL
) -> Capture:
    """A status callback of the event `seconds` after the create, arriving half a second after it."""
    moment = CREATED + dt.timedelta(seconds=seconds)
    duration = "4" if status == "completed" else None
    params = status_params(status, sequence, duration=duration, timestamp=_rfc2822(moment))
    return signed("status", url, params, method=method, at=moment.timestamp() + 0.5)


def _correct(method: str = "POST") -> list[Capture]:
    events = (("initiated", 0), ("ringing", 1), ("in-progress", 3), ("completed", 7))
    return [_capture(s, n, t, method=method) for n, (s, t) in enumerate(events)]


def _ctx(**changes: Any) -> CallbackContext:
    return context(**{"record": False, "call": _call(), "url": APP_URL, **changes})


@pytest.mark.parametrize("requirement", AGREEMENT_REQUIREMENTS)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_correct_call_agrees(requirement: str, method: str) -> None:
    assert judge(requirement, _ctx(method=method), _correct(method)) == "passed"


def test_without_the_call_object_only_the_create_s_names_are_judged() -> None:
    ctx = context(record=False)
    assert judge("CB-AGREES-WITH-CALL", ctx, _correct()) == "passed"
    assert judge("CB-DURATION-MATCHES", ctx, _correct()) == "n/a"
    assert judge("CB-TIMESTAMP-INSTANT", ctx, _correct()) == "n/a"
    assert judge("CB-URL-AS-GIVEN", ctx, _correct()) == "n/a"


@pytest.mark.parametrize(
    ("parameter", "shown", "sent", "same"),
    [
        ("To", "+12025550100", "+12025550100", True),
        ("To", "+12025550100", "+1 202-555-0100", True),
        ("To", "+12025550100", "+12025550101", False),
        ("From", "sip:alice@example.com", "sip:alice@example.com", True),
        ("From", "sip:alice@example.com", "sip:bob@example.com", False),
        ("Direction", "outbound", "outbound-api", True),
        ("Direction", "outbound-api", "outbound-dial", False),
        ("Direction", "inbound", "outbound-api", False),
    ],
)
def test_what_agrees_with_the_call(parameter: str, shown: str, sent: str, same: bool) -> None:
    assert agrees(parameter, shown, sent) is same


def _param(index: int, name: str, value: str | None) -> Callable[[], tuple[CallbackContext, list[Capture]]]:
    def build() -> tuple[CallbackContext, list[Capture]]:
        captures = _correct()
        captures[index] = replace_param(captures[index], name, value)
        return _ctx(), captures

    return build


def _shifted(index: int, seconds: int) -> Callable[[], tuple[CallbackContext, list[Capture]]]:
    def build() -> tuple[CallbackContext, list[Capture]]:
        captures = _correct()
        moment = dt.datetime.fromtimestamp(captures[index].received_at, dt.UTC) + dt.timedelta(
            seconds=seconds
        )
        captures[index] = replace_param(captures[index], "Timestamp", _rfc2822(moment))
        return _ctx(), captures

    return build


def _url(url: str) -> Callable[[], tuple[CallbackContext, list[Capture]]]:
    return lambda: (_ctx(), [_capture("completed", 0, 7, url=url)])


BROKEN: dict[str, tuple[str, Callable[[], tuple[CallbackContext, list[Capture]]]]] = {
    "cb-to-differs": ("CB-AGREES-WITH-CALL", _param(1, "To", "+12025550101")),
    "cb-from-differs": ("CB-AGREES-WITH-CALL", _param(3, "From", "+12025550198")),
    "cb-other-call": ("CB-AGREES-WITH-CALL", _param(1, "CallSid", "fa0189dd-1c22-4b79-b5c3-e82a668940dd")),
    "cb-other-account": (
        "CB-AGREES-WITH-CALL",
        _param(0, "AccountSid", "00000000-0000-4000-8000-00000000beef"),
    ),
    "cb-direction-differs": ("CB-AGREES-WITH-CALL", _param(2, "Direction", "inbound")),
    "cb-duration-differs": ("CB-DURATION-MATCHES", _param(3, "CallDuration", "9")),
    "cb-duration-of-another-call": (
        "CB-DURATION-MATCHES",
        lambda: (_ctx(call=_call(duration=60)), _correct()),
    ),
    "cb-timestamp-wrong-instant": ("CB-TIMESTAMP-INSTANT", _shifted(0, -5 * 3600)),
    "cb-timestamp-in-the-future": ("CB-TIMESTAMP-INSTANT", _shifted(2, 3600)),
    "cb-timestamps-go-back": ("CB-TIMESTAMP-INSTANT", _shifted(3, -6)),
    "cb-query-dropped": ("CB-URL-AS-GIVEN", _url("http://127.0.0.1:8123/hooks/acme%20corp/v1/tok/status")),
    "cb-query-value-changed": (
        "CB-URL-AS-GIVEN",
        _url("http://127.0.0.1:8123/hooks/acme%20corp/v1/tok/status?state=a%2Fb&n=1"),
    ),
    "cb-path-changed": (
        "CB-URL-AS-GIVEN",
        _url(f"http://127.0.0.1:8123/hooks/acme/v1/tok/status?{APP_QUERY}"),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_deviation_fails_its_requirement(case: str) -> None:
    requirement, build = BROKEN[case]
    ctx, captures = build()
    assert judge(requirement, ctx, captures) == "failed"


def test_every_agreement_requirement_has_a_deviation() -> None:
    assert {requirement for requirement, _ in BROKEN.values()} == set(AGREEMENT_REQUIREMENTS)


# ---------------------------------------------------------------- what a correct provider may do otherwise


def test_a_duration_one_second_off_and_twilio_s_forms_pass() -> None:
    assert judge("CB-DURATION-MATCHES", _ctx(call=_call(duration=5)), _correct()) == "passed"
    assert judge("CB-DURATION-MATCHES", _ctx(call=_call(duration="3")), _correct()) == "passed"
    busy = [replace_param(_capture("completed", 0, 7), "CallStatus", "busy")]
    busy = [replace_param(busy[0], "CallDuration", "0")]
    assert judge("CB-DURATION-MATCHES", _ctx(call=_call(status="busy", duration=None)), busy) == "passed"
    assert judge("CB-DURATION-MATCHES", _ctx(call=_call(status="in-progress")), _correct()) == "n/a"


def test_a_timestamp_within_the_clocks_tolerance_passes() -> None:
    ctx, captures = _shifted(3, 50)()
    assert judge("CB-TIMESTAMP-INSTANT", ctx, captures) == "passed"  # the receiver's clock 50 s behind
    ctx, captures = _shifted(0, -1)()  # whole seconds: the event stamped in the second before date_created
    assert judge("CB-TIMESTAMP-INSTANT", ctx, captures) == "passed"


def test_the_same_query_encoded_otherwise_is_the_same_url() -> None:
    plus = (
        f"http://127.0.0.1:8123/hooks/acme%20corp/v1/tok/status?{urlencode(APP_QUERY_ITEMS)}&CallSid={CALL}"
    )
    assert "state=a%2Fb+c&" in plus
    assert judge("CB-URL-AS-GIVEN", _ctx(), [_capture("completed", 0, 7, method="GET", url=plus)]) == "passed"


def test_a_recording_callback_is_not_judged_here() -> None:
    recording = dataclasses.replace(_capture("completed", 0, 7), kind="recording")
    assert all(judge(r, _ctx(), [recording]) == "n/a" for r in AGREEMENT_REQUIREMENTS)
