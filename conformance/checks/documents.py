"""Checks on the requests an endpoint makes for the documents a call runs: after a Url update (a redirect) of an
answered call, the new document is fetched, with the update's Method, before the deadline.

Kind "document-set": `fn(ctx, captures)` with every request the receiver captured for the new Url's token.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.checks import check
from conformance.failures import Violation

if TYPE_CHECKING:
    from conformance.capture import Capture

__all__ = ["RedirectContext"]


@dataclasses.dataclass(frozen=True)
class RedirectContext:
    """What a redirect asked for: the update's Method, when its 200 arrived (time.time()), and the deadline."""

    method: str
    answered_at: float
    deadline: float

    @property
    def due_by(self) -> float:
        return self.answered_at + self.deadline


@check("UPDATE-REDIRECT-FETCH", "document-set")
def redirect_fetched(ctx: RedirectContext, captures: Sequence[Capture]) -> None:
    fetches = sorted((c for c in captures if c.kind == "document"), key=lambda c: c.received_at)
    wanted = ctx.method.upper()
    if not fetches:
        raise Violation(
            "after a Url update of an in-progress call the new Url was never requested",
            received="no request",
            expected=f"a {wanted} request within {ctx.deadline:g} s",
        )
    in_time = [c for c in fetches if c.received_at <= ctx.due_by]
    if not in_time:
        raise Violation(
            "the new Url was requested only after the deadline",
            received=f"{fetches[0].received_at - ctx.due_by:.1f} s late",
            expected=f"within {ctx.deadline:g} s of the update's answer",
        )
    if not any(c.method == wanted for c in in_time):
        raise Violation(
            "the new Url was requested with another method than the update's Method",
            received=sorted({c.method for c in in_time}),
            expected=wanted,
        )
