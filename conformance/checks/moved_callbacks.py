"""Checks on where a call's callbacks go once an update of the active call gave it another StatusCallback (and
StatusCallbackMethod): the final status callback goes to the new URL with the new method, and the URL the update
replaced gets nothing the call did afterwards (the call was in progress when updated, so that is its end).

Kind "callback-update": `fn(ctx, captures)` with every capture under the old URL's token and the new one's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.checks.callbacks import is_final
from conformance.checks.context import CallbackUpdateContext
from conformance.checks.kinds import CALLBACK_MOVE
from conformance.checks.registry import applicable
from conformance.core.failures import Violation

if TYPE_CHECKING:
    from conformance.core.capture import Capture

__all__: list[str] = []


def _where(ctx: CallbackUpdateContext, capture: Capture) -> str:
    return {ctx.old_token: "old URL", ctx.new_token: "new URL"}.get(capture.token, capture.token)


@CALLBACK_MOVE("UPDATE-STATUS-CALLBACK")
def final_callback_at_the_new_url(ctx: CallbackUpdateContext, captures: Sequence[Capture]) -> None:
    finals = sorted(
        (c for c in captures if c.token == ctx.new_token and is_final(c)), key=lambda c: c.received_at
    )
    seen = [(_where(ctx, c), c.method, c.get("CallStatus")) for c in captures if c.kind == "status"]
    if not finals:
        raise Violation(
            "after an update set StatusCallback, the call's final status callback never reached the new URL",
            received=seen,
            expected=f"the final event at the new URL within {ctx.deadline:g} s of the end",
        )
    if finals[0].received_at > ctx.ended_at + ctx.deadline:
        raise Violation(
            "the final status callback reached the new URL only after the deadline",
            received=f"{finals[0].received_at - ctx.ended_at - ctx.deadline:.1f} s late",
            expected=f"within {ctx.deadline:g} s of the end",
        )
    if not any(c.method == ctx.method.upper() for c in finals):
        raise Violation(
            "the final status callback reached the new URL with another method than the updated "
            "StatusCallbackMethod",
            received=sorted({c.method for c in finals}),
            expected=ctx.method.upper(),
        )


@CALLBACK_MOVE("UPDATE-STATUS-CALLBACK-OLD")
def nothing_more_at_the_old_url(ctx: CallbackUpdateContext, captures: Sequence[Capture]) -> None:
    old = [c for c in captures if c.token == ctx.old_token and c.kind == "status"]
    applicable(any(c.token == ctx.new_token for c in captures) or old)
    late = [c.get("CallStatus") for c in old if is_final(c)]
    if late:
        raise Violation(
            "the StatusCallback URL an update replaced still got the call's final status callback",
            received=late,
            expected="no callback for what the call did after the update (its end)",
        )
