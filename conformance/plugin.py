"""The pytest plugin: options, the `calls_suite` fixture, and the hooks that turn tests into a verdict.

It stays inert in sessions that collect no suite test (tests marked `requirements`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from conformance.failures import (
    CallBudgetExhausted,
    ConformanceFailure,
    EndpointUnavailable,
    combine_failures,
)
from conformance.redact import redact
from conformance.report import exit_status, verdict_lines, write_reports
from conformance.session import Suite, SuiteState
from conformance.settings import DEFAULT_DEADLINE, SETTINGS

__all__ = ["calls_suite"]

STATE = pytest.StashKey[SuiteState]()
MARKER = "requirements"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("calls-conformance", "Calls conformance suite (each option also reads its CALLS_* variable)")
    for setting in SETTINGS:
        group.addoption(setting.option, dest=setting.dest, default=None, metavar=setting.env,
                        help=f"{setting.help} [env {setting.env}]")
    group.addoption("--calls-only", action="append", default=[], metavar="REQUIREMENT",
                    help="run only the suite tests that exercise these requirement ids (repeatable)")
    group.addoption("--calls-reference-timings", default="fast", choices=("fast", "live"),
                    help="call timings of the embedded reference endpoint (live: ring 1 s, answer 2 s, talk 5 s)")
    group.addoption("--calls-reference-fault", action="append", default=[], metavar="FAULT",
                    help="start the embedded reference endpoint with this named fault (repeatable; "
                         f"for proving checks fail). Deadline default: {DEFAULT_DEADLINE:g} s")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*ids): catalog requirements this suite test exercises")
    options = {s.dest: config.getoption(s.dest) for s in SETTINGS}
    config.stash[STATE] = SuiteState(options, config.getoption("calls_reference_fault"),
                                     timings=config.getoption("calls_reference_timings"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[STATE]
    suite_items = [item for item in items if item.get_closest_marker(MARKER)]
    if not suite_items:
        return
    state.active = True
    for item in suite_items:
        unknown = [i for i in _requirements(item) if i not in state.catalog]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid} names requirements missing from the catalog: {unknown}")
    only = set(config.getoption("calls_only"))
    if only:
        keep = [item for item in items if not item.get_closest_marker(MARKER) or only & set(_requirements(item))]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def _requirements(item: pytest.Item) -> list[str]:
    return [i for marker in item.iter_markers(MARKER) for i in marker.args]


@pytest.fixture(scope="session")
def calls_suite(request: pytest.FixtureRequest) -> Generator[Suite, None, None]:
    """The run's client, verifier and settings; ends every call it created when the session ends."""
    state = request.config.stash[STATE]
    try:
        yield state.start()
    finally:
        stuck = state.stop()
        if stuck:
            state.harness_error = f"could not end calls the run created: {', '.join(stuck)}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    state = item.config.stash[STATE]
    if state.suite is None or not item.get_closest_marker(MARKER):
        return (yield)
    verifier = state.suite.verifier
    verifier.take_pending()
    try:
        result = yield
    except CallBudgetExhausted as exc:
        pytest.skip(str(exc))
    except EndpointUnavailable as exc:
        state.fail_run(f"endpoint unavailable: {exc}")
    except ConformanceFailure as failure:
        pending = [f for f in verifier.take_pending() if f is not failure]
        raise combine_failures([failure, *pending]) from None
    pending = verifier.take_pending()
    if pending:
        raise combine_failures(pending)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    state = item.config.stash[STATE]
    if state.suite is None or not item.get_closest_marker(MARKER):
        return report
    if call.excinfo is not None and isinstance(call.excinfo.value, ConformanceFailure):
        report.longrepr = redact(call.excinfo.value.describe(), state.secrets())
    elif report.skipped and call.when in ("setup", "call"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        for requirement in _requirements(item):
            state.suite.verifier.skip(requirement, reason.removeprefix("Skipped: "))
    elif report.failed:
        state.errored.append(item.nodeid)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash[STATE]
    if not state.active:
        return
    state.stop()
    results = state.results()
    if results is not None:
        state.report_paths = write_reports(state.report_dir(), results, state.target(), state.secrets())
        state.write_metrics()
    if state.errored and not state.harness_error:
        state.harness_error = f"{len(state.errored)} suite test(s) errored: {', '.join(state.errored[:3])}"
    if exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        return
    if state.harness_error:
        session.exitstatus = 2
    elif results is not None:
        session.exitstatus = exit_status(results)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash[STATE]
    if not state.active:
        return
    results = state.results()
    write = terminalreporter.write_line
    if results is not None:
        terminalreporter.section("calls-conformance verdict")
        for line in verdict_lines(results, state.secrets()):
            write(line)
        client = state.suite.client if state.suite else None
        if client is not None:
            write(f"HTTP exchanges: {client.exchanges}; calls created: {len(client.created)}; "
                  f"reports: {state.report_dir()}")
    if state.harness_error:
        write(f"calls-conformance: the run could not be carried out: {state.harness_error}", red=True)
