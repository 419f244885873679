"""The speed figures (`nox -s bench`): each command timed from the checkout, the median of a few runs (three by
default) against its goal, with the machine's load around it, the HTTP exchanges it made and its CPU time per
exchange; then Schemathesis's CLI and the suite side by side on one endpoint; printed, and written to a JSON file
with the machine they came from (cores, CPU model, load before and after).

The figures (goals from issue #17, measured on 2 cores):

| figure | goal |
|---|---|
| `calls-conformance` against the embedded endpoint | 5 s |
| `nox -R -s conformance` | 6 s |
| `nox -R -s replay` (both recordings) | 4 s |
| `nox -s tests` | 2 min |
| `.ci/run` on a clean clone | 5 min |
| `calls-conformance` with live call timings | the fast run + 10 s |

Each is a `Figure` in FIGURES: a name, the command, a goal in seconds (or a function of the other figures), where
it runs (the checkout, or a fresh clone of it), and how many suite runs it makes (its metrics.json is read). To
add one, append a Figure; to add a section of other figures, add a function to SECTIONS: it gets the parsed
arguments and the figures' rows and returns a JSON-ready mapping. SECTIONS holds Schemathesis's side-by-side and
the suite's own coverage (`suite_coverage.py`: it runs the fault matrix). `--skip NAME` leaves a figure or a
section out (`--quick`: the long ones, tests, CI and coverage).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import suite_coverage

__all__ = ["FIGURES", "SECTIONS", "Figure", "machine", "main", "measure"]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOX = [sys.executable, "-m", "nox", "--no-error-on-missing-interpreters"]
SUITE = str(BIN / "calls-conformance")
LIVE = "calls-conformance (embedded, live timings)"
FAST = "calls-conformance (embedded)"
# What may slow the live-timing run down against the fast one (issue #17: "within +10 s of fast").
LIVE_ALLOWANCE_S = 10.0


@dataclasses.dataclass(frozen=True)
class Figure:
    """One timed command; `{reports}` in its arguments becomes a fresh report directory for each run."""

    name: str
    command: tuple[str, ...]
    goal_s: float | None = None
    # The suite runs the command makes: their exchanges are taken as alike (the last run's are counted).
    suite_runs: int = 1
    # Where each run is made: the checkout, or (True) a fresh clone of its commit (no venv, no cache of its own).
    clean_clone: bool = False
    # A goal that depends on other figures' medians (name -> row): the live run's is the fast run's + 10 s.
    goal_from: Callable[[Mapping[str, Mapping[str, Any]]], float | None] | None = None
    # Long figures, left out by --quick.
    long: bool = False


def _live_goal(rows: Mapping[str, Mapping[str, Any]]) -> float | None:
    fast = rows.get(FAST)
    return None if fast is None else round(fast["wall_s"] + LIVE_ALLOWANCE_S, 2)


FIGURES: list[Figure] = [
    Figure(FAST, (SUITE, "--calls-report-dir={reports}"), 5.0),
    Figure("nox -R -s conformance", (*NOX, "-R", "-s", "conformance", "--", "--calls-report-dir={reports}"), 6.0),
    Figure("nox -R -s replay (both recordings)", (*NOX, "-R", "-s", "replay", "--", "--calls-report-dir={reports}"), 4.0, suite_runs=2),
    Figure("nox -s tests", (*NOX, "-s", "tests"), 120.0, long=True),
    Figure(".ci/run (clean clone)", ("bash", ".ci/run"), 300.0, clean_clone=True, long=True),
    Figure(LIVE, (SUITE, "--calls-report-dir={reports}", "--calls-reference-timings=live"), goal_from=_live_goal),
]  # fmt: skip


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def _where(figure: Figure) -> Iterator[Path]:
    """The directory a run is made in: the checkout, or a fresh clone of its commit (removed afterwards)."""
    if not figure.clean_clone:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as tmp:
        clone = Path(tmp, "clone")
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        yield clone


def _once(figure: Figure) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as reports, _where(figure) as cwd:
        command = [arg.replace("{reports}", reports) for arg in figure.command]
        load = _load()
        cpu, started = _children_cpu(), time.monotonic()
        process = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        wall, cpu = time.monotonic() - started, _children_cpu() - cpu
        path = Path(reports, "metrics.json")
        metrics = json.loads(path.read_text()) if path.exists() else {}
    exchanges = metrics["http_exchanges"] * figure.suite_runs if "http_exchanges" in metrics else None
    scenarios = metrics.get("scenarios", {})
    longest = max(scenarios.get("durations", {}).values(), default=0.0)
    output = (process.stdout + process.stderr).strip().splitlines()
    return {
        "exit": process.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load_before": load,
        "http_exchanges": exchanges,
        "cpu_ms_per_exchange": round(1000 * cpu / exchanges, 2) if exchanges else None,
        "calls_created": metrics.get("calls_created"),
        "scenarios_wall_s": round(scenarios["wall"], 2) if scenarios else None,
        "longest_scenario_s": round(longest, 2) if longest else None,
        "tail": output[-3:] if process.returncode else [],
    }


def measure(figure: Figure, runs: int, rows: Mapping[str, Mapping[str, Any]] = {}) -> dict[str, Any]:
    """The figure's median run (by wall time) of `runs`, with every run's wall time and the load around them."""
    if "-R" in figure.command:  # the venv must exist before it is reused: one run, not timed, makes it
        subprocess.run([*NOX, "-s", _session(figure)], cwd=ROOT, capture_output=True, check=False)
    results = [_once(figure) for _ in range(runs)]
    walls = [r["wall_s"] for r in results]
    median = statistics.median_low(walls)
    chosen = next(r for r in results if r["wall_s"] == median)
    goal = figure.goal_from(rows) if figure.goal_from is not None else figure.goal_s
    met = None if goal is None else median <= goal
    return {
        "name": figure.name,
        "goal_s": goal,
        "met": met,
        "walls_s": walls,
        "median_of": runs,
        "cpu_s_each": [r["cpu_s"] for r in results],
        "load_each": [r["load_before"] for r in results],
        **chosen,
    }


def _session(figure: Figure) -> str:
    return figure.command[figure.command.index("-s") + 1]


# ---------------------------------------------------------------- Schemathesis's CLI beside the suite


@contextlib.contextmanager
def _reference() -> Iterator[dict[str, str]]:
    """The reference endpoint as a process of its own (what `nox -s reference` runs), and its CALLS_* settings."""
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    settings: dict[str, str] = {}
    try:
        assert process.stdout is not None
        while (
            not {"CALLS_BASE_URL", "CALLS_AUTH_TOKEN", "CALLS_FROM_NUMBER", "CALLS_TO_NUMBER"}
            <= settings.keys()
        ):
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the reference endpoint did not start")
            name, _, value = line.strip().partition("=")
            if name.startswith("CALLS_"):
                settings.setdefault(name, value)
        yield settings
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


SCHEMA_CHECKS = "response_schema_conformance,status_code_conformance,content_type_conformance"


def _schemathesis(args: argparse.Namespace, rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """Schemathesis's CLI (its pinned configuration, schema checks only) and the suite limited to its schema
    requirements (SCHEMA-*), against the same reference endpoint, each the median of `--runs`; their ratio."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CALLS_")}
    with _reference() as settings, tempfile.TemporaryDirectory() as tmp:
        env = {**environ, **settings, "CALLS_MAX_CALLS": "500", "HYPOTHESIS_STORAGE_DIRECTORY": tmp}
        schemathesis = [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(ROOT / "spec-tools" / "schemathesis.toml"),
            "--no-color", "run", str(ROOT / "spec" / "calls.yaml"), "--checks", SCHEMA_CHECKS,
        ]  # fmt: skip
        suite = [SUITE, "--calls-only", "SCHEMA-*", f"--calls-report-dir={tmp}/reports"]
        timed = {"schemathesis": _timed(schemathesis, env, args.runs), "suite": _timed(suite, env, args.runs)}
    ratio = round(timed["suite"]["wall_s"] / timed["schemathesis"]["wall_s"], 2)
    return {
        "what": "schema checks only, one reference endpoint: Schemathesis's CLI (spec-tools/schemathesis.toml, "
        f"--checks {SCHEMA_CHECKS}) and calls-conformance --calls-only 'SCHEMA-*'",
        **timed,
        "ratio_suite_to_schemathesis": ratio,
    }


def _timed(command: list[str], env: Mapping[str, str], runs: int) -> dict[str, Any]:
    walls, exits = [], []
    for _ in range(runs):
        started = time.monotonic()
        process = subprocess.run(
            command, cwd=ROOT, env=dict(env), capture_output=True, text=True, check=False
        )
        walls.append(round(time.monotonic() - started, 2))
        exits.append(process.returncode)
    return {"wall_s": statistics.median_low(walls), "walls_s": walls, "exits": exits}


def _coverage(args: argparse.Namespace, rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The suite's own coverage (suite_coverage.py), printed: it runs the fault matrix (a minute or two) unless
    `--coverage-results FILE` gives the results of an earlier run."""
    if args.coverage_results is not None:
        results = json.loads(args.coverage_results.read_text(encoding="utf-8"))["runs"]
    else:
        results = suite_coverage.run_matrix()
    lines = suite_coverage.figure_lines(results)
    ran, killed = suite_coverage.kills(results)
    return {"computed": True, "lines": lines, "faults_run": len(ran), "faults_killed": len(killed),
            "all_killed": ran == killed}  # fmt: skip


SECTIONS: dict[str, Callable[[argparse.Namespace, Sequence[Mapping[str, Any]]], Mapping[str, Any]]] = {
    "schemathesis": _schemathesis,
    "coverage": _coverage,
}
LONG_SECTIONS = ("coverage",)


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
        "load_before": _load(),
        "pythondontwritebytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }


def _print(rows: list[dict[str, Any]], document: Mapping[str, Any]) -> None:
    columns = ("name", "wall_s", "goal_s", "met", "walls_s", "load_each", "http_exchanges", "cpu_s", "exit")
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))
        for line in row["tail"]:
            print(f"    {line}")
    side = document.get("schemathesis")
    if side:
        print(
            f"schema checks on one endpoint: calls-conformance {side['suite']['wall_s']} s, Schemathesis "
            f"{side['schemathesis']['wall_s']} s: ratio {side['ratio_suite_to_schemathesis']} (medians)"
        )
    for line in document.get("coverage", {}).get("lines", []):
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is kept (default 3)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "reports" / "bench.json", help="where to write them"
    )
    parser.add_argument(
        "--skip", action="append", default=[], metavar="NAME",
        help="leave out a figure (its name's start) or a section (schemathesis, coverage)",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true", help="leave out nox -s tests, .ci/run and the coverage"
    )
    parser.add_argument("--coverage-results", type=Path, help="the fault matrix's results of an earlier run")
    args = parser.parse_args(argv)
    if args.quick:
        args.skip += [f.name for f in FIGURES if f.long] + list(LONG_SECTIONS)
    if not shutil.which("npm"):
        args.skip.append(".ci/run")
        print("npm is missing: .ci/run (spec-tools needs Prism from npm) is left out", file=sys.stderr)
    skipped = tuple(args.skip)
    where = machine()
    rows: list[dict[str, Any]] = []
    for figure in FIGURES:
        if figure.name.startswith(skipped):
            continue
        print(f"bench: {figure.name} ({args.runs} runs)", file=sys.stderr, flush=True)
        rows.append(measure(figure, args.runs, {row["name"]: row for row in rows}))
    document: dict[str, Any] = {"machine": where, "figures": rows}
    for name, section in SECTIONS.items():
        if name not in skipped:
            print(f"bench: {name}", file=sys.stderr, flush=True)
            document[name] = dict(section(args, rows))
    where["load_after"] = _load()
    _print(rows, document)
    print(
        f"machine: {where['nproc']} cores, {where['cpu_model']}; load {where['load_before']} → {where['load_after']}"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {args.json}")
    failed = [r["name"] for r in rows if r["exit"] != 0]
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
