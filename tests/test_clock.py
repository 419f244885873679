"""The run's clock: repeatable identifiers per actor, and deadlines a replay answers as the recording did."""

from __future__ import annotations

import threading
import time

from conformance.core.clock import REPLAY_NONCE, Clock


def _ids(clock: Clock, actor: str) -> list[str]:
    with clock.acting_as(actor):
        return [clock.fresh_uuid(), clock.fresh_hex(4), clock.callback_token()]


def test_recording_and_replay_draw_the_same_ids_per_actor() -> None:
    actor = "test_errors/test_unknown_call_sid"
    recorded, replayed = _ids(Clock("record"), actor), _ids(Clock("replay"), actor)
    assert recorded[:2] == replayed[:2]
    # The token's nonce is random when recording (rewritten in the cassettes) and fixed in a replay.
    assert recorded[2].split("-")[1] == replayed[2].split("-")[1]
    assert replayed[2].startswith(REPLAY_NONCE) and not recorded[2].startswith(REPLAY_NONCE)
    assert _ids(Clock("replay"), "another actor")[:2] != replayed[:2]


def test_live_runs_draw_new_ids() -> None:
    assert _ids(Clock("live"), "x") != _ids(Clock("live"), "x")


def test_each_thread_has_its_own_actor() -> None:
    clock = Clock("replay")
    seen: dict[str, str] = {}

    def draw(name: str) -> None:
        with clock.acting_as(name):
            seen[name] = clock.fresh_uuid()

    threads = [threading.Thread(target=draw, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["a"] != seen["b"]
    again = Clock("replay")
    with again.acting_as("b"):
        assert again.fresh_uuid() == seen["b"]


def test_two_clocks_share_no_actor_and_no_deadline_count() -> None:
    first, second = Clock("record"), Clock("record")
    with first.acting_as("a"):
        assert second.current_actor().name == "unnamed"
        assert first.deadline(0.0).expired()
    with second.acting_as("a"):
        assert second.current_actor() is not first.actor("a")
        assert second.current_actor().checks == 0
    assert (first.expiries, second.expiries) == ({"a": [1]}, {})


def test_a_replay_never_sleeps_or_waits() -> None:
    clock = Clock("replay")
    started = time.monotonic()
    clock.sleep(5)
    assert clock.wait(threading.Event(), 5) is False
    condition = threading.Condition()
    assert clock.wait_for(condition, lambda: False, 5) is False
    assert clock.timer(5).passed()
    assert time.monotonic() - started < 1


def test_a_replay_expires_the_deadlines_the_recording_found_passed() -> None:
    recording = Clock("record")
    with recording.acting_as("poller"):
        assert not recording.deadline(60).expired()
        late = recording.deadline(0.0)
        assert late.expired() and late.expired()
    assert recording.expiries == {"poller": [2, 3]}

    replay = Clock("replay", recording.expiries)
    with replay.acting_as("poller"):
        assert not replay.deadline(60).expired()
        deadline = replay.deadline(30)
        assert deadline.expired() and deadline.expired()
    with replay.acting_as("someone else"):
        assert not replay.deadline(0.0).expired()


def test_a_replays_clock_reads_when_the_recorded_answers_arrived() -> None:
    recording = Clock("record")
    with recording.acting_as("poller"):
        stamp = recording.stamp()
    replay = Clock("replay")
    with replay.acting_as("poller"):
        assert replay.monotonic() == 0.0
        replay.arrived(stamp)
        replay.arrived("12.5 4000000000.0")
        replay.arrived("3.0 1600000000.0")  # never back
        assert (replay.monotonic(), replay.time()) == (12.5, 4000000000.0)
    with replay.acting_as("another"):
        assert replay.monotonic() == 0.0
