"""Scenarios: lifecycle and callback stories over real calls, registered by name and run concurrently.

A scenario is `fn(suite) -> None` that acts through the suite's client and judges through its verifier.
All scenarios of a run start together, so the run costs about its longest scenario, not their sum. Each
runs in a verifier scope of its own; what it ended in is kept for its test (`suite/test_scenarios.py`).
Each declares its `Needs` (capabilities, the calls it creates at most): the run's plan admits it by them, and
while the suite waits for them its progress board says what each one waits on.

They may also start in the background (`start_in_background`), beside the suite tests that do not depend on them
(the run decides which: `conformance.pytest.plugin`), so that their waiting on calls overlaps those tests'; a test
that needs them over waits for them (`wait_background`), and their tests collect the results (`run_scenarios`
finds the run already started).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from conformance.core.failures import ConformanceFailure
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Conditions, Needs

__all__ = [
    "SCENARIOS",
    "SCENARIO_ACTOR",
    "Scenario",
    "ScenarioResult",
    "join_background",
    "run_scenarios",
    "scenario",
    "scenario_actor",
    "start_in_background",
    "wait_background",
]


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A named story, the requirements it judges and what it needs of the run."""

    name: str
    requirements: tuple[str, ...]
    needs: Needs
    fn: Callable[[Harness], None]


@dataclasses.dataclass
class ScenarioResult:
    """How a scenario ended: its MUST failures (already recorded), what it could not judge, or the exception
    that stopped it (a harness error or a bug of the suite); and how long it took."""

    duration: float
    failures: list[ConformanceFailure] = dataclasses.field(default_factory=list)
    not_judged: NotJudged | None = None
    error: Exception | None = None


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str,
    *requirements: str,
    needs: tuple[str, ...] = ("create",),
    calls: int | Callable[[Conditions], int] = 1,
    tier: str = "core",
    partial: bool = False,
) -> Callable[[Callable[[Harness], None]], Callable[[Harness], None]]:
    """Register `fn` as the scenario `name`, judging `requirements`, needing the capabilities `needs` and creating
    at most `calls` calls (the budget serves it in `tier`; `partial`: it judges with fewer calls too)."""

    def register(fn: Callable[[Harness], None]) -> Callable[[Harness], None]:
        if name in SCENARIOS:
            raise ValueError(f"scenario {name} registered twice")
        SCENARIOS[name] = Scenario(name, requirements, Needs(needs, calls, tier, partial), fn)
        return fn

    return register


SCENARIO_ACTOR = "scenario:"


def scenario_actor(name: str) -> str:
    """The actor name of a scenario (its requests and deadline checks are recorded under it)."""
    return f"{SCENARIO_ACTOR}{name}"


def _run_one(harness: Harness, item: Scenario) -> ScenarioResult:
    started = time.monotonic()
    result = ScenarioResult(0.0)
    with (
        harness.verifier.scope(scenario_actor(item.name)) as scope,
        harness.clock.acting_as(scenario_actor(item.name)),
    ):
        try:
            harness.admit(item.needs.capabilities)
            item.fn(harness)
        except NotJudged as stop:
            result.not_judged = stop
        except Exception as exc:  # EndpointUnavailable or a bug of the suite: reported by the scenario's test
            result.error = exc
        finally:
            harness.progress.note("done")
    result.failures = scope.failures
    result.duration = time.monotonic() - started
    return result


def run_scenarios(harness: Harness, scenarios: Mapping[str, Scenario]) -> dict[str, ScenarioResult]:
    """Every scenario's result: those of the run started in the background for the same scenarios (waited for),
    else of running them all at once now (one thread each). Records wall time and durations in harness.metrics."""
    started = _background_of(harness)
    if started is not None and started.names == frozenset(scenarios):
        return started.results()
    with harness.progress.shown([scenario_actor(name) for name in scenarios]):
        return _run_all(harness, scenarios)


def _run_all(
    harness: Harness, scenarios: Mapping[str, Scenario], over: set[str] | None = None
) -> dict[str, ScenarioResult]:
    """Run them at once, one thread each; `over` gets each one's name as it ends."""
    started = time.monotonic()

    def one(name: str, item: Scenario) -> ScenarioResult:
        try:
            return _run_one(harness, item)
        finally:
            if over is not None:
                over.add(name)

    with ThreadPoolExecutor(max(1, len(scenarios)), thread_name_prefix="scenario") as pool:
        futures = {name: pool.submit(one, name, item) for name, item in scenarios.items()}
        results = {name: future.result() for name, future in futures.items()}
    harness.metrics["scenarios"] = {
        "wall": time.monotonic() - started,
        "durations": {name: r.duration for name, r in results.items()},
    }
    return results


class _Background:
    """Scenarios running beside the suite's tests: their results once all are over."""

    def __init__(self, harness: Harness, scenarios: Mapping[str, Scenario]) -> None:
        self.harness = harness
        self.names = frozenset(scenarios)
        self.done: Future[dict[str, ScenarioResult]] = Future()
        self._over: set[str] = set()
        self._thread = threading.Thread(
            target=self._run, args=(dict(scenarios),), name="scenarios", daemon=True
        )
        self._thread.start()

    def _run(self, scenarios: dict[str, Scenario]) -> None:
        try:
            self.done.set_result(_run_all(self.harness, scenarios, self._over))
        except BaseException as exc:  # a bug of the runner: every scenario's test reports it
            self.done.set_exception(exc)

    def results(self) -> dict[str, ScenarioResult]:
        """Wait for every scenario (the progress board shows those still running meanwhile)."""
        if not self.done.done():
            running = [scenario_actor(name) for name in sorted(self.names - set(self._over))]
            with self.harness.progress.shown(running):
                return self.done.result()
        return self.done.result()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


# The scenarios started in the background, by harness (a run's; a harness is no dict key: it compares by value).
_BACKGROUND: dict[int, tuple[weakref.ref[Harness], _Background]] = {}


def _background_of(harness: Harness) -> _Background | None:
    found = _BACKGROUND.get(id(harness))
    return found[1] if found is not None and found[0]() is harness else None


def start_in_background(harness: Harness, scenarios: Mapping[str, Scenario]) -> None:
    """Start every scenario now, in the background (once per harness); `run_scenarios` collects their results."""
    if scenarios and _background_of(harness) is None:
        _BACKGROUND[id(harness)] = (weakref.ref(harness), _Background(harness, scenarios))


def wait_background(harness: Harness) -> None:
    """Wait for the scenarios started in the background to be over (their results are kept for their tests)."""
    started = _background_of(harness)
    if started is not None:
        started.results()


def join_background(harness: Harness, timeout: float) -> None:
    """Wait (at most `timeout` seconds) for scenarios started in the background to be over, and forget them: the
    run is ending (it has set `harness.stopping`, which they heed)."""
    started = _background_of(harness)
    if started is not None:
        started.join(timeout)
        del _BACKGROUND[id(harness)]
