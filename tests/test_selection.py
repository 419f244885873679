"""`--calls-only` takes ids and glob patterns; a pattern that matches no requirement, or a selection no suite test
exercises, is a usage error (exit 2, one line, reports written); what is not selected reports disabled."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.core.catalog import load_catalog
from conformance.core.errors import UsageProblem
from conformance.plan.selection import select_requirements, select_tests
from tests.conftest import run_suite

CATALOG = load_catalog()
TESTS = [("test_a", ["CALL-ALIAS-TO", "ERR-NO-5XX"]), ("test_b", ["CB-SEQUENCE"])]


def test_no_pattern_selects_everything() -> None:
    assert select_requirements([], CATALOG) is None
    assert select_tests(TESTS, None, CATALOG) == ["test_a", "test_b"]


def test_ids_and_glob_patterns_select_requirements() -> None:
    selected = select_requirements(["CB-*", "CALL-ALIAS-TO"], CATALOG)
    assert selected is not None and "CALL-ALIAS-TO" in selected and "CALL-ALIAS-FROM" not in selected
    assert {i for i in selected if i.startswith("CB-")} == {r.id for r in CATALOG if r.id.startswith("CB-")}
    assert select_requirements(["CALL-ALIAS-?O"], CATALOG) == frozenset({"CALL-ALIAS-TO"})
    assert select_tests(TESTS, frozenset({"CB-SEQUENCE"}), CATALOG) == ["test_b"]


@pytest.mark.parametrize("pattern", ["CALL-ALIAS-TOO", "cb-*", "NOTHING-*"])
def test_a_pattern_matching_nothing_is_a_usage_error(pattern: str) -> None:
    with pytest.raises(UsageProblem, match="matches no requirement"):
        select_requirements([pattern], CATALOG)


def test_a_selection_no_test_exercises_is_a_usage_error() -> None:
    with pytest.raises(UsageProblem, match=r"selects no suite test.*SAFE-CREDENTIALS"):
        select_tests(TESTS, frozenset({"SAFE-CREDENTIALS"}), CATALOG)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("CALL-ALIAS-TOO", "matches no requirement"), ("SAFE-*", "selects no suite test")],
)
def test_usage_errors_exit_2_with_one_line_and_reports(tmp_path: Path, pattern: str, message: str) -> None:
    run = run_suite(tmp_path, ["--calls-only", pattern], timeout=120)
    assert run.returncode == 2 and run.report is not None
    assert run.report["verdict"] == "not-carried-out" and message in run.report["reason"]
    last = run.stdout.rstrip().splitlines()[-1]
    assert (
        last.startswith("calls-conformance verdict: NOT-CARRIED-OUT: usage: --calls-only") and message in last
    )


def test_a_pattern_runs_only_what_it_selects(tmp_path: Path) -> None:
    run = run_suite(tmp_path, ["--calls-only", "CALL-ALIAS-*", "--calls-only", "PATH-*"], timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    judged = {i for i, o in run.outcomes().items() if o != "disabled"}
    assert judged == {"CALL-ALIAS-TO", "CALL-ALIAS-FROM", "PATH-JSON-SUFFIX"}
    assert run.report is not None and run.report["verdict"] == "conformant"
    assert "not selected" in next(r["message"] for r in run.report["requirements"] if r["id"] == "CREATE-2XX")
