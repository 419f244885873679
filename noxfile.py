"""Sessions CI and people use: the conformance run, recording and replaying it, comparing two recordings, the
project's tests, lint, the standard spec tools, and the reference endpoint alone."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "conformance"]

PYTHON = "3.11"
# The suite is run through the package's console command (conformance/cli.py holds pytest's arguments): it exits
# 0, 1 or 2, and writes the reports in every case. nox itself reports any non-zero exit as a failed session (1).
SUITE = "calls-conformance"
REDOCLY = "@redocly/cli@2"
CODE = ("conformance", "tests", "noxfile.py", "benchmarks", "spec-tools", "docs")
PRISM = "@stoplight/prism-cli@5"
# The committed recordings, one per profile: the twilio one lives inside the signalwire one's directory.
CASSETTES = {"signalwire": "cassettes", "twilio": "cassettes/twilio"}


def _install(session: nox.Session, *extras: str) -> None:
    """Install the project (editable, so spec/ is read from the checkout) with the extras asked for, unless the
    session's venv already holds that install of this pyproject.toml: an editable install follows the code, and
    only pyproject.toml (dependencies, entry points, packages) can make it stale."""
    target = f".[{','.join(extras)}]" if extras else "."
    stamp = hashlib.sha256(Path("pyproject.toml").read_bytes() + target.encode()).hexdigest()
    location = getattr(session.virtualenv, "location", None)  # none under --no-venv
    marker = Path(location, "calls-conformance.installed") if location else None
    if marker is not None and marker.is_file() and marker.read_text() == stamp:
        session.log(f"{target} already installed from this pyproject.toml")
        return
    session.install("-e", target)
    if marker is not None:
        marker.write_text(stamp)


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """Run the suite against CALLS_BASE_URL, or the embedded reference endpoint when it is unset (the verdict is in
    reports/conformance.json; `calls-conformance` itself exits 0, 1 or 2)."""
    _install(session)
    session.run(SUITE, *session.posargs)


def _profile(session: nox.Session) -> str:
    """The profile a session's run uses: `-- --calls-profile=P`, else CALLS_PROFILE, else signalwire."""
    for arg in session.posargs:
        if arg.startswith("--calls-profile="):
            return arg.split("=", 1)[1]
    return os.environ.get("CALLS_PROFILE") or "signalwire"


def _names_directory(session: nox.Session) -> bool:
    return any(arg.startswith("--calls-cassette-dir") for arg in session.posargs)


@nox.session(python=PYTHON)
def record(session: nox.Session) -> None:
    """Run the suite against CALLS_BASE_URL (or the embedded endpoint) and rewrite the profile's cassettes
    (cassettes/, or cassettes/twilio/ under CALLS_PROFILE=twilio), printing the drift."""
    _install(session)
    directory = [] if _names_directory(session) else [f"--calls-cassette-dir={CASSETTES[_profile(session)]}"]
    session.run(SUITE, "--calls-cassettes=record", *directory, *session.posargs)


@nox.session(python=PYTHON)
def replay(session: nox.Session) -> None:
    """Run the suite from each committed recording (cassettes/, then cassettes/twilio/), or from the one
    `-- --calls-cassette-dir=DIR` names, with the network closed but to loopback: no endpoint, no credentials."""
    _install(session)
    directories = (
        [[]] if _names_directory(session) else [[f"--calls-cassette-dir={d}"] for d in CASSETTES.values()]
    )
    for directory in directories:
        session.run(SUITE, "--calls-cassettes=replay", *directory, *session.posargs)


@nox.session(python=PYTHON)
def compare(session: nox.Session) -> None:
    """Compare two recordings (-- DIR_A DIR_B; default: the committed signalwire and twilio ones): the requirements
    whose verdicts differ, then the answers and callbacks that differ field by field."""
    _install(session)
    session.run(SUITE, "compare", *(session.posargs or CASSETTES.values()))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the project's own tests (the spec, the checks, the reference endpoint and every named fault)."""
    _install(session, "dev")
    # pytest-xdist: each file's tests on one worker, the fault matrix split by fault run (the groups are set in
    # tests/conftest.py). Two workers a core: many suite runs wait on a call's progress part of their time.
    parallel = ["-n", str(2 * (os.cpu_count() or 1)), "--dist", "loadgroup"]
    session.run("python", "-m", "pytest", "tests", *parallel, *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff (lint and format) on the code; the import contract (what may import what) and mypy (the types), both
    configured in pyproject.toml; Redocly on both profiles of the spec (needs npx)."""
    _install(session, "dev")
    session.run("ruff", "check", *CODE)
    session.run("ruff", "format", "--check", *CODE)
    session.run("lint-imports")
    session.run("mypy")
    twilio = session.create_tmp() + "/calls.twilio.json"
    session.run("python", "-m", "conformance.core.spec", "twilio", "-o", twilio)
    for document in ("spec/calls.yaml", twilio):
        session.run("npx", "--yes", REDOCLY, "lint", "--config", "redocly.yaml", document, external=True)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The documentation site: the generated reference pages checked against the code (docs/generate.py --check;
    regenerate with `python docs/generate.py`), then `mkdocs build --strict` (a broken link fails) into site/."""
    _install(session, "docs")
    session.run("python", "docs/generate.py", "--check")
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session(name="spec-tools", python=PYTHON)
def spec_tools(session: nox.Session) -> None:
    """Plain Schemathesis, and the suite through a Prism proxy, against the reference endpoint (npm; -- --profile P)."""
    _install(session)
    tmp = Path(session.create_tmp()).resolve()
    prism = tmp / "prism"  # kept between runs, so a second run installs nothing
    session.run(
        "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prism), PRISM, external=True
    )
    shutil.rmtree(tmp / "run", ignore_errors=True)  # logs and reports of the last run only
    session.run(
        "python",
        "spec-tools/run.py",
        "--prism",
        str(prism / "node_modules/.bin/prism"),
        "--work",
        str(tmp / "run"),
        *session.posargs,
    )


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The speed figures against their goals (benchmarks/bench.py; -- --runs N, --json PATH, --with-tests): each
    command's median wall time, HTTP exchanges and CPU time per exchange, written to reports/bench.json. The dev
    extra brings nox, which times the nox sessions from inside this one."""
    _install(session, "dev")
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session(python=PYTHON)
def reference(session: nox.Session) -> None:
    """Start the embedded reference endpoint alone (-- --port N [--profile twilio]) and print its CALLS_* settings."""
    _install(session)
    session.run("python", "-m", "conformance.reference", *session.posargs)
