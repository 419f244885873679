"""Checks on the set of callbacks one call produced: their numbering, their path through the statuses, the
final event (its arrival, media counters and duration), the events requested and no others, and the final
recording callback. Kind "callback-set": `fn(ctx, captures)` with every capture of one call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.checks.callbacks import (
    EVENT_OF_STATUS,
    FINAL_RECORDING_STATUSES,
    INTERMEDIATE_EVENTS,
    api_path,
    audio_counters,
    is_final,
    sequence_number,
    status_captures,
)
from conformance.checks.context import CallbackContext
from conformance.checks.kinds import CALLBACK_SET
from conformance.checks.registry import applicable
from conformance.core.failures import Violation
from conformance.core.statuses import CALLBACK_STATUSES, DIALED, ENDED, UNANSWERED_ENDS, first_illegal_step

if TYPE_CHECKING:
    from conformance.core.capture import Capture

__all__: list[str] = []

_DIGITS = re.compile(r"^[0-9]+$")


@CALLBACK_SET("CB-SEQUENCE")
def status_callback_sequence_numbers(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    status = status_captures(captures)
    applicable(status)
    raw = [c.get("SequenceNumber") for c in status]
    numbers = [sequence_number(c) for c in status]
    if None in numbers:
        raise Violation(
            "SequenceNumber is missing or not a whole number", received=raw, expected="0, 1, 2, …"
        )
    ordered = sorted(n for n in numbers if n is not None)
    if ordered != list(range(len(ordered))):
        raise Violation(
            "SequenceNumbers of one call's callbacks are not 0..n-1, each once",
            received=ordered,
            expected=list(range(len(ordered))),
        )


@CALLBACK_SET("CB-STATUS-PATH")
def status_callback_path(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    status = status_captures(captures)
    applicable(status)
    unknown = [c.get("CallStatus") for c in status if c.get("CallStatus") not in CALLBACK_STATUSES]
    if unknown:
        raise Violation(
            "callback CallStatus is not a call status or initiated",
            received=unknown,
            expected=list(CALLBACK_STATUSES),
        )
    # In SequenceNumber order (arrival order where it is missing): CB-SEQUENCE judges the numbers themselves.
    ordered = sorted(
        enumerate(status), key=lambda ic: (sequence_number(ic[1]) is None, sequence_number(ic[1]) or 0, ic[0])
    )
    path = [str(c.get("CallStatus")) for _, c in ordered]
    step = first_illegal_step(path)
    if step is not None:
        raise Violation(
            f"callbacks report an impossible transition {step[0]} -> {step[1]}",
            received=path,
            expected="a path of the transition graph",
        )
    finals = [s for s in path if s in ENDED]
    if finals and ctx.final_status is not None and finals[-1] != ctx.final_status:
        raise Violation(
            "the final callback's CallStatus is not the status the call ended in",
            received=finals[-1],
            expected=ctx.final_status,
        )


@CALLBACK_SET("CB-FINAL-EVENT")
def final_event_arrives(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    applicable("completed" in ctx.requested_events and ctx.final_status is not None)
    finals = [c for c in captures if is_final(c)]
    if not finals:
        raise Violation(
            "no status callback for the call's end (the `completed` event) arrived",
            received=[c.get("CallStatus") for c in status_captures(captures)],
            expected=ctx.final_status,
        )
    first = min(c.received_at for c in finals)
    if ctx.deadline_at is not None and first > ctx.deadline_at:
        raise Violation(
            "the final status callback arrived after the deadline",
            received=f"{first - ctx.deadline_at:.1f} s late",
            expected="before the deadline",
        )


@CALLBACK_SET("CB-INTERMEDIATE-EVENTS")
def requested_events_and_no_others(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    status = status_captures(captures)
    went = api_path(ctx)
    due = [e for e in INTERMEDIATE_EVENTS if e in ctx.requested_events and _event_due(e, went)]
    applicable(status or due)
    events = [EVENT_OF_STATUS.get(str(c.get("CallStatus"))) for c in status]
    unrequested = sorted({e for e in events if e is not None and e not in ctx.requested_events})
    if unrequested:
        raise Violation(
            "callbacks arrived for events that were not requested",
            received=unrequested,
            expected=sorted(ctx.requested_events),
        )
    missing = [e for e in due if e not in events]
    if missing:
        raise Violation(
            "requested events the call went through sent no callback", received=missing, expected=due
        )


def _event_due(event: str, went: frozenset[str]) -> bool:
    if event == "initiated":
        return bool(went & DIALED)
    if event == "ringing":
        return "ringing" in went
    return "in-progress" in went


@CALLBACK_SET("CB-MEDIA-FINAL")
def final_event_media(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    finals = [c for c in captures if is_final(c)]
    counters = audio_counters(ctx.profile)
    applicable(finals and counters)
    missing = sorted({n for c in finals for n in counters if c.get(n) in (None, "")})
    if missing:
        raise Violation(
            "the final status callback lacks media counters", received=missing, expected="present"
        )


@CALLBACK_SET("CB-MEDIA-EARLY")
def earlier_event_media(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    earlier = [c for c in status_captures(captures) if not is_final(c)]
    counters = audio_counters(ctx.profile)
    applicable(earlier and counters)
    missing = {str(c.get("CallStatus")): [n for n in counters if c.get(n) in (None, "")] for c in earlier}
    missing = {status: names for status, names in missing.items() if names}
    if missing:
        raise Violation("earlier status callbacks lack media counters", received=missing, expected="present")


@CALLBACK_SET("CB-DURATION-FINAL")
def final_event_duration(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    finals = [c for c in captures if is_final(c)]
    applicable(finals)
    for capture in finals:
        duration = capture.get("CallDuration")
        if duration is None or not _DIGITS.match(duration):
            raise Violation(
                "the final status callback lacks a whole-seconds CallDuration",
                received=duration,
                expected="a whole number of seconds",
            )
        ended = ctx.final_status or str(capture.get("CallStatus"))
        if ended in UNANSWERED_ENDS and int(duration) != 0:
            raise Violation(
                f"CallDuration of a call that ended {ended} without being answered is not 0",
                received=duration,
                expected="0",
            )


@CALLBACK_SET("CB-RECORDING-PARAMS")
def final_recording_event_arrives(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    applicable(ctx.record and ctx.final_status is not None and "completed" in ctx.recording_events)
    statuses = [c.get("RecordingStatus") for c in captures if c.kind == "recording"]
    if not any(s in FINAL_RECORDING_STATUSES for s in statuses):
        raise Violation(
            "a call created with Record=true sent no final recording callback",
            received=statuses,
            expected=f"one of {sorted(FINAL_RECORDING_STATUSES)}",
        )
