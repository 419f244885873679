"""The plan (`calls-conformance plan`) says what the run does: compared with real runs, embedded and budget-limited."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance.lifecycle.state_machine import CALLS_PER_EXAMPLE, EMBEDDED_EXAMPLES, MACHINE_SETTINGS
from tests.conftest import SuiteRun, run_in_process, run_suite
from tests.test_external import _start_reference

BUDGET = 10


def _plan(report_dir: Path, env: Mapping[str, str] = (), args: list[str] | None = None) -> dict[str, Any]:
    run = run_suite(report_dir, args=["--calls-plan", *(args or [])], env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "nothing was contacted" in run.stdout and "full coverage needs" in run.stdout
    assert not (report_dir / "conformance.json").exists()
    return json.loads((report_dir / "plan.json").read_text())


def _metrics(run: SuiteRun) -> dict[str, Any]:
    return json.loads((run.report_dir / "metrics.json").read_text())


def _assert_the_run_kept_to_the_plan(plan: dict[str, Any], run: SuiteRun) -> None:
    outcomes = run.outcomes()
    passed = {i for i, o in outcomes.items() if o == "passed"}
    assert set(plan["judged"]) <= passed <= set(plan["judged"]) | set(plan["maybe"]), run.stdout[-3000:]
    messages = {r["id"]: r["message"] for r in run.report["requirements"]} if run.report else {}
    for rid, reason in plan["skipped"].items():
        assert (outcomes[rid], messages[rid]) == ("skipped", reason)
    assert {i for i, o in outcomes.items() if o == "disabled"} == set(plan["disabled"])
    allowances = {p["actor"]: p["allowance"] for p in plan["parts"] if p["refusal"] is None}
    metrics = _metrics(run)
    assert metrics["calls_created"] <= plan["planned_calls"]
    for actor, created in metrics["calls_by_actor"].items():
        assert created <= allowances.get(actor, 0), (actor, created)
    assert run.report is not None
    calls = run.report["calls"]
    assert (calls["full_coverage"], calls["planned"]) == (plan["full_coverage"], plan["planned_calls"])
    assert calls["unjudged_for_lack_of_calls"] == plan["unjudged_for_lack_of_calls"]


def test_the_embedded_run_does_what_its_plan_says(clean_run: SuiteRun, tmp_path) -> None:
    plan = _plan(tmp_path)
    assert plan["skipped"] == {} and plan["unjudged_for_lack_of_calls"] == []
    assert plan["max_calls"] is None and plan["planned_calls"] == plan["full_coverage"]
    _assert_the_run_kept_to_the_plan(plan, clean_run)


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, str]]:
    process, settings = _start_reference()
    yield settings
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)


def test_a_budget_limited_run_does_what_its_plan_says(reference: dict[str, str], tmp_path) -> None:
    """Ten calls for an external endpoint: the lifecycle and callback parts get them first, the run creates no
    more, and the requirements left unjudged say so."""
    env = {**reference, "CALLS_MAX_CALLS": str(BUDGET), "CALLS_TO_NUMBER": "+12025550100,+12025550101"}
    plan = _plan(tmp_path / "plan", env)
    assert plan["planned_calls"] <= BUDGET < plan["full_coverage"]
    assert plan["unjudged_for_lack_of_calls"], plan
    tiers = [p["tier"] for p in plan["parts"] if p["allowance"]]
    assert "probes" not in tiers and tiers[0] == "core"
    run = run_suite(tmp_path / "run", env=env)
    assert run.returncode == 0, run.stdout[-4000:]
    assert _metrics(run)["calls_created"] <= BUDGET
    _assert_the_run_kept_to_the_plan(plan, run)
    for rid in plan["unjudged_for_lack_of_calls"]:
        assert f"full coverage needs {plan['full_coverage']}" in plan["skipped"][rid]
    assert f"full coverage needs {plan['full_coverage']}" in run.stdout


def test_full_coverage_is_a_property_of_the_settings_not_of_the_budget(
    reference: dict[str, str], tmp_path
) -> None:
    """The same endpoint and numbers: read-only, a small budget and a large one all say full coverage needs the
    same number of calls (it counts every part that can run here, whatever the budget lets run)."""
    numbers = {"CALLS_TO_NUMBER": "+12025550100,+12025550101"}
    figures = {
        budget: _plan(tmp_path / budget, {**reference, **numbers, "CALLS_MAX_CALLS": budget})["full_coverage"]
        for budget in ("0", "5", "500")
    }
    assert len(set(figures.values())) == 1 and figures["0"] > 0, figures


def test_at_live_timings_the_state_machine_runs_as_many_examples_as_on_a_provider(tmp_path) -> None:
    """Its extra examples are for an endpoint whose calls take a fraction of a second; at live-like timings an
    example takes seconds, as on a provider, and the machine plans a provider's examples."""

    def machine_calls(plan: dict[str, Any]) -> int:
        return next(p["calls"] for p in plan["parts"] if p["actor"] == "scenario:state-machine")

    fast = _plan(tmp_path / "fast")
    live = _plan(tmp_path / "live", args=["--calls-reference-timings", "live"])
    assert machine_calls(fast) == EMBEDDED_EXAMPLES * CALLS_PER_EXAMPLE
    assert machine_calls(live) == MACHINE_SETTINGS.max_examples * CALLS_PER_EXAMPLE < machine_calls(fast)
    assert fast["full_coverage"] - live["full_coverage"] == machine_calls(fast) - machine_calls(live)


def test_the_plan_command_writes_the_plan_and_no_report(tmp_path) -> None:
    """`calls-conformance plan`: 0 and plan.json; bad settings: 2, and no report that could hide a real run's."""
    status, stdout, _ = run_in_process(["plan", f"--calls-report-dir={tmp_path / 'good'}"])
    assert status == 0 and "full coverage needs" in stdout, stdout[-2000:]
    assert [p.name for p in (tmp_path / "good").iterdir()] == ["plan.json"]
    status, stdout, stderr = run_in_process(
        ["plan", f"--calls-report-dir={tmp_path / 'bad'}"], {"CALLS_BASE_URL": "not a url"}
    )
    assert status == 2 and "CALLS_BASE_URL" in stdout + stderr
    assert not (tmp_path / "bad" / "conformance.json").exists()
