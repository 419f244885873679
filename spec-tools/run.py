"""Standard tools against the reference endpoint: plain Schemathesis, then the suite through Prism.

    python spec-tools/run.py --prism PATH/TO/prism [--profile twilio] [--fault NAME] [--work DIR]

What `nox -s spec-tools` runs (it installs Prism from npm first). Steps, all on loopback:

1. write the profile's OpenAPI document (`python -m conformance.core.spec PROFILE`) into the work directory;
2. start the reference endpoint (`python -m conformance.reference --port 0`) and read its `CALLS_*` lines;
3. run `schemathesis run` with `spec-tools/schemathesis.toml` (default checks, 30 examples, seed 7) and
   judge its NDJSON report: every failure must be one the spec lists in `x-inherent-refusals`;
4. start `prism proxy` in front of the endpoint, with a copy of the document that adds the `.json` path
   forms, and run the conformance suite through it; Prism's log must show no disagreement between the
   spec and the endpoint, and the suite's verdict must not be *not-conformant*.

Exit status 0 when all of that holds, 1 when something does not, 2 when a tool could not be run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import prism_watch
import st_findings

from conformance.core.spec import PROFILES, load_spec

__all__ = [
    "ToolError",
    "check_through_prism",
    "load_json",
    "main",
    "run_schemathesis",
    "run_suite_through",
    "start_prism",
    "start_reference",
]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# What `python -m conformance.reference` prints first: its settings, the two numbers of each kind included (the
# second lets the suite's To and From filters tell calls apart).
PRINTED = frozenset({
    "CALLS_BASE_URL", "CALLS_ACCOUNT_SID", "CALLS_AUTH_TOKEN", "CALLS_SIGNING_KEY", "CALLS_TO_NUMBER", "CALLS_FROM_NUMBER",
})  # fmt: skip
CONFIG = HERE / "schemathesis.toml"
START_TIMEOUT = 60.0
_EXIT_VERDICTS = {0: "conformant (or partial)", 1: "not-conformant", 2: "not-carried-out"}
SUITE = [
    "-m",
    "pytest",
    "--pyargs",
    "conformance.suite",
    "-p",
    "no:cacheprovider",
    "-o",
    "addopts=",
    "-q",
    "--tb=line",
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
]


class ToolError(Exception):
    """A tool could not be started or run (exit status 2)."""


def _free_port() -> int:
    """A loopback port nobody listens on now (Prism takes a port number, not 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[str] | None) -> None:
    """End a process this run started (SIGTERM, then SIGKILL after 10 s)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_reference(
    profile: str, faults: Sequence[str], work: Path
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The reference endpoint on a free loopback port, and the CALLS_* settings it printed."""
    command = [sys.executable, "-m", "conformance.reference", "--port", "0"]
    command += ["--profile", profile] if profile != PROFILES[0] else []
    for fault in faults:
        command += ["--fault", fault]
    errors = (work / "reference.err").open("w", encoding="utf-8")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT)
    settings: dict[str, str] = {}
    assert process.stdout is not None
    while not settings.keys() >= PRINTED:
        line = process.stdout.readline()
        if not line:
            _stop(process)
            raise ToolError(f"the reference endpoint did not start (see {work / 'reference.err'})")
        name, _, value = line.strip().partition("=")
        if name.startswith("CALLS_"):
            settings[name] = value
    return process, settings


def run_schemathesis(document: Path, settings: dict[str, str], work: Path) -> st_findings.Verdict:
    """Plain Schemathesis with the repository's configuration; its findings judged by the spec."""
    report_dir = work / "schemathesis"
    env = {**os.environ, **settings, "HYPOTHESIS_STORAGE_DIRECTORY": str(work / "hypothesis")}
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        str(document),
        "--report",
        "ndjson",
        "--report-dir",
        str(report_dir),
    ]
    result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    (work / "schemathesis.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    summary = result.stdout.split("SUMMARY", 1)[-1].splitlines()[1:]
    print("\n".join(line for line in summary if line.strip()))
    reports = sorted(report_dir.glob("*.ndjson"))
    if result.returncode not in (0, 1) or not reports:
        raise ToolError(f"schemathesis exited {result.returncode} (output in {work / 'schemathesis.txt'})")
    findings, statuses, errors = st_findings.read_report(reports[-1])
    verdict = st_findings.judge(
        findings, statuses, errors, st_findings.inherent_refusals(load_json(document))
    )
    if result.returncode == 1 and not findings:
        verdict.vacuous.append(
            "schemathesis exited 1 with no failed check: a warning of `fail-on` (see its output)"
        )
    return verdict


def load_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file."""
    with path.open(encoding="utf-8") as stream:
        return dict(json.load(stream))


def start_prism(
    prism: str, document: Path, upstream: str, work: Path
) -> tuple[subprocess.Popen[str], int, Path]:
    """`prism proxy` on a free loopback port; returns the process, the port and its log file."""
    port = _free_port()
    log = work / "prism.log"
    command = [
        str(Path(prism).resolve()),
        "proxy",
        str(document),
        upstream,
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    try:
        with log.open("w", encoding="utf-8") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, text=True, cwd=work)
    except OSError as exc:
        raise ToolError(f"prism could not be started: {exc}") from exc
    deadline = time.monotonic() + START_TIMEOUT
    while "Prism is listening" not in log.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise ToolError(f"prism did not start (log: {log})")
        time.sleep(0.2)
    return process, port, log


def run_suite_through(base_url: str, settings: dict[str, str], profile: str, work: Path) -> tuple[int, str]:
    """The conformance suite with Prism's base URL as CALLS_BASE_URL: exit status and verdict."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CALLS_") and not key.startswith("PYTEST_")
    }
    env.update(settings)
    env.update(
        {
            "CALLS_BASE_URL": base_url,
            "CALLS_MAX_CALLS": "1000",
            "CALLS_PROFILE": profile,
            "CALLS_REPORT_DIR": str(work / "suite-reports"),
        }
    )
    result = subprocess.run(
        [sys.executable, *SUITE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    (work / "suite.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    try:
        report = load_json(work / "suite-reports" / "conformance.json")
    except (OSError, ValueError):
        return result.returncode, f"no report (output in {work / 'suite.txt'})"
    summary = report.get("summary") or {}
    counts = ", ".join(f"{value} {key}" for key, value in summary.items())
    verdict = report.get("verdict") or _EXIT_VERDICTS.get(result.returncode, f"exit {result.returncode}")
    reason = f" ({report['reason']})" if report.get("reason") else ""
    return result.returncode, f"{verdict}{reason}: {counts}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python spec-tools/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=PROFILES, default=PROFILES[0])
    parser.add_argument(
        "--prism", help="the prism executable (node_modules/.bin/prism); without it, Prism is skipped"
    )
    parser.add_argument(
        "--fault", action="append", default=[], help="start the reference endpoint with a fault"
    )
    parser.add_argument(
        "--work", type=Path, help="directory for documents, logs and reports (default: a temp dir)"
    )
    return parser


def _step(title: str, started: float) -> None:
    """A heading on the terminal, with the time since the run started."""
    print(f"\n== {title} ({time.monotonic() - started:.1f} s into the run)")


def check_through_prism(
    prism_bin: str, document: Path, settings: dict[str, str], profile: str, work: Path
) -> bool:
    """The suite through a Prism proxy: its verdict must not be a failure, Prism must see no disagreement."""
    base = urlsplit(settings["CALLS_BASE_URL"])
    prism_doc = work / f"{document.stem}.prism.json"
    prism_doc.write_text(
        json.dumps(prism_watch.prism_document(load_json(document), base.path), indent=1), encoding="utf-8"
    )
    prism, port, log = start_prism(prism_bin, prism_doc, f"{base.scheme}://{base.netloc}", work)
    try:
        status, verdict = run_suite_through(f"http://127.0.0.1:{port}{base.path}", settings, profile, work)
    finally:
        _stop(prism)
    print(f"suite through Prism: {verdict} (exit {status})")
    with log.open(encoding="utf-8", errors="replace") as lines:
        violations = prism_watch.judge_violations(*prism_watch.read_violations(lines))
    print("\n".join(violations.lines()))
    return violations.passed and status == 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tools; 0 when they agree with the spec, 1 when not, 2 when one could not be run."""
    args = _parser().parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="spec-tools-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    document = work / f"calls.{args.profile}.json"
    document.write_text(json.dumps(load_spec(args.profile), indent=1), encoding="utf-8")
    reference = None
    try:
        reference, settings = start_reference(args.profile, args.fault, work)
        _step(f"Schemathesis, {args.profile} profile, against {settings['CALLS_BASE_URL']}", started)
        findings = run_schemathesis(document, settings, work)
        print("\n".join(findings.lines()) or "no failure")
        ok = findings.passed
        if args.prism:
            _step("the conformance suite through Prism", started)
            ok = check_through_prism(args.prism, document, settings, args.profile, work) and ok
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        _stop(reference)
    print(
        f"\nspec-tools ({args.profile}): {'PASSED' if ok else 'FAILED'} in {time.monotonic() - started:.1f} s; "
        f"logs and reports in {work}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
