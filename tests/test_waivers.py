"""Waivers: a waived failure reports *waived* and fails nothing, a waiver no longer needed is reported, an expired
one stops applying, and a malformed file or an unknown id is a usage error (exit 2, reports written)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conformance.core.catalog import load_catalog
from conformance.core.errors import UsageProblem
from conformance.core.outcomes import Ledger, Outcome
from conformance.core.waivers import Waiver, apply_waivers, load_waivers
from tests.conftest import SuiteRun, run_suite

CATALOG = load_catalog()
TODAY = dt.date(2026, 3, 1)
FAULT = ["--calls-reference-fault", "call-alias-to", "--calls-only", "CALL-ALIAS-*"]


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    return path


def test_a_waiver_file_is_read(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "- {id: CALL-ALIAS-TO, reason: 'ticket 12', until: 2026-06-30}\n- {id: LIST-NEWEST-FIRST, reason: x}\n",
    )
    assert load_waivers(path, CATALOG) == (
        Waiver("CALL-ALIAS-TO", "ticket 12", dt.date(2026, 6, 30)),
        Waiver("LIST-NEWEST-FIRST", "x"),
    )
    assert load_waivers(_file(tmp_path, ""), CATALOG) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {id: CALL-ALIAS-TOO, reason: typo}", "not a requirement of the catalog"),
        ("- {id: CALL-ALIAS-TO}", "needs a reason"),
        ("- {id: CALL-ALIAS-TO, reason: x, until: 2026-02-30}", "is not a date"),
        ("- {id: CALL-ALIAS-TO, reason: x, until: 'soon'}", "is not a date"),
        ("- {id: CALL-ALIAS-TO, reason: x, expires: 2026-01-01}", "unknown key"),
        ("- {id: CALL-ALIAS-TO, reason: x}\n- {id: CALL-ALIAS-TO, reason: y}", "waived twice"),
        ("{id: CALL-ALIAS-TO, reason: x}", "must be a YAML list"),
        ("- [CALL-ALIAS-TO]", "must be a mapping"),
        ("- {id: CALL-ALIAS-TO, reason: [", "not valid YAML"),
    ],
)
def test_a_malformed_waiver_file_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageProblem, match=message) as raised:
        load_waivers(_file(tmp_path, text), CATALOG)
    assert "\n" not in raised.value.reason and raised.value.reason.startswith("usage: CALLS_WAIVERS")


def test_a_missing_waiver_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match="cannot be read"):
        load_waivers(tmp_path / "absent.yaml", CATALOG)


def test_waivers_apply_to_failures_warn_when_passed_and_expire() -> None:
    ledger = Ledger(CATALOG, "signalwire", frozenset({"create"}))
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "differs")
    ledger.record("CALL-ALIAS-FROM", Outcome.PASSED)
    ledger.record("CALL-URI", Outcome.FAILED, "no .json")
    waivers = [
        Waiver("CALL-ALIAS-TO", "ticket 12", TODAY),  # its last day: still applies
        Waiver("CALL-ALIAS-FROM", "fixed since"),
        Waiver("CALL-URI", "old ticket", TODAY - dt.timedelta(days=1)),
        Waiver("CREATE-2XX", "not judged here"),
    ]
    results, statuses = apply_waivers(ledger.results(), waivers, TODAY)
    by_id = {r.requirement.id: r for r in results}
    assert by_id["CALL-ALIAS-TO"].outcome is Outcome.WAIVED and "ticket 12" in by_id["CALL-ALIAS-TO"].note
    assert (
        by_id["CALL-ALIAS-FROM"].outcome is Outcome.PASSED
        and "no longer needed" in by_id["CALL-ALIAS-FROM"].note
    )
    assert by_id["CALL-URI"].outcome is Outcome.FAILED and "expired" in by_id["CALL-URI"].note
    assert {s.waiver.id: s.status for s in statuses} == {
        "CREATE-2XX": "unused",
        "CALL-ALIAS-TO": "applied",
        "CALL-ALIAS-FROM": "not-needed",
        "CALL-URI": "expired",
    }


# ---------------------------------------------------------------- through the suite


def _run(tmp_path: Path, waivers: str, args: list[str]) -> SuiteRun:
    return run_suite(tmp_path / "reports", args, env={"CALLS_WAIVERS": str(_file(tmp_path, waivers))})


def test_a_waived_must_failure_keeps_the_run_green(tmp_path: Path) -> None:
    run = _run(tmp_path, "- {id: CALL-ALIAS-TO, reason: 'known: ticket 12'}\n", FAULT)
    assert run.report is not None
    assert (run.report["verdict"], run.returncode) == ("conformant", 0), run.stdout[-3000:]
    assert run.outcome("CALL-ALIAS-TO") == "waived" and run.report["summary"]["waived"] == 1
    assert [w["status"] for w in run.report["waivers"]] == ["applied"]
    assert " failed" not in run.stdout.splitlines()[-2]  # no pytest test failed for a waived requirement


def test_a_waiver_no_longer_needed_is_reported(tmp_path: Path) -> None:
    run = _run(
        tmp_path, "- {id: CALL-ALIAS-TO, reason: 'known: ticket 12'}\n", ["--calls-only", "CALL-ALIAS-*"]
    )
    assert run.report is not None and run.returncode == 0
    assert run.outcome("CALL-ALIAS-TO") == "passed"
    assert [w["status"] for w in run.report["waivers"]] == ["not-needed"]
    assert "waiver CALL-ALIAS-TO: not-needed" in run.stdout
    assert "no longer needed" in (tmp_path / "reports" / "report.md").read_text()
    assert "no longer needed" in (tmp_path / "reports" / "junit.xml").read_text()


def test_an_expired_waiver_no_longer_applies(tmp_path: Path) -> None:
    run = _run(tmp_path, "- {id: CALL-ALIAS-TO, reason: 'ticket 12', until: 2020-01-01}\n", FAULT)
    assert run.report is not None
    assert (run.report["verdict"], run.returncode) == ("not-conformant", 1)
    assert [w["status"] for w in run.report["waivers"]] == ["expired"]
    assert "expired on 2020-01-01" in run.stdout


def test_an_unknown_id_is_a_usage_error_with_reports(tmp_path: Path) -> None:
    run = _run(tmp_path, "- {id: CALL-ALIAS-TOO, reason: typo}\n", [])
    assert run.returncode == 2 and run.report is not None
    assert run.report["verdict"] == "not-carried-out" and "CALL-ALIAS-TOO" in run.report["reason"]
    assert run.report["exit_status"] == 2
