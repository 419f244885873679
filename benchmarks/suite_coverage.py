"""The suite's own coverage figure: the number a user quotes when asked why they trust the suite.

Three figures, each from the project's own data:

- contract clauses judged: the sentences of contract-decisions.md that state a rule, and how many of them the
  suite's requirements judge (`spec/contract-map.yaml`; the rest are rules about the suite itself, each proven by
  named project tests);
- requirements with a fault: of the requirements the suite judges, how many are broken by at least one named
  fault of the reference endpoint (`conformance/reference/faults/table.py`);
- faults killed: of those faults, how many the suite catches. It is computed here by running the fault matrix
  itself (the runs of `tests/test_faults.py`: each fault under the profiles it is run under, limited to the
  requirements it breaks): a fault is killed when a run of it fails at least one requirement it breaks. The
  results go to `reports/fault-matrix.json` (`--write`); `--results FILE` reads such a file instead of running.

`nox -s bench` prints them (benchmarks/bench.py calls `main`); `python benchmarks/suite_coverage.py` alone too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from conformance.core.catalog import Catalog, load_catalog  # noqa: E402
from conformance.core.contract_map import figures, load_map  # noqa: E402
from conformance.reference.faults import FAULTS  # noqa: E402

__all__ = ["faulted_requirements", "figure_lines", "kills", "main", "run_matrix"]

DEFAULT_RESULTS = ROOT / "reports" / "fault-matrix.json"


def faulted_requirements(catalog: Catalog, faults: Mapping[str, Any] = FAULTS) -> tuple[set[str], set[str]]:
    """The requirements the suite judges, and those of them at least one fault breaks."""
    judged = {r.id for r in catalog if not r.excluded}
    broken = {i for fault in faults.values() for i in fault.breaks}
    return judged, judged & broken


def _one(case: tuple[str, str]) -> dict[str, Any]:
    """One run of the matrix: the suite against the embedded endpoint with one fault, limited to what it breaks."""
    from tests.test_faults import run_fault

    name, profile = case
    with tempfile.TemporaryDirectory() as directory:
        run = run_fault(name, profile, Path(directory))
    outcomes = {i: run.outcome(i) for i in FAULTS[name].breaks} if run.report else {}
    return {"fault": name, "profile": profile, "exit": run.returncode, "outcomes": outcomes}


def run_matrix(workers: int | None = None) -> list[dict[str, Any]]:
    """Run every (fault, profile) of the fault matrix; one result each. Each worker process makes its share of the
    runs one after the other in its own interpreter (as `nox -s tests`' workers do: tests/conftest.py), three a
    core by default, as the runs wait on calls part of their time."""
    from tests.test_faults import RUNS

    workers = workers or 3 * (os.cpu_count() or 1)
    print(f"running the fault matrix: {len(RUNS)} suite runs ...", file=sys.stderr, flush=True)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_one, RUNS))


def kills(results: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str]]:
    """The faults the matrix ran, and those a run of which failed at least one requirement the fault breaks."""
    ran, killed = set(), set()
    for result in results:
        ran.add(result["fault"])
        if any(outcome == "failed" for outcome in result["outcomes"].values()):
            killed.add(result["fault"])
    return ran, killed


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})" if whole else "none"


def figure_lines(results: Sequence[Mapping[str, Any]] | None, catalog: Catalog | None = None) -> list[str]:
    """The three figures, one line each (without matrix results, the kill rate is said not to be computed)."""
    catalog = catalog or load_catalog()
    clauses = figures(load_map())
    judged, faulted = faulted_requirements(catalog)
    lines = [
        f"contract clauses judged: {_share(clauses.judged, clauses.rules)} rules "
        f"(the other {clauses.about_the_suite} are about the suite itself, proven by project tests)",
        f"requirements with a fault: {_share(len(faulted), len(judged))} requirements the suite judges",
    ]
    if results is None:
        return [*lines, "faults killed: not computed (no fault matrix run)"]
    ran, killed = kills(results)
    runs = sum(1 for r in results if any(o == "failed" for o in r["outcomes"].values()))
    lines.append(
        f"faults killed: {_share(len(killed), len(ran))} faults "
        f"({runs} of {len(results)} runs of the fault matrix failed what their fault breaks)"
    )
    survivors = sorted(ran - killed)
    return [*lines, f"faults the suite did not kill: {', '.join(survivors)}"] if survivors else lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures; run the matrix unless `--results FILE` gives one run before (`--write FILE`: where to)."""
    parser = argparse.ArgumentParser(prog="suite_coverage", description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="fault matrix results written by an earlier run")
    parser.add_argument(
        "--write", type=Path, default=DEFAULT_RESULTS, help="where to write the matrix's results"
    )
    args = parser.parse_args(argv)
    if args.results is not None:
        results = json.loads(args.results.read_text(encoding="utf-8"))["runs"]
    else:
        results = run_matrix()
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps({"runs": results}, indent=1) + "\n", encoding="utf-8")
    for line in figure_lines(results):
        print(line)
    return 0 if kills(results)[0] == kills(results)[1] else 1


if __name__ == "__main__":
    sys.exit(main())
