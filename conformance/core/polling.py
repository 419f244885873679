"""The one polling loop: a step, then the deadline check, then a pause, until the step decides.

Every loop of the suite that makes requests until something happens goes through `poll`, so each makes
the same requests and the same counted deadline checks (`Deadline.expired`) in a recording and its replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from conformance.core.clock import Deadline

__all__ = ["backoff", "poll"]


def poll(
    step: Callable[[], bool | None],
    deadline: Deadline,
    pause: Callable[[float], bool],
    intervals: Iterable[float],
) -> bool:
    """Take `step` until it returns True (done) or False (give up); None means not yet.

    After each undecided step the deadline is checked (False once it has passed), then `pause(interval)`
    waits with the next of `intervals`, returning True to stop polling (False is returned then).
    """
    for interval in intervals:
        decided = step()
        if decided is not None:
            return decided
        if deadline.expired() or pause(interval):
            return False
    return False


def backoff(first: float, factor: float = 1.0, most: float | None = None) -> Iterator[float]:
    """Intervals from `first`, each `factor` times the one before, never above `most`: endless."""
    interval = first
    while True:
        yield interval
        interval = interval * factor if most is None else min(interval * factor, most)
