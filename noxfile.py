"""Sessions CI and people use: the conformance run, recording and replaying it, comparing two recordings, the
project's tests, lint, the standard spec tools, and the reference endpoint alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
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
    only pyproject.toml (dependencies, entry points, packages) can make it stale.

    The session's Python processes keep their bytecode (`__pycache__`, ignored by git) even where the environment
    says not to write it (PYTHONDONTWRITEBYTECODE): else every interpreter of a session compiles the suite again,
    and every pytest session rewrites the asserts of its plugins' packages (some 500 modules) again, two seconds
    of each of `nox -s tests`' workers."""
    session.env["PYTHONDONTWRITEBYTECODE"] = ""
    target = f".[{','.join(extras)}]" if extras else "."
    stamp = hashlib.sha256(Path("pyproject.toml").read_bytes() + target.encode()).hexdigest()
    location = getattr(session.virtualenv, "location", None)
    # No venv of its own (--no-venv, or NOX_DEFAULT_VENV_BACKEND=none as in .ci/run): nox's environment has it.
    if location is None:
        session.log(f"no venv of the session's own: {target} as installed where nox runs")
        return
    marker = Path(location, "calls-conformance.installed")
    if marker.is_file() and marker.read_text() == stamp:
        session.log(f"{target} already installed from this pyproject.toml")
        return
    session.install("-e", target)
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
    `-- --calls-cassette-dir=DIR` names, with the network closed but to loopback: no endpoint, no credentials.

    The two replays run at once (each is one busy process, and they share nothing); their outputs are shown one
    after the other, and the reports left in the report directory are the last one's, as if they had run in
    turn (the others' go to the session's temporary directory)."""
    _install(session)
    if _names_directory(session):
        session.run(SUITE, "--calls-cassettes=replay", *session.posargs)
        return
    directories = list(CASSETTES.values())
    spare = Path(session.create_tmp()).resolve()
    commands = [
        [SUITE, "--calls-cassettes=replay", f"--calls-cassette-dir={d}", *session.posargs]
        + (
            []
            if d == directories[-1]
            else [f"--calls-report-dir={spare / ('reports-' + d.replace('/', '-'))}"]
        )
        for d in directories
    ]
    _concurrently(session, commands)


def _concurrently(session: nox.Session, commands: list[list[str]]) -> None:
    """Run the commands (in the session's environment) at once; show each one's output in order, then fail the
    session if any failed, as `session.run` would have."""
    env = {**os.environ, **{k: v for k, v in session.env.items() if v is not None}}
    try:
        env["PATH"] = session.bin + os.pathsep + env.get("PATH", "")
        env["VIRTUAL_ENV"] = str(session.virtualenv.location)
    except ValueError:  # --no-venv: the commands of the interpreter running nox
        pass

    def one(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    with ThreadPoolExecutor(len(commands)) as pool:
        done = list(pool.map(one, commands))
    for command, process in zip(commands, done, strict=True):
        session.log(" ".join(command))
        print(process.stdout, end="", flush=True)
        print(process.stderr, end="", flush=True)
    failed = [" ".join(c) for c, p in zip(commands, done, strict=True) if p.returncode != 0]
    if failed:
        session.error(f"failed: {'; '.join(failed)}")


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
    # pytest-xdist: each file's tests on one worker, the fault matrix split by fault run (the groups: in
    # tests/xdist_groups.py). Three workers a core: most of the suite runs made in the workers (in their own
    # interpreter, tests/conftest.py) wait on calls' progress part of their time.
    parallel = ["-n", str(3 * (os.cpu_count() or 1)), "--dist", "loadgroup"]
    session.run("python", "-m", "pytest", "tests", *parallel, *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff (lint and format) on the code; the import contract (what may import what) and mypy (the types), both
    configured in pyproject.toml; Redocly on both profiles of the spec (needs npm)."""
    _install(session, "dev")
    session.run("ruff", "check", *CODE)
    session.run("ruff", "format", "--check", *CODE)
    session.run("lint-imports")
    session.run("mypy")
    twilio = session.create_tmp() + "/calls.twilio.json"
    session.run("python", "-m", "conformance.core.spec", "twilio", "-o", twilio)
    redocly = _node_tools(session) / "redocly"
    for document in ("spec/calls.yaml", twilio):
        session.run(str(redocly), "lint", "--config", "redocly.yaml", document, external=True)


def _node_tools(session: nox.Session) -> Path:
    """The `node_modules/.bin` holding Redocly and Prism, installed once for every session (nox's shared cache,
    `.nox/.cache/node`): one npm install, preferring npm's own cache, and none at all once both are there."""
    prefix = Path(session.cache_dir, "node").resolve()
    tools = prefix / "node_modules" / ".bin"
    if not ((tools / "redocly").exists() and (tools / "prism").exists()):
        session.run(
            "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefer-offline", "--prefix", str(prefix),
            REDOCLY, PRISM, external=True,
        )  # fmt: skip
    return tools


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
    prism = _node_tools(session) / "prism"
    work = Path(session.create_tmp()).resolve() / "run"
    shutil.rmtree(work, ignore_errors=True)  # logs and reports of the last run only
    session.run("python", "spec-tools/run.py", "--prism", str(prism), "--work", str(work), *session.posargs)


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
