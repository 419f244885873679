"""Actors and the clock seam: repeatable identifiers, and deadlines a replay answers as the recording did."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from conformance.actors import CLOCK, REPLAY_NONCE, acting_as, callback_token, fresh_hex, fresh_uuid


@pytest.fixture(autouse=True)
def live_afterwards() -> Iterator[None]:
    yield
    CLOCK.configure("live")


def _ids(mode: str, actor: str) -> list[str]:
    CLOCK.configure(mode)
    with acting_as(actor):
        return [fresh_uuid(), fresh_hex(4), callback_token()]


def test_recording_and_replay_draw_the_same_ids_per_actor() -> None:
    recorded, replayed = _ids("record", "test_errors/test_unknown_call_sid"), _ids("replay", "test_errors/test_unknown_call_sid")
    assert recorded[:2] == replayed[:2]
    # The token's nonce is random when recording (rewritten in the cassettes) and fixed in a replay.
    assert recorded[2].split("-")[1] == replayed[2].split("-")[1]
    assert replayed[2].startswith(REPLAY_NONCE) and not recorded[2].startswith(REPLAY_NONCE)
    assert _ids("replay", "another actor")[:2] != replayed[:2]


def test_live_runs_draw_new_ids() -> None:
    assert _ids("live", "x") != _ids("live", "x")


def test_each_thread_has_its_own_actor() -> None:
    CLOCK.configure("replay")
    seen: dict[str, str] = {}

    def draw(name: str) -> None:
        with acting_as(name):
            seen[name] = fresh_uuid()

    threads = [threading.Thread(target=draw, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["a"] != seen["b"]
    CLOCK.configure("replay")
    with acting_as("b"):
        assert fresh_uuid() == seen["b"]


def test_a_replay_never_sleeps_or_waits() -> None:
    CLOCK.configure("replay")
    started = time.monotonic()
    CLOCK.sleep(5)
    assert CLOCK.wait(threading.Event(), 5) is False
    condition = threading.Condition()
    assert CLOCK.wait_for(condition, lambda: False, 5) is False
    assert CLOCK.timer(5).passed()
    assert time.monotonic() - started < 1


def test_a_replay_expires_the_deadlines_the_recording_found_passed() -> None:
    CLOCK.configure("record")
    with acting_as("poller"):
        assert not CLOCK.deadline(60).expired()
        late = CLOCK.deadline(0.0)
        assert late.expired() and late.expired()
    assert CLOCK.expiries == {"poller": [2, 3]}

    CLOCK.configure("replay", CLOCK.expiries)
    with acting_as("poller"):
        assert not CLOCK.deadline(60).expired()
        deadline = CLOCK.deadline(30)
        assert deadline.expired() and deadline.expired()
    with acting_as("someone else"):
        assert not CLOCK.deadline(0.0).expired()


def test_a_replays_clock_reads_when_the_recorded_answers_arrived() -> None:
    CLOCK.configure("record")
    with acting_as("poller"):
        stamp = CLOCK.stamp()
    CLOCK.configure("replay")
    with acting_as("poller"):
        assert CLOCK.monotonic() == 0.0
        CLOCK.arrived(stamp)
        CLOCK.arrived("12.5 4000000000.0")
        CLOCK.arrived("3.0 1600000000.0")  # never back
        assert (CLOCK.monotonic(), CLOCK.time()) == (12.5, 4000000000.0)
    with acting_as("another"):
        assert CLOCK.monotonic() == 0.0
