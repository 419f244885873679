"""The callback checks on synthetic captures: a correct set passes, each deviation fails its requirement.

The broken cases are named after the reference endpoint faults proposed for them, so each fault is
shown to be caught before it exists. The signature check is held to the public vectors of
calls-api-facts.md §7.4.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import urlencode

import pytest

from conformance.checks import REGISTRY
from conformance.checks.callbacks import audio_counters, sequence_complete, went_through
from conformance.checks.context import CallbackContext
from conformance.receiver import Capture
from tests.callback_captures import (
    AGREEMENT_REQUIREMENTS,
    AUDIO,
    CB_REQUIREMENTS,
    RECORDING,
    STATUS_URL,
    answered_set,
    context,
    judge,
    recording,
    replace_param,
    signed,
    status,
    status_params,
)

# ---------------------------------------------------------------- correct sets pass


def test_the_checks_cover_every_callback_requirement() -> None:
    covered = {c.requirement for c in REGISTRY.values() if c.kind.name in ("callback", "callback-set")}
    assert covered == set(CB_REQUIREMENTS) | set(AGREEMENT_REQUIREMENTS)


def test_media_counters_are_the_seeds_eleven() -> None:
    assert set(audio_counters("signalwire")) == set(AUDIO)
    assert audio_counters("twilio") == ()


@pytest.mark.parametrize("requirement", CB_REQUIREMENTS)
def test_a_correct_answered_call_passes(requirement: str) -> None:
    assert judge(requirement, context(), answered_set()) == "passed"


@pytest.mark.parametrize("requirement", CB_REQUIREMENTS)
def test_arrival_order_does_not_matter(requirement: str) -> None:
    shuffled = list(reversed(answered_set()))
    assert judge(requirement, context(), shuffled) == "passed"


def test_a_default_get_call_passes() -> None:
    ctx = context(requested_events=frozenset({"completed"}), method="GET", record=False)
    captures = [status("completed", 0, method="GET")]
    outcomes = {r: judge(r, ctx, captures) for r in CB_REQUIREMENTS}
    assert outcomes == {
        **dict.fromkeys(CB_REQUIREMENTS, "passed"),
        "CB-MEDIA-EARLY": "n/a",
        "CB-RECORDING-PARAMS": "n/a",
    }


def test_a_busy_call_passes_without_an_answered_event() -> None:
    ctx = context(record=False, observed_statuses=("queued", "ringing", "busy"), final_status="busy")
    captures = [status("initiated", 0), status("ringing", 1), status("busy", 2)]
    outcomes = {r: judge(r, ctx, captures) for r in CB_REQUIREMENTS}
    assert outcomes == {**dict.fromkeys(CB_REQUIREMENTS, "passed"), "CB-RECORDING-PARAMS": "n/a"}


def test_a_busy_call_that_never_rang_owes_no_ringing_event() -> None:
    ctx = context(record=False, observed_statuses=("queued", "busy"), final_status="busy")
    assert judge("CB-INTERMEDIATE-EVENTS", ctx, [status("initiated", 0), status("busy", 1)]) == "passed"


def test_events_a_completed_call_went_through_are_owed_even_if_polling_missed_them() -> None:
    assert went_through(["queued", "completed"]) >= {"ringing", "in-progress"}
    ctx = context(record=False, observed_statuses=("queued", "completed"))
    captures = [status("initiated", 0), status("ringing", 1), status("completed", 2)]
    assert judge("CB-INTERMEDIATE-EVENTS", ctx, captures) == "failed"  # `answered` was due


def test_a_json_body_with_a_query_free_url_and_numbers_passes_the_schema() -> None:
    ctx = context(record=False)
    params = status_params("completed", 0, duration="1")
    capture = dataclasses.replace(signed("status", STATUS_URL, params), body_format="json")
    assert judge("CB-PARAMS", ctx, [capture]) == "passed"


def test_sequence_complete_is_what_the_scenarios_wait_for() -> None:
    assert sequence_complete(answered_set())
    assert not sequence_complete([status("initiated", 0), status("completed", 2)])
    assert not sequence_complete([])


# ---------------------------------------------------------------- each deviation fails its requirement


def _set(*captures: Capture) -> Callable[[], tuple[CallbackContext, list[Capture]]]:
    return lambda: (context(record=False), list(captures))


def _swap(
    index: int, make: Callable[[Capture], Capture], ctx: CallbackContext | None = None
) -> Callable[[], tuple[CallbackContext, list[Capture]]]:
    def build() -> tuple[CallbackContext, list[Capture]]:
        captures = answered_set()
        captures[index] = make(captures[index])
        return ctx or context(), captures

    return build


def _signed_with(key: str) -> Callable[[Capture], Capture]:
    return lambda c: signed(c.kind, c.url, list(c.params), key=key, at=c.received_at)


def _headers(c: Capture, headers: tuple[tuple[str, str], ...]) -> Capture:
    return dataclasses.replace(c, headers=headers)


FINAL = 5  # index of the completed status callback in answered_set()
BROKEN: dict[str, tuple[str, Callable[[], tuple[CallbackContext, list[Capture]]]]] = {
    "cb-bad-signature": ("CB-SIGNATURE", _swap(FINAL, _signed_with("PSK_wrong_key"))),
    "cb-recording-bad-signature": ("CB-SIGNATURE", _swap(2, _signed_with("PSK_wrong_key"))),
    "cb-no-signature": (
        "CB-SIGNATURE",
        _swap(0, lambda c: _headers(c, (("content-type", "application/x-www-form-urlencoded"),))),
    ),
    "cb-signature-unsigned-param": (
        "CB-SIGNATURE",
        _swap(FINAL, lambda c: replace_param(c, "CallDuration", "7", resign=False)),
    ),
    "cb-twilio-profile-needs-twilio-header": (
        "CB-SIGNATURE",
        lambda: (context(profile="twilio"), answered_set()),
    ),
    "cb-sequence-gap": (
        "CB-SEQUENCE",
        _set(status("initiated", 0), status("ringing", 2), status("completed", 3)),
    ),
    "cb-sequence-duplicate": (
        "CB-SEQUENCE",
        _set(status("initiated", 0), status("ringing", 1), status("in-progress", 1), status("completed", 2)),
    ),
    "cb-sequence-from-one": ("CB-SEQUENCE", _set(status("initiated", 1), status("completed", 2))),
    "cb-sequence-not-a-number": (
        "CB-SEQUENCE",
        _swap(0, lambda c: replace_param(c, "SequenceNumber", "first")),
    ),
    "cb-no-duration": ("CB-DURATION-FINAL", _swap(FINAL, lambda c: replace_param(c, "CallDuration", None))),
    "cb-duration-fraction": (
        "CB-DURATION-FINAL",
        _swap(FINAL, lambda c: replace_param(c, "CallDuration", "1.5")),
    ),
    "cb-busy-duration": (
        "CB-DURATION-FINAL",
        lambda: (
            context(record=False, observed_statuses=("queued", "ringing", "busy"), final_status="busy"),
            [status("initiated", 0), status("ringing", 1), status("busy", 2, duration="3")],
        ),
    ),
    "cb-get-as-post": ("CB-METHOD", _swap(FINAL, lambda c: c, context(method="GET"))),
    "cb-post-as-get": ("CB-METHOD", lambda: (context(record=False), [status("completed", 0, method="GET")])),
    "cb-post-params-in-query": (
        "CB-METHOD",
        _swap(
            FINAL,
            lambda c: dataclasses.replace(
                c, url=f"{c.url}?{urlencode(list(c.params))}", body=b"", body_format="query"
            ),
        ),
    ),
    "cb-post-wrong-content-type": (
        "CB-METHOD",
        _swap(
            FINAL,
            lambda c: _headers(
                c, (("content-type", "text/plain"), *[h for h in c.headers if h[0] != "content-type"])
            ),
        ),
    ),
    "cb-timestamp-iso": (
        "CB-TIMESTAMP",
        _swap(1, lambda c: replace_param(c, "Timestamp", "2024-04-04T18:32:15Z")),
    ),
    "cb-timestamp-gmt": (
        "CB-TIMESTAMP",
        _swap(1, lambda c: replace_param(c, "Timestamp", "Thu, 04 Apr 2024 18:32:15 GMT")),
    ),
    "cb-timestamp-offset": (
        "CB-TIMESTAMP-GMT",
        _swap(1, lambda c: replace_param(c, "Timestamp", "Thu, 04 Apr 2024 13:32:15 -0500")),
    ),
    "cb-timestamp-wrong-day": (
        "CB-TIMESTAMP",
        _swap(1, lambda c: replace_param(c, "Timestamp", "Fri, 04 Apr 2024 18:32:15 +0000")),
    ),
    "cb-illegal-path": (
        "CB-STATUS-PATH",
        _set(status("initiated", 0), status("completed", 1), status("ringing", 2)),
    ),
    "cb-status-path": (
        "CB-STATUS-PATH",
        lambda: (
            context(record=False, observed_statuses=("queued", "ringing", "busy"), final_status="busy"),
            [status("initiated", 0), status("ringing", 1), status("completed", 2, duration="0")],
        ),
    ),
    "cb-bad-params": ("CB-STATUS-PATH", _swap(FINAL, lambda c: replace_param(c, "CallStatus", "done"))),
    "cb-bad-params-schema": ("CB-PARAMS", _swap(FINAL, lambda c: replace_param(c, "CallStatus", "done"))),
    "cb-missing-callback-source": ("CB-PARAMS", _swap(0, lambda c: replace_param(c, "CallbackSource", None))),
    "cb-no-media-final": ("CB-MEDIA-FINAL", _swap(FINAL, lambda c: replace_param(c, "AudioInMos", None))),
    "cb-no-media-early": (
        "CB-MEDIA-EARLY",
        _swap(1, lambda c: replace_param(c, "AudioOutMediaPacketCount", None)),
    ),
    "cb-unrequested-events": (
        "CB-INTERMEDIATE-EVENTS",
        lambda: (
            context(record=False, requested_events=frozenset({"completed"})),
            [status("initiated", 0), status("ringing", 1), status("in-progress", 2), status("completed", 3)],
        ),
    ),
    "cb-missing-ringing": (
        "CB-INTERMEDIATE-EVENTS",
        _set(status("initiated", 0), status("in-progress", 1), status("completed", 2)),
    ),
    "cb-no-final": (
        "CB-FINAL-EVENT",
        _set(status("initiated", 0), status("ringing", 1), status("in-progress", 2)),
    ),
    "cb-final-late": ("CB-FINAL-EVENT", _set(status("initiated", 0), status("completed", 1, at=2000.0))),
    "cb-recording-missing-field": (
        "CB-RECORDING-PARAMS",
        _swap(4, lambda c: recording("completed", drop=("RecordingChannels",))),
    ),
    "cb-recording-other-call": (
        "CB-RECORDING-PARAMS",
        _swap(4, lambda c: recording("completed", call=RECORDING)),
    ),
    "cb-recording-no-final": (
        "CB-RECORDING-PARAMS",
        lambda: (context(), [c for c in answered_set() if c.get("RecordingStatus") != "completed"]),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_deviation_fails_its_requirement(case: str) -> None:
    requirement, build = BROKEN[case]
    ctx, captures = build()
    assert judge(requirement, ctx, captures) == "failed"


def test_every_callback_requirement_has_a_deviation_that_fails_it() -> None:
    assert {requirement for requirement, _ in BROKEN.values()} == set(CB_REQUIREMENTS)
