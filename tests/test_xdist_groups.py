"""`nox -s tests` keeps each group on one worker (tests/xdist_groups.py): each file's tests together, and the fault
matrix spread by fault run, both tests of a run on the worker that makes it. Run as pytest-xdist runs it, so that a
pytest or pytest-xdist release that schedules otherwise fails here rather than silently spreading the groups."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from tests import test_faults
from tests.conftest import ROOT
from tests.reference import test_faults as reference_faults
from tests.xdist_groups import FIRST, GROUPED_BY_RUN, group_of, order

pytest_plugins = ("pytester",)


def test_a_fault_run_s_tests_are_one_group_and_other_tests_go_by_file() -> None:
    run_a = "tests/test_faults.py::test_fault_fails_what_it_breaks[call-alias-to-signalwire]"
    run_b = (
        "tests/test_faults.py::test_a_fault_s_failures_show_how_to_see_them_again[call-alias-to-signalwire]"
    )
    other = "tests/test_faults.py::test_fault_fails_what_it_breaks[call-alias-to-twilio]"
    assert group_of(run_a) == group_of(run_b) != group_of(other)
    assert (
        group_of("tests/test_faults.py::test_every_fault_breaks_requirements_that_exist")
        == "tests/test_faults.py"
    )
    assert group_of("tests/test_waivers.py::test_x[a-b]") == "tests/test_waivers.py"
    assert group_of("tests/test_waivers.py::test_x[a-b]@mine") == "mine"


def test_the_grouped_tests_are_the_fault_matrix_s() -> None:
    """Each grouped test exists and is parametrized by its runs (a rename would lose its group)."""
    for path, name in GROUPED_BY_RUN:
        module = {"tests/test_faults.py": test_faults, "tests/reference/test_faults.py": reference_faults}[
            path
        ]
        function = getattr(module, name)
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
        expected = (
            (("fault", "profile"), test_faults.RUN_PARAMS)
            if module is test_faults
            else (("name", "profile"), reference_faults.CASES)
        )
        assert [m.args for m in marks] == [expected]


def test_pytest_xdist_keeps_each_group_on_one_worker(pytester: pytest.Pytester) -> None:
    """Two workers under `--dist loadgroup` with this project's scheduler: both tests of each run on one worker,
    each file's tests on one, and the runs spread over both workers."""
    runs = [f"fault-{n}-signalwire" for n in range(8)]
    pytester.makeconftest(
        f"""
import sys
sys.path.insert(0, {str(ROOT)!r})

def pytest_xdist_make_scheduler(config, log):
    from tests.xdist_groups import make_scheduler
    return make_scheduler(config, log)
"""
    )
    where = pytester.path / "where"
    where.mkdir()
    record = f"""
import os, json, pathlib, pytest
def note(name):
    pathlib.Path({str(where)!r}, name).write_text(os.environ["PYTEST_XDIST_WORKER"])
"""
    tests = pytester.mkdir("tests")
    (tests / "test_faults.py").write_text(
        record
        + f"""
RUNS = {runs!r}
@pytest.mark.parametrize("run", RUNS)
def test_fault_fails_what_it_breaks(run):
    note("fails-" + run)
@pytest.mark.parametrize("run", RUNS)
def test_a_fault_s_failures_show_how_to_see_them_again(run):
    note("shows-" + run)
"""
    )
    (tests / "test_other.py").write_text(
        record + "".join(f"\ndef test_{n}():\n    note('other-{n}')\n" for n in range(6))
    )
    # The other plugins of the environment are of no use here: each of the three interpreters would load them.
    light = [
        f"-pno:{name}"
        for name in ("hypothesispytest", "schemathesis", "anyio", "recording", "calls_conformance")
    ]
    result = pytester.runpytest_subprocess(
        "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", *light, "tests"
    )
    result.assert_outcomes(passed=2 * len(runs) + 6)
    worker = {path.name: path.read_text() for path in where.iterdir()}
    assert all(worker[f"fails-{run}"] == worker[f"shows-{run}"] for run in runs), json.dumps(worker)
    assert len({worker[f"other-{n}"] for n in range(6)}) == 1
    assert len(collections.Counter(worker[f"fails-{run}"] for run in runs)) == 2


def test_the_old_private_patch_is_gone() -> None:
    """Nothing of the project writes a test's node id (pytest's private `_id` or `_nodeid`)."""
    text = Path(ROOT, "tests", "conftest.py").read_text()
    assert "_pytest.nodeid" not in text and "_nodeid" not in text


def test_the_long_groups_are_handed_out_first() -> None:
    """The files FIRST names exist (a renamed one would silently lose its place), and come before the fault
    matrix's runs, which come before every other file's tests."""
    assert [p for p in FIRST if not (ROOT / p).is_file()] == []
    first = order(f"{FIRST[-1]}::test_x")
    run = order("tests/test_faults.py::test_fault_fails_what_it_breaks[call-alias-to-signalwire]")
    other = order("tests/test_graph.py::test_x")
    assert first < run < other
