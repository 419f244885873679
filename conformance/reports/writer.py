"""The run's reports: conformance.json, junit.xml, report.md and report.html (`conformance.reports.html`), the
Markdown matrix for a GitHub step summary, and the verdict table for the terminal.

Every report states the verdict (`conformance.core.verdict`) and lists every requirement of the catalog exactly once;
each passes through `redact()` before it is written.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from conformance.core.outcomes import Outcome, Result
from conformance.core.redaction import redact
from conformance.core.verdict import Verdict
from conformance.reports.facts import Facts
from conformance.reports.html import html_page, outcome_label

__all__ = ["REPORTS", "append_step_summary", "summary", "verdict_lines", "write_reports"]

REPORTS = ("conformance.json", "junit.xml", "report.md", "report.html")


def summary(results: Sequence[Result]) -> dict[str, int]:
    """Counts for the report: failed is MUST failures, warned is SHOULD failures, waived is waived failures."""
    return {
        "passed": sum(r.outcome is Outcome.PASSED for r in results),
        "failed": sum(r.must_failed for r in results),
        "warned": sum(r.warned for r in results),
        "skipped": sum(r.outcome is Outcome.SKIPPED for r in results),
        "waived": sum(r.outcome is Outcome.WAIVED for r in results),
        "disabled": sum(r.outcome is Outcome.DISABLED for r in results),
    }


def _document(results: Sequence[Result], verdict: Verdict, facts: Facts) -> dict[str, Any]:
    return {
        "verdict": verdict.name,
        "exit_status": verdict.exit_status,
        "reason": verdict.reason,
        "strict": verdict.strict,
        "target": facts.target,
        "suite": {"version": facts.version},
        "started": facts.started,
        "finished": facts.finished,
        "summary": summary(results),
        "unjudged": list(verdict.unjudged),
        "waivers": [w.as_dict() for w in facts.waivers],
        "calls": facts.calls,
        "requirements": [
            {
                "id": r.requirement.id,
                "level": r.requirement.level,
                "outcome": r.outcome.label,
                "message": r.message,
                "occurrences": r.failures,
                "note": r.note,
            }
            for r in results
        ],
    }


def _junit(results: Sequence[Result], verdict: Verdict, facts: Facts) -> str:
    counts = summary(results)
    carried_out = verdict.name != "not-carried-out"
    harness = ET.Element(
        "testsuite",
        {
            "name": "calls-conformance",
            "tests": str(len(results) + (0 if carried_out else 1)),
            "failures": str(counts["failed"]),
            "errors": "0" if carried_out else "1",
            "skipped": str(counts["skipped"] + counts["disabled"] + counts["waived"]),
            "timestamp": facts.started,
        },
    )
    properties = ET.SubElement(harness, "properties")
    about = {**facts.target, "verdict": verdict.name, "exit_status": str(verdict.exit_status)}
    for key, value in {**about, "reason": verdict.reason, "suite_version": facts.version}.items():
        ET.SubElement(properties, "property", {"name": key, "value": value})
    if not carried_out:
        case = ET.SubElement(harness, "testcase", {"classname": "calls-conformance", "name": "run"})
        ET.SubElement(
            case, "error", {"message": verdict.reason, "type": "not-carried-out"}
        ).text = verdict.reason
    for r in results:
        _junit_case(harness, r)
    return ET.tostring(harness, encoding="unicode", xml_declaration=True)


def _junit_case(harness: ET.Element, r: Result) -> None:
    case = ET.SubElement(
        harness, "testcase", {"classname": f"requirements.{r.requirement.level}", "name": r.requirement.id}
    )
    first = (r.message.splitlines() or [""])[0]
    if r.must_failed:
        ET.SubElement(case, "failure", {"message": first}).text = r.message
    elif r.outcome is Outcome.WAIVED:
        ET.SubElement(case, "skipped", {"message": r.note, "type": "waived"}).text = r.message
    elif r.outcome in (Outcome.SKIPPED, Outcome.DISABLED):
        ET.SubElement(case, "skipped", {"message": r.message})
    elif r.warned:
        ET.SubElement(case, "system-out").text = f"SHOULD not met (warning): {r.message}"
    if r.note and r.outcome is not Outcome.WAIVED:
        ET.SubElement(case, "system-err").text = f"warning: {r.note}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown(results: Sequence[Result], verdict: Verdict, facts: Facts, *, full: bool = True) -> str:
    """report.md; not `full` (a step summary), each message is cut to its first line."""
    counts = summary(results)
    target = facts.target
    lines = [
        "# Calls conformance report",
        "",
        f"Target: `{target.get('base_url', '')}` (profile {target.get('profile', '')}, {target.get('mode', '')}); "
        f"calls-conformance {facts.version}; {facts.started} to {facts.finished}",
        "",
        f"**{verdict.title}**: {verdict.reason} (exit status {verdict.exit_status})",
        "",
        f"{counts['passed']} passed, {counts['failed']} failed, {counts['warned']} warned, {counts['skipped']} skipped, "
        f"{counts['waived']} waived, {counts['disabled']} disabled",
        "",
    ]
    if facts.calls:
        calls = facts.calls
        budget = "unlimited" if calls["max_calls"] is None else calls["max_calls"]
        lines += [
            f"Calls: {calls['created']} created (CALLS_MAX_CALLS {budget}); full coverage needs "
            f"{calls['full_coverage']}.",
            "",
        ]
        if calls["unjudged_for_lack_of_calls"]:
            lines += [f"Unjudged for lack of calls: {', '.join(calls['unjudged_for_lack_of_calls'])}.", ""]
        if calls.get("unjudged_because_creates_refused"):
            lines += [
                f"Unjudged because the endpoint refused every create ({calls['refused']}; see CREATE-2XX), not "
                f"for lack of calls: {', '.join(calls['unjudged_because_creates_refused'])}.",
                "",
            ]
    if facts.waivers:
        lines += ["| waiver | status | reason | note |", "|---|---|---|---|"]
        lines += [
            f"| {w.waiver.id} | {w.status} | {_cell(w.waiver.describe())} | {_cell(w.note)} |"
            for w in facts.waivers
        ]
        lines.append("")
    lines += ["| requirement | level | outcome | requirement text | message |", "|---|---|---|---|---|"]
    for r in results:
        message = " ".join(
            part for part in (r.note, r.message if full else r.message.partition("\n")[0]) if part
        )
        lines.append(
            f"| {r.requirement.id} | {r.requirement.level} | {outcome_label(r)} | {_cell(r.requirement.text)} "
            f"| {_cell(message)} |"
        )
    return "\n".join(lines) + "\n"


def write_reports(
    directory: Path, results: Sequence[Result], verdict: Verdict, facts: Facts, secrets: Iterable[str]
) -> list[Path]:
    """Write the reports, each passed through redact(); returns their paths (OSError if it cannot)."""
    directory.mkdir(parents=True, exist_ok=True)
    secrets = tuple(secrets)
    contents = {
        "conformance.json": json.dumps(_document(results, verdict, facts), indent=2) + "\n",
        "junit.xml": _junit(results, verdict, facts),
        "report.md": _markdown(results, verdict, facts),
        "report.html": html_page(results, verdict, facts, summary(results), secrets),
    }
    paths = []
    for name, text in contents.items():
        path = directory / name
        path.write_text(redact(text, secrets), encoding="utf-8")
        paths.append(path)
    return paths


def append_step_summary(
    path: Path, results: Sequence[Result], verdict: Verdict, facts: Facts, secrets: Iterable[str]
) -> None:
    """Append the Markdown matrix (each message's first line) to a GitHub step summary file, redacted."""
    with path.open("a", encoding="utf-8") as stream:
        stream.write(redact(_markdown(results, verdict, facts, full=False), tuple(secrets)) + "\n")


def verdict_lines(
    results: Sequence[Result], verdict: Verdict, secrets: Iterable[str], width: int = 100
) -> list[str]:
    """The requirement matrix as terminal lines, then the counts; a run not carried out shows no matrix."""
    marks = {
        Outcome.PASSED: "pass",
        Outcome.FAILED: "FAIL",
        Outcome.SKIPPED: "skip",
        Outcome.DISABLED: "off",
        Outcome.WAIVED: "waived",
    }
    lines: list[str] = []
    if verdict.name != "not-carried-out":
        lines.append(f"{'requirement':<30} {'level':<6} {'outcome':<7} message")
        for r in results:
            mark = "warn" if r.warned else marks[r.outcome]
            message = (r.message.splitlines() or [""])[0]
            if r.note:
                message = f"{r.note}; {message}" if message else r.note
            line = f"{r.requirement.id:<30} {r.requirement.level:<6} {mark:<7} {message}"
            lines.append(line if len(line) <= width else line[: width - 1] + "…")
        lines.append("")
    counts = summary(results)
    lines.append(
        f"{verdict.title}: {counts['passed']} passed, {counts['failed']} failed, {counts['warned']} warned, "
        f"{counts['skipped']} skipped, {counts['waived']} waived ({counts['disabled']} disabled)"
    )
    secrets = tuple(secrets)
    return [redact(line, secrets) for line in lines]
