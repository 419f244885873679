"""How `nox -s tests` spreads the project's tests over pytest-xdist's workers (`--dist loadgroup`).

A group runs on one worker, so what its tests share is made once: each file is a group (its module-wide
fixtures: a recording, a run), but for the tests of the fault matrix, which are grouped by fault run (their
parameters), so that the matrix is spread over every worker and both tests of a run read one run. The runs of
the whole suite that tests of several files share (`clean_run`) are made once per session by whichever worker
asks first (`tests/conftest.py`), so they need no group.

The groups are decided on pytest-xdist's controller from the test ids alone, by a scheduler of ours
(`make_scheduler`, through pytest-xdist's public hook `pytest_xdist_make_scheduler`): pytest-xdist's own
`loadgroup` reads `xdist_group` marks on its workers and passes them on by rewriting each test's node id, which
pytest 9.2 no longer lets it do, so it silently spread every test on its own. `tests/test_xdist_groups.py` runs
this scheduler as pytest-xdist would and fails when a new pytest-xdist schedules differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from xdist.scheduler import LoadScopeScheduling

__all__ = ["FIRST", "GROUPED_BY_RUN", "group_of", "make_scheduler", "order"]

# Tests (file, function) whose parameters name a run of their own: the fault matrix, one run per fault and profile
# (its two tests of a run share it); and the reference endpoint's fault probes, an endpoint each.
GROUPED_BY_RUN = frozenset(
    {
        ("tests/test_faults.py", "test_fault_fails_what_it_breaks"),
        ("tests/test_faults.py", "test_a_fault_s_failures_show_how_to_see_them_again"),
        ("tests/reference/test_faults.py", "test_fault_is_present_only_when_on"),
    }
)


# The files that take longest (each several full runs of the suite, or processes of its own), longest first (as
# measured: 50 s for test_cassettes.py, under 5 s for the last ones): their groups are handed out first, then the
# runs of GROUPED_BY_RUN, then every other file's (unit tests, quick), so that no long group is left for the end
# while the other workers have nothing to do. A file missing here only starts later; the order changes nothing
# else (a group's tests keep theirs).
FIRST = (
    "tests/test_cassettes.py",
    "tests/test_run_states.py",
    "tests/test_live_runs.py",
    "tests/test_external.py",
    "tests/test_seeded_account.py",
    "tests/test_lifecycle_scenarios.py",
    "tests/test_package.py",
    "tests/test_profile_cassettes.py",
    "tests/reference/test_lifecycle.py",
    "tests/test_robustness.py",
    "tests/test_plan.py",
    "tests/test_random_endpoint.py",
    "tests/test_cross_profiles.py",
    "tests/reference/test_callbacks.py",
    "tests/reference/test_spec_agreement.py",
    "tests/test_waivers.py",
    "tests/reference/test_update_page.py",
    "tests/test_interrupt.py",
)


def order(nodeid: str) -> int:
    """Where a test's group is handed out: FIRST's files in their order, then the runs of GROUPED_BY_RUN (small
    groups, which share out well), then the rest."""
    path = nodeid.partition("::")[0]
    if path in FIRST:
        return FIRST.index(path)
    return len(FIRST) + (0 if group_of(nodeid) != path else 1)


def group_of(nodeid: str) -> str:
    """The group of a test: its run (`tests/test_faults.py[fault-profile]`) for the fault matrix, else its file.

    A node id that already ends with `@group` (pytest-xdist's own suffix, should a pytest take it again) keeps it.
    """
    tail = nodeid.rpartition("]")[2]
    if "@" in tail:
        return nodeid.rpartition("@")[2]
    path, _, rest = nodeid.partition("::")
    name, bracket, parameters = rest.partition("[")
    if bracket and (path, name) in GROUPED_BY_RUN:
        return f"{path}[{parameters.removesuffix(']')}]"
    return path


def make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling:
    """The scheduler for `--dist loadgroup`: pytest-xdist's scope scheduling (each scope goes to one worker, whole),
    each scope a group of `group_of`, handed out in the order the tests were collected in (tests/conftest.py sorts
    them by `order`). RuntimeError when pytest-xdist no longer schedules scopes through `_split_scope` (the
    groups would be lost without a word). pytest-xdist is imported here only: the module serves sessions without
    it (a suite run from the checkout loads tests/conftest.py)."""
    from xdist.scheduler import LoadScopeScheduling

    if not callable(getattr(LoadScopeScheduling, "_split_scope", None)):
        raise RuntimeError(
            "pytest-xdist's LoadScopeScheduling no longer groups tests through _split_scope: bring "
            "tests/xdist_groups.py up to date, or nox -s tests would not keep a group on one worker"
        )

    class GroupScheduling(LoadScopeScheduling):
        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            config.option.loadscopereorder = False  # not by size: by `order`, which the collection follows

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return GroupScheduling(config, log)
