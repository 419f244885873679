"""Where the callback receiver listens (CALLS_CALLBACK_LISTEN), its pre-flight through CALLS_CALLBACK_URL, and the
progress board that shows what running scenarios wait on."""

from __future__ import annotations

import pytest

from conformance.common.loopback import LoopbackServer
from conformance.core.clock import Clock
from conformance.plan.progress import Progress
from conformance.pytest.terminal import ProgressLine
from conformance.receiver import CallbackReceiver
from conformance.reference import ReferenceEndpoint
from tests.conftest import closed_port
from tests.forwarder import forwarding


def test_a_receiver_on_every_address_is_reached_through_loopback() -> None:
    with CallbackReceiver(Clock(), host="0.0.0.0") as receiver:
        assert receiver.listening.startswith("http://0.0.0.0:")
        assert receiver.base_url == receiver.listening.replace("0.0.0.0", "127.0.0.1")
        assert receiver.preflight(timeout=5) is None


def test_the_preflight_passes_through_a_forwarder() -> None:
    port = closed_port()
    with forwarding(port) as tunnel:
        public = f"http://127.0.0.1:{tunnel.port}"
        with CallbackReceiver(Clock(), public, port=port) as receiver:
            assert receiver.base_url == public
            assert receiver.preflight(timeout=5) is None
        assert tunnel.connections >= 1


def test_the_preflight_names_a_url_that_leads_nowhere() -> None:
    with CallbackReceiver(Clock(), f"http://127.0.0.1:{closed_port()}") as receiver:
        reason = receiver.preflight(timeout=5)
    assert reason is not None and "through CALLS_CALLBACK_URL did not reach" in reason
    assert "ConnectError" in reason


def test_the_preflight_is_not_fooled_by_another_server_answering() -> None:
    """Only this receiver's own nonce counts: another receiver answering 2xx at the URL is not this one."""
    with CallbackReceiver(Clock()) as other, CallbackReceiver(Clock(), other.base_url) as receiver:
        reason = receiver.preflight(timeout=5)
    assert reason is not None and "by something else" in reason


def test_the_reference_endpoint_still_listens_on_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ReferenceEndpoint(host="0.0.0.0")
    with pytest.raises(ValueError, match="loopback"):
        LoopbackServer(object(), host="0.0.0.0")


class _Screen:
    """A terminal that is not one (a CI log): records the lines written."""

    tty = False

    def __init__(self) -> None:
        self.written: list[str] = []

    def lines(self, lines: list[str]) -> None:
        self.written += lines


def test_the_board_sums_up_what_scenarios_wait_on() -> None:
    clock = Clock()
    board = Progress(clock)
    with board.shown(["scenario:a", "scenario:b", "scenario:c"]):
        with clock.acting_as("scenario:a"), board.waiting("in-progress"):
            with clock.acting_as("scenario:b"):
                board.note("done")
            line = board.line()
        assert line.startswith("3 scenarios, 0 s: ")
        assert "1 waiting for in-progress" in line and "1 running" in line and "1 done" in line


def test_progress_in_a_log_is_a_line_every_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr("conformance.pytest.terminal.time.monotonic", lambda: now[0])
    screen = _Screen()
    progress = ProgressLine(screen, every=5.0)  # type: ignore[arg-type]
    for step in range(40):  # 20 s of updates, twice a second
        now[0] = 100.0 + step / 2
        progress.update(f"line {step}")
    assert screen.written == ["line 10", "line 20", "line 30"]
