"""Outcomes, the ledger and the reports: worst observation wins; every requirement listed exactly once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conformance.catalog import load_catalog
from conformance.outcomes import Ledger, Outcome
from conformance.report import exit_status, summary, verdict_lines, write_reports

CATALOG = load_catalog()
TARGET = {"base_url": "http://127.0.0.1:1/api/laml/2010-04-01", "profile": "signalwire", "mode": "embedded"}


def _ledger(profile: str = "signalwire", capabilities: frozenset[str] = frozenset({"create"})) -> Ledger:
    return Ledger(CATALOG, profile, capabilities)


def test_worst_observation_wins_and_first_failure_message_stays() -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "first")
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "second")
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    result = {r.requirement.id: r for r in ledger.results()}["CALL-ALIAS-TO"]
    assert result.outcome is Outcome.FAILED
    assert result.message == "first (and 1 more)"


def test_every_requirement_once_with_disabled_and_skipped_reasons() -> None:
    results = _ledger("twilio", frozenset()).results()
    assert [r.requirement.id for r in results] == [r.id for r in CATALOG]
    by_id = {r.requirement.id: r for r in results}
    assert by_id["CALL-ALIAS-TO"].outcome is Outcome.DISABLED and "twilio" in by_id["CALL-ALIAS-TO"].message
    assert (
        by_id["SAFE-CREDENTIALS"].outcome is Outcome.DISABLED
        and "not checked" in by_id["SAFE-CREDENTIALS"].message
    )
    assert (
        by_id["CREATE-2XX"].outcome is Outcome.SKIPPED and "CALLS_MAX_CALLS=0" in by_id["CREATE-2XX"].message
    )


def test_exit_status_ignores_should_failures() -> None:
    ledger = _ledger()
    ledger.record("LIST-NEWEST-FIRST", Outcome.FAILED, "oldest first")
    assert exit_status(ledger.results()) == 0
    assert summary(ledger.results())["warned"] == 1
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "differs")
    assert exit_status(ledger.results()) == 1
    assert summary(ledger.results())["failed"] == 1


def test_reports_are_written_and_redacted(tmp_path) -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "token s3cr3t-token leaked; header Basic YWJjOmRlZmdoaWpr")
    paths = write_reports(tmp_path, ledger.results(), TARGET, ["s3cr3t-token"])
    assert sorted(p.name for p in paths) == ["conformance.json", "junit.xml", "report.md"]
    for path in paths:
        text = path.read_text()
        assert "s3cr3t-token" not in text and "YWJjOmRlZmdoaWpr" not in text
    document = json.loads((tmp_path / "conformance.json").read_text())
    assert set(document) == {"target", "summary", "requirements"}
    assert document["target"] == TARGET
    assert set(document["summary"]) == {"passed", "failed", "warned", "skipped"}
    ids = [r["id"] for r in document["requirements"]]
    assert sorted(ids) == sorted(r.id for r in CATALOG) and len(ids) == len(set(ids))
    assert all(set(r) == {"id", "level", "outcome", "message"} for r in document["requirements"])
    assert {r["outcome"] for r in document["requirements"]} <= {"passed", "failed", "skipped", "disabled"}
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert int(suite.get("tests")) == len(CATALOG) and suite.get("failures") == "1"


def test_verdict_table_names_the_verdict() -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    lines = verdict_lines(ledger.results(), [])
    assert lines[-1].startswith("CONFORMANT")
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "x")
    assert verdict_lines(ledger.results(), [])[-1].startswith("NOT CONFORMANT")
