"""Checks that a call's status callbacks agree with the Call object the API shows for it: the parameters that
name the call, the final event's CallDuration, and the instant each Timestamp names.

The Call object is the one fetched once the call had ended (`CallbackContext.call`); without it, only what the
create's answer told (the call's sid and the account) is compared.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from conformance.checks.callbacks import is_final, sequence_number, status_captures
from conformance.checks.context import CallbackContext
from conformance.checks.kinds import CALLBACK, CALLBACK_SET
from conformance.checks.registry import applicable
from conformance.checks.values import parse_rfc2822_date, parse_time, same_address
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.core.statuses import ENDED, UNANSWERED_ENDS

if TYPE_CHECKING:
    from conformance.core.capture import Capture

__all__ = ["CLOCK_SKEW", "RESOLUTION", "agrees"]

# A Timestamp and the Call's own dates come from one clock and are whole seconds: they may differ by 1 s.
RESOLUTION = dt.timedelta(seconds=1)
# A Timestamp and the moment the receiver got the callback come from two machines' clocks: a CI runner's may
# drift this far from the endpoint's without the endpoint being wrong.
CLOCK_SKEW = dt.timedelta(seconds=60)
_DIGITS = re.compile(r"^[0-9]+$")
_OUTBOUND = frozenset({"outbound", "outbound-api", "outbound-dial"})
# The parameters that name the call, and the Call field each one names.
_NAMES = (("To", "to"), ("From", "from"), ("Direction", "direction"))


def agrees(parameter: str, shown: str, sent: str) -> bool:
    """Whether a callback's `parameter` value `sent` names what the Call object shows as `shown`.

    Numbers agree when they are the same number (a provider may format one); a direction agrees with itself,
    and SignalWire's two-valued `outbound` with either outbound form its callbacks send (contract, Responses).
    """
    if sent == shown:
        return True
    if parameter == "Direction":
        return "outbound" in (sent, shown) and {sent, shown} <= _OUTBOUND
    return bool(same_address(shown, sent)) if parameter in ("To", "From") else False


def _expected(ctx: CallbackContext) -> dict[str, str]:
    """What each naming parameter must be: the create's call sid and the path's account, the Call's fields."""
    wanted = {"CallSid": ctx.call_sid, "AccountSid": ctx.account_sid}
    call = ctx.call or {}
    wanted.update({param: call.get(field) for param, field in _NAMES})
    return {k: v for k, v in wanted.items() if isinstance(v, str) and v}


@CALLBACK("CB-AGREES-WITH-CALL")
def status_callback_names_the_call(ctx: CallbackContext, capture: Capture) -> None:
    applicable(capture.kind == "status")
    wanted = _expected(ctx)
    sent = {k: capture.get(k) for k in wanted}  # a parameter that is missing is CB-PARAMS' to judge
    wrong = {
        k: {"received": v, "expected": wanted[k]}
        for k, v in sent.items()
        if v and not agrees(k, wanted[k], v)
    }
    applicable(any(sent.values()))
    if wrong:
        raise Violation(
            "status callback parameters name the call otherwise than the Call object",
            received=wrong,
            expected="the created call's sid, the account, and the Call's to, from and direction",
        )


def _api_duration(call: Mapping[str, Any] | None) -> int | None:
    """The ended call's `duration` in whole seconds (twilio's digits, or its empty value for an unanswered call)."""
    if not call or call.get("status") not in ENDED:
        return None
    value = call.get("duration")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return 0 if value in (None, "") and call.get("status") in UNANSWERED_ENDS else None


@CALLBACK_SET("CB-DURATION-MATCHES")
def final_duration_is_the_calls(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    reported = _api_duration(ctx.call)
    finals = [c for c in captures if is_final(c) and _DIGITS.match(c.get("CallDuration") or "")]
    applicable(finals and reported is not None)
    off = [
        c.get("CallDuration") for c in finals if abs(int(str(c.get("CallDuration"))) - int(str(reported))) > 1
    ]
    if off:
        raise Violation(
            "the final status callback's CallDuration is not the ended call's duration (±1 s)",
            received=off,
            expected=f"{reported} (the Call's duration), ±1",
        )


def _stamped(captures: Sequence[Capture]) -> list[tuple[Capture, dt.datetime]]:
    """The status callbacks with an RFC 2822 Timestamp (others are CB-TIMESTAMP's), in SequenceNumber order."""
    found = [(c, parse_rfc2822_date(c.get("Timestamp"))) for c in status_captures(captures)]
    stamped = [(c, t) for c, t in found if t is not None]
    return sorted(stamped, key=lambda ct: (sequence_number(ct[0]) is None, sequence_number(ct[0]) or 0))


@CALLBACK_SET("CB-TIMESTAMP-INSTANT")
def timestamps_name_their_instants(ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    created = parse_time((ctx.call or {}).get("date_created"))
    stamped = _stamped(captures)
    if not stamped or created is None:
        raise NotApplicable
    for capture, moment in stamped:
        arrived = dt.datetime.fromtimestamp(capture.received_at, dt.UTC)
        if moment < created - RESOLUTION or moment > arrived + CLOCK_SKEW:
            raise Violation(
                f"the {capture.get('CallStatus')} callback's Timestamp names an instant outside the event's time",
                received=capture.get("Timestamp"),
                expected=f"from the call's date_created ({(ctx.call or {}).get('date_created')}) to when it "
                f"arrived ({arrived:%a, %d %b %Y %H:%M:%S} +0000, ±{CLOCK_SKEW.seconds} s for clocks)",
            )
    for (earlier, at), (later, then) in itertools.pairwise(stamped):
        if then < at:
            raise Violation(
                "a later callback (by SequenceNumber) names an earlier instant than the one before it",
                received={
                    earlier.get("CallStatus"): earlier.get("Timestamp"),
                    later.get("CallStatus"): later.get("Timestamp"),
                },
                expected="Timestamps that never go back in SequenceNumber order",
            )
