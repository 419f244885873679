"""The whole suite against an account that already holds hundreds of calls from before the run (older dates,
some in the same second, every status, other numbers, directions and clients): every applicable requirement
passes, under each profile. Lists, filters and paging are judged among those calls, as on a real account."""

from __future__ import annotations

import pytest

from conformance.core.catalog import load_catalog
from tests.conftest import SuiteRun, run_suite

SEEDED = 300


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_every_applicable_requirement_passes_on_a_seeded_account(tmp_path, profile: str) -> None:
    run: SuiteRun = run_suite(
        tmp_path, [f"--calls-reference-seed-calls={SEEDED}", f"--calls-profile={profile}"]
    )
    assert run.returncode == 0, run.stdout[-4000:]
    not_passed = {i: o for i, o in run.outcomes().items() if o not in ("passed", "disabled")}
    assert not_passed == {}
    disabled = {i for i, o in run.outcomes().items() if o == "disabled"}
    assert disabled == {r.id for r in load_catalog() if r.excluded or not r.applies_to(profile)}
    assert run.report is not None and run.report["verdict"] == "conformant"
