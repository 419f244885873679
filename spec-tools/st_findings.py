"""Schemathesis findings judged against the spec's `x-inherent-refusals`.

`schemathesis run --report ndjson` writes one event a line; each finished scenario carries its test cases,
the checks run on each and the HTTP exchange. Every failed check is sorted here:

- *expected*: a schema-valid request refused (check `positive_data_acceptance`, ST202) with a status and an
  error code that the operation's `x-inherent-refusals` lists (deleting a call that has not ended, ...);
- *unexpected*: anything else, which the spec-tools session fails on.

The run is also judged *vacuous* when no request got past authentication, or none was answered 2xx.

    python spec-tools/st_findings.py REPORT.ndjson [SPEC]   # SPEC: spec/calls.yaml (default) or a JSON document

prints the verdict of a run of your own and exits 0 when every finding is an inherent refusal.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Finding", "Refusal", "Verdict", "error_code", "inherent_refusals", "judge", "main", "read_report"]

EXTENSION = "x-inherent-refusals"
ACCEPTANCE_CHECK = "positive_data_acceptance"
_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Refusal:
    """One entry of an operation's `x-inherent-refusals`."""

    statuses: frozenset[int]
    codes: frozenset[str]
    reason: str

    def covers(self, status: int | None, code: str | None) -> bool:
        """Whether an answer with this status and error code is this refusal."""
        return status in self.statuses and code in self.codes


@dataclass(frozen=True)
class Finding:
    """One failed check of one test case."""

    operation: str  # "POST /Accounts/{AccountSid}/Calls"
    check: str
    status: int | None
    code: str | None
    title: str
    detail: str  # Schemathesis' last line about it, such as "Invalid component: …"
    request: str  # "POST http://…/Calls" (Schemathesis has already filtered the credentials)

    @property
    def kind(self) -> str:
        """What makes findings alike: operation, check, status and error code."""
        answer = f"{self.status} code {self.code}" if self.code else str(self.status)
        return f"{self.operation}: {self.check} ({self.title}), answered {answer}"


@dataclass
class Verdict:
    """The findings of one run, sorted, and whether the run tested anything."""

    expected: list[Finding]
    unexpected: list[Finding]
    vacuous: list[str]

    @property
    def passed(self) -> bool:
        """No unexpected finding and a run that tested something."""
        return not self.unexpected and not self.vacuous

    def lines(self) -> list[str]:
        """The verdict for the terminal: expected findings counted, the others listed."""
        counted = Counter(f"{f.operation}: {f.status} code {f.code}" for f in self.expected)
        out = [f"expected (x-inherent-refusals): {count} x {what}" for what, count in sorted(counted.items())]
        kinds: dict[str, list[Finding]] = {}
        for finding in self.unexpected:
            kinds.setdefault(finding.kind, []).append(finding)
        for kind, alike in sorted(kinds.items()):
            out.append(f"UNEXPECTED: {len(alike)} x {kind}")
            out += (
                [f"    e.g. {alike[0].detail}", f"    {alike[0].request}"]
                if alike[0].detail
                else [f"    e.g. {alike[0].request}"]
            )
        out += [f"VACUOUS: {problem}" for problem in self.vacuous]
        return out


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until an object without one."""
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def inherent_refusals(document: Mapping[str, Any]) -> dict[str, list[Refusal]]:
    """Each operation's `x-inherent-refusals`, keyed like Schemathesis names operations ("GET /path")."""
    found: dict[str, list[Refusal]] = {}
    for path, item in document.get("paths", {}).items():
        for method, operation in _resolve(document, item).items():
            if method in _METHODS:
                found[f"{method.upper()} {path}"] = [
                    Refusal(
                        frozenset(entry["statuses"]),
                        frozenset(str(c) for c in entry["codes"]),
                        entry["reason"],
                    )
                    for entry in operation.get(EXTENSION, [])
                ]
    return found


def _first_error(body: bytes) -> dict[str, Any]:
    """The error object of an error body, either shape (`{code, …}` or `{errors: [{code, …}]}`)."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
        data = data["errors"][0]
    return data if isinstance(data, dict) else {}


def error_code(body: bytes) -> str | None:
    """The error code of an error body, either shape, as text; None when there is none."""
    code = _first_error(body).get("code")
    return str(code) if isinstance(code, int | str) and not isinstance(code, bool) else None


def _content(message: Mapping[str, Any] | None) -> bytes:
    """The body of a recorded request or response (stored base64)."""
    stored = (message or {}).get("content") or (message or {}).get("body") or {}
    try:
        return base64.b64decode(stored.get("$base64", ""))
    except (binascii.Error, AttributeError):
        return b""


def _scenarios(lines: Iterable[str]) -> Iterator[Mapping[str, Any]]:
    """The recorder of every finished scenario; a non-fatal error event becomes a pseudo scenario."""
    for line in lines:
        if not line.strip():
            continue
        event = json.loads(line)
        if "ScenarioFinished" in event:
            yield event["ScenarioFinished"].get("recorder", {})
        elif "NonFatalError" in event:
            error = event["NonFatalError"]
            yield {"error": f"{error.get('label', '?')}: {str(error.get('info', error))[:300]}"}


def read_report(path: Path) -> tuple[list[Finding], dict[str, Counter[int]], list[str]]:
    """Failed checks, the statuses each operation was answered with, and the run's errors."""
    findings: list[Finding] = []
    statuses: dict[str, Counter[int]] = {}
    errors: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for recorder in _scenarios(stream):
            if "error" in recorder:
                errors.append(recorder["error"])
                continue
            for case_id, checks in recorder.get("checks", {}).items():
                case = recorder["cases"][case_id]["value"]
                operation = f"{case['method'].upper()} {case['path']}"
                exchange = recorder.get("interactions", {}).get(case_id) or {}
                response = exchange.get("response") or {}
                status = response.get("status_code")
                if status is not None:
                    statuses.setdefault(operation, Counter())[status] += 1
                request = exchange.get("request") or {}
                for check in checks:
                    if check.get("status") == "success":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    message = str(failure.get("message", "")).strip().splitlines()
                    answer = str(_first_error(_content(response)).get("message", ""))
                    findings.append(
                        Finding(
                            operation=operation,
                            check=check.get("name", "?"),
                            status=status,
                            code=error_code(_content(response)),
                            title=failure.get("title", check.get("status", "")),
                            detail=(
                                message[-1] if len(message) > 2 else f"answer: {answer}" if answer else ""
                            )[:300],
                            request=f"{request.get('method', case['method'])} {request.get('uri', '')}"[:300],
                        )
                    )
    return findings, statuses, errors


def judge(
    findings: list[Finding],
    statuses: Mapping[str, Counter[int]],
    errors: list[str],
    refusals: Mapping[str, list[Refusal]],
) -> Verdict:
    """Sort the findings by the spec's refusals, and say whether the run tested anything."""
    expected: list[Finding] = []
    unexpected: list[Finding] = []
    for finding in findings:
        known = refusals.get(finding.operation, [])
        inherent = finding.check == ACCEPTANCE_CHECK and any(
            r.covers(finding.status, finding.code) for r in known
        )
        (expected if inherent else unexpected).append(finding)
    vacuous = [f"Schemathesis error: {error}" for error in errors]
    for operation, counts in sorted(statuses.items()):
        if counts and set(counts) <= {401, 403}:
            vacuous.append(f"{operation} was only ever answered 401/403: the credentials are not accepted")
    if not any(200 <= status < 300 for counts in statuses.values() for status in counts):
        vacuous.append("no request was answered 2xx: check CALLS_BASE_URL (it ends at the API version)")
    return Verdict(expected, unexpected, vacuous)


def main(argv: list[str] | None = None) -> int:
    """Judge a Schemathesis NDJSON report by a spec's `x-inherent-refusals`; 0 when nothing else was found."""
    parser = argparse.ArgumentParser(prog="python spec-tools/st_findings.py", description=main.__doc__)
    parser.add_argument("report", type=Path, help="the .ndjson file of `schemathesis run --report ndjson`")
    parser.add_argument(
        "spec",
        type=Path,
        nargs="?",
        default=Path(__file__).resolve().parents[1] / "spec" / "calls.yaml",
        help="the OpenAPI document the run used (YAML or JSON; default spec/calls.yaml)",
    )
    args = parser.parse_args(argv)
    with args.spec.open(encoding="utf-8") as stream:
        document = yaml.safe_load(stream)  # JSON is YAML too
    verdict = judge(*read_report(args.report), inherent_refusals(document))
    print("\n".join(verdict.lines()) or "no failure")
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
