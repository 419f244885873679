"""Every check can fail: each named fault of the reference endpoint fails the requirements it breaks.

The clean endpoint passes every applicable requirement; each fault, switched on alone, fails exactly what its
registry entry says it breaks (the run limited with --calls-only to the tests exercising those requirements).
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conformance.catalog import load_catalog
from conformance.reference.faults import FAULTS
from tests.conftest import ROOT, SuiteRun, clean_environ, finish, suite_command

CATALOG = load_catalog()
WORKERS = 3


def _fault_args(name: str) -> list[str]:
    args = ["--calls-reference-fault", name, "--calls-deadline=5"]
    for requirement in FAULTS[name].breaks:
        args += ["--calls-only", requirement]
    return args


@pytest.fixture(scope="session")
def fault_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SuiteRun]:
    """One suite run per fault, a few at a time."""

    def run(name: str) -> tuple[str, SuiteRun]:
        report_dir = Path(tmp_path_factory.mktemp(f"fault-{name}"))
        process = subprocess.run(
            suite_command(report_dir, _fault_args(name)),
            cwd=ROOT,
            env=clean_environ(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return name, finish(process, report_dir)

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(pool.map(run, sorted(FAULTS)))


def test_clean_endpoint_passes_every_applicable_requirement(clean_run: SuiteRun) -> None:
    assert clean_run.returncode == 0, clean_run.stdout[-4000:]
    not_passed = {i: o for i, o in clean_run.outcomes().items() if o not in ("passed", "disabled")}
    assert not_passed == {}
    assert clean_run.report is not None and clean_run.report["verdict"] == "conformant"
    assert clean_run.stdout.rstrip().splitlines()[-1].startswith("calls-conformance verdict: CONFORMANT")


def test_every_fault_breaks_requirements_that_exist() -> None:
    unknown = {name: [i for i in f.breaks if i not in CATALOG] for name, f in FAULTS.items()}
    assert {n: i for n, i in unknown.items() if i} == {}
    assert all(f.breaks for f in FAULTS.values())


def test_every_exercised_requirement_has_a_fault() -> None:
    broken = {i for f in FAULTS.values() for i in f.breaks}
    judged = [r.id for r in CATALOG if not r.excluded and r.applies_to("signalwire")]
    assert [i for i in judged if i not in broken] == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_fails_what_it_breaks(fault_runs: dict[str, SuiteRun], fault: str) -> None:
    run = fault_runs[fault]
    breaks = FAULTS[fault].breaks
    outcomes = {i: run.outcome(i) for i in breaks}
    assert outcomes == dict.fromkeys(breaks, "failed"), run.stdout[-3000:]
    must = any(CATALOG[i].level == "MUST" for i in breaks)
    assert run.returncode == (1 if must else 0), run.stdout[-3000:]
    assert run.report is not None
    assert run.report["verdict"] == ("not-conformant" if must else "conformant"), run.report["reason"]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_s_failures_show_how_to_see_them_again(fault_runs: dict[str, SuiteRun], fault: str) -> None:
    """Each failure shows the request and a curl line repeating it, or the callback the endpoint sent; the
    terminal shows the first occurrence in full, and credentials never."""
    run = fault_runs[fault]
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
