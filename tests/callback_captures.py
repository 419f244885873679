"""Synthetic callback captures, as the receiver records them from a correct endpoint, and how the callback
scenarios judge them: shared by the callback checks' tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from conformance.checks import REGISTRY
from conformance.checks.context import CallbackContext
from conformance.common.signature import compute_signature
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.receiver import Capture

__all__ = [
    "ACCOUNT",
    "AGREEMENT_REQUIREMENTS",
    "ALL_EVENTS",
    "AUDIO",
    "CALL",
    "CB_REQUIREMENTS",
    "KEY",
    "RECORDING",
    "RECORDING_URL",
    "STATUS_URL",
    "TIMESTAMP",
    "Pairs",
    "answered_set",
    "context",
    "judge",
    "recording",
    "recording_params",
    "replace_param",
    "signed",
    "status",
    "status_params",
]

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
# Judged against the Call object and the create's URL (tests/test_callback_agreement.py).
AGREEMENT_REQUIREMENTS = (
    "CB-AGREES-WITH-CALL",
    "CB-DURATION-MATCHES",
    "CB-TIMESTAMP-INSTANT",
    "CB-URL-AS-GIVEN",
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
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
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
    for item in REGISTRY.values():
        if item.requirement != requirement:
            continue
        subjects: Sequence[object] = captures if item.kind.name == "callback" else [captures]
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
    url = capture.url  # a GET's: less the parameters `signed` added to it
    if capture.method == "GET":
        url = url[: len(url) - len(urlencode(capture.params)) - 1]
    return signed(capture.kind, url, params, method=capture.method, at=capture.received_at)
