"""Where the suite's typed outcomes become pytest's, in one place (the plugin's hooks call these).

- a suite test's MUST failures (its verifier scope) become one combined *failure*;
- `NotJudged` becomes a *skip* with its reason, recorded in the ledger for the requirements it names and
  those of the test;
- a `HarnessError` stops the session (exit status 2, one line), noted by the run;
- anything else a test raises is a bug of the suite: it stays an *error*.

A test the run's plan does not run (`NotAdmitted`: a capability the run lacks, or no calls left for it) is
skipped before its body runs; its requirements already carry the plan's reason. Each suite test is a `Consumer`
of the plan (`consumer_of`): its `needs` marker says what it needs of the run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from conformance.cassettes import stale_request
from conformance.core.errors import ConfigError, HarnessError, StaleCassettes
from conformance.core.failures import ConformanceFailure, combine_failures
from conformance.core.redaction import redact
from conformance.core.signals import NotAdmitted, NotJudged
from conformance.plan.conditions import Needs
from conformance.plan.plan import Consumer
from conformance.plan.selection import select_requirements, select_tests
from conformance.run.run import Run

if TYPE_CHECKING:
    from conformance.harness.harness import Harness
    from conformance.harness.verifier import Scope

__all__ = [
    "NEEDS",
    "abort",
    "activate",
    "consumer_of",
    "harness_of",
    "judged_call",
    "new_run",
    "settle",
    "shape_report",
]

NEEDS = "needs"


def new_run(config: pytest.Config) -> Run:
    """The session's run from its options (a bad one is noted, and stops the run once it is activated)."""
    return Run.from_options(config.getoption)


def activate(run: Run, tests: Iterable[tuple[str, Sequence[str]]], patterns: Sequence[str]) -> list[str]:
    """Suite tests (nodeid, requirement ids) were collected: the run becomes active, judging the requirements
    `patterns` select (--calls-only). Returns the node ids of the tests to run; a suite test naming an unknown
    requirement, a pattern selecting nothing or a bad setting stops the session (exit 2, reports written)."""
    tests = list(tests)
    try:
        run.active = True
        for nodeid, requirements in tests:
            unknown = [i for i in requirements if i not in run.catalog]
            if unknown:
                raise ConfigError(f"{nodeid} names requirements missing from the catalog: {unknown}")
        selected = select_requirements(patterns, run.catalog)
        kept = select_tests(tests, selected, run.catalog)
        run.activate(selected)
    except HarnessError as error:
        abort(run, error)
    return kept


def consumer_of(item: pytest.Item, actor: str, requirements: Sequence[str]) -> Consumer:
    """The plan's view of a suite test: its `needs` marker (`needs(Needs, actor=…)`; a scenario's test names the
    scenario's actor), else a test that needs nothing and creates no call."""
    marker = item.get_closest_marker(NEEDS)
    needs = marker.args[0] if marker is not None and marker.args else Needs()
    own = marker.kwargs.get("actor") if marker is not None else None
    label = own.replace(":", " ", 1) if own else actor
    return Consumer(own or actor, label, tuple(requirements), needs)


def abort(run: Run, error: HarnessError) -> NoReturn:
    """Stop the session: the run could not be carried out (exit status 2, one line)."""
    run.fail(error)
    pytest.exit(f"calls-conformance: {error.reason}", returncode=2)


@contextlib.contextmanager
def harness_of(run: Run) -> Iterator[Harness]:
    """The started run's handle for the session; the run is stopped afterwards, whatever happened."""
    try:
        try:
            harness = run.start()
        except HarnessError as error:
            abort(run, error)
        yield harness
    finally:
        run.stop()


def judged_call(
    run: Run, harness: Harness, nodeid: str, requirements: Sequence[str], actor: str
) -> Generator[None, Any, Any]:
    """Wrap a suite test's call (a hook wrapper body): unless the plan refuses `actor`'s part, it runs in a verifier
    scope of its own, then `settle`."""
    with harness.verifier.scope(nodeid) as scope:
        try:
            reason = harness.plan.refusal(actor) if harness.plan is not None else None
            if reason:
                raise NotAdmitted(reason)
            result = yield
        except BaseException as raised:
            settle(run, harness, scope, requirements, raised)
            raise
        settle(run, harness, scope, requirements, None)
        return result


def settle(
    run: Run, harness: Harness, scope: Scope, requirements: Sequence[str], raised: BaseException | None
) -> None:
    """Turn what a suite test ended in into its pytest outcome (returns only when it passed, or to re-raise)."""
    if isinstance(raised, HarnessError):
        abort(run, raised)
    if raised is not None and not isinstance(raised, NotJudged):
        return  # a bug of the suite (or pytest's own outcome): the caller re-raises it as it is
    if scope.failures:
        raise combine_failures(scope.failures) from None
    if isinstance(raised, NotJudged):
        if not isinstance(raised, NotAdmitted):
            for requirement in raised.requirements:
                harness.verifier.skip(requirement, raised.reason)
            for requirement in requirements:
                harness.verifier.skip(requirement, str(raised))
        pytest.skip(str(raised))


def shape_report(run: Run, actor: str, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """A suite test's report: a conformance failure shown redacted; stale cassettes and suite bugs noted as
    errors of the run (the run exits 2)."""
    raised = call.excinfo.value if call.excinfo is not None else None
    stale = stale_request(raised) if raised is not None and run.cassettes is not None else None
    if stale is not None and run.cassettes is not None:
        report.longrepr = run.cassettes.unrecorded(stale, actor)
        run.test_errored(report.nodeid)
    elif isinstance(raised, StaleCassettes):
        report.longrepr = str(raised)
        run.test_errored(report.nodeid)
    elif isinstance(raised, ConformanceFailure):
        report.longrepr = redact(raised.describe(), run.secrets())
    elif report.failed:
        run.test_errored(report.nodeid)
