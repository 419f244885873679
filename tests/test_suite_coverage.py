"""The suite's coverage figure (benchmarks/suite_coverage.py): clauses judged from the map, requirements with a
fault from the registry, and faults killed from the fault matrix's results, counted as the module says."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

from conformance.core.catalog import load_catalog
from conformance.core.contract_map import figures, load_map
from conformance.reference.faults import FAULTS
from tests.conftest import ROOT


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("suite_coverage", ROOT / "benchmarks" / "suite_coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


coverage = _module()


def test_every_requirement_the_suite_judges_has_a_fault() -> None:
    judged, faulted = coverage.faulted_requirements(load_catalog())
    assert judged and faulted == judged


def test_a_fault_is_killed_when_a_run_fails_one_requirement_it_breaks() -> None:
    results = [
        {"fault": "a", "profile": "signalwire", "outcomes": {"X": "passed", "Y": "failed"}},
        {"fault": "b", "profile": "signalwire", "outcomes": {"X": "passed"}},
        {"fault": "b", "profile": "twilio", "outcomes": {"X": "skipped"}},
        {"fault": "c", "profile": "twilio", "outcomes": {}},
    ]
    assert coverage.kills(results) == ({"a", "b", "c"}, {"a"})


def test_the_figures_read_the_map_the_registry_and_the_matrix(tmp_path, capsys) -> None:
    clauses = figures(load_map())
    runs = [
        {"fault": name, "profile": "signalwire", "outcomes": dict.fromkeys(f.breaks, "failed")}
        for name, f in FAULTS.items()
    ]
    lines = coverage.figure_lines(runs)
    assert lines[0].startswith(f"contract clauses judged: {clauses.judged} of {clauses.rules} (")
    assert lines[1].startswith("requirements with a fault: ")
    assert lines[2].startswith(f"faults killed: {len(FAULTS)} of {len(FAULTS)} (100%)")
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps({"runs": [*runs[:-1], {**runs[-1], "outcomes": {}}]}))
    assert coverage.main(["--results", str(path)]) == 1
    assert "faults the suite did not kill: " in capsys.readouterr().out
    assert coverage.figure_lines(None)[-1] == "faults killed: not computed (no fault matrix run)"


def test_the_matrix_it_runs_is_test_faults_s() -> None:
    """run_matrix borrows tests/test_faults.py's runs and arguments: a rename there must show here, not in bench."""
    from tests.test_faults import RUNS, _fault_args, run_fault

    assert callable(run_fault)  # what each of its runs calls
    assert {name for name, _ in RUNS} == set(FAULTS)
    name, profile = RUNS[0]
    assert _fault_args(name, profile)[:2] == ["--calls-reference-fault", name]
