"""Lifecycle and callback scenarios, all started together; each reports as its own test."""

from __future__ import annotations

from typing import cast

import pytest

from conformance.harness.harness import Harness
from conformance.lifecycle import (  # noqa: F401  (registers the scenarios)
    callback_scenarios,
    fallback_scenarios,
    scenarios,
    status_callback_update,
)
from conformance.lifecycle.runner import SCENARIOS, ScenarioResult, run_scenarios, scenario_actor


@pytest.fixture(scope="session")
def scenario_results(calls_harness: Harness, request: pytest.FixtureRequest) -> dict[str, ScenarioResult]:
    """Every selected scenario's result; they run concurrently, once, when the first one is asked for."""
    selected = {
        cast("str", item.callspec.params["name"])
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_scenario"
        and hasattr(item, "callspec")
    }
    return run_scenarios(calls_harness, {name: SCENARIOS[name] for name in sorted(selected)})


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=(
                pytest.mark.requirements(*item.requirements),
                pytest.mark.needs(item.needs, actor=scenario_actor(name)),
            ),
            id=name,
        )
        for name, item in sorted(SCENARIOS.items())
    ],
)
def test_scenario(calls_harness: Harness, scenario_results: dict[str, ScenarioResult], name: str) -> None:
    """One scenario's verdict: its MUST failures fail this test; a scenario that could not judge is skipped."""
    result = scenario_results[name]
    calls_harness.verifier.carry(result.failures)
    if result.error is not None:
        raise result.error
    if result.not_judged is not None:
        raise result.not_judged
