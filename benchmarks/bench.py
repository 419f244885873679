"""The speed figures (`nox -s bench`): each command timed from the checkout, its median wall time over a few
runs against its goal, the HTTP exchanges it made and its CPU time per exchange; printed, and written to a JSON
file with the machine they came from (cores, CPU model, load before and after).

Each figure is a `Figure` in FIGURES: a name, the command, a goal in seconds (or none), and what it reads of
the run's metrics.json. To add one, append a Figure; to add a section of other figures (coverage, live runs),
add a function to SECTIONS: it gets the parsed arguments and returns a JSON-ready mapping.
SECTIONS holds the suite's own coverage (`suite_coverage.py`: it runs the fault matrix, minutes).
`--with-tests` adds `nox -s tests` (minutes).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import suite_coverage

__all__ = ["FIGURES", "SECTIONS", "Figure", "machine", "main", "measure"]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOX = [sys.executable, "-m", "nox", "--no-error-on-missing-interpreters"]


@dataclasses.dataclass(frozen=True)
class Figure:
    """One timed command; `{reports}` in its arguments becomes a fresh report directory for each run."""

    name: str
    command: tuple[str, ...]
    goal_s: float | None = None
    repeat: bool = True  # False: timed once (long commands)
    # The suite runs the command makes: their exchanges are taken as alike (the last run's are counted).
    suite_runs: int = 1


FIGURES: list[Figure] = [
    Figure("calls-conformance (embedded, fast)", (str(BIN / "calls-conformance"), "--calls-report-dir={reports}"), 5.0),
    Figure("nox -s conformance (venv reused)", (*NOX, "-s", "conformance", "--", "--calls-report-dir={reports}"), 7.0),
    Figure("nox -s replay (both recordings)", (*NOX, "-s", "replay", "--", "--calls-report-dir={reports}"), 4.0, suite_runs=2),
    Figure(
        "calls-conformance (embedded, live timings)",
        (str(BIN / "calls-conformance"), "--calls-report-dir={reports}", "--calls-reference-timings=live"),
        None,
        repeat=False,
    ),
]  # fmt: skip
TESTS = Figure("nox -s tests", (*NOX, "-s", "tests"), 120.0, repeat=False)


def _coverage(args: argparse.Namespace) -> Mapping[str, Any]:
    """The suite's own coverage (suite_coverage.py), printed: it runs the fault matrix (minutes) unless
    `--coverage-results FILE` gives the results of an earlier run; `--no-coverage` leaves it out."""
    if args.no_coverage:
        return {"computed": False}
    if args.coverage_results is not None:
        results = json.loads(args.coverage_results.read_text(encoding="utf-8"))["runs"]
    else:
        results = suite_coverage.run_matrix()
    lines = suite_coverage.figure_lines(results)
    print(*lines, sep="\n")
    ran, killed = suite_coverage.kills(results)
    return {"computed": True, "lines": lines, "faults_run": len(ran), "faults_killed": len(killed),
            "all_killed": ran == killed}  # fmt: skip


SECTIONS: dict[str, Callable[[argparse.Namespace], Mapping[str, Any]]] = {"coverage": _coverage}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(figure: Figure) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as reports:
        command = [arg.replace("{reports}", reports) for arg in figure.command]
        cpu, started = _children_cpu(), time.monotonic()
        process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        wall, cpu = time.monotonic() - started, _children_cpu() - cpu
        path = Path(reports, "metrics.json")
        metrics = json.loads(path.read_text()) if path.exists() else {}
    exchanges = metrics["http_exchanges"] * figure.suite_runs if "http_exchanges" in metrics else None
    scenarios = metrics.get("scenarios", {})
    longest = max(scenarios.get("durations", {}).values(), default=0.0)
    return {
        "exit": process.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "http_exchanges": exchanges,
        "cpu_ms_per_exchange": round(1000 * cpu / exchanges, 2) if exchanges else None,
        "calls_created": metrics.get("calls_created"),
        "lifecycle_overlap": round(scenarios["wall"] / longest, 2) if longest else None,
        "tail": process.stdout.strip().splitlines()[-1:] if process.returncode else [],
    }


def measure(figure: Figure, runs: int) -> dict[str, Any]:
    """The figure's median run (by wall time) of `runs`, with every run's wall time."""
    results = [_once(figure) for _ in range(runs if figure.repeat else 1)]
    walls = [r["wall_s"] for r in results]
    median = statistics.median_low(walls)
    chosen = next(r for r in results if r["wall_s"] == median)
    met = None if figure.goal_s is None else median <= figure.goal_s
    return {"name": figure.name, "goal_s": figure.goal_s, "met": met, "walls_s": walls, **chosen}


def machine() -> dict[str, Any]:
    """The machine the figures came from."""
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    ) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def _print(rows: list[dict[str, Any]]) -> None:
    columns = (
        "name",
        "wall_s",
        "goal_s",
        "met",
        "http_exchanges",
        "calls_created",
        "cpu_s",
        "cpu_ms_per_exchange",
        "exit",
    )
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))
        if row["tail"]:
            print(f"    {row['tail'][0]}")
    by_name = {row["name"]: row for row in rows}
    live_name = next(f.name for f in FIGURES if "--calls-reference-timings=live" in f.command)
    fast, live = by_name.get(FIGURES[0].name), by_name.get(live_name)
    if fast and live:  # the embedded run with fast and with live call timings, side by side
        print(
            f"fast vs live timings: {fast['wall_s']} s vs {live['wall_s']} s wall, "
            f"{fast['calls_created']} vs {live['calls_created']} calls created"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is kept (default 3)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "reports" / "bench.json", help="where to write them"
    )
    parser.add_argument("--with-tests", action="store_true", help="time nox -s tests too (minutes)")
    parser.add_argument(
        "--no-coverage", action="store_true", help="leave out the coverage (the fault matrix)"
    )
    parser.add_argument("--coverage-results", type=Path, help="the fault matrix's results of an earlier run")
    args = parser.parse_args(argv)
    where = machine()
    figures = [*FIGURES, TESTS] if args.with_tests else FIGURES
    rows = [measure(figure, args.runs) for figure in figures]
    where["load_after"] = [round(x, 2) for x in os.getloadavg()]
    document = {"machine": where, "figures": rows, **{n: dict(s(args)) for n, s in SECTIONS.items()}}
    _print(rows)
    print(
        f"machine: {where['nproc']} cores, {where['cpu_model']}; load {where['load_before']} → {where['load_after']}"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {args.json}")
    failed = [r["name"] for r in rows if r["exit"] not in (0,)]
    if document.get("coverage", {}).get("all_killed") is False:
        failed.append("the fault matrix (a fault the suite does not kill)")
    missed = [r["name"] for r in rows if r["met"] is False]
    if missed:
        print(f"goals missed: {missed}", file=sys.stderr)
    if failed:
        print(f"runs that did not pass: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
