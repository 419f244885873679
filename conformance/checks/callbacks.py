"""Checks on the callbacks an endpoint sends: each StatusCallback / RecordingStatusCallback request, and
the context they are judged in and the helpers both kinds share.

Kind "callback" (here) judges one captured request; kind "callback-set" (`callback_sets.py`) judges every
capture of one call (status and recording) against what the create asked for and what the API reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jsonschema

from conformance.checks.context import CallbackContext
from conformance.checks.kinds import CALLBACK
from conformance.checks.registry import applicable
from conformance.checks.values import parse_gmt_date, parse_rfc2822_date
from conformance.core.failures import Violation
from conformance.core.signing import SIGNATURE_HEADERS, signature_problem
from conformance.core.spec import webhook_schema
from conformance.core.statuses import (
    ALLOWED,
    ENDED,
    STATUSES,
)

if TYPE_CHECKING:
    from conformance.core.capture import Capture

__all__ = [
    "EVENT_OF_STATUS",
    "FINAL_RECORDING_STATUSES",
    "INTERMEDIATE_EVENTS",
    "api_path",
    "audio_counters",
    "is_final",
    "sequence_complete",
    "sequence_number",
    "status_captures",
    "went_through",
]

# What each callback CallStatus reports, as the StatusCallbackEvent that asks for it.
EVENT_OF_STATUS = {
    "initiated": "initiated",
    "queued": "initiated",
    "ringing": "ringing",
    "in-progress": "answered",
    **dict.fromkeys(ENDED, "completed"),
}
INTERMEDIATE_EVENTS = ("initiated", "ringing", "answered")
# RecordingStatus values that end a recording's callbacks (recording statuses, not call statuses).
FINAL_RECORDING_STATUSES = frozenset({"completed", "absent", "failed"})
_DIGITS = re.compile(r"^[0-9]+$")
_FORM_TYPE = "application/x-www-form-urlencoded"


# ---------------------------------------------------------------- helpers (also used by the scenarios)


def is_final(capture: Capture) -> bool:
    """A status callback reporting an ended call (the `completed` event)."""
    return capture.kind == "status" and capture.get("CallStatus") in ENDED


def sequence_number(capture: Capture) -> int | None:
    value = capture.get("SequenceNumber")
    return int(value) if value is not None and _DIGITS.match(value) else None


def sequence_complete(captures: Iterable[Capture]) -> bool:
    """Whether the status callbacks' SequenceNumbers are 0..n-1 (nothing is still on its way)."""
    numbers = [sequence_number(c) for c in captures if c.kind == "status"]
    whole = [n for n in numbers if n is not None]
    return bool(numbers) and len(whole) == len(numbers) and sorted(whole) == list(range(len(whole)))


def status_captures(captures: Iterable[Capture]) -> list[Capture]:
    return [c for c in captures if c.kind == "status"]


@functools.cache
def _validator(profile: str, webhook: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(webhook_schema(profile, webhook))


@functools.cache
def audio_counters(profile: str) -> tuple[str, ...]:
    """The AudioIn*/AudioOut* counters of the profile's statusCallback schema (the seed's 11 for signalwire)."""
    return tuple(
        name
        for name in webhook_schema(profile, "statusCallback").get("properties", {})
        if name.startswith("Audio")
    )


def _schema_errors(profile: str, webhook: str, capture: Capture) -> list[str]:
    errors = sorted(_validator(profile, webhook).iter_errors(capture.as_dict), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path) or '(params)'}: {e.message}" for e in errors[:5]]


def _names_the_call(ctx: CallbackContext, capture: Capture) -> dict[str, Any]:
    wrong: dict[str, Any] = {}
    if ctx.account_sid is not None and capture.get("AccountSid") != ctx.account_sid:
        wrong["AccountSid"] = {"received": capture.get("AccountSid"), "expected": ctx.account_sid}
    if ctx.call_sid is not None and capture.get("CallSid") != ctx.call_sid:
        wrong["CallSid"] = {"received": capture.get("CallSid"), "expected": ctx.call_sid}
    return wrong


def _reachable_avoiding(avoid: str) -> frozenset[str]:
    """Statuses reachable from queued in the transition graph when `avoid` is taken out."""
    seen: set[str] = {"queued"}
    frontier = ["queued"]
    while frontier:
        for nxt in ALLOWED.get(frontier.pop(), ()):
            if nxt != avoid and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return frozenset(seen)


def went_through(statuses: Iterable[str]) -> frozenset[str]:
    """The statuses a call seen in `statuses` surely passed: those seen, and any that every path to them crosses."""
    seen = {s for s in statuses if s in ALLOWED}
    implied = {
        c for c in STATUSES if c != "queued" and any(s != c and s not in _reachable_avoiding(c) for s in seen)
    }
    return frozenset(seen | implied)


def api_path(ctx: CallbackContext) -> frozenset[str]:
    return went_through([*ctx.observed_statuses, *([ctx.final_status] if ctx.final_status else [])])


# ---------------------------------------------------------------- one callback


@CALLBACK("CB-PARAMS")
def status_callback_params(ctx: CallbackContext, capture: Capture) -> None:
    applicable(capture.kind == "status")
    errors = _schema_errors(ctx.profile, "statusCallback", capture)
    if errors:
        raise Violation(
            "status callback parameters do not match the statusCallback schema",
            received=errors,
            expected="the spec's StatusCallbackParams",
        )


@CALLBACK("CB-RECORDING-PARAMS")
def recording_callback_params(ctx: CallbackContext, capture: Capture) -> None:
    applicable(capture.kind == "recording")
    errors = _schema_errors(ctx.profile, "recordingStatusCallback", capture)
    if errors:
        raise Violation(
            "recording callback parameters do not match the recordingStatusCallback schema",
            received=errors,
            expected="the spec's RecordingStatusCallbackParams",
        )
    wrong = _names_the_call(ctx, capture)
    if wrong:
        raise Violation(
            "recording callback names another account or call", received=wrong, expected="the created call"
        )


@CALLBACK("CB-TIMESTAMP")
def status_callback_timestamp(ctx: CallbackContext, capture: Capture) -> None:
    timestamp = capture.get("Timestamp")
    applicable(
        capture.kind == "status" and timestamp is not None
    )  # a missing Timestamp is CB-PARAMS' to judge
    if parse_rfc2822_date(timestamp) is None:
        raise Violation(
            "Timestamp is not an RFC 2822 date",
            received=timestamp,
            expected="e.g. 'Thu, 04 Apr 2024 18:32:15 +0000'",
        )


@CALLBACK("CB-TIMESTAMP-GMT")
def status_callback_timestamp_gmt(ctx: CallbackContext, capture: Capture) -> None:
    timestamp = capture.get("Timestamp")
    applicable(capture.kind == "status" and parse_rfc2822_date(timestamp) is not None)  # else CB-TIMESTAMP's
    if parse_gmt_date(timestamp) is None:
        raise Violation(
            "Timestamp is not in GMT (+0000)",
            received=timestamp,
            expected="e.g. 'Thu, 04 Apr 2024 18:32:15 +0000'",
        )


@CALLBACK("CB-METHOD")
def status_callback_method(ctx: CallbackContext, capture: Capture) -> None:
    applicable(capture.kind == "status")
    wanted = ctx.method.upper()
    if capture.method != wanted:
        raise Violation(
            "status callback sent with another method than StatusCallbackMethod",
            received=capture.method,
            expected=wanted,
        )
    if wanted == "GET" and (capture.body_format != "query" or not capture.params):
        raise Violation(
            "GET status callback without its parameters in the query string",
            received=capture.body_format,
            expected="query string",
        )
    if wanted == "POST":
        if capture.body_format not in ("form", "json"):
            raise Violation(
                "POST status callback without a form or JSON body",
                received=capture.body_format,
                expected="application/x-www-form-urlencoded body (JSON tolerated)",
            )
        media_type = (capture.header("content-type") or "").split(";")[0].strip().lower()
        if capture.body_format == "form" and media_type != _FORM_TYPE:
            raise Violation(
                "POST status callback body is not declared as a form",
                received=media_type or None,
                expected=_FORM_TYPE,
            )


@CALLBACK("CB-URL-AS-GIVEN")
def status_callback_url(ctx: CallbackContext, capture: Capture) -> None:
    applicable(capture.kind == "status" and ctx.url)
    given, got = urlsplit(str(ctx.url)), urlsplit(capture.url)
    arrived = parse_qsl(got.query, keep_blank_values=True)
    lost = [pair for pair in parse_qsl(given.query, keep_blank_values=True) if pair not in arrived]
    if unquote(got.path) != unquote(given.path) or lost:
        raise Violation(
            "status callback not sent to the StatusCallback URL as given (its path or query string changed)",
            received=capture.url,
            expected=f"{ctx.url} (a GET adds its parameters to that query string)",
        )


@CALLBACK("CB-SIGNATURE")
def callback_signature(ctx: CallbackContext, capture: Capture) -> None:
    applicable(ctx.signing_key)
    names = SIGNATURE_HEADERS[ctx.profile]
    header = next((name for name in names if capture.header(name) is not None), None)
    if header is None:
        raise Violation(
            f"{capture.kind} callback carries no signature header",
            received=sorted(name for name, _ in capture.headers),
            expected=" or ".join(names),
        )
    signature = capture.header(header) or ""
    problem = signature_problem(ctx.signing_key, capture, signature)
    if problem:
        raise Violation(
            f"{capture.kind} callback {header} does not verify: {problem}",
            received=signature,
            expected="base64 HMAC-SHA1 of the URL and sorted parameters, keyed by the signing key",
        )
