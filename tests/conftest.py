"""Helpers for the project's tests that run the conformance suite in a subprocess and read its report."""

from __future__ import annotations

import dataclasses
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
# Tests sharing one of these session-wide runs go to the same pytest-xdist worker (see pytest_collection_...).
SHARED_RUNS = ("clean_run", "clean_twilio_run")


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
    return [*SUITE, f"--calls-report-dir={report_dir}", *args]


def finish(process: subprocess.CompletedProcess[str], report_dir: Path) -> SuiteRun:
    path = report_dir / "conformance.json"
    report = json.loads(path.read_text()) if path.exists() else None
    return SuiteRun(process.returncode, process.stdout, process.stderr, report_dir, report)


def run_suite(
    report_dir: Path, args: Sequence[str] = (), env: Mapping[str, str] = (), timeout: float = 300
) -> SuiteRun:
    """Run the suite to completion in a subprocess, from the repository root."""
    process = subprocess.run(
        suite_command(report_dir, args),
        cwd=ROOT,
        env=clean_environ(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return finish(process, report_dir)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Groups for pytest-xdist's `--dist loadgroup` (nox -s tests): each file's tests stay on one worker, as
    their module-wide fixtures (a recording, a run) are made once; the fault matrix is split by fault run
    (its tests say their own group); the tests sharing a clean run of the whole suite are one group."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        fixtures = getattr(item, "fixturenames", ())
        shared = any(name in fixtures for name in SHARED_RUNS)
        item.add_marker(pytest.mark.xdist_group("clean-runs" if shared else item.nodeid.split("::")[0]))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's, which sends the node ids to the controller
def pytest_collection_finish(session: pytest.Session) -> None:
    """On a pytest-xdist worker under `--dist loadgroup`, each test's node id ends with `@group`, which is how the
    controller groups them. pytest-xdist 3.8 writes it where pytest 9.2 no longer reads a node id (`_nodeid`), so
    the tests would be spread one by one: write it where pytest reads it, when it is missing."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    for item in session.items:
        mark = item.get_closest_marker("xdist_group")
        if mark is not None and "@" not in item.nodeid.rpartition("]")[2]:
            from _pytest.nodeid import NodeId  # pytest >= 9.2 (older ones took pytest-xdist's suffix)

            object.__setattr__(item, "_id", NodeId.parse(f"{item.nodeid}@{mark.args[0]}"))


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The whole suite against the embedded reference endpoint with no fault."""
    return run_suite(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="session")
def clean_twilio_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The whole suite under the twilio profile against the embedded endpoint in twilio mode, with no fault."""
    return run_suite(tmp_path_factory.mktemp("clean-twilio"), env={"CALLS_PROFILE": "twilio"})


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
