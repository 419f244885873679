"""The verdict and exit status CI acts on, through the `calls-conformance` command and through nox, for every
state a run can end in; the reports always agree with each other and with the terminal's last line.

| case | verdict | exit |
|---|---|---|
| refused connection, hanging endpoint, settings error, stale cassettes | not-carried-out | 2 |
| read-only external run (CALLS_MAX_CALLS=0) | partial | 0 (1 under CALLS_STRICT) |
| faulty endpoint | not-conformant | 1 |
| clean endpoint | conformant | 0 |

nox exits 1 for any failed session, so its runs are judged by conformance.json (nox runs the session without a
virtualenv of its own: the test's interpreter already has the package, and its `calls-conformance`).

The command's runs are made in the test's interpreter, through the function the console script calls
(`conformance.cli.main`, tests/conftest.py); one test runs the installed console script itself.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, SuiteRun, clean_environ, closed_port, run_in_process
from tests.test_external import _start_reference

BIN = Path(sys.executable).parent
COMMAND = shutil.which("calls-conformance", path=str(BIN)) or "calls-conformance"
FAULT = ["--calls-reference-fault", "call-alias-to", "--calls-only", "CALL-ALIAS-TO"]
ACCOUNT = "0f8e3c1a-8d4b-4f62-9a3e-2b7c6d5e4f10"


def _external(base_url: str) -> dict[str, str]:
    return {
        "CALLS_BASE_URL": base_url,
        "CALLS_ACCOUNT_SID": ACCOUNT,
        "CALLS_AUTH_TOKEN": "t0ken",
        "CALLS_DEADLINE": "3",
    }


def _run(
    tmp_path: Path, args: Sequence[str], env: dict[str, str], *, nox: bool = False
) -> tuple[int, str, Path]:
    """`calls-conformance ARGS` (in this interpreter), or `nox -s conformance -- ARGS` (a process): the exit
    status, the output (standard output, then standard error) and the report directory."""
    reports = tmp_path / "reports"
    suite_args = [f"--calls-report-dir={reports}", *args]
    if not nox:
        status, stdout, stderr = run_in_process(suite_args, env)
        return status, stdout + stderr, reports
    command = [
        sys.executable,
        "-m",
        "nox",
        "-s",
        "conformance",
        "--no-venv",
        "--no-install",
        "--",
        *suite_args,
    ]
    environ = clean_environ(env)
    environ["PATH"] = f"{BIN}{os.pathsep}{environ.get('PATH', '')}"
    process = subprocess.run(
        command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300, check=False
    )
    return process.returncode, process.stdout + process.stderr, reports


def _agreed(reports: Path, output: str) -> dict[str, Any]:
    """conformance.json, with junit.xml, report.md and the terminal's verdict line checked against it."""
    document = json.loads((reports / "conformance.json").read_text())
    verdict, status, reason = document["verdict"], document["exit_status"], document["reason"]
    junit = ET.parse(reports / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert (properties["verdict"], properties["exit_status"]) == (verdict, str(status))
    assert junit.get("errors") == ("1" if verdict == "not-carried-out" else "0")
    assert junit.get("failures") == str(document["summary"]["failed"])
    assert f"**{verdict.upper()}**: {reason}" in (reports / "report.md").read_text()
    page = (reports / "report.html").read_text()
    assert f"<strong>{verdict.upper()}</strong>: {html.escape(reason)} (exit status {status})" in page
    assert f"calls-conformance verdict: {verdict.upper()}: {reason} (exit {status})" in output
    if verdict == "not-carried-out":
        assert {r["outcome"] for r in document["requirements"]} <= {"skipped", "disabled"}
    return document


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, str]]:
    process, settings = _start_reference()
    yield settings
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def stale_cassettes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed cassettes with one recorded exchange taken out: a replay asks for what they do not hold."""
    directory = tmp_path_factory.mktemp("stale") / "cassettes"
    shutil.copytree(ROOT / "cassettes", directory)
    path = directory / "test_errors.yaml"
    document = yaml.safe_load(path.read_text())
    del document["interactions"][0]
    path.write_text(yaml.safe_dump(document))
    return directory


def _case(
    name: str, reference: dict[str, str], stale: Path, hanging: str
) -> tuple[list[str], dict[str, str]]:
    return {
        "refused": ([], _external(f"http://127.0.0.1:{closed_port()}/api/laml/2010-04-01")),
        "hanging": ([], _external(hanging)),
        "settings": ([], {"CALLS_PROFILE": "plivo"}),
        "stale": (["--calls-cassettes=replay", f"--calls-cassette-dir={stale}"], {}),
        "read-only": ([], dict(reference)),
        "read-only-strict": ([], {**reference, "CALLS_STRICT": "1"}),
        "faulty": (FAULT, {}),
        "clean": ([], {}),
    }[name]


REASONS = {
    "refused": "endpoint unreachable",
    "hanging": "did not answer within 3 s",
    "settings": "CALLS_PROFILE",
    "stale": "record",
    "read-only": "not judged",
}
EXPECTED = {
    "refused": ("not-carried-out", 2),
    "hanging": ("not-carried-out", 2),
    "settings": ("not-carried-out", 2),
    "stale": ("not-carried-out", 2),
    "read-only": ("partial", 0),
    "read-only-strict": ("partial", 1),
    "faulty": ("not-conformant", 1),
    "clean": ("conformant", 0),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_command_exits_with_the_verdict(
    name: str,
    tmp_path: Path,
    reference: dict[str, str],
    stale_cassettes: Path,
    hanging_endpoint: str,
    request: pytest.FixtureRequest,
) -> None:
    args, env = _case(name, reference, stale_cassettes, hanging_endpoint)
    if (
        name == "clean"
    ):  # the session's clean run (tests/conftest.py) is this very command: it is not made twice
        clean: SuiteRun = request.getfixturevalue("clean_run")
        status, output, reports = clean.returncode, clean.stdout + clean.stderr, clean.report_dir
    else:
        status, output, reports = _run(tmp_path, args, env)
    document = _agreed(reports, output)
    assert (document["verdict"], document["exit_status"], status) == (*EXPECTED[name], EXPECTED[name][1]), (
        output[-3000:]
    )
    assert output.rstrip().splitlines()[-1].startswith("calls-conformance verdict:"), output[-1000:]
    assert REASONS.get(name, "") in document["reason"]
    if name == "read-only":
        assert "CREATE-2XX" in document["unjudged"]


@pytest.mark.parametrize("name", ["settings", "refused", "read-only", "faulty"])
def test_nox_writes_the_same_verdict(
    name: str, tmp_path: Path, reference: dict[str, str], stale_cassettes: Path, hanging_endpoint: str
) -> None:
    args, env = _case(name, reference, stale_cassettes, hanging_endpoint)
    status, output, reports = _run(tmp_path, args, env, nox=True)
    document = _agreed(reports, output)
    assert (document["verdict"], document["exit_status"]) == EXPECTED[name], output[-3000:]
    assert status == (0 if EXPECTED[name][1] == 0 else 1), output[-3000:]


def test_a_usage_error_of_pytest_is_exit_2_with_reports(tmp_path: Path) -> None:
    status, output, reports = _run(tmp_path, ["--calls-reference-timings=never"], {})
    assert status == 2
    document = json.loads((reports / "conformance.json").read_text())
    assert (document["verdict"], document["exit_status"]) == ("not-carried-out", 2)
    assert (
        output.rstrip().splitlines()[-1]
        == "calls-conformance: the run could not be carried out: pytest usage error (see above)"
    )


def test_reports_go_to_the_default_directory_when_the_chosen_one_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    status, stdout, _ = run_in_process(
        ["--calls-report-dir=a-file/reports", "--calls-only", "CALL-ALIAS-TO"], cwd=tmp_path
    )
    assert status == 0, stdout[-3000:]
    assert "reports: a-file/reports could not be written; they are in reports" in stdout
    assert _agreed(tmp_path / "reports", stdout)["verdict"] == "conformant"


def test_the_console_script_exits_with_the_verdict(tmp_path: Path) -> None:
    """The installed `calls-conformance` is the function the other tests run: its process exits as it returns."""
    reports = tmp_path / "reports"
    process = subprocess.run(
        [COMMAND, f"--calls-report-dir={reports}", *FAULT],
        cwd=ROOT,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert process.returncode == 1, process.stdout[-3000:]
    assert _agreed(reports, process.stdout + process.stderr)["verdict"] == "not-conformant"
