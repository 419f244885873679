"""Prism as a validating proxy: the document it is given, and its log read for violations.

Prism (`prism proxy DOC UPSTREAM`) routes by the document's `paths` alone (it ignores `servers`) and
forwards each request to UPSTREAM + the request path, adding an `sl-violations` header to answers and a
`Violation:` line to its log for every request or response that breaks the document. Without `--errors`
it changes no answer, so the endpoint's own behaviour reaches the client.

Two things are adapted here, at run time and in a copy, never in `spec/`:

- The paths get the base URL's path in front (`/api/laml/2010-04-01/Accounts/…`), since Prism ignores
  `servers`: clients then use Prism's origin plus the same base path as the endpoint's, and URIs the
  endpoint hands out (`next_page_uri`, host-relative) lead back through Prism. Prism forwards to the
  endpoint's origin.
- The signalwire profile serves every path with and without `.json` (contract: both are valid, and the
  suite probes `.json` for PATH-JSON-SUFFIX). The spec lists one form; the copy adds the other.
- Violations are attributed to the answer status they came with (the log says "The upstream call to
  PATH has returned STATUS" just before them). A request violation on a request the endpoint refused
  (4xx) is the spec and the endpoint agreeing that it is invalid, as the suite's deliberate negative
  probes are; on an answer the endpoint accepted (2xx/3xx) or crashed on (5xx) they disagree. Every
  response violation is a disagreement.

    python spec-tools/prism_watch.py document SPEC BASE_PATH -o prism.json   # the copy Prism is given
    python spec-tools/prism_watch.py judge prism.log                        # exit 0: no disagreement
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "PrismViolation",
    "ViolationVerdict",
    "judge_violations",
    "main",
    "prism_document",
    "read_violations",
]

_UPSTREAM = re.compile(r"The upstream call to (?P<path>\S+) has returned (?P<status>[0-9]{3})")
_VIOLATION = re.compile(r"Violation: (?P<location>request|response)(?P<where>\S*) (?P<message>.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SUFFIX = ".json"


def prism_document(document: Mapping[str, Any], base_path: str) -> dict[str, Any]:
    """A copy of `document` with `base_path` before every path, and each suffix-less path also with `.json`.

    OperationIds stay unique: those of an added `.json` form end in `Json`.
    """
    result = copy.deepcopy(dict(document))
    prefix = base_path.rstrip("/")
    paths: dict[str, Any] = {}
    for path, item in result.get("paths", {}).items():
        paths[prefix + path] = item
        if not path.endswith(_SUFFIX) and path + _SUFFIX not in result["paths"]:
            paths[prefix + path + _SUFFIX] = _renamed(_resolved(result, item), "Json")
    result["paths"] = paths
    return result


def _resolved(document: Mapping[str, Any], item: Any) -> dict[str, Any]:
    """The path item itself, when `item` is a `$ref` to one."""
    while isinstance(item, Mapping) and isinstance(item.get("$ref"), str):
        target: Any = document
        for part in item["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        item = target
    return copy.deepcopy(dict(item))


def _renamed(item: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The path item with every operationId suffixed."""
    for operation in item.values():
        if isinstance(operation, dict) and "operationId" in operation:
            operation["operationId"] += suffix
    return item


@dataclass(frozen=True)
class PrismViolation:
    """One `Violation:` line of Prism's log, with the upstream answer it came after."""

    location: str  # "request" or "response"
    where: str  # ".query.pagesize", ".body.duration", "" ...
    message: str
    path: str | None
    status: int | None

    @property
    def disagreement(self) -> bool:
        """A response violation, or a request violation on an answer that was not a refusal (4xx)."""
        return self.location == "response" or self.status is None or not 400 <= self.status < 500

    @property
    def kind(self) -> str:
        """Where and what, shortened (Prism repeats whole patterns in its messages)."""
        return f"{self.location}{self.where}: {_short(self.message)}"

    def line(self) -> str:
        """One line for the terminal."""
        answered = f"answered {self.status}" if self.status else "answer unknown"
        return f"{self.kind} ({self.path or '?'}, {answered})"


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ViolationVerdict:
    """Prism's violations, sorted into agreements and disagreements."""

    agreed: list[PrismViolation]
    disagreements: list[PrismViolation]
    forwarded: int

    @property
    def passed(self) -> bool:
        """Prism forwarded something and found no disagreement."""
        return self.forwarded > 0 and not self.disagreements

    def lines(self) -> list[str]:
        """The verdict for the terminal."""
        out = [f"requests forwarded through Prism: {self.forwarded}"]
        agreed = Counter(v.kind for v in self.agreed)
        out += [
            f"invalid request refused by the endpoint too: {n} x {what}" for what, n in sorted(agreed.items())
        ]
        kinds: dict[str, list[PrismViolation]] = {}
        for violation in self.disagreements:
            kinds.setdefault(violation.kind, []).append(violation)
        out += [f"VIOLATION: {len(alike)} x {alike[0].line()}" for alike in kinds.values()]
        if not self.forwarded:
            out.append("VIOLATION: Prism forwarded no request")
        return out


def read_violations(log: Iterable[str]) -> tuple[list[PrismViolation], int]:
    """Every violation in Prism's log with the answer it follows, and how many answers were forwarded."""
    found: list[PrismViolation] = []
    path: str | None = None
    status: int | None = None
    forwarded = 0
    for raw in log:
        line = _ANSI.sub("", raw.rstrip("\n"))
        upstream = _UPSTREAM.search(line)
        if upstream:
            path, status = upstream["path"], int(upstream["status"])
            forwarded += 1
            continue
        violation = _VIOLATION.search(line)
        if violation:
            found.append(
                PrismViolation(
                    violation["location"], violation["where"], violation["message"].strip(), path, status
                )
            )
    return found, forwarded


def judge_violations(violations: list[PrismViolation], forwarded: int) -> ViolationVerdict:
    """Agreements (invalid requests the endpoint refused) apart from disagreements."""
    agreed = [v for v in violations if not v.disagreement]
    return ViolationVerdict(agreed, [v for v in violations if v.disagreement], forwarded)


def main(argv: list[str] | None = None) -> int:
    """Write the document Prism is given, or judge a Prism log (exit 1 on a disagreement)."""
    parser = argparse.ArgumentParser(prog="python spec-tools/prism_watch.py", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    document = commands.add_parser("document", help="the spec with the base path and the .json forms added")
    document.add_argument(
        "spec", type=Path, help="spec/calls.yaml, or a profile written by conformance.core.spec"
    )
    document.add_argument("base_path", help="the path of your base URL, such as /api/laml/2010-04-01")
    document.add_argument("-o", "--output", type=Path, required=True)
    judged = commands.add_parser("judge", help="read Prism's log (its standard output)")
    judged.add_argument("log", type=Path)
    args = parser.parse_args(argv)
    if args.command == "document":
        with args.spec.open(encoding="utf-8") as stream:
            written = prism_document(yaml.safe_load(stream), args.base_path)
        args.output.write_text(json.dumps(written, indent=1), encoding="utf-8")
        return 0
    with args.log.open(encoding="utf-8", errors="replace") as lines:
        verdict = judge_violations(*read_violations(lines))
    print("\n".join(verdict.lines()))
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
