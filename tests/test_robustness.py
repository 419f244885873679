"""A broken endpoint gives a clear failure or harness error within the deadline: never a hang or a traceback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import SuiteRun, closed_port, run_suite

TOKEN = "robustness-token-5b1f0c"
ACCOUNT = "0f8e3c1a-8d4b-4f62-9a3e-2b7c6d5e4f10"


class _Garbage(BaseHTTPRequestHandler):
    """Answers everything 200 with text that is not JSON, echoing the Authorization header back."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = f"<html>not json {self.headers.get('Authorization')}</html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def garbage_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/laml/2010-04-01"
    server.shutdown()
    server.server_close()


def _external(base_url: str, **extra: str) -> dict[str, str]:
    return {
        "CALLS_BASE_URL": base_url,
        "CALLS_ACCOUNT_SID": ACCOUNT,
        "CALLS_AUTH_TOKEN": TOKEN,
        "CALLS_DEADLINE": "3",
        **extra,
    }


def _assert_clean_output(run: SuiteRun) -> None:
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output[-3000:]
    assert TOKEN not in run.artefacts()


def test_garbage_answers_fail_requirements_clearly(tmp_path, garbage_endpoint: str) -> None:
    started = time.monotonic()
    run = run_suite(tmp_path, env=_external(garbage_endpoint, CALLS_MAX_CALLS="5"), timeout=120)
    assert run.returncode == 1, run.stdout[-3000:]
    assert time.monotonic() - started < 120
    assert run.outcome("SCHEMA-CONTENT-TYPE") == "failed"
    assert run.outcome("LIST-ENVELOPE") == "failed"
    assert "calls-conformance verdict: NOT-CONFORMANT" in run.stdout.splitlines()[-1]
    _assert_clean_output(run)


def test_hanging_endpoint_is_a_harness_error_within_the_deadline(tmp_path, hanging_endpoint: str) -> None:
    started = time.monotonic()
    run = run_suite(tmp_path, env=_external(hanging_endpoint), timeout=60)
    elapsed = time.monotonic() - started
    assert run.returncode == 2, run.stdout[-3000:]
    assert "did not answer within 3 s" in run.stdout + run.stderr
    assert elapsed < 30
    _assert_clean_output(run)


def test_refused_connection_is_a_harness_error(tmp_path) -> None:
    run = run_suite(
        tmp_path, env=_external(f"http://127.0.0.1:{closed_port()}/api/laml/2010-04-01"), timeout=60
    )
    assert run.returncode == 2, run.stdout[-3000:]
    assert "endpoint unreachable" in run.stdout + run.stderr
    _assert_clean_output(run)


@pytest.mark.parametrize(("variable", "value"), [("CALLS_PROFILE", "plivo"), ("CALLS_DEADLINE", "-1")])
def test_bad_setting_is_a_one_line_harness_error(tmp_path, variable: str, value: str) -> None:
    run = run_suite(tmp_path, env={variable: value}, timeout=60)
    assert run.returncode == 2
    reason = [
        line for line in (run.stdout + run.stderr).splitlines() if "calls-conformance: configuration" in line
    ]
    assert reason and variable in reason[0], run.stdout[-2000:]
    _assert_clean_output(run)


def test_external_endpoint_without_credentials_is_refused(tmp_path) -> None:
    run = run_suite(tmp_path, env={"CALLS_BASE_URL": "http://127.0.0.1:9/api/laml/2010-04-01"}, timeout=60)
    assert run.returncode == 2 and "CALLS_ACCOUNT_SID" in run.stdout + run.stderr
