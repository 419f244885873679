"""Every check can fail: each named fault of the reference endpoint fails the requirements it breaks.

The clean endpoint passes every applicable requirement, under each profile; each fault, switched on alone,
fails exactly what its registry entry says it breaks (the run limited with --calls-only to the tests exercising
those requirements), under each profile it applies to (the registry's profiles column).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.core.catalog import load_catalog
from conformance.reference.faults import FAULTS
from tests.conftest import SuiteRun, run_suite

CATALOG = load_catalog()


# Each fault under every profile it applies to.
RUNS = sorted((name, profile) for name, fault in FAULTS.items() for profile in fault.profiles)
# Under pytest-xdist both tests of a run are one group (tests/xdist_groups.py), so one worker makes the run.
RUN_PARAMS = [pytest.param(*run, id=f"{run[0]}-{run[1]}") for run in RUNS]


def _fault_args(name: str, profile: str) -> list[str]:
    args = ["--calls-reference-fault", name, "--calls-deadline=5", f"--calls-profile={profile}"]
    for requirement in FAULTS[name].breaks:
        args += ["--calls-only", requirement]
    return args


class FaultRuns:
    """One suite run per fault and profile, made when a test first asks for it and kept for the other test of
    the same run (under pytest-xdist both tests of a run share a group, tests/xdist_groups.py, so one worker
    makes it)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._runs: dict[tuple[str, str], SuiteRun] = {}

    def __getitem__(self, case: tuple[str, str]) -> SuiteRun:
        if case not in self._runs:
            name, profile = case
            self._runs[case] = run_fault(name, profile, Path(self._tmp.mktemp(f"fault-{name}-{profile}")))
        return self._runs[case]


def run_fault(name: str, profile: str, report_dir: Path) -> SuiteRun:
    """One run of the matrix: the suite against the embedded endpoint with fault `name` (or none: ""), under
    `profile`, limited to what the fault breaks; also what benchmarks/suite_coverage.py runs.

    Each run starts its own embedded endpoint with this one fault switched on, and nothing else of an earlier
    run: what fails, fails because of this fault alone. The runs share the interpreter (tests/conftest.py)."""
    return run_suite(report_dir, _fault_args(name, profile), timeout=600)


@pytest.fixture(scope="session")
def fault_runs(tmp_path_factory: pytest.TempPathFactory) -> FaultRuns:
    """The fault runs, each made when first asked for."""
    return FaultRuns(tmp_path_factory)


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_clean_endpoint_passes_every_applicable_requirement(
    profile: str, clean_run: SuiteRun, clean_twilio_run: SuiteRun
) -> None:
    run = clean_run if profile == "signalwire" else clean_twilio_run
    assert run.returncode == 0, run.stdout[-4000:]
    assert run.report is not None and run.report["target"]["profile"] == profile
    not_passed = {i: o for i, o in run.outcomes().items() if o not in ("passed", "disabled")}
    assert not_passed == {}
    disabled = {i for i, o in run.outcomes().items() if o == "disabled"}
    assert disabled == {r.id for r in CATALOG if r.excluded or not r.applies_to(profile)}
    assert run.report["verdict"] == "conformant"
    assert run.stdout.rstrip().splitlines()[-1].startswith("calls-conformance verdict: CONFORMANT")


def test_every_fault_breaks_requirements_that_exist() -> None:
    unknown = {name: [i for i in f.breaks if i not in CATALOG] for name, f in FAULTS.items()}
    assert {n: i for n, i in unknown.items() if i} == {}
    assert all(f.breaks for f in FAULTS.values())


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_every_exercised_requirement_has_a_fault_run_under_the_profile(profile: str) -> None:
    broken = {i for name, run_profile in RUNS if run_profile == profile for i in FAULTS[name].breaks}
    judged = [r.id for r in CATALOG if not r.excluded and r.applies_to(profile)]
    assert [i for i in judged if i not in broken] == []


def test_faults_that_apply_only_to_twilio_run_there() -> None:
    only = {name for name, fault in FAULTS.items() if fault.profiles == ("twilio",)}
    assert only and only <= {name for name, profile in RUNS if profile == "twilio"}


@pytest.mark.parametrize(("fault", "profile"), RUN_PARAMS)
def test_fault_fails_what_it_breaks(fault_runs: FaultRuns, fault: str, profile: str) -> None:
    run = fault_runs[fault, profile]
    breaks = FAULTS[fault].breaks
    outcomes = {i: run.outcome(i) for i in breaks}
    assert outcomes == dict.fromkeys(breaks, "failed"), run.stdout[-3000:]
    must = any(CATALOG[i].level == "MUST" for i in breaks)
    assert run.returncode == (1 if must else 0), run.stdout[-3000:]
    assert run.report is not None
    assert run.report["verdict"] == ("not-conformant" if must else "conformant"), run.report["reason"]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize(("fault", "profile"), RUN_PARAMS)
def test_a_fault_s_failures_show_how_to_see_them_again(
    fault_runs: FaultRuns, fault: str, profile: str
) -> None:
    """Each failure shows the request and a curl line repeating it, or the callback the endpoint sent; the
    terminal shows the first occurrence in full, and credentials never."""
    run = fault_runs[fault, profile]
    assert run.report is not None
    messages = {r["id"]: r["message"] for r in run.report["requirements"] if r["id"] in FAULTS[fault].breaks}
    for requirement, message in messages.items():
        assert _shows_evidence(message), f"{requirement}: {message}"
    if any(CATALOG[i].level == "MUST" for i in FAULTS[fault].breaks):
        assert _shows_evidence(run.stdout), run.stdout[-3000:]
        assert "Received: Received" not in run.stdout


def _shows_evidence(text: str) -> bool:
    request = "Request: " in text and "Repeat: curl -sS -X " in text
    return request or " callback: " in text
