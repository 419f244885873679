"""The check registry: every requirement the suite judges is judged by functions registered here, each under its
requirement id and a typed kind.

A kind (`Kind[Context, Subject]`) names what a check looks at and what it may know besides; registering is
decorating with the kind, which mypy checks against the function's signature:

    @CALL("CALL-URI")
    def call_uri_names_the_call(ctx: CheckContext, call: Call) -> None: ...

A check raises `Violation` when the subject breaks its requirement, `NotApplicable` when the subject carries
nothing it could judge, and returns otherwise (passed). The verifier (`conformance.harness.verifier`) is the one
dispatcher: it runs every check of a kind on a subject, or one registered check, and records each outcome.
The kinds themselves are in `conformance.checks.kinds`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from conformance.core.signals import NotApplicable

__all__ = ["REGISTRY", "Check", "Kind", "applicable", "check_of", "checks_of"]

Context = TypeVar("Context")
Subject = TypeVar("Subject")


@dataclasses.dataclass(frozen=True)
class Check(Generic[Context, Subject]):
    """A registered check: its name (the function's), the requirement it judges, its kind and the function."""

    name: str
    requirement: str
    kind: Kind[Context, Subject]
    fn: Callable[[Context, Subject], None]

    @property
    def module(self) -> str:
        return self.fn.__module__


# Every check, by name, in registration order; `conformance.checks` imports every module that registers one.
REGISTRY: dict[str, Check[Any, Any]] = {}
_LOCK = threading.Lock()


class Kind(Generic[Context, Subject]):
    """A kind of subject: its name, what it is in words, and (`each`) whether its checks judge the items of a
    sequence one by one. Calling it with a requirement id gives the decorator that registers a check."""

    def __init__(self, name: str, subject: str, *, each: bool = False) -> None:
        self.name = name
        self.subject = subject
        self.each = each

    def __repr__(self) -> str:
        return f"Kind({self.name!r})"

    def __call__(
        self, requirement: str
    ) -> Callable[[Callable[[Context, Subject], None]], Callable[[Context, Subject], None]]:
        """Register the decorated function as a check of `requirement` on subjects of this kind."""

        def register(fn: Callable[[Context, Subject], None]) -> Callable[[Context, Subject], None]:
            with _LOCK:
                if fn.__name__ in REGISTRY:
                    raise ValueError(f"check {fn.__name__} registered twice")
                REGISTRY[fn.__name__] = Check(fn.__name__, requirement, self, fn)
            return fn

        return register

    def checks(self) -> tuple[Check[Context, Subject], ...]:
        """The checks of this kind, in registration order."""
        return tuple(c for c in REGISTRY.values() if c.kind is self)


def check_of(fn: Callable[[Context, Subject], None]) -> Check[Context, Subject]:
    """The registered check that `fn` is; ValueError when it is not one (a bug of the suite)."""
    entry = REGISTRY.get(getattr(fn, "__name__", ""))
    if entry is None or entry.fn is not fn:
        raise ValueError(f"{getattr(fn, '__qualname__', fn)!r} is not a registered check")
    return entry


def checks_of(requirement: str) -> tuple[Check[Any, Any], ...]:
    """The checks that judge `requirement`."""
    return tuple(c for c in REGISTRY.values() if c.requirement == requirement)


def applicable(condition: object) -> None:
    """Stop the check without a verdict unless the subject carries what it judges."""
    if not condition:
        raise NotApplicable
