"""The run's reports: conformance.json, junit.xml and report.md, and the verdict table for the terminal."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from conformance.outcomes import Outcome, Result
from conformance.redact import redact

__all__ = ["exit_status", "summary", "verdict", "verdict_lines", "write_reports"]


def summary(results: Sequence[Result]) -> dict[str, int]:
    """Counts for the report: failed is MUST failures, warned is SHOULD failures."""
    return {
        "passed": sum(r.outcome is Outcome.PASSED for r in results),
        "failed": sum(r.outcome is Outcome.FAILED and not r.warned for r in results),
        "warned": sum(r.warned for r in results),
        "skipped": sum(r.outcome is Outcome.SKIPPED for r in results),
    }


def exit_status(results: Sequence[Result]) -> int:
    """0 when every MUST requirement held (SHOULD failures are warnings), else 1."""
    return 1 if summary(results)["failed"] else 0


def _document(results: Sequence[Result], target: dict[str, str]) -> dict[str, Any]:
    return {
        "target": target,
        "summary": summary(results),
        "requirements": [
            {
                "id": r.requirement.id,
                "level": r.requirement.level,
                "outcome": r.outcome.label,
                "message": r.message,
            }
            for r in results
        ],
    }


def _junit(results: Sequence[Result], target: dict[str, str]) -> str:
    counts = summary(results)
    suite = ET.Element(
        "testsuite",
        {
            "name": "calls-conformance",
            "tests": str(len(results)),
            "failures": str(counts["failed"]),
            "skipped": str(sum(r.outcome in (Outcome.SKIPPED, Outcome.DISABLED) for r in results)),
            "errors": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in target.items():
        ET.SubElement(properties, "property", {"name": key, "value": value})
    for r in results:
        case = ET.SubElement(
            suite, "testcase", {"classname": f"requirements.{r.requirement.level}", "name": r.requirement.id}
        )
        if r.outcome is Outcome.FAILED and not r.warned:
            ET.SubElement(
                case, "failure", {"message": r.message.splitlines()[0] if r.message else ""}
            ).text = r.message
        elif r.outcome in (Outcome.SKIPPED, Outcome.DISABLED):
            ET.SubElement(case, "skipped", {"message": r.message})
        elif r.warned:
            ET.SubElement(case, "system-out").text = f"SHOULD not met (warning): {r.message}"
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown(results: Sequence[Result], target: dict[str, str]) -> str:
    counts = summary(results)
    lines = [
        "# Calls conformance report",
        "",
        f"Target: `{target['base_url']}` (profile {target['profile']}, {target['mode']})",
        "",
        f"**{verdict(results)}**: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['warned']} warned, {counts['skipped']} skipped",
        "",
        "| requirement | level | outcome | requirement text | message |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        outcome = "warned" if r.warned else r.outcome.label
        lines.append(
            f"| {r.requirement.id} | {r.requirement.level} | {outcome} | {_cell(r.requirement.text)} "
            f"| {_cell(r.message)} |"
        )
    return "\n".join(lines) + "\n"


def verdict(results: Sequence[Result]) -> str:
    return "NOT CONFORMANT" if exit_status(results) else "CONFORMANT"


def write_reports(
    directory: Path, results: Sequence[Result], target: dict[str, str], secrets: Iterable[str]
) -> list[Path]:
    """Write the three reports, each passed through redact(); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    secrets = tuple(secrets)
    contents = {
        "conformance.json": json.dumps(_document(results, target), indent=2) + "\n",
        "junit.xml": _junit(results, target),
        "report.md": _markdown(results, target),
    }
    paths = []
    for name, text in contents.items():
        path = directory / name
        path.write_text(redact(text, secrets), encoding="utf-8")
        paths.append(path)
    return paths


def verdict_lines(results: Sequence[Result], secrets: Iterable[str], width: int = 100) -> list[str]:
    """The requirement matrix as terminal lines, worst first within level, then the verdict."""
    marks = {Outcome.PASSED: "pass", Outcome.FAILED: "FAIL", Outcome.SKIPPED: "skip", Outcome.DISABLED: "off"}
    lines = [f"{'requirement':<30} {'level':<6} {'outcome':<7} message"]
    for r in results:
        mark = "warn" if r.warned else marks[r.outcome]
        message = (r.message.splitlines() or [""])[0]
        line = f"{r.requirement.id:<30} {r.requirement.level:<6} {mark:<7} {message}"
        lines.append(line if len(line) <= width else line[: width - 1] + "…")
    counts = summary(results)
    lines.append("")
    lines.append(
        f"{verdict(results)}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['warned']} warned, {counts['skipped']} skipped "
        f"({sum(r.outcome is Outcome.DISABLED for r in results)} disabled)"
    )
    secrets = tuple(secrets)
    return [redact(line, secrets) for line in lines]
