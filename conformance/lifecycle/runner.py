"""Scenarios: lifecycle and callback stories over real calls, registered by name and run concurrently.

A scenario is `fn(suite) -> None` that acts through the suite's client and judges through its verifier.
All scenarios of a run start together, so the run costs about its longest scenario, not their sum. Each
runs in a verifier scope of its own; what it ended in is kept for its test (`suite/test_scenarios.py`).
Each declares its `Needs` (capabilities, the calls it creates at most): the run's plan admits it by them, and
while they run the suite's progress board says what each one waits on.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from conformance.core.failures import ConformanceFailure
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Conditions, Needs

__all__ = ["SCENARIOS", "Scenario", "ScenarioResult", "run_scenarios", "scenario", "scenario_actor"]


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


def scenario_actor(name: str) -> str:
    """The actor name of a scenario (its requests and deadline checks are recorded under it)."""
    return f"scenario:{name}"


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
    """Run every scenario at once (one thread each); records wall time and durations in suite.metrics."""
    started = time.monotonic()
    actors = [scenario_actor(name) for name in scenarios]
    with (
        harness.progress.shown(actors),
        ThreadPoolExecutor(max(1, len(scenarios)), thread_name_prefix="scenario") as pool,
    ):
        futures = {name: pool.submit(_run_one, harness, item) for name, item in scenarios.items()}
        results = {name: future.result() for name, future in futures.items()}
    harness.metrics["scenarios"] = {
        "wall": time.monotonic() - started,
        "durations": {name: r.duration for name, r in results.items()},
    }
    return results
