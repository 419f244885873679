"""Run the whole suite against the reference endpoint with fast and with live-like timings; print figures.

Used by `nox -s bench`. Figures: wall time, HTTP exchanges, calls created (and the calls full coverage needs, by
the run's plan), and the ratio of the lifecycle scenarios' wall time to the longest single scenario (goal: at most
1.5, i.e. scenarios overlap); then the suite's own coverage (`suite_coverage.py`: contract clauses judged,
requirements with a fault, faults killed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import suite_coverage

SUITE = [
    sys.executable,
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
]


def run(timings: str) -> dict[str, object]:
    """One suite run with the embedded endpoint's `timings`; returns its figures."""
    with tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        process = subprocess.run(
            [*SUITE, f"--calls-report-dir={directory}", f"--calls-reference-timings={timings}"],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - started
        metrics = json.loads((Path(directory) / "metrics.json").read_text())
        calls = json.loads((Path(directory) / "conformance.json").read_text()).get("calls") or {}
    scenarios = metrics.get("scenarios", {})
    durations = scenarios.get("durations", {})
    longest = max(durations.values(), default=0.0)
    return {
        "timings": timings,
        "exit": process.returncode,
        "wall_s": round(wall, 2),
        "http_exchanges": metrics["http_exchanges"],
        "calls_created": metrics["calls_created"],
        "full_coverage_calls": calls.get("full_coverage"),
        "scenarios": len(durations),
        "lifecycle_wall_s": round(scenarios.get("wall", 0.0), 2),
        "longest_scenario_s": round(longest, 2),
        "ratio": round(scenarios["wall"] / longest, 2) if longest else None,
        "longest": max(durations, key=durations.get) if durations else None,
    }


def main() -> int:
    rows = [run(timings) for timings in ("fast", "live")]
    columns = list(rows[0])
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))
    failed = [r["timings"] for r in rows if r["exit"] != 0]
    failed += [] if suite_coverage.main([]) == 0 else ["the fault matrix (a fault the suite does not kill)"]
    if failed:
        print(f"suite runs that did not pass: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
