"""The verdict and exit status as interface.md states them, never conformant when nothing was judged."""

from __future__ import annotations

import pytest

from conformance.core.catalog import load_catalog
from conformance.core.outcomes import Ledger, Outcome, Result
from conformance.core.verdict import decide

CATALOG = load_catalog()
MUSTS = [r.id for r in CATALOG if r.level == "MUST" and not r.excluded and r.applies_to("signalwire")]
SHOULD = "LIST-NEWEST-FIRST"


def _results(outcomes: dict[str, Outcome], judged_by_default: Outcome = Outcome.PASSED) -> list[Result]:
    ledger = Ledger(CATALOG, "signalwire", frozenset({"create", "callbacks"}))
    for requirement in [*MUSTS, SHOULD]:
        outcome = outcomes.get(requirement, judged_by_default)
        if outcome is not Outcome.SKIPPED:
            ledger.record(requirement, outcome, f"{requirement} {outcome.label}")
    return ledger.results()


def test_every_must_passed_is_conformant_even_with_should_failures() -> None:
    verdict = decide(_results({SHOULD: Outcome.FAILED}))
    assert (verdict.name, verdict.exit_status) == ("conformant", 0)


def test_a_must_failure_is_not_conformant() -> None:
    verdict = decide(_results({"CALL-ALIAS-TO": Outcome.FAILED}))
    assert (verdict.name, verdict.exit_status) == ("not-conformant", 1)
    assert "CALL-ALIAS-TO" in verdict.reason


@pytest.mark.parametrize(("strict", "status"), [(False, 0), (True, 1)])
def test_a_skipped_must_is_partial_and_strict_fails_it(strict: bool, status: int) -> None:
    verdict = decide(_results({"CREATE-2XX": Outcome.SKIPPED}), strict=strict)
    assert (verdict.name, verdict.exit_status) == ("partial", status)
    assert verdict.unjudged == ("CREATE-2XX",)
    assert verdict.line().startswith(
        "calls-conformance verdict: PARTIAL: 1 applicable MUST requirement(s) not judged"
    )


def test_nothing_judged_is_never_conformant() -> None:
    verdict = decide(_results({}, judged_by_default=Outcome.SKIPPED))
    assert verdict.name == "partial" and verdict.exit_status == 0
    nothing = decide([r for r in _results({}) if r.outcome is Outcome.DISABLED])
    assert (nothing.name, nothing.reason.split(" (")[0]) == ("partial", "nothing was judged")


def test_a_failure_outranks_a_skip_and_a_reason_outranks_both() -> None:
    results = _results({"CREATE-2XX": Outcome.SKIPPED, "CALL-ALIAS-TO": Outcome.FAILED})
    assert decide(results, strict=True).name == "not-conformant"
    stopped = decide(results, reason="endpoint unavailable: gone")
    assert (stopped.name, stopped.exit_status, stopped.reason) == (
        "not-carried-out",
        2,
        "endpoint unavailable: gone",
    )


def test_a_waived_failure_fails_nothing() -> None:
    results = [
        Result(r.requirement, Outcome.WAIVED, r.message) if r.requirement.id == "CALL-ALIAS-TO" else r
        for r in _results({"CALL-ALIAS-TO": Outcome.FAILED})
    ]
    verdict = decide(results)
    assert (verdict.name, verdict.exit_status) == ("conformant", 0) and "1 waived" in verdict.reason
