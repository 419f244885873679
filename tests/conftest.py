"""Helpers for the project's tests that run the conformance suite and read its report.

A suite run is made in this interpreter (`run_suite`): `conformance.cli.main`, the function the
`calls-conformance` command runs, with the command's arguments, its environment and working directory for the
run's duration, and its output captured. It makes its own pytest session, endpoint, receiver and reports, as the
command would; what it shares with the other runs of the same interpreter is what was imported (the suite's
modules, their caches of the spec, Schemathesis and Hypothesis), which is the point: a fresh interpreter costs
more than most runs. Tests that are about the command itself (its exit status, signals, nox) run it as a
process (`suite_command`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import fcntl
import io
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import PYTEST_ARGS

ROOT = Path(__file__).resolve().parent.parent
# The suite exactly as the `calls-conformance` command runs it.
SUITE = [sys.executable, "-m", "pytest", *PYTEST_ARGS]


@dataclasses.dataclass
class SuiteRun:
    """One finished run of the suite: exit status, output and the parsed conformance.json (if written)."""

    returncode: int
    stdout: str
    stderr: str
    report_dir: Path
    report: dict[str, Any] | None

    def outcome(self, requirement: str) -> str:
        assert self.report is not None, f"no report written; exit {self.returncode}\n{self.stdout[-3000:]}"
        return next(r["outcome"] for r in self.report["requirements"] if r["id"] == requirement)

    def outcomes(self) -> dict[str, str]:
        assert self.report is not None, f"no report written; exit {self.returncode}\n{self.stdout[-3000:]}"
        return {r["id"]: r["outcome"] for r in self.report["requirements"]}

    def artefacts(self) -> str:
        """Everything the run wrote or printed, as one text."""
        files = [p.read_text(errors="replace") for p in self.report_dir.rglob("*") if p.is_file()]
        return "\n".join([self.stdout, self.stderr, *files])


def clean_environ(extra: Mapping[str, str] = ()) -> dict[str, str]:
    """The environment without any CALLS_* setting of the developer's, plus `extra`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CALLS_")}
    environ.update(extra)
    return environ


def suite_command(report_dir: Path, args: Sequence[str] = ()) -> list[str]:
    """The suite as a process: for tests of the command itself (its exit status, Ctrl-C)."""
    return [*SUITE, f"--calls-report-dir={report_dir}", *args]


def finish(process: subprocess.CompletedProcess[str], report_dir: Path) -> SuiteRun:
    return _read(process.returncode, process.stdout, process.stderr, report_dir)


def _read(returncode: int, stdout: str, stderr: str, report_dir: Path) -> SuiteRun:
    path = report_dir / "conformance.json"
    report = json.loads(path.read_text()) if path.exists() else None
    return SuiteRun(returncode, stdout, stderr, report_dir, report)


# One run at a time per interpreter: a run takes the process's environment, working directory and standard streams.
_ONE_RUN = threading.Lock()


@contextlib.contextmanager
def _as_a_process_would(environ: Mapping[str, str], cwd: Path) -> Iterator[None]:
    """For the block: exactly `environ` as the environment and `cwd` as the working directory."""
    saved, here = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(saved)


def run_in_process(
    args: Sequence[str], env: Mapping[str, str] = (), *, cwd: Path = ROOT, timeout: float = 300
) -> tuple[int, str, str]:
    """`calls-conformance ARGS` in this interpreter (`conformance.cli.main`): its exit status, what it printed
    on standard output and on standard error. The environment is `clean_environ(env)` and the working directory
    `cwd` while it runs. A run still going after `timeout` seconds stops the interpreter with every thread's
    stack on standard error (as a process past its timeout would be killed)."""
    from conformance import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    with _ONE_RUN, _as_a_process_would(clean_environ(env), cwd):
        faulthandler.dump_traceback_later(timeout, exit=True, file=sys.__stderr__)
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                try:
                    status = cli.main(list(args))
                except SystemExit as stop:  # as the console script would exit
                    status = stop.code if isinstance(stop.code, int) else 1
        finally:
            faulthandler.cancel_dump_traceback_later()
    return status, stdout.getvalue(), stderr.getvalue()


def run_suite(
    report_dir: Path, args: Sequence[str] = (), env: Mapping[str, str] = (), timeout: float = 300
) -> SuiteRun:
    """Run the suite to completion as `calls-conformance` would from the repository root, in this interpreter."""
    status, stdout, stderr = run_in_process([f"--calls-report-dir={report_dir}", *args], env, timeout=timeout)
    return _read(status, stdout, stderr, report_dir)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest groups first (tests/xdist_groups.py): how pytest-xdist's workers get them under `nox -s tests`;
    a group's tests keep their order. Only in a session of the project's tests: a run of the suite from the
    checkout loads this file too (pytest takes `testpaths` for where conftest files are when its arguments
    are no paths: `--pyargs conformance.suite`)."""
    tests = ROOT / "tests"
    if not any(item.path.is_relative_to(tests) for item in items):
        return
    from tests.xdist_groups import order

    items.sort(key=lambda item: order(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (nox -s tests): our groups, decided from the test ids (tests/xdist_groups.py)."""
    if config.getoption("dist", None) != "loadgroup":
        return None
    from tests.xdist_groups import make_scheduler

    return make_scheduler(config, log)


def shared_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, args: Sequence[str] = (), env: Mapping[str, str] = ()
) -> SuiteRun:
    """A run of the suite made once for the whole session: under pytest-xdist the first worker to ask makes it
    (the others wait for it) and each reads its output and reports (pytest-xdist's way of sharing a session
    fixture between workers: a file lock in the directory the workers' temporary directories share)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    made = base / f"{name}.json"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if made.exists():
            stored = json.loads(made.read_text())
            return _read(stored["returncode"], stored["stdout"], stored["stderr"], Path(stored["report_dir"]))
        run = run_suite(base / name, args, env)
        kept = {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
        made.write_text(json.dumps({**kept, "report_dir": str(run.report_dir)}))
        return run


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The whole suite against the embedded reference endpoint with no fault (once per session)."""
    return shared_run(tmp_path_factory, "clean")


@pytest.fixture(scope="session")
def clean_twilio_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The whole suite under the twilio profile against the embedded endpoint in twilio mode, with no fault."""
    return shared_run(tmp_path_factory, "clean-twilio", env={"CALLS_PROFILE": "twilio"})


@pytest.fixture
def hanging_endpoint() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/laml/2010-04-01"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    listener.close()


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
