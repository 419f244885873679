"""Checks on the time fields of every Call object the suite sees, across its lifecycle: dates in order, start and
end times null or set by status, and the duration (0 unanswered, within the call)."""

from __future__ import annotations

from typing import Any

from conformance.checks.call_object import DATE_FIELDS
from conformance.checks.context import CheckContext
from conformance.checks.kinds import CALL
from conformance.checks.registry import applicable
from conformance.checks.values import Call, is_number, parse_time, status_in
from conformance.core.failures import Violation
from conformance.core.statuses import ACTIVE, STATUSES, UNANSWERED_ENDS

__all__: list[str] = []


def _times(call: Call) -> dict[str, Any]:
    return {f: parse_time(call.get(f)) for f in DATE_FIELDS}


@CALL("TIME-UPDATED-AFTER-CREATED")
def time_updated_not_before_created(ctx: CheckContext, call: Call) -> None:
    t = _times(call)
    applicable(t["date_created"] and t["date_updated"])
    if t["date_updated"] < t["date_created"]:
        raise Violation(
            "`date_updated` is before `date_created`",
            received={f: call[f] for f in ("date_created", "date_updated")},
            expected="updated >= created",
        )


@CALL("TIME-START-AFTER-CREATED")
def time_start_not_before_created(ctx: CheckContext, call: Call) -> None:
    t = _times(call)
    applicable(t["date_created"] and t["start_time"])
    if (t["date_created"] - t["start_time"]).total_seconds() > 1:
        raise Violation(
            "`start_time` is more than 1 s before `date_created`",
            received={f: call[f] for f in ("date_created", "start_time")},
            expected="start >= created - 1 s",
        )


@CALL("TIME-START-NULL-WHILE-QUEUED")
def time_start_null_while_queued(ctx: CheckContext, call: Call) -> None:
    applicable(call.get("status") == "queued" and "start_time" in call)
    if call["start_time"] is not None:
        raise Violation("a queued call has a `start_time`", received=call["start_time"], expected="null")


@CALL("TIME-END-NULL-WHILE-ACTIVE")
def time_end_null_while_active(ctx: CheckContext, call: Call) -> None:
    applicable(status_in(call, ACTIVE) and "end_time" in call)
    if call["end_time"] is not None:
        raise Violation(
            f"a {call['status']} call has an `end_time`", received=call["end_time"], expected="null"
        )


@CALL("TIME-END-SET-WHEN-ENDED")
def time_end_set_when_ended(ctx: CheckContext, call: Call) -> None:
    status = call.get("status")
    applicable(status in STATUSES and status not in ACTIVE and "end_time" in call)
    if call["end_time"] is None:
        applicable(not (status == "canceled" and call.get("start_time") is None))
        raise Violation(f"a {status} call has no `end_time`", received=None, expected="an RFC 2822 date")


@CALL("TIME-END-AFTER-START")
def time_end_not_before_start(ctx: CheckContext, call: Call) -> None:
    t = _times(call)
    applicable(t["start_time"] and t["end_time"])
    if t["end_time"] < t["start_time"]:
        raise Violation(
            "`end_time` is before `start_time`",
            received={f: call[f] for f in ("start_time", "end_time")},
            expected="end >= start",
        )


def _duration(call: Call) -> float | None:
    value = call.get("duration")
    if is_number(value):
        return float(value)
    if isinstance(value, str) and value.strip().isdigit():
        return float(value)
    return None


@CALL("TIME-DURATION-UNANSWERED-ZERO")
def time_duration_zero_when_unanswered(ctx: CheckContext, call: Call) -> None:
    applicable(status_in(call, UNANSWERED_ENDS) and "duration" in call)
    value = call["duration"]
    if ctx.profile == "twilio" and value in (None, ""):
        return
    if _duration(call) != 0:
        raise Violation(f"a {call['status']} call has a non-zero duration", received=value, expected=0)


@CALL("TIME-DURATION-BOUNDED")
def time_duration_within_call(ctx: CheckContext, call: Call) -> None:
    t = _times(call)
    duration = _duration(call)
    applicable(duration is not None and t["start_time"] and t["end_time"])
    span = (t["end_time"] - t["start_time"]).total_seconds()
    if duration > span + 1:
        raise Violation(
            "`duration` exceeds end_time - start_time + 1 s",
            received=call["duration"],
            expected=f"<= {span + 1:g}",
        )
