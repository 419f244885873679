"""The suite pointed through CALLS_BASE_URL at a separately started reference endpoint gives the same verdict."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, SuiteRun, clean_environ, run_suite

SETTING_NAMES = (
    "CALLS_BASE_URL",
    "CALLS_ACCOUNT_SID",
    "CALLS_AUTH_TOKEN",
    "CALLS_SIGNING_KEY",
    "CALLS_TO_NUMBER",
    "CALLS_FROM_NUMBER",
)


def _start_reference(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", "--port", "0", *args],
        cwd=ROOT,
        env=clean_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    settings = {}
    for _ in SETTING_NAMES:
        name, _, value = process.stdout.readline().strip().partition("=")
        settings[name] = value
    assert tuple(settings) == SETTING_NAMES, settings
    return process, settings


@pytest.fixture(scope="module")
def reference() -> Iterator[dict[str, str]]:
    """`python -m conformance.reference --port 0` (what `nox -s reference` runs), stopped with SIGINT."""
    process, settings = _start_reference()
    yield settings
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


@pytest.fixture(scope="module")
def external_run(reference: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    # The reference endpoint prints two numbers each: the second lets the To and From filters tell calls apart.
    return run_suite(tmp_path_factory.mktemp("external"), env={**reference, "CALLS_MAX_CALLS": "200"})


def test_same_verdict_as_the_embedded_run(external_run: SuiteRun, clean_run: SuiteRun) -> None:
    assert external_run.returncode == clean_run.returncode == 0, external_run.stdout[-4000:]
    assert external_run.report["target"]["mode"] == "external"
    external, embedded = external_run.outcomes(), clean_run.outcomes()
    assert (
        [i for i, o in external.items() if o == "failed"]
        == [i for i, o in embedded.items() if o == "failed"]
        == []
    )
    # Neither may pass what the other fails or disables; with two numbers each, the external run judges everything.
    assert {i for i, o in external.items() if o == "disabled"} == {
        i for i, o in embedded.items() if o == "disabled"
    }
    skipped = {i: o for i, o in external.items() if o == "skipped"}
    assert skipped == {}, skipped


def test_same_failure_with_a_fault(tmp_path) -> None:
    process, settings = _start_reference("--fault", "call-alias-to")
    try:
        external = run_suite(
            tmp_path / "external",
            env={**settings, "CALLS_MAX_CALLS": "50"},
            args=["--calls-only", "CALL-ALIAS-TO"],
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    embedded = run_suite(
        tmp_path / "embedded",
        args=["--calls-reference-fault", "call-alias-to", "--calls-only", "CALL-ALIAS-TO"],
    )
    assert external.returncode == embedded.returncode == 1
    assert external.outcome("CALL-ALIAS-TO") == embedded.outcome("CALL-ALIAS-TO") == "failed"


def test_credentials_never_appear_in_output_or_reports(
    external_run: SuiteRun, reference: dict[str, str]
) -> None:
    token, key, account = (
        reference[n] for n in ("CALLS_AUTH_TOKEN", "CALLS_SIGNING_KEY", "CALLS_ACCOUNT_SID")
    )
    basic = base64.b64encode(f"{account}:{token}".encode()).decode()
    text = external_run.artefacts()
    assert external_run.report is not None and len(text) > 1000
    near = (token[:-1], token.swapcase(), base64.b64encode(f"{account}:{token.swapcase()}".encode()).decode())
    for secret in (token, key, basic, base64.b64encode(token.encode()).decode(), *near):
        assert secret not in text


def test_read_only_external_run_creates_no_call(reference: dict[str, str], tmp_path) -> None:
    """Without CALLS_MAX_CALLS an external endpoint is read-only: creating requirements are skipped."""
    run = run_suite(tmp_path, env=dict(reference))
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.outcome("CREATE-2XX") == "skipped"
    assert "calls created: 0" in run.stdout
    assert os.path.exists(tmp_path / "report.md")
