"""The callback checks on synthetic captures: a correct set passes, each deviation fails its requirement.

The broken cases are named after the reference endpoint faults proposed for them, so each fault is
shown to be caught before it exists. The signature check is held to the public vectors of
calls-api-facts.md §7.4.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import pytest

from conformance.checks import all_checks
from conformance.checks.callbacks import CallbackContext, audio_counters, sequence_complete, went_through
from conformance.common.signature import compute_signature
from conformance.failures import NotApplicable, Violation
from conformance.receiver import Capture

KEY = "PSK_unit_test_key"
ACCOUNT = "b3877c40-da60-4998-90ad-b792e98472af"
CALL = "3acbb648-35d2-4350-b4db-acec4fff8acf"
RECORDING = "fa0189dd-1c22-4b79-b5c3-e82a668940dd"
STATUS_URL = "http://127.0.0.1:8123/status/tok"
RECORDING_URL = "http://127.0.0.1:8123/recording/tok"
TIMESTAMP = "Thu, 04 Apr 2024 18:32:15 +0000"
AUDIO = {
    "AudioInAveragePtime": "20",
    "AudioInDtmfPacketCount": "0",
    "AudioInFlushPacketCount": "2",
    "AudioInJitterMaxVariance": "8",
    "AudioInJitterMinVariance": "1",
    "AudioInLargestJbSize": "4",
    "AudioInMos": "4.3",
    "AudioInMediaPacketCount": "1842",
    "AudioInSkipPacketCount": "1",
    "AudioOutDtmfPacketCount": "0",
    "AudioOutMediaPacketCount": "1840",
}
CB_REQUIREMENTS = (
    "CB-FINAL-EVENT",
    "CB-INTERMEDIATE-EVENTS",
    "CB-METHOD",
    "CB-PARAMS",
    "CB-MEDIA-FINAL",
    "CB-MEDIA-EARLY",
    "CB-DURATION-FINAL",
    "CB-STATUS-PATH",
    "CB-TIMESTAMP",
    "CB-TIMESTAMP-GMT",
    "CB-SEQUENCE",
    "CB-RECORDING-PARAMS",
    "CB-SIGNATURE",
)
ALL_EVENTS = frozenset({"initiated", "ringing", "answered", "completed"})

Pairs = list[tuple[str, str]]


# ---------------------------------------------------------------- building captures


def signed(
    kind: str,
    url: str,
    params: Pairs,
    *,
    method: str = "POST",
    key: str = KEY,
    at: float = 100.0,
    header: str = "x-signalwire-signature",
) -> Capture:
    """A capture as the receiver records it, signed the way a correct endpoint signs it."""
    if method == "GET":
        url = f"{url}?{urlencode(params)}"
        signature = compute_signature(key, url, ())
        return Capture(kind, "tok", "GET", url, tuple(params), "query", b"", ((header, signature),), at)
    signature = compute_signature(key, url, params)
    headers = (("content-type", "application/x-www-form-urlencoded"), (header, signature))
    return Capture(kind, "tok", "POST", url, tuple(params), "form", urlencode(params).encode(), headers, at)


def status_params(
    status: str,
    sequence: int,
    *,
    duration: str | None = None,
    audio: bool = True,
    timestamp: str = TIMESTAMP,
    call: str = CALL,
) -> Pairs:
    pairs = [
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", call),
        ("CallStatus", status),
        ("Direction", "outbound-api"),
        ("From", "+12025550199"),
        ("To", "+12025550100"),
        ("CallbackSource", "call-progress-events"),
        ("SequenceNumber", str(sequence)),
        ("Timestamp", timestamp),
    ]
    if audio:
        pairs += list(AUDIO.items())
    if duration is not None:
        pairs.append(("CallDuration", duration))
    return pairs


_UNSET = "unset"


def status(
    call_status: str,
    sequence: int,
    *,
    method: str = "POST",
    at: float = 100.0,
    duration: str | None = _UNSET,
    timestamp: str = TIMESTAMP,
) -> Capture:
    """A status callback; final events carry CallDuration (1 s answered, 0 otherwise) unless told."""
    if duration == _UNSET:
        final = call_status in ("completed", "busy", "failed", "no-answer", "canceled")
        duration = ("1" if call_status == "completed" else "0") if final else None
    params = status_params(call_status, sequence, duration=duration, timestamp=timestamp)
    return signed("status", STATUS_URL, params, method=method, at=at)


def recording_params(recording_status: str, *, drop: Sequence[str] = (), call: str = CALL) -> Pairs:
    pairs = [
        ("AccountSid", ACCOUNT),
        ("CallSid", call),
        ("RecordingSid", RECORDING),
        ("RecordingUrl", f"http://127.0.0.1:9/Accounts/{ACCOUNT}/Recordings/{RECORDING}"),
        ("RecordingStatus", recording_status),
        ("RecordingDuration", "1"),
        ("RecordingChannels", "1"),
        ("RecordingSource", "OutBoundApi"),
    ]
    return [(k, v) for k, v in pairs if k not in drop]


def recording(recording_status: str, *, drop: Sequence[str] = (), call: str = CALL) -> Capture:
    return signed("recording", RECORDING_URL, recording_params(recording_status, drop=drop, call=call))


def context(**changes: Any) -> CallbackContext:
    base = CallbackContext(
        profile="signalwire",
        signing_key=KEY,
        account_sid=ACCOUNT,
        call_sid=CALL,
        requested_events=ALL_EVENTS,
        method="POST",
        record=True,
        recording_events=frozenset({"in-progress", "completed"}),
        observed_statuses=("queued", "ringing", "in-progress", "completed"),
        final_status="completed",
        deadline_at=1000.0,
    )
    return dataclasses.replace(base, **changes)


def answered_set() -> list[Capture]:
    """All four events POSTed, plus the recording callbacks, as a correct endpoint sends them."""
    return [
        status("initiated", 0),
        status("ringing", 1),
        recording("in-progress"),
        status("in-progress", 2),
        recording("completed"),
        status("completed", 3),
    ]


def judge(requirement: str, ctx: CallbackContext, captures: Sequence[Capture]) -> str:
    """'passed', 'failed' or 'n/a' (nothing judged) for every check of `requirement`, as the scenarios run them."""
    judged = False
    for item in all_checks().values():
        if item.requirement != requirement:
            continue
        subjects: Sequence[object] = captures if item.kind == "callback" else [captures]
        for subject in subjects:
            try:
                item.fn(ctx, subject)
            except NotApplicable:
                continue
            except Violation:
                return "failed"
            judged = True
    return "passed" if judged else "n/a"


def replace_param(capture: Capture, name: str, value: str | None, *, resign: bool = True) -> Capture:
    """The capture with parameter `name` set (None: removed), re-signed unless `resign` is False."""
    params = [(k, v) for k, v in capture.params if k != name] + ([(name, value)] if value is not None else [])
    if not resign:
        return dataclasses.replace(capture, params=tuple(params))
    url = capture.url.split("?")[0]
    return signed(capture.kind, url, params, method=capture.method, at=capture.received_at)


# ---------------------------------------------------------------- correct sets pass


def test_the_checks_cover_every_callback_requirement() -> None:
    covered = {c.requirement for c in all_checks().values() if c.kind in ("callback", "callback-set")}
    assert covered == set(CB_REQUIREMENTS)


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
    "cb-other-call": ("CB-PARAMS", _swap(1, lambda c: replace_param(c, "CallSid", RECORDING))),
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


# ---------------------------------------------------------------- signatures: the public vectors (facts §7.4)

VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
]
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def _vector_capture(
    signature: str, params: Pairs = VECTOR_PARAMS, header: str = "x-twilio-signature"
) -> Capture:
    headers = (("content-type", "application/x-www-form-urlencoded"), (header, signature))
    return Capture(
        "status", "tok", "POST", VECTOR_URL, tuple(params), "form", urlencode(params).encode(), headers, 0.0
    )


def _one_char_changed(signature: str) -> str:
    return ("S" if signature[0] != "S" else "T") + signature[1:]


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_signature_agrees_with_the_public_vector(profile: str) -> None:
    ctx = CallbackContext(profile=profile, signing_key="12345")
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(VECTOR_SIGNATURE)]) == "passed"
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(_one_char_changed(VECTOR_SIGNATURE))]) == "failed"


@pytest.mark.parametrize(
    "signature",
    ["IK+Dwps556ElfBT0I3Rgjkr1wJU=", "eMV0TTCyejiqoUSkV7IwWuk0CRc="],
    ids=["twilio-ordering", "signalwire-ordering"],
)
def test_signature_accepts_either_documented_ordering_of_repeated_values(signature: str) -> None:
    params = [
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]
    ctx = CallbackContext(profile="signalwire", signing_key="12345")
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(signature, params)]) == "passed"


def test_signalwire_verifies_its_own_header_first() -> None:
    ctx = CallbackContext(profile="signalwire", signing_key="12345")
    both = dataclasses.replace(
        _vector_capture(VECTOR_SIGNATURE),
        headers=(
            ("x-signalwire-signature", _one_char_changed(VECTOR_SIGNATURE)),
            ("x-twilio-signature", VECTOR_SIGNATURE),
        ),
    )
    assert judge("CB-SIGNATURE", ctx, [both]) == "failed"


def test_signature_of_a_json_body_follows_the_body_sha256_rule() -> None:
    key = "PSKtest1234567890abcdef"
    body = b'{"event":"call.state"}'
    url = f"https://example.ngrok.io/webhook?bodySHA256={hashlib.sha256(body).hexdigest()}"
    capture = Capture(
        "status",
        "tok",
        "POST",
        url,
        (("event", "call.state"),),
        "json",
        body,
        (("x-signalwire-signature", "dfO9ek8mxyFtn2nMz24plPmPfIY="),),
        0.0,
    )
    ctx = CallbackContext(profile="signalwire", signing_key=key)
    assert judge("CB-SIGNATURE", ctx, [capture]) == "passed"
    tampered = dataclasses.replace(capture, body=b'{"event":"call.other"}')
    assert judge("CB-SIGNATURE", ctx, [tampered]) == "failed"
    no_hash = dataclasses.replace(capture, url="https://example.ngrok.io/webhook")
    assert judge("CB-SIGNATURE", ctx, [no_hash]) == "failed"


def test_signature_of_a_get_covers_the_query() -> None:
    capture = status("completed", 0, method="GET")
    ctx = context(method="GET", record=False)
    assert judge("CB-SIGNATURE", ctx, [capture]) == "passed"
    tampered = dataclasses.replace(capture, url=capture.url.replace("CallDuration=1", "CallDuration=9"))
    assert judge("CB-SIGNATURE", ctx, [tampered]) == "failed"


def test_without_a_signing_key_nothing_is_judged() -> None:
    assert judge("CB-SIGNATURE", context(signing_key=""), answered_set()) == "n/a"
