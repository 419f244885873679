"""Check functions, each proving one requirement, registered by name.

A check is `fn(ctx, subject) -> None` that raises `Violation` when the subject breaks its requirement.
Kinds: "call" (a Call object), "list" (a list envelope), "response" (any HTTP answer), "callback" (one
captured callback request), "callback-set" (every callback of one call), "document-set" (every request
the endpoint made for a document a redirect or a fallback named) and "callback-update" (a call's callbacks to the
StatusCallback URL the create gave and to the one an update gave).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from conformance.checks.context import CheckContext
from conformance.core.failures import NotApplicable

__all__ = ["CHECKS", "Check", "CheckContext", "all_checks", "applicable", "check"]

KINDS = ("call", "list", "response", "callback", "callback-set", "document-set", "callback-update")

# A check's context depends on its kind (CheckContext, CallbackContext for callbacks, RedirectContext for
# documents): typed per function.
_CheckFn = TypeVar("_CheckFn", bound=Callable[[Any, Any], None])


@dataclasses.dataclass(frozen=True)
class Check:
    """A registered check: its name, the requirement it proves and what it looks at."""

    name: str
    requirement: str
    kind: str
    fn: Callable[[Any, Any], None]


CHECKS: dict[str, Check] = {}


def check(requirement: str, kind: str) -> Callable[[_CheckFn], _CheckFn]:
    """Register `fn` as the check of `requirement` for subjects of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")

    def register(fn: _CheckFn) -> _CheckFn:
        if fn.__name__ in CHECKS:
            raise ValueError(f"check {fn.__name__} registered twice")
        CHECKS[fn.__name__] = Check(fn.__name__, requirement, kind, fn)
        return fn

    return register


def applicable(condition: object) -> None:
    """Stop the check without a verdict unless the subject carries what it judges."""
    if not condition:
        raise NotApplicable


def all_checks() -> dict[str, Check]:
    """Every registered check (importing the modules registers them)."""
    from conformance.checks import (  # noqa: F401
        call_object,
        call_times,
        callback_agreement,
        callback_sets,
        callbacks,
        documents,
        listing,
        moved_callbacks,
        responses,
        spec_conformance,
    )

    return CHECKS
