"""report.html and the GitHub step summary: the page is self-contained, filterable by outcome, and opens with
its failures shown, each with its request, answer and curl line (a run against a faulty endpoint, parsed); the
step summary gets the Markdown matrix appended; both are redacted."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.core.catalog import load_catalog
from conformance.core.outcomes import Ledger, Outcome
from conformance.core.verdict import decide
from conformance.reports.facts import Facts
from conformance.reports.html import FILTERS
from conformance.reports.writer import append_step_summary, write_reports
from tests.conftest import SuiteRun, run_suite

CATALOG = load_catalog()
FACTS = Facts(
    {"base_url": "http://127.0.0.1:1/api/laml/2010-04-01", "profile": "signalwire", "mode": "embedded"},
    "9.9.9",
    "2026-01-01T00:00:00Z",
    "2026-01-01T00:01:00Z",
)
SECRET = "s3cr3t-t<ken&"
# Faults whose failures show a request (CALL-URI, CALL-ALIAS-TO) and a callback (CB-DURATION-FINAL).
FAULTS = {"call-uri-wrong": "CALL-URI", "call-alias-to": "CALL-ALIAS-TO", "cb-no-duration": None}


@dataclasses.dataclass
class Row:
    """One row of the matrix as a browser would show it."""

    id: str
    outcome: str
    hidden: bool
    cells: list[str] = dataclasses.field(default_factory=list)
    blocks: list[str] = dataclasses.field(default_factory=list)


class Page(HTMLParser):
    """The parts of report.html a reader relies on: rows, filter boxes, scripts and what the page loads."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.boxes: dict[str, bool] = {}
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.loads: list[str] = []  # any attribute that would fetch something
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.loads += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href", "srcset", "data", "action")]
        if tag == "link":
            self.loads.append(f"link {values}")
        if tag == "tr" and "id" in values:
            self.rows.append(Row(values["id"] or "", values.get("class") or "", "hidden" in values))
        elif tag == "input" and values.get("type") == "checkbox":
            self.boxes[values.get("value") or ""] = "checked" in values
        elif tag in ("td", "pre") and self.rows:
            (self.rows[-1].cells if tag == "td" else self.rows[-1].blocks).append("")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        where = self._in[-1] if self._in else ""
        if where == "script":
            self.scripts.append(data)
        elif where == "style":
            self.styles.append(data)
        elif self.rows and "tr" in self._in:
            row = self.rows[-1]
            if "pre" in self._in:
                row.blocks[-1] += data
            elif row.cells:
                row.cells[-1] += data

    def row(self, requirement: str) -> Row:
        return next(r for r in self.rows if r.id == requirement)


def _assert_self_contained(page: Page) -> None:
    assert page.loads == []
    assert not any("url(" in style or "@import" in style for style in page.styles)
    assert page.scripts and all("fetch(" not in s and "XMLHttpRequest" not in s for s in page.scripts)


def test_the_page_escapes_and_redacts_every_text_and_filters_every_outcome(tmp_path: Path) -> None:
    ledger = Ledger(CATALOG, "signalwire", frozenset({"create"}))
    ledger.record("CALL-URI", Outcome.FAILED, f"<script>alert(1)</script> token {SECRET}")
    ledger.record("CALL-ALIAS-TO", Outcome.PASSED)
    results = ledger.results()
    write_reports(tmp_path, results, decide(results), FACTS, [SECRET])
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert SECRET not in text and "s3cr3t" not in text and "<script>alert" not in text
    page = Page(text)
    _assert_self_contained(page)
    assert [r.id for r in page.rows] == [r.id for r in CATALOG]
    assert page.boxes == dict.fromkeys(FILTERS, True)  # every outcome shown until the reader hides one
    failed = page.row("CALL-URI")
    assert failed.outcome == "failed" and not failed.hidden
    assert failed.blocks == ["<script>alert(1)</script> token [REDACTED]"]
    assert {r.outcome for r in page.rows} <= set(FILTERS)
    assert "tr.' + box.value" in page.scripts[0]  # a box hides the rows of the outcome it names


def test_the_step_summary_is_appended_and_redacted(tmp_path: Path) -> None:
    ledger = Ledger(CATALOG, "signalwire", frozenset({"create"}))
    ledger.record("CALL-URI", Outcome.FAILED, f"first line {SECRET}\nRequest: GET /x")
    results = ledger.results()
    summary = tmp_path / "summary.md"
    summary.write_text("# an earlier step\n", encoding="utf-8")
    append_step_summary(summary, results, decide(results), FACTS, [SECRET])
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# an earlier step\n# Calls conformance report")
    assert "| CALL-URI | MUST | failed |" in text and "first line [REDACTED] |" in text
    assert "Request: GET /x" not in text  # a summary row shows a message's first line; report.md has it all
    assert text.count("\n| ") == len(CATALOG) + 1


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteRun, Path]:
    """The suite against the embedded endpoint with three faults, under GitHub Actions' step summary."""
    base = tmp_path_factory.mktemp("html")
    summary = base / "step-summary.md"
    summary.write_text("before\n", encoding="utf-8")
    args = [f"--calls-reference-fault={name}" for name in FAULTS]
    args += ["--calls-only=CALL-URI", "--calls-only=CALL-ALIAS-TO", "--calls-only=CB-DURATION-FINAL"]
    run = run_suite(base / "reports", args, env={"GITHUB_STEP_SUMMARY": str(summary)})
    return run, summary


def test_report_html_opens_with_the_failures_of_a_faulty_endpoint_shown(
    faulty_run: tuple[SuiteRun, Path],
) -> None:
    run, _ = faulty_run
    assert run.returncode == 1, run.stdout[-3000:]
    page = Page((run.report_dir / "report.html").read_text(encoding="utf-8"))
    _assert_self_contained(page)
    failed = [r for r in page.rows if r.outcome == "failed"]
    assert {r.id for r in failed} == {"CALL-URI", "CALL-ALIAS-TO", "CB-DURATION-FINAL"}
    assert not any(r.hidden for r in page.rows)
    for row in failed:
        assert row.blocks, row
        for block in row.blocks:
            shows_request = all(part in block for part in ("Request: ", "Answer: ", "Repeat: curl -sS -X "))
            assert shows_request or " callback: " in block, block
    assert any("Repeat: curl" in block for row in failed for block in row.blocks)
    assert page.row("CALL-FIELDS").outcome == "disabled"  # not selected, still listed


def test_a_run_appends_its_matrix_to_the_github_step_summary(faulty_run: tuple[SuiteRun, Path]) -> None:
    _, summary = faulty_run
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("before\n# Calls conformance report")
    assert "**NOT-CONFORMANT**" in text and "| CALL-URI | MUST | failed |" in text
    assert text.count("# Calls conformance report") == 1
