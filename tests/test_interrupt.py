"""Ctrl-C in the middle of a run leaves no call the run created un-ended on the endpoint, exits 2 and writes the
reports of a run not carried out."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import httpx

from tests.conftest import ROOT, clean_environ, suite_command
from tests.test_external import _start_reference

ACTIVE = {"queued", "ringing", "in-progress"}


def _calls(settings: dict[str, str]) -> list[dict]:
    auth = (settings["CALLS_ACCOUNT_SID"], settings["CALLS_AUTH_TOKEN"])
    url = f"{settings['CALLS_BASE_URL']}/Accounts/{settings['CALLS_ACCOUNT_SID']}/Calls"
    return httpx.get(url, params={"PageSize": 1000}, auth=auth, timeout=5).json()["calls"]


def test_interrupted_run_ends_its_calls(tmp_path) -> None:
    reference, settings = _start_reference("--timings", "live")
    try:
        env = clean_environ({**settings, "CALLS_MAX_CALLS": "50"})
        suite = subprocess.Popen(
            suite_command(tmp_path),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not any(c["status"] in ACTIVE for c in _calls(settings)):
            assert suite.poll() is None, "the run ended before any call was up"
            assert time.monotonic() < deadline, "no call came up within 60 s"
            time.sleep(0.1)
        suite.send_signal(signal.SIGINT)
        output, _ = suite.communicate(timeout=60)
        assert suite.returncode == 2, output[-3000:]
        report = json.loads((tmp_path / "conformance.json").read_text())
        assert (report["verdict"], report["exit_status"]) == ("not-carried-out", 2)
        assert "interrupted" in report["reason"], report["reason"]
        assert {r["outcome"] for r in report["requirements"]} <= {"skipped", "disabled"}
        calls = _calls(settings)
        assert calls, "the run created no call"
        assert [c["sid"] for c in calls if c["status"] in ACTIVE] == [], output[-3000:]
    finally:
        reference.send_signal(signal.SIGINT)
        reference.wait(timeout=15)
