"""What the running scenarios are doing, for a user watching a long run: which are running, which are waiting, and
on what ("3 of 14 scenarios waiting for in-progress, 12 s").

Scenarios say what they wait on (`Progress.waiting`); while they run, a thread hands the board's line to a `sink`
every `every` seconds (the terminal decides what to show: `conformance.pytest.terminal`). Without a sink nothing is shown.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Protocol

from conformance.core.clock import Clock

__all__ = ["Progress", "Sink"]

RUNNING = "running"
DONE = "done"


class Sink(Protocol):
    """Where progress lines go: `update` often while scenarios run, `close` once they are over."""

    def update(self, line: str) -> None: ...

    def close(self) -> None: ...


class Progress:
    """Each scenario's state, by actor name, and the one line that sums them up."""

    def __init__(self, clock: Clock, every: float = 0.5) -> None:
        self.clock = clock
        self.every = every
        self.sink: Sink | None = None
        self._states: dict[str, str] = {}
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def note(self, state: str) -> None:
        """The current actor (a scenario) is now `state` ("waiting for in-progress", "running", "done")."""
        name = self.clock.current_actor().name
        with self._lock:
            if name in self._states:
                self._states[name] = state

    @contextlib.contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        """The current actor waits for `what` inside the block, then runs on."""
        self.note(f"waiting for {what}")
        try:
            yield
        finally:
            self.note(RUNNING)

    def line(self) -> str:
        """ "15 scenarios, 12 s: 3 waiting for in-progress, 2 waiting for callbacks, 4 running, 6 done"."""
        with self._lock:
            states = list(self._states.values())
        counts: dict[str, int] = {}
        for state in sorted(states, key=lambda s: (s == DONE, s == RUNNING, s)):
            counts[state] = counts.get(state, 0) + 1
        parts = ", ".join(f"{n} {state}" for state, n in counts.items())
        return f"{len(states)} scenarios, {time.monotonic() - self._started:.0f} s: {parts}"

    @contextlib.contextmanager
    def shown(self, names: Iterable[str]) -> Iterator[None]:
        """Track `names` (actor names) inside the block; the sink gets the line every `every` seconds."""
        with self._lock:
            self._states = dict.fromkeys(names, RUNNING)
        self._started = time.monotonic()
        stop = threading.Event()
        sink = self.sink
        thread = threading.Thread(target=self._tick, args=(sink, stop), name="progress", daemon=True)
        if sink is not None:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if sink is not None:
                thread.join(timeout=5)
                sink.close()

    def _tick(self, sink: Sink, stop: threading.Event) -> None:
        while not stop.wait(self.every):
            sink.update(self.line())
