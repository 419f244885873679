"""Checks on the requests an endpoint makes for the documents a call runs: after a Url update (a redirect) of an
answered call, the new document is fetched, with the update's Method, before the deadline; when fetching the
call's Url fails (no connection, a non-2xx answer, a body that is no LaML document), its FallbackUrl is fetched,
with FallbackMethod, before the deadline, for a create and after a Url update alike.

Kind "document-set": `fn(ctx, captures)` with every request the receiver captured for the awaited document's token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.checks.context import DocumentContext
from conformance.checks.kinds import DOCUMENT_SET
from conformance.checks.registry import applicable
from conformance.core.failures import Violation

if TYPE_CHECKING:
    from conformance.core.capture import Capture

__all__: list[str] = []


def _requested(ctx: DocumentContext, captures: Sequence[Capture]) -> None:
    """The document was requested by the deadline, with the Method asked for."""
    fetches = sorted((c for c in captures if c.kind == "document"), key=lambda c: c.received_at)
    wanted = ctx.method.upper()
    if not fetches:
        raise Violation(
            f"{ctx.cause} {ctx.what} was never requested",
            received="no request",
            expected=f"a {wanted} request within {ctx.deadline:g} s",
        )
    in_time = [c for c in fetches if c.received_at <= ctx.due_by]
    if not in_time:
        raise Violation(
            f"{ctx.cause} {ctx.what} was requested only after the deadline",
            received=f"{fetches[0].received_at - ctx.due_by:.1f} s late",
            expected=f"within {ctx.deadline:g} s",
        )
    if not any(c.method == wanted for c in in_time):
        raise Violation(
            f"{ctx.cause} {ctx.what} was requested with another method than the one asked for",
            received=sorted({c.method for c in in_time}),
            expected=wanted,
        )


@DOCUMENT_SET("UPDATE-REDIRECT-FETCH")
def redirect_fetched(ctx: DocumentContext, captures: Sequence[Capture]) -> None:
    applicable(ctx.kind == "redirect")
    _requested(ctx, captures)


@DOCUMENT_SET("CREATE-FALLBACK")
def fallback_fetched_for_a_create(ctx: DocumentContext, captures: Sequence[Capture]) -> None:
    applicable(ctx.kind == "create-fallback")
    _requested(ctx, captures)


@DOCUMENT_SET("UPDATE-FALLBACK")
def fallback_fetched_after_an_update(ctx: DocumentContext, captures: Sequence[Capture]) -> None:
    applicable(ctx.kind == "update-fallback")
    _requested(ctx, captures)
