"""Endpoint behaviour is judged, never errored: against an endpoint answering every request with a random
documented status and the spec's example body, the run is carried out and found not conformant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.common.loopback import LoopbackServer
from tests.conftest import SuiteRun, run_suite
from tests.random_endpoint import ACCOUNT, TOKEN, random_endpoint


@pytest.fixture(scope="module")
def random_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteRun]:
    with LoopbackServer(random_endpoint(), name="random-endpoint") as server:
        env = {
            "CALLS_BASE_URL": f"{server.origin}/api/laml/2010-04-01",
            "CALLS_ACCOUNT_SID": ACCOUNT,
            "CALLS_AUTH_TOKEN": TOKEN,
            "CALLS_MAX_CALLS": "30",
            "CALLS_DEADLINE": "2",
        }
        yield run_suite(tmp_path_factory.mktemp("random"), env=env, timeout=300)


def test_a_random_endpoint_is_not_conformant_and_no_suite_test_errors(random_run: SuiteRun) -> None:
    report = random_run.report
    assert report is not None, random_run.stdout[-3000:]
    assert (report["verdict"], report["exit_status"], random_run.returncode) == ("not-conformant", 1, 1), (
        report["reason"] + "\n" + random_run.stdout[-4000:]
    )
    output = random_run.stdout + random_run.stderr
    assert " error" not in output.splitlines()[-2] and "Traceback" not in output, output[-4000:]
    assert TOKEN not in random_run.artefacts()


def test_every_failure_of_the_random_endpoint_shows_what_was_judged(random_run: SuiteRun) -> None:
    assert random_run.report is not None
    failed = [
        r for r in random_run.report["requirements"] if r["outcome"] == "failed" and r["level"] == "MUST"
    ]
    assert failed
    for requirement in failed:
        assert "Request: " in requirement["message"] or "callback: " in requirement["message"], requirement
