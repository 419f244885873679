"""The one place the suite reaches into Hypothesis internals: no constants drawn from the project's source.

Hypothesis now and then draws a constant found in the source of the modules loaded in the process. Which
modules are loaded differs between a recording (the reference endpoint's are) and a replay, so a run with
cassettes must draw none, or the replay would ask what the recording never did. Hypothesis has no setting
for this: `without_local_constants()` replaces its private provider hook, and the function it returns puts
the hook back (the run calls it when the session ends).

The private API is checked before it is touched: when it is not the one this was tested with, a
`HypothesisSeamError` names the installed Hypothesis version instead of a silent change of behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from types import ModuleType
from typing import Any

import hypothesis

from conformance.core.errors import HarnessError

__all__ = ["TESTED_WITH", "HypothesisSeamError", "check_seam", "without_local_constants"]

# The Hypothesis releases this seam was tried with (pyproject.toml pins the same range).
TESTED_WITH = "6.131.9 to 6.170.17"
_HOOK = "_get_local_constants"


class HypothesisSeamError(HarnessError):
    """Hypothesis's private API is not the one the seam was tested with (the run cannot be made repeatable)."""


def _unexpected(what: str) -> HypothesisSeamError:
    return HypothesisSeamError(
        f"Hypothesis {hypothesis.__version__}: {what}; calls-conformance disables Hypothesis's local constants "
        f"through a private hook tested with Hypothesis {TESTED_WITH} (see conformance/core/hypothesis_seam.py)"
    )


def check_seam() -> ModuleType:
    """The module holding the hook, once its shape is the tested one; HypothesisSeamError otherwise."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError as exc:
        raise _unexpected(f"hypothesis.internal.conjecture.providers cannot be imported ({exc})") from None
    if not callable(getattr(providers, _HOOK, None)):
        raise _unexpected(f"providers.{_HOOK} is missing")
    if not callable(getattr(providers, "Constants", None)):
        raise _unexpected("providers.Constants is missing")
    cache: Any = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    if not callable(getattr(cache, "clear", None)):
        raise _unexpected("providers.CONSTANTS_CACHE.cache is missing")
    provider = getattr(providers, "HypothesisProvider", None)
    local = vars(provider).get("_local_constants") if isinstance(provider, type) else None
    if not (isinstance(local, cached_property) and _HOOK in local.func.__code__.co_names):
        raise _unexpected(f"HypothesisProvider no longer reads its local constants through {_HOOK}")
    return providers


def without_local_constants() -> Callable[[], None]:
    """Make Hypothesis draw no constant from the project's source; returns the function that undoes it."""
    providers = check_seam()
    original = getattr(providers, _HOOK)
    empty = providers.Constants()

    def no_local_constants() -> Any:
        return empty

    setattr(providers, _HOOK, no_local_constants)
    providers.CONSTANTS_CACHE.cache.clear()

    def undo() -> None:
        if getattr(providers, _HOOK) is no_local_constants:
            setattr(providers, _HOOK, original)
            providers.CONSTANTS_CACHE.cache.clear()

    return undo
