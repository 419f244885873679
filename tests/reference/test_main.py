"""``python -m conformance.reference``: prints the four settings, serves, exits 0 on SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KEYS = [
    "CALLS_BASE_URL",
    "CALLS_ACCOUNT_SID",
    "CALLS_AUTH_TOKEN",
    "CALLS_SIGNING_KEY",
    "CALLS_TO_NUMBER",
    "CALLS_FROM_NUMBER",
]


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_serves_until_sigint() -> None:
    process = _spawn("--port", "0")
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in KEYS]
        settings = dict(line.split("=", 1) for line in lines)
        assert list(settings) == KEYS
        # Two numbers each, the second another call's, so that the To and From filters can tell calls apart.
        assert settings["CALLS_TO_NUMBER"] == "+12025550100,+12025550101"
        assert settings["CALLS_FROM_NUMBER"] == "+12025550199,+12025550198"
        assert settings["CALLS_BASE_URL"].startswith("http://127.0.0.1:") and settings[
            "CALLS_BASE_URL"
        ].endswith("/api/laml/2010-04-01")
        url = f"{settings['CALLS_BASE_URL']}/Accounts/{settings['CALLS_ACCOUNT_SID']}/Calls.json"
        response = httpx.get(
            url, auth=(settings["CALLS_ACCOUNT_SID"], settings["CALLS_AUTH_TOKEN"]), trust_env=False
        )
        assert response.status_code == 200 and response.json()["calls"] == []
        process.send_signal(signal.SIGINT)
        start = time.monotonic()
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - start < 5
        stdout, stderr = process.communicate()
        assert "Traceback" not in stderr and stdout == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_list_faults_and_bad_arguments() -> None:
    listing = _spawn("--list-faults")
    out, _ = listing.communicate(timeout=20)
    assert listing.returncode == 0 and "call-alias-to\tCALL-ALIAS-TO\t" in out
    bad = _spawn("--fault", "no-such-fault")
    _, err = bad.communicate(timeout=20)
    assert bad.returncode == 2 and "valid names" in err and "Traceback" not in err
    remote = _spawn("--host", "0.0.0.0")
    _, err = remote.communicate(timeout=20)
    assert remote.returncode == 2 and "loopback" in err


def test_serves_the_twilio_profile_when_asked() -> None:
    process = _spawn("--port", "0", "--profile", "twilio")
    try:
        settings = dict(process.stdout.readline().rstrip("\n").split("=", 1) for _ in KEYS)
        assert (
            settings["CALLS_BASE_URL"].endswith("/2010-04-01")
            and "/api/laml" not in settings["CALLS_BASE_URL"]
        )
        assert settings["CALLS_ACCOUNT_SID"].startswith("AC") and len(settings["CALLS_ACCOUNT_SID"]) == 34
        assert settings["CALLS_SIGNING_KEY"] == settings["CALLS_AUTH_TOKEN"]
        url = f"{settings['CALLS_BASE_URL']}/Accounts/{settings['CALLS_ACCOUNT_SID']}/Calls.json"
        auth = (settings["CALLS_ACCOUNT_SID"], settings["CALLS_AUTH_TOKEN"])
        assert httpx.get(url, auth=auth, trust_env=False).json()["start"] == 0
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
