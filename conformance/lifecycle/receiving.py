"""What the scenarios that involve the callback receiver share: waiting (bounded) for captures of one token,
and following a call through the API until it ends.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from conformance.core.bodies import json_body
from conformance.core.clock import Deadline
from conformance.core.polling import backoff, poll
from conformance.core.statuses import ENDED
from conformance.harness.harness import Harness

if TYPE_CHECKING:
    from conformance.core.capture import Capture
    from conformance.receiver import CallbackReceiver

__all__ = ["Followed", "follow", "wait_for"]

# How often a wait asks the embedded endpoint whether a call is settled.
_SETTLE_LOOK = 0.02


@dataclasses.dataclass
class Followed:
    """A call followed through the API: the distinct statuses seen in order, the status it ended in (None: it did
    not end in time) and the Call object the last fetch showed."""

    seen: list[str]
    final: str | None
    call: dict[str, Any] | None


def wait_for(
    harness: Harness,
    receiver: CallbackReceiver,
    token: str,
    predicate: Callable[[list[Capture]], bool],
    timeout: float,
    call_sid: str | None = None,
) -> bool:
    """Wait until `predicate(this token's captures)` holds, `timeout` passes or the run stops (a replay has
    every capture already, so it looks once). Given the call the captures are of, and an endpoint that can say so
    (the embedded one: `harness.settled`), the wait also ends once the endpoint has nothing more to send for the
    call: what has not arrived by then never will, so the predicate is looked at once more and decides."""
    timer = harness.clock.timer(timeout)
    settled = harness.settled if call_sid is not None else None

    def holds(captures: Iterable[Capture]) -> bool:
        return predicate([c for c in captures if c.token == token])

    while True:
        if receiver.log.wait(holds, timeout=min(0.5 if settled is None else _SETTLE_LOOK, timer.remaining())):
            return True
        if settled is not None and call_sid is not None and settled(call_sid, 0.0):
            return holds(receiver.captures(token))
        if timer.passed() or harness.stopping.is_set():
            return False


def follow(harness: Harness, sid: str, until: Deadline, pause: Callable[[float], None]) -> Followed:
    """Poll the call until it ends or `until` passes; between polls `pause(seconds)` waits (it may return early,
    when a callback says the call has ended)."""
    followed = Followed([], None, None)

    def step() -> bool | None:
        body = json_body(harness.client.fetch_call(sid))
        status = body.get("status") if isinstance(body, dict) else None
        if isinstance(status, str):
            followed.call = body
            if not followed.seen or followed.seen[-1] != status:
                followed.seen.append(status)
        return True if isinstance(status, str) and status in ENDED else None

    def wait(seconds: float) -> bool:
        if harness.stopping.is_set():
            return True
        pause(min(seconds, until.remaining()))
        return False

    if poll(step, until, wait, backoff(0.05, 1.5, 1.0)):
        followed.final = followed.seen[-1]
    return followed
