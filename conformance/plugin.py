"""The pytest plugin: options, the `calls_suite` fixture, and the hooks that turn tests into a verdict.

It stays inert in sessions that collect no suite test (tests marked `requirements`).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from conformance.actors import CLOCK, acting_as
from conformance.cassettes import LOOPBACK_HOSTS, Cassettes, StaleCassettes, stale_request
from conformance.failures import (
    CallBudgetExhausted,
    ConformanceFailure,
    EndpointUnavailable,
    HarnessError,
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
    group.addoption("--calls-cassettes", default=None, choices=("record", "replay"), metavar="MODE",
                    help="record: run against the endpoint and rewrite the cassettes (scrubbed: no credential, "
                         "fixed hosts and account), printing what changed; replay: run from the cassettes with "
                         "the network closed but to loopback, no endpoint needed (the recorded run's settings "
                         "apply) [env CALLS_CASSETTES]")
    group.addoption("--calls-cassette-dir", default=None, metavar="DIR",
                    help="where the cassettes are (default cassettes/) [env CALLS_CASSETTE_DIR]")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*ids): catalog requirements this suite test exercises")
    options = {s.dest: config.getoption(s.dest) for s in SETTINGS}
    mode = config.getoption("calls_cassettes") or os.environ.get("CALLS_CASSETTES") or None
    if mode not in (None, "record", "replay"):
        raise pytest.UsageError(f"CALLS_CASSETTES={mode!r}: must be record or replay")
    cassettes = None
    if mode:
        directory = config.getoption("calls_cassette_dir") or os.environ.get("CALLS_CASSETTE_DIR") or "cassettes"
        cassettes = Cassettes(mode, Path(directory))
    config.stash[STATE] = SuiteState(options, config.getoption("calls_reference_fault"),
                                     timings=config.getoption("calls_reference_timings"), cassettes=cassettes)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[STATE]
    suite_items = [item for item in items if item.get_closest_marker(MARKER)]
    if not suite_items:
        return
    state.active = True
    if state.cassettes is not None:
        CLOCK.configure(state.cassettes.mode)
        if state.cassettes.replaying:
            _close_network(config)
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


def _close_network(config: pytest.Config) -> None:
    """A replay runs with the network closed to all but loopback, for the whole session: pytest-recording's
    blocking (its per-test --block-network would open it again between tests, so it is left to this)."""
    from pytest_recording import network

    allowed = config.getoption("allowed_hosts", None)
    network.block(allowed_hosts=allowed.split(",") if allowed else list(LOOPBACK_HOSTS))
    if getattr(config.option, "block_network", False):
        config.option.block_network = False
    config.add_cleanup(network.unblock)


def _actor(item: pytest.Item) -> str:
    """The actor name of a suite test: its file and name (the same wherever pytest is started from)."""
    return f"{item.path.name}::{item.name}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """Each suite test acts as itself; with cassettes, each test file's tests share the file's cassette."""
    state = item.config.stash[STATE]
    if not state.active or not item.get_closest_marker(MARKER):
        return (yield)
    cassettes = state.cassettes
    if cassettes is not None:
        cassettes.open(item.path.stem)
    try:
        with acting_as(_actor(item)):
            return (yield)
    finally:
        if cassettes is not None and _last_of_file(item, nextitem):
            cassettes.close()


def _last_of_file(item: pytest.Item, nextitem: pytest.Item | None) -> bool:
    return nextitem is None or nextitem.path != item.path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """A replayed test that left recorded interactions unused errors in its teardown (the cassettes are stale)."""
    result = yield
    cassettes = item.config.stash[STATE].cassettes
    if cassettes is not None and item.get_closest_marker(MARKER):
        cassettes.check_unused(None if _last_of_file(item, nextitem) else _actor(item))
    return result


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
    stale = stale_request(call.excinfo.value) if call.excinfo is not None and state.cassettes else None
    if stale is not None and state.cassettes is not None:
        report.longrepr = state.cassettes.unrecorded(stale, _actor(item))
        state.errored.append(item.nodeid)
    elif call.excinfo is not None and isinstance(call.excinfo.value, StaleCassettes):
        report.longrepr = str(call.excinfo.value)
        state.errored.append(item.nodeid)
    elif call.excinfo is not None and isinstance(call.excinfo.value, ConformanceFailure):
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
    cassettes = state.cassettes
    if cassettes is not None and cassettes.stale and not state.harness_error:
        more = f" (and {len(cassettes.stale) - 1} more)" if len(cassettes.stale) > 1 else ""
        state.harness_error = cassettes.stale[0] + more
    if state.errored and not state.harness_error:
        state.harness_error = f"{len(state.errored)} suite test(s) errored: {', '.join(state.errored[:3])}"
    if cassettes is not None and cassettes.recording_mode:
        _keep_or_discard(state, results, interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)
    if exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        return
    if state.harness_error:
        session.exitstatus = 2
    elif results is not None:
        session.exitstatus = exit_status(results)


def _keep_or_discard(state: SuiteState, results: Any, *, interrupted: bool) -> None:
    """A recording replaces the cassettes only when the run was carried out to its end."""
    cassettes = state.cassettes
    assert cassettes is not None
    cassettes.close()
    if interrupted or state.harness_error or results is None or state.suite is None:
        cassettes.discard()
        state.cassette_note = f"cassettes not rewritten ({cassettes.directory}): the run was not carried out"
        return
    try:
        state.keep_recording(results)
    except HarnessError as exc:
        state.harness_error = str(exc)
        state.cassette_note = f"cassettes not rewritten ({cassettes.directory})"


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
    for line in state.cassette_lines():
        write(line)
    if state.harness_error:
        write(f"calls-conformance: the run could not be carried out: {state.harness_error}", red=True)
