"""Outcomes, the ledger and the reports: worst observation wins; every requirement listed exactly once; the three
reports state the same verdict, a run not carried out included."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.core.catalog import load_catalog
from conformance.core.outcomes import MESSAGES_KEPT, Ledger, Outcome, Result
from conformance.core.verdict import decide, not_carried_out
from conformance.reports.facts import Facts
from conformance.reports.writer import summary, verdict_lines, write_reports

CATALOG = load_catalog()
TARGET = {"base_url": "http://127.0.0.1:1/api/laml/2010-04-01", "profile": "signalwire", "mode": "embedded"}
FACTS = Facts(TARGET, "9.9.9", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")


def _ledger(profile: str = "signalwire", capabilities: frozenset[str] = frozenset({"create"})) -> Ledger:
    return Ledger(CATALOG, profile, capabilities)


def _write(tmp_path: Path, results: list[Result], reason: str | None = None) -> tuple[dict, ET.Element, str]:
    verdict = decide(results, reason=reason)
    write_reports(tmp_path, results, verdict, FACTS, ["s3cr3t-token"])
    document = json.loads((tmp_path / "conformance.json").read_text())
    return document, ET.parse(tmp_path / "junit.xml").getroot(), (tmp_path / "report.md").read_text()


def test_worst_observation_wins_and_every_failure_is_kept_up_to_a_bound() -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    for n in range(MESSAGES_KEPT + 3):
        assert ledger.record("CALL-ALIAS-TO", Outcome.FAILED, f"failure {n}") == n + 1
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    result = {r.requirement.id: r for r in ledger.results()}["CALL-ALIAS-TO"]
    assert result.outcome is Outcome.FAILED and result.failures == MESSAGES_KEPT + 3
    assert result.messages == [f"failure {n}" for n in range(MESSAGES_KEPT)]
    assert result.message.startswith("failure 0\n\nfailure 1")
    assert result.message.endswith(
        f"({MESSAGES_KEPT + 3} occurrences in all; the first {MESSAGES_KEPT} are shown)"
    )


def test_every_requirement_once_with_disabled_and_skipped_reasons() -> None:
    results = _ledger("twilio", frozenset()).results()
    assert [r.requirement.id for r in results] == [r.id for r in CATALOG]
    by_id = {r.requirement.id: r for r in results}
    assert by_id["CALL-ALIAS-TO"].outcome is Outcome.DISABLED and "twilio" in by_id["CALL-ALIAS-TO"].message
    assert by_id["SAFE-CREDENTIALS"].outcome is Outcome.DISABLED
    assert "not checked" in by_id["SAFE-CREDENTIALS"].message
    assert (
        by_id["CREATE-2XX"].outcome is Outcome.SKIPPED and "CALLS_MAX_CALLS=0" in by_id["CREATE-2XX"].message
    )


def test_unselected_requirements_are_disabled() -> None:
    ledger = Ledger(CATALOG, "signalwire", frozenset({"create"}), selected={"CALL-ALIAS-TO"})
    by_id = {r.requirement.id: r for r in ledger.results()}
    assert by_id["CALL-ALIAS-TO"].outcome is Outcome.SKIPPED
    assert (
        by_id["CALL-ALIAS-FROM"].outcome is Outcome.DISABLED
        and "--calls-only" in by_id["CALL-ALIAS-FROM"].message
    )


def test_reports_carry_the_verdict_and_hide_secrets(tmp_path: Path) -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "token s3cr3t-token leaked; header Basic YWJjOmRlZmdoaWpr")
    document, junit, markdown = _write(tmp_path, ledger.results())
    for path in tmp_path.iterdir():
        text = path.read_text()
        assert "s3cr3t-token" not in text and "YWJjOmRlZmdoaWpr" not in text
    assert {"verdict", "exit_status", "reason", "target", "suite", "started", "finished", "summary"} <= set(
        document
    )
    assert (document["verdict"], document["exit_status"]) == ("not-conformant", 1)
    assert document["suite"] == {"version": "9.9.9"} and document["started"] == FACTS.started
    assert document["target"] == TARGET
    assert {"passed", "failed", "warned", "skipped", "waived"} <= set(document["summary"])
    ids = [r["id"] for r in document["requirements"]]
    assert sorted(ids) == sorted(r.id for r in CATALOG) and len(ids) == len(set(ids))
    assert all({"id", "level", "outcome", "message"} <= set(r) for r in document["requirements"])
    outcomes = {r["outcome"] for r in document["requirements"]}
    assert outcomes <= {"passed", "failed", "skipped", "disabled", "waived"}
    assert (
        int(junit.get("tests")) == len(CATALOG)
        and junit.get("failures") == "1"
        and junit.get("errors") == "0"
    )
    assert "**NOT-CONFORMANT**" in markdown


def test_a_run_not_carried_out_is_an_error_with_every_requirement_skipped(tmp_path: Path) -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "differs")
    ledger.record("CALL-ALIAS-FROM", Outcome.PASSED)
    results = not_carried_out(ledger.results(), "endpoint unreachable: refused")
    document, junit, markdown = _write(tmp_path, results, "endpoint unreachable: refused")
    assert (document["verdict"], document["exit_status"]) == ("not-carried-out", 2)
    assert document["reason"] == "endpoint unreachable: refused"
    judged = {r["outcome"] for r in document["requirements"]} - {"disabled"}
    assert judged == {"skipped"}
    alias = next(r for r in document["requirements"] if r["id"] == "CALL-ALIAS-TO")
    assert "could not be carried out" in alias["message"] and "had failed" in alias["message"]
    errors = junit.findall("testcase/error")
    assert junit.get("errors") == "1" and len(errors) == 1 and errors[0].get("message") == document["reason"]
    assert junit.get("failures") == "0"
    assert "**NOT-CARRIED-OUT**: endpoint unreachable: refused" in markdown


def test_summary_counts_must_failures_warnings_and_waived() -> None:
    ledger = _ledger()
    ledger.record("LIST-NEWEST-FIRST", Outcome.FAILED, "oldest first")
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "differs")
    results = ledger.results()
    results = [
        Result(r.requirement, Outcome.WAIVED, r.message) if r.requirement.id == "CALL-ALIAS-TO" else r
        for r in results
    ]
    counts = summary(results)
    assert (counts["failed"], counts["warned"], counts["waived"]) == (0, 1, 1)


def test_verdict_table_ends_with_the_counts() -> None:
    ledger = _ledger()
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    results = ledger.results()
    lines = verdict_lines(results, decide(results), [])
    assert lines[-1].startswith("PARTIAL:")
    ledger.record("CALL-ALIAS-TO", Outcome.FAILED, "x")
    results = ledger.results()
    assert verdict_lines(results, decide(results), [])[-1].startswith("NOT-CONFORMANT:")
    lines = verdict_lines(results, decide(results, reason="gone"), [])
    assert len(lines) == 1 and lines[0].startswith("NOT-CARRIED-OUT:")


def test_requirement_texts_naming_http_basic_survive_redaction(tmp_path: Path) -> None:
    """ "HTTP Basic credentials" in SUITE-FORM-BODIES' text is no credential: the report shows it as written."""
    assert "HTTP Basic credentials" in CATALOG["SUITE-FORM-BODIES"].text
    _, _, markdown = _write(tmp_path, _ledger().results())
    assert "HTTP Basic credentials" in markdown and "[REDACTED]" not in markdown
