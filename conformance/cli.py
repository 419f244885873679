"""`calls-conformance [pytest args]`: run the suite and exit 0, 1 or 2 (interface.md); `calls-conformance plan
[pytest args]`: print what such a run would do, contacting nothing (`--calls-plan`); `calls-conformance compare
DIR_A DIR_B`: compare two recordings (`conformance.cassettes.comparison`).

It runs `pytest --pyargs conformance.suite` with the arguments `nox -s conformance` uses, then the user's. The
suite sets the exit status itself (0 conformant or partial, 1 not conformant or strict partial, 2 not carried
out); pytest's own usage and internal errors, and a run that collected no suite test, become 2 with one line,
and the reports of a run not carried out are written when pytest stopped before the suite could write them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from conformance.cassettes.comparison import MAX_LINES, compare_recordings
from conformance.reports.facts import Facts
from conformance.run.conclusion import (
    conclude,
    raw_report_dir,
    raw_secrets,
    raw_target,
    suite_version,
    utc_now,
    write_conclusion,
)

__all__ = ["PYTEST_ARGS", "compare", "main"]

PYTEST_ARGS = (
    "--pyargs",
    "conformance.suite",
    "-p",
    "no:cacheprovider",
    "-o",
    "addopts=",
    "-q",
    "--tb=short",
    # The suite's verdicts never rely on pytest's assertion introspection: rewriting the ~400 modules of the
    # plugins' packages (Schemathesis, Hypothesis…) on every run cost a third of a replay's time.
    "--assert=plain",
    # Plugins the suite has no use for, each loaded (and imported, and its fixtures parsed) by every session:
    # pytest-xdist (the suite is one run: it is not spread over processes), anyio's and Schemathesis's own
    # pytest integrations (the suite drives Schemathesis itself). A tenth of a second of every run's start.
    *("-p", "no:xdist", "-p", "no:xdist.looponfail", "-p", "no:anyio", "-p", "no:schemathesis"),
)
_VERDICT_STATUSES = (0, 1, 2)
_WHY: dict[int, str] = {
    pytest.ExitCode.USAGE_ERROR: "pytest usage error (see above)",
    pytest.ExitCode.INTERNAL_ERROR: "pytest internal error (see above)",
    pytest.ExitCode.NO_TESTS_COLLECTED: "no suite test was collected",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite with `argv` (default: the command line's arguments) after the default pytest arguments; or,
    given `compare DIR_A DIR_B`, compare two recordings; given `plan`, print the run's plan (`--calls-plan`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["compare"]:
        return compare(args[1:])
    if args[:1] == ["plan"]:
        return _plan(args[1:])
    started_at, started = time.time(), utc_now()
    with _collecting_young_garbage_only():
        status = int(pytest.main([*PYTEST_ARGS, *args]))
    if status in _VERDICT_STATUSES:
        if status == 2:  # stopped before the suite could conclude (Ctrl-C while collecting, say)
            _write_reports_if_missing(args, started_at, started, "the run was stopped before it started")
        return status
    why = _WHY.get(status, f"pytest exited {status}")
    _write_reports_if_missing(args, started_at, started, why)
    print(f"calls-conformance: the run could not be carried out: {why}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _collecting_young_garbage_only() -> Iterator[None]:
    """The run's garbage collections leave alone what was there before it: the modules and objects imported now
    and (the plugin freezes again once the suite's tests are collected) while pytest starts. A full collection
    over them every few thousand allocations was a quarter of a replay's time. Undone at the end, so that what
    the run made can be collected again (a test calling `main` in its own interpreter)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def compare(argv: Sequence[str]) -> int:
    """`calls-conformance compare DIR_A DIR_B`: print the requirements whose verdicts differ between two recordings,
    then the answers and callbacks that differ field by field; 0 when it could compare, 2 when a directory holds no
    recording."""
    parser = argparse.ArgumentParser(
        prog="calls-conformance compare",
        description="Compare two recordings of the suite: verdicts, then answers and callbacks field by field.",
    )
    parser.add_argument(
        "first", type=Path, help="a recording's directory (its run.json, cassettes and callbacks)"
    )
    parser.add_argument("second", type=Path, help="the recording to compare it with")
    parser.add_argument(
        "--limit", type=int, default=MAX_LINES, help=f"lines per section (default {MAX_LINES})"
    )
    args = parser.parse_args(list(argv))
    lines = compare_recordings(args.first, args.second, args.limit)
    print("\n".join(lines))
    return 2 if lines[0].startswith("compare: no recording") else 0


def _plan(args: Sequence[str]) -> int:
    """Print the plan of a run with these settings (`--calls-plan`): 0, or 2 when it could not be made (bad
    settings, a pytest usage error). It writes `plan.json` and no report, so a real run's reports stay."""
    status = int(pytest.main([*PYTEST_ARGS, "--calls-plan", *args]))
    return 0 if status == 0 else 2


def _write_reports_if_missing(args: Sequence[str], started_at: float, started: str, why: str) -> None:
    """The reports of a run not carried out, unless the suite wrote this run's own."""
    options = _report_options(args)
    directory = raw_report_dir(options, os.environ)
    written = directory / "conformance.json"
    if written.exists() and written.stat().st_mtime >= started_at:
        return
    conclusion = conclude(None, reason=why, strict=False, profile=raw_target(options, os.environ)["profile"])
    facts = Facts(raw_target(options, os.environ), suite_version(), started, utc_now())
    try:
        write_conclusion(directory, conclusion, facts, raw_secrets(options, os.environ))
    except OSError as exc:
        print(f"calls-conformance: reports not written: {exc}", file=sys.stderr)


def _report_options(args: Sequence[str]) -> dict[str, str | None]:
    """The few settings the reports of an unstarted run need, read from the arguments as pytest would."""
    parser = argparse.ArgumentParser(add_help=False)
    for name in ("report-dir", "base-url", "profile", "auth-token", "signing-key"):
        parser.add_argument(f"--calls-{name}", dest=f"calls_{name.replace('-', '_')}")
    known, _ = parser.parse_known_args(list(args))
    return {key: value for key, value in vars(known).items()}


if __name__ == "__main__":
    raise SystemExit(main())
