"""The log of captured callbacks, which scenarios wait on (bounded by the run's clock, never fixed sleeps)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from conformance.core.capture import Capture
from conformance.core.clock import Clock

__all__ = ["CaptureLog"]


class CaptureLog:
    """Thread-safe list of captures with a condition to wait on.

    It remembers, per token, how many captures `for_token` has shown (what a judgment saw): a recording
    keeps those (`shown`), so that a replay judges what the recorded run judged, not what came later.
    """

    def __init__(self, clock: Clock, captures: Iterable[Capture] = ()) -> None:
        self.clock = clock
        self._captures: list[Capture] = list(captures)
        self._changed = threading.Condition()
        self._shown: dict[str, int] = {}

    def add(self, capture: Capture) -> None:
        with self._changed:
            self._captures.append(capture)
            self._changed.notify_all()

    def all(self) -> list[Capture]:
        with self._changed:
            return list(self._captures)

    def for_token(self, token: str, kind: str | None = None) -> list[Capture]:
        with self._changed:
            mine = [c for c in self._captures if c.token == token]
            self._shown[token] = max(self._shown.get(token, 0), len(mine))
            return [c for c in mine if kind is None or c.kind == kind]

    def shown(self) -> list[Capture]:
        """The captures `for_token` has returned so far, in arrival order."""
        with self._changed:
            counts: dict[str, int] = {}
            kept = []
            for capture in self._captures:
                counts[capture.token] = counts.get(capture.token, 0) + 1
                if counts[capture.token] <= self._shown.get(capture.token, 0):
                    kept.append(capture)
            return kept

    def wait(self, predicate: Callable[[list[Capture]], bool], timeout: float) -> bool:
        """Wait until `predicate(all captures)` holds or `timeout` seconds pass; True when it held."""
        return self.clock.wait_for(self._changed, lambda: predicate(list(self._captures)), timeout)
