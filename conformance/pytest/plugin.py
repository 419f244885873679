"""The pytest plugin: options, the `requirements` and `needs` markers, the `calls_harness` fixture, and hooks that
delegate to the session's run (`conformance.run.run`), to where outcomes become pytest's (`conformance.pytest.outcomes`)
and to what the terminal says (`conformance.pytest.terminal`: the start, progress, the plan and the verdict). With
`--calls-plan` the suite's tests are collected, the plan is printed, and nothing runs.

It stays inert in sessions that collect no suite test (tests marked `requirements`): it imports only the
settings' table at load, and makes the run (the catalog, the client, Schemathesis, the reference endpoint…) only
once suite tests are collected, so any other pytest session in the environment pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from conformance.core.settings import SETTINGS

if TYPE_CHECKING:
    from conformance.harness.harness import Harness
    from conformance.run.run import Run

__all__ = ["calls_harness"]

RUN = pytest.StashKey["Run"]()
MARKER = "requirements"
NEEDS = (
    "needs"  # conformance.pytest.outcomes.NEEDS, named here so that loading the plugin imports nothing more
)
QUIET = "quiet_account"
SCENARIO = "scenario:"  # conformance.lifecycle.runner.SCENARIO_ACTOR: a scenario's test names its actor so


def pytest_addoption(parser: pytest.Parser) -> None:
    """The suite's options, one line of help each, in the first group of `--help` (before pytest's own)."""
    group = parser.getgroup(
        "calls-conformance",
        "Calls conformance suite (each --calls-x-y option also reads the variable CALLS_X_Y)",
        after="_anonymous",  # pytest's hidden first group: the suite's come right after the positional arguments
    )
    for setting in SETTINGS:
        group.addoption(
            setting.option, dest=setting.dest, default=None, metavar=setting.metavar, help=setting.help
        )
    group.addoption(
        "--calls-only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="judge only these requirement ids or globs, e.g. 'CB-*' (repeatable)",
    )
    group.addoption(
        "--calls-cassettes",
        default=None,
        metavar="MODE",
        help="record the cassettes, or replay them (offline, no endpoint)",
    )
    group.addoption(
        "--calls-cassette-dir",
        default=None,
        metavar="DIR",
        help="where the cassettes are (default cassettes/)",
    )
    group.addoption(
        "--calls-reference-profile",
        default=None,
        choices=("signalwire", "twilio"),
        metavar="NAME",
        help="the embedded endpoint's API form (default: the profile)",
    )
    group.addoption(
        "--calls-reference-timings",
        default="fast",
        choices=("fast", "live"),
        metavar="fast|live",
        help="the embedded endpoint's call timings (live: talk 5 s)",
    )
    group.addoption(
        "--calls-reference-seed-calls",
        default=0,
        type=int,
        metavar="N",
        help="the embedded endpoint's account holds N older calls, as a real one does",
    )
    group.addoption(
        "--calls-reference-fault",
        action="append",
        default=[],
        metavar="FAULT",
        help="start the embedded endpoint with this named fault (repeatable)",
    )
    group.addoption(
        "--calls-plan",
        action="store_true",
        default=False,
        help="print what a run with these settings would do, contacting nothing",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*ids): catalog requirements this suite test exercises")
    config.addinivalue_line(
        "markers",
        f"{NEEDS}(needs, actor=None): what this suite test needs of the run (capabilities, the calls it creates at "
        "most); the plan and the call budget read it",
    )
    config.addinivalue_line(
        "markers",
        f"{QUIET}: this suite test reads the whole account (it pages through every call), so it runs once the "
        "scenarios are over: no call is created meanwhile",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Suite tests make the run active (before -k or -m deselect any); --calls-only keeps those exercising
    the requirements it selects."""
    suite_items = [item for item in items if item.get_closest_marker(MARKER)]
    if not suite_items:
        return
    from conformance.pytest import outcomes

    run = config.stash[RUN] = outcomes.new_run(config)
    run.planning = bool(config.getoption("calls_plan"))
    tests = [(item.nodeid, _requirements(item)) for item in suite_items]
    kept = set(outcomes.activate(run, tests, config.getoption("calls_only")))
    if run.clock.replaying:
        _close_network(config)
    if len(kept) < len(suite_items):
        keep = [item for item in items if not item.get_closest_marker(MARKER) or item.nodeid in kept]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    # The scenarios' tests last: they collect results of scenarios that ran beside the other tests, which keep their
    # order (what each creates and asks stays the same, so recordings replay whatever the overlap).
    items.sort(key=lambda item: _scenario_of(item) is not None)


def _scenario_of(item: pytest.Item) -> str | None:
    """The scenario a suite test reports (its `needs` marker names the scenario's actor), if any."""
    marker = item.get_closest_marker(NEEDS)
    actor = marker.kwargs.get("actor") if marker is not None else None
    return actor.removeprefix(SCENARIO) if isinstance(actor, str) and actor.startswith(SCENARIO) else None


def pytest_collection_finish(session: pytest.Session) -> None:
    """The suite tests that will run (after every deselection) are the plan's consumers. What is loaded by now
    (pytest, the plugins, the suite's modules, the spec) stays out of the run's garbage collections (gc.freeze:
    `calls-conformance` undoes it at the end)."""
    run = session.config.stash.get(RUN, None)
    if run is None or not run.active:
        return
    import gc

    gc.freeze()
    from conformance.pytest import outcomes

    run.consumers = [
        outcomes.consumer_of(item, _actor(item), _requirements(item))
        for item in session.items
        if item.get_closest_marker(MARKER)
    ]
    _overlap(run, [item for item in session.items if item.get_closest_marker(MARKER)])


def _overlap(run: Run, suite: list[pytest.Item]) -> None:
    """Which tests the scenarios run beside: they start with the first suite test, and run beside every test until
    one that needs the account alone (marker quiet_account), which waits for them to be over. The scenarios'
    waiting on calls overlaps the tests' (a call kept up a second, say) rather than their work: the run is one
    process, and its Python runs on one core at a time. Without a test to run beside, the scenarios' first test
    runs them, as before."""
    scenarios = [name for item in suite if (name := _scenario_of(item)) is not None]
    first_quiet = next((i for i, item in enumerate(suite) if item.get_closest_marker(QUIET)), len(suite))
    run.beside = {item.nodeid for item in suite[:first_quiet] if _scenario_of(item) is None}
    run.after = {item.nodeid for item in suite[first_quiet:] if _scenario_of(item) is None}
    run.scenarios = scenarios if run.beside else []


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """With --calls-plan: print the plan and run nothing."""
    run = session.config.stash.get(RUN, None)
    if run is None or not (run.active and run.planning):
        return None
    from conformance.core.errors import HarnessError
    from conformance.pytest import outcomes, terminal

    try:
        lines = terminal.plan_lines(run)
    except HarnessError as error:
        outcomes.abort(run, error)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("calls-conformance plan (nothing was contacted)")
        for line in lines:
            reporter.write_line(line)
    return True


def _requirements(item: pytest.Item) -> list[str]:
    return [i for marker in item.iter_markers(MARKER) for i in marker.args]


def _close_network(config: pytest.Config) -> None:
    """A replay runs with the network closed to all but loopback, for the whole session: pytest-recording's
    blocking (its per-test --block-network would open it again between tests, so it is left to this)."""
    from pytest_recording import network

    from conformance.cassettes import LOOPBACK_HOSTS

    allowed = config.getoption("allowed_hosts", None)
    network.block(allowed_hosts=allowed.split(",") if allowed else list(LOOPBACK_HOSTS))
    if getattr(config.option, "block_network", False):
        config.option.block_network = False
    config.add_cleanup(network.unblock)


def _actor(item: pytest.Item) -> str:
    """The actor name of a suite test: its file and name (the same wherever pytest is started from)."""
    return f"{item.path.name}::{item.name}"


def _last_of_file(item: pytest.Item, nextitem: pytest.Item | None) -> bool:
    return nextitem is None or nextitem.path != item.path


def _suite_test(item: pytest.Item) -> Run | None:
    """The run, when `item` is a suite test of an active run."""
    run = item.config.stash.get(RUN, None)
    return run if run is not None and run.active and item.get_closest_marker(MARKER) else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """Each suite test acts as itself; with cassettes, each test file's tests share the file's cassette."""
    run = _suite_test(item)
    if run is None:
        return (yield)
    with run.running_test(item.path.stem, _actor(item), last_of_file=_last_of_file(item, nextitem)):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
    """A replayed test that left recorded interactions unused errors in its teardown (the cassettes are stale)."""
    result = yield
    run = _suite_test(item)
    if run is not None:
        run.after_test(None if _last_of_file(item, nextitem) else _actor(item))
    return result


@pytest.fixture(scope="session")
def calls_harness(request: pytest.FixtureRequest) -> Generator[Harness, None, None]:
    """The run's client, verifier, settings and clock; ends every call it created when the session ends."""
    from conformance.pytest import outcomes

    run = request.config.stash.get(RUN, None)
    if run is None:
        raise pytest.UsageError("calls_harness serves suite tests only (tests marked requirements)")
    with outcomes.harness_of(run) as harness:
        plugins = request.config.pluginmanager
        reporter = plugins.get_plugin("terminalreporter")
        if reporter is not None:
            from conformance.pytest import terminal

            screen = terminal.Terminal(reporter, plugins.get_plugin("capturemanager"))
            screen.lines(run.announcements)
            harness.progress.sink = terminal.ProgressLine(screen)
        yield harness


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """A suite test's failures, skips and harness errors become its outcome (`pytest_outcomes.settle`)."""
    run = _suite_test(item)
    if run is None or run.harness is None:
        return (yield)
    from conformance.pytest import outcomes

    if item.nodeid in run.beside:
        run.start_scenarios()
    elif item.nodeid in run.after:
        run.end_scenarios()
    actor = outcomes.consumer_of(item, _actor(item), ()).actor
    return (yield from outcomes.judged_call(run, run.harness, item.nodeid, _requirements(item), actor))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    run = _suite_test(item)
    if run is not None and run.harness is not None:
        from conformance.pytest import outcomes

        outcomes.shape_report(run, _actor(item), call, report)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(RUN, None)
    if run is None or session.config.option.collectonly:
        return  # no suite test, or listing the suite's tests: no run, no verdict, no reports
    session.exitstatus = run.finish(exitstatus)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is None or not run.active or run.planning:
        return
    from conformance.pytest import terminal

    lines = terminal.summary_lines(run)
    if run.conclusion is not None and run.conclusion.verdict.name != "not-carried-out":
        terminalreporter.section("calls-conformance verdict")
    for line in lines:
        terminalreporter.write_line(line)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The verdict is the terminal's last line (after pytest's own counts)."""
    run = config.stash.get(RUN, None)
    if run is None:
        return
    from conformance.pytest import terminal

    line = terminal.final_line(run)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if line is not None and reporter is not None:
        reporter.write_line(line, bold=True)
