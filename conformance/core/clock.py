"""The run's clock: who is acting (a suite test, a scenario or the session), and the seams that make a run
repeatable. The run creates one `Clock` and passes it to everything that reads time or draws identifiers.

Every request the suite makes has an actor: the suite test on the main thread, a scenario on its own
thread, or "session" (the preflight and the end of the run); `clock.acting_as(name)` names the current
thread's. Two things an actor does must come out the same when a run is replayed from cassettes:

- **fresh identifiers** (`fresh_hex`, `fresh_uuid`, `callback_token`) come from a Random seeded with
  the actor's name and the run's seed (random in live runs, fixed when recording and replaying);
- **time** goes through the clock. Live and recording runs sleep and wait for real, and a recording notes,
  per actor, which of its deadline checks (`Deadline.expired`, the checks that decide whether a loop
  makes another request) found the deadline passed, and stamps each answer with when it arrived
  (`stamp`). A replay never sleeps or waits: its deadline checks answer what the recording's did, and
  each actor's clock reads the time its last replayed answer arrived in the recording (`arrived`), so
  that timings judged from answers (LIFE-REACHES-END, CB-FINAL-EVENT) agree with the recording's.
  `Timer`s bound waits on what a replay already has (captured callbacks): a replay's are over at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence

__all__ = ["MODES", "REPLAY_NONCE", "Actor", "Clock", "Deadline", "Timer"]

MODES = ("live", "record", "replay")
REPEATABLE_SEED = "calls-conformance"
REPLAY_NONCE = "0000rec0"
_UNNAMED = "unnamed"


@dataclasses.dataclass
class Actor:
    """One actor: its random source, how many deadline checks it made, and (replay) its clock: when its last
    answer arrived in the recording (monotonic seconds from the recording's start, and wall time)."""

    name: str
    random: random.Random
    checks: int = 0
    now: float = 0.0
    wall: float = 0.0


class Clock:
    """The run's mode and time: real in live and recording runs; instant, and as recorded, in a replay."""

    def __init__(self, mode: str = "live", expiries: Mapping[str, Sequence[int]] | None = None) -> None:
        """A clock in `mode`; a replay takes the recording's expired deadline checks, per actor."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.mode = mode
        # Recording and replaying use the same seed, so that both make the same requests.
        self.seed = secrets.token_hex(8) if mode == "live" else REPEATABLE_SEED
        # Callback tokens start with the nonce: unique per run, so a late callback from an earlier run is
        # never taken for this run's. A recording's nonce is rewritten to REPLAY_NONCE in the cassettes.
        self.nonce = REPLAY_NONCE if mode == "replay" else secrets.token_hex(4)
        self.expiries: dict[str, list[int]] = {}
        self.replay_expiries(expiries or {})
        self._lock = threading.Lock()
        self._local = threading.local()
        self._actors: dict[str, Actor] = {}
        self._origin = time.monotonic()

    def replay_expiries(self, expiries: Mapping[str, Sequence[int]]) -> None:
        """A replay's deadline checks answer these: per actor, the numbers of the checks that expired."""
        self.expiries = {name: list(checks) for name, checks in expiries.items()}

    @property
    def replaying(self) -> bool:
        return self.mode == "replay"

    @property
    def recording(self) -> bool:
        return self.mode == "record"

    # ------------------------------------------------------------------ actors
    def actor(self, name: str) -> Actor:
        """The actor named `name` (made on first use, with its own seeded random source)."""
        with self._lock:
            if name not in self._actors:
                self._actors[name] = Actor(name, random.Random(f"{self.seed}/{name}"))
            return self._actors[name]

    def _stack(self) -> list[Actor]:
        stack: list[Actor] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    @contextlib.contextmanager
    def acting_as(self, name: str) -> Iterator[Actor]:
        """Make `name` the current thread's actor inside the block."""
        stack = self._stack()
        stack.append(self.actor(name))
        try:
            yield stack[-1]
        finally:
            stack.pop()

    def current_actor(self) -> Actor:
        """The current thread's actor (an unnamed shared one outside any `acting_as`)."""
        stack = self._stack()
        return stack[-1] if stack else self.actor(_UNNAMED)

    # ------------------------------------------------------------------ identifiers
    def fresh_hex(self, nbytes: int = 16) -> str:
        """`nbytes` random bytes as hex, from the current actor's random source."""
        return self.current_actor().random.getrandbits(8 * nbytes).to_bytes(nbytes, "big").hex()

    def fresh_uuid(self) -> str:
        """A version-4 UUID from the current actor's random source."""
        return str(uuid.UUID(int=self.current_actor().random.getrandbits(128), version=4))

    def callback_token(self) -> str:
        """A token for one call's callback URLs: the run's nonce and a fresh part."""
        return f"{self.nonce}-{self.fresh_hex(12)}"

    # ------------------------------------------------------------------ time
    def monotonic(self) -> float:
        """Seconds since the run began; in a replay, when the current actor's last answer arrived when recorded."""
        return self.current_actor().now if self.replaying else time.monotonic() - self._origin

    def time(self) -> float:
        """time.time(); in a replay, the wall time the current actor's last answer arrived when recorded."""
        return self.current_actor().wall if self.replaying else time.time()

    def stamp(self) -> str:
        """When an answer arrives, as recorded beside it (`monotonic()` and `time()`)."""
        return f"{self.monotonic():.4f} {self.time():.4f}"

    def arrived(self, stamp: str) -> None:
        """Replay: the current actor's clock moves on to the time this recorded answer arrived."""
        try:
            now, wall = (float(part) for part in stamp.split())
        except ValueError:
            return
        actor = self.current_actor()
        actor.now, actor.wall = max(actor.now, now), max(actor.wall, wall)

    def sleep(self, seconds: float) -> None:
        if not self.replaying and seconds > 0:
            time.sleep(seconds)

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """event.wait(seconds): True when the event is set. A replay does not wait."""
        return event.is_set() if self.replaying else event.wait(max(0.0, seconds))

    def wait_for(self, condition: threading.Condition, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait on `condition` until `predicate()` holds or `timeout` passes; True when it held."""
        timer = self.timer(timeout)
        with condition:
            while not predicate():
                remaining = timer.remaining()
                if remaining <= 0:
                    return False
                condition.wait(remaining)
            return True

    def deadline(self, seconds: float) -> Deadline:
        return Deadline(self, seconds)

    def timer(self, seconds: float) -> Timer:
        return Timer(self, seconds)

    def note_expiry(self, actor: Actor, check: int) -> None:
        """Recording: `actor`'s deadline check number `check` found its deadline passed."""
        with self._lock:
            self.expiries.setdefault(actor.name, []).append(check)


class Deadline:
    """When a loop stops making requests: each `expired()` is a counted check (recorded, and replayed)."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock = clock
        self.seconds = seconds
        self.ends = clock.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.ends - self.clock.monotonic())

    def expired(self) -> bool:
        clock = self.clock
        actor = clock.current_actor()
        actor.checks += 1
        if clock.replaying:
            return actor.checks in clock.expiries.get(actor.name, ())
        passed = clock.monotonic() >= self.ends
        if passed and clock.recording:
            clock.note_expiry(actor, actor.checks)
        return passed


class Timer:
    """A bound on waiting for something a replay already has (captured callbacks): over at once in a replay."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock = clock
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return 0.0 if self.clock.replaying else max(0.0, self.ends - time.monotonic())

    def passed(self) -> bool:
        return self.remaining() <= 0
