"""Live-like runs: live timings with callbacks through a forwarder standing in for a tunnel, and a callback URL that
leads nowhere (Ctrl-C during a live-timing run: `tests/test_interrupt.py`)."""

from __future__ import annotations

from tests.conftest import SuiteRun, closed_port, run_suite
from tests.forwarder import forwarding

CALLBACK_REQUIREMENTS_WITHOUT_A_RECEIVER = {"UPDATE-REDIRECT-FETCH"}


def _not_passed(run: SuiteRun) -> dict[str, str]:
    """Each applicable requirement that did not pass: its outcome and message."""
    assert run.report is not None, run.stdout[-3000:] + run.stderr[-3000:]
    return {
        r["id"]: f"{r['outcome']}: {r['message']}"
        for r in run.report["requirements"]
        if r["outcome"] not in ("passed", "disabled")
    }


def test_live_timings_through_a_tunnel_judge_and_pass_everything(tmp_path) -> None:
    """The receiver listens on one port; the endpoint reaches it only through a forwarder on another."""
    listen = closed_port()
    with forwarding(listen) as tunnel:
        run = run_suite(
            tmp_path,
            args=["--calls-reference-timings", "live"],
            env={
                "CALLS_CALLBACK_LISTEN": f"127.0.0.1:{listen}",
                "CALLS_CALLBACK_URL": f"http://127.0.0.1:{tunnel.port}",
            },
        )
        connections = tunnel.connections
    assert _not_passed(run) == {}
    assert run.returncode == 0 and run.report is not None and run.report["verdict"] == "conformant"
    assert f"listening on http://127.0.0.1:{listen}" in run.stdout
    assert f"callbacks expected at http://127.0.0.1:{tunnel.port}" in run.stdout
    assert "callback pre-flight: reached the receiver" in run.stdout
    # The suite's pre-flight and the endpoint's documents and callbacks came through the forwarder (the endpoint knows
    # no other way to the receiver, and every CB-* requirement passed): at least two clients' connections, however
    # many requests each carried (keep-alive makes the count vary, 10 to 20 in runs seen).
    assert connections >= 2


def test_a_callback_url_that_leads_nowhere_skips_the_callback_requirements(tmp_path) -> None:
    """The pre-flight fails: every CB-* requirement (and what needs the receiver) is skipped with its reason,
    none fails, and the run is partial with exit status 0."""
    run = run_suite(tmp_path, env={"CALLS_CALLBACK_URL": f"http://127.0.0.1:{closed_port()}"})
    assert run.returncode == 0, run.stdout[-4000:]
    assert run.report is not None and run.report["verdict"] == "partial"
    requirements = {r["id"]: r for r in run.report["requirements"]}
    callback = {i for i in requirements if i.startswith("CB-")} | CALLBACK_REQUIREMENTS_WITHOUT_A_RECEIVER
    for rid in callback:
        assert requirements[rid]["outcome"] == "skipped", requirements[rid]
        assert "pre-flight request through CALLS_CALLBACK_URL did not reach" in requirements[rid]["message"]
    assert "failed" not in {r["outcome"] for r in requirements.values()}
    assert (
        "callback pre-flight: the pre-flight request through CALLS_CALLBACK_URL did not reach" in run.stdout
    )


def test_the_preflight_finding_is_replayed(tmp_path) -> None:
    """A recording made while callbacks could not reach the suite replays with the same pre-flight reason."""
    cassettes = tmp_path / "cassettes"
    only = ["--calls-only", "CB-SIGNATURE", "--calls-only", "CREATE-2XX", f"--calls-cassette-dir={cassettes}"]
    env = {"CALLS_CALLBACK_URL": f"http://127.0.0.1:{closed_port()}"}
    recorded = run_suite(tmp_path / "record", args=[*only, "--calls-cassettes=record"], env=env)
    replayed = run_suite(tmp_path / "replay", args=[*only, "--calls-cassettes=replay"])
    for run in (recorded, replayed):
        assert run.returncode == 0, run.stdout[-3000:]
        assert run.outcome("CB-SIGNATURE") == "skipped" and run.outcome("CREATE-2XX") == "passed"
        assert run.report is not None
        message = next(r["message"] for r in run.report["requirements"] if r["id"] == "CB-SIGNATURE")
        assert "pre-flight request through CALLS_CALLBACK_URL did not reach" in message
    assert "the same as the recording's" in replayed.stdout
